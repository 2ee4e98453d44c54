// Scores the extractor on PolNeAR-format data (text/, attributions/, metadata.tsv).
//
//   npm run eval:extraction                     5-fold cross-validation on ../shared/polnear/train (each fold
//                                               scored by a tagger trained on the other four), then the
//                                               committed model on ../shared/polnear/dev
//   npm run eval:extraction -- <dir>            the committed model on one directory
//   npm run eval:extraction -- <dir> --cv <n>   n-fold cross-validation on one directory
//   options: --details <file> (misses, false quotes, wrong speakers), --rules (nothing learned),
//            --no-boundaries (no learned partial-quote boundaries), --model <file> (score these weights instead of the committed ones),
//            --no-write (do not rewrite bench/results/extraction.md)
//
// Definitions (those of issue #6, unchanged):
// - gold quotes: Content spans containing a double quotation mark (" “ ”); a discontinuous span
//   counts from its first start to its last end. Predicted quotes: DIRECT_QUOTE + PARTIAL_QUOTE.
// - match: intersection/union of character ranges >= 0.5, one-to-one, best overlap first.
// - exact match: matched pairs whose texts are equal after trimming surrounding punctuation/space.
// - speaker accuracy: over matched pairs whose gold Source contains a proper name, the share whose
//   speakerName (or speakerLabel) contains that name's surname (last capitalised token).
// - paraphrases: gold contents without quotation marks vs predicted PARAPHRASE statements.
// - all attributions: every gold content vs every predicted statement, whatever the kind.
// - articles with several annotator files are scored against each file with weight 1/n, so every
//   article counts once (counts may therefore be fractional).
// - folds: article i of the name-sorted list goes to fold i mod n; training uses the other folds.
// - timing: one warm-up pass over all articles, then the median of 5 runs per article.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { type ExtractOptions, defaultBoundaries, defaultTagger, extract } from '../src/extract/index.js';
import { trainBoundaryChooser } from '../src/extract/train-boundaries.js';
import { type SerializedTagger, deserializeTagger } from '../src/extract/tagger.js';
import { trainTagger } from '../src/extract/train-tagger.js';
import type { Extraction, ExtractedStatement, TextSpan } from '../src/extract/types.js';
import { type Article, type GoldAttribution, loadArticles, publisherOf, trainingArticles } from './lib/polnear.js';

// Issue #6 counted " “ ” only; archive text (most NYT articles) writes “ as '' and those are quotes too.
// --issue6-marks scores with the old definition, for comparison.
const QUOTE_MARK = process.argv.includes('--issue6-marks') ? /["“”]/ : /["“”]|''/;

/** Matched / gold / predicted counts of one kind of statement, and speaker checks on the matches. */
interface Counts {
  gold: number;
  predicted: number;
  matched: number;
  exact: number;
  speakerEligible: number;
  speakerCorrect: number;
}

interface Tally {
  quotes: Counts;
  paraphrases: Counts;
  all: Counts;
}

function emptyCounts(): Counts {
  return { gold: 0, predicted: 0, matched: 0, exact: 0, speakerEligible: 0, speakerCorrect: 0 };
}

function emptyTally(): Tally {
  return { quotes: emptyCounts(), paraphrases: emptyCounts(), all: emptyCounts() };
}

function addTally(into: Tally, from: Tally): void {
  for (const key of ['quotes', 'paraphrases', 'all'] as const)
    for (const field of Object.keys(into[key]) as (keyof Counts)[]) into[key][field] += from[key][field];
}

function overlap(a: TextSpan, b: TextSpan): number {
  const intersection = Math.min(a.end, b.end) - Math.max(a.start, b.start);
  if (intersection <= 0) return 0;
  return intersection / (Math.max(a.end, b.end) - Math.min(a.start, b.start));
}

/** One-to-one matching, best overlap first; returns [goldIndex, predictedIndex] pairs. */
function matchSpans(gold: TextSpan[], predicted: TextSpan[]): [number, number][] {
  const candidates: { gold: number; predicted: number; score: number }[] = [];
  gold.forEach((goldSpan, goldIndex) =>
    predicted.forEach((predictedSpan, predictedIndex) => {
      const score = overlap(goldSpan, predictedSpan);
      if (score >= 0.5) candidates.push({ gold: goldIndex, predicted: predictedIndex, score });
    }),
  );
  candidates.sort((a, b) => b.score - a.score || a.gold - b.gold || a.predicted - b.predicted);
  const usedGold = new Set<number>();
  const usedPredicted = new Set<number>();
  const pairs: [number, number][] = [];
  for (const candidate of candidates) {
    if (usedGold.has(candidate.gold) || usedPredicted.has(candidate.predicted)) continue;
    usedGold.add(candidate.gold);
    usedPredicted.add(candidate.predicted);
    pairs.push([candidate.gold, candidate.predicted]);
  }
  return pairs;
}

function trimPunctuation(text: string): string {
  return text.replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '').replace(/\s+/g, ' ');
}

const NOT_NAME_WORDS = new Set(
  'the a an he she it they we i his her their its this that these those some one mr mrs ms dr sen gov rep del rev gen lt col president vice senator governor secretary representative congressman congresswoman mayor chairman chairwoman speaker judge justice director minister ambassador'.split(
    ' ',
  ),
);

const PREPOSITIONS = new Set(['of', 'at', 'for', 'from', 'in', 'with', 'on', 'to']);

/**
 * The proper name in a gold Source, if any: parentheticals dropped, then the first comma-separated
 * chunk holding a run of capitalised words that is not a possessor ("Clinton's") and not only a
 * pronoun/determiner/title; in that chunk the last such run before any prepositional phrase that
 * follows a name ("Ms. Brook of the Harbor Trust" → Brook). Its surname is the run's last token.
 */
function sourceSurname(source: string): string | null {
  const withoutParentheses = source.replace(/\([^)]*\)/g, ' ');
  for (const chunk of withoutParentheses.split(/,|—|--/)) {
    const words = chunk.match(/[\p{L}\p{N}][\p{L}\p{N}'’.-]*/gu) ?? [];
    let surname: string | null = null;
    let run: string[] = [];
    const closeRun = (): void => {
      const meaningful = run.filter((word) => !NOT_NAME_WORDS.has(word.toLowerCase().replace(/\.$/, '')));
      if (meaningful.length > 0) surname = meaningful[meaningful.length - 1]!;
      run = [];
    };
    for (const word of words) {
      if (!/^\p{Lu}/u.test(word)) {
        closeRun();
        // "Ms. Brook of the Harbor Trust": a name followed by a prepositional phrase ends there
        if (surname !== null && PREPOSITIONS.has(word.toLowerCase())) break;
        continue;
      }
      if (/['’]s?$/u.test(word)) {
        run = []; // a possessor is not the source
        continue;
      }
      run.push(word.replace(/\.$/, ''));
    }
    closeRun();
    if (surname !== null) return surname;
  }
  return null;
}

function speakerMatches(statement: ExtractedStatement, surname: string): boolean {
  const words = `${statement.speakerName ?? ''} ${statement.speakerLabel ?? ''}`
    .toLowerCase()
    .replace(/’/g, "'")
    .split(/[^\p{L}\p{N}.'-]+/u)
    .map((word) => word.replace(/['’]s$/u, '').replace(/\.$/, ''));
  return words.includes(surname.toLowerCase().replace(/’/g, "'").replace(/'s$/u, ''));
}

/** Scores one kind: gold attributions against predicted statements; writes details when asked. */
function scoreKind(
  article: Article,
  gold: GoldAttribution[],
  predicted: ExtractedStatement[],
  weight: number,
  counts: Counts,
  label: string,
  details: string[] | null,
): void {
  const body = article.body;
  const pairs = matchSpans(
    gold.map((attribution) => attribution.content),
    predicted.map((statement) => statement.span),
  );
  counts.gold += weight * gold.length;
  counts.predicted += weight * predicted.length;
  counts.matched += weight * pairs.length;
  for (const [goldIndex, predictedIndex] of pairs) {
    const attribution = gold[goldIndex]!;
    const statement = predicted[predictedIndex]!;
    if (
      trimPunctuation(body.slice(attribution.content.start, attribution.content.end)) === trimPunctuation(body.slice(statement.span.start, statement.span.end))
    )
      counts.exact += weight;
    const surname = attribution.source ? sourceSurname(body.slice(attribution.source.start, attribution.source.end)) : null;
    if (surname === null) continue;
    counts.speakerEligible += weight;
    if (speakerMatches(statement, surname)) counts.speakerCorrect += weight;
    else
      details?.push(
        `${label} SPEAKER ${article.name}: gold=${JSON.stringify(body.slice(attribution.source!.start, attribution.source!.end))} predicted=${statement.speakerName ?? `label:${statement.speakerLabel}`} :: ${body.slice(statement.span.start, statement.span.start + 80).replace(/\n/g, ' ')}`,
      );
  }
  if (details === null) return;
  const matchedGold = new Set(pairs.map(([goldIndex]) => goldIndex));
  const matchedPredicted = new Set(pairs.map(([, predictedIndex]) => predictedIndex));
  gold.forEach((attribution, index) => {
    if (matchedGold.has(index)) return;
    const best = predicted.map((statement) => overlap(attribution.content, statement.span)).reduce((a, b) => Math.max(a, b), 0);
    details.push(
      `${label} MISS ${article.name} [${attribution.content.start}] best=${best.toFixed(2)}: ${JSON.stringify(body.slice(attribution.content.start, attribution.content.end).slice(0, 300))}`,
    );
  });
  predicted.forEach((statement, index) => {
    if (matchedPredicted.has(index)) return;
    details.push(
      `${label} FALSE ${article.name} [${statement.span.start}] ${statement.kind}: ${JSON.stringify(body.slice(statement.span.start, statement.span.end).slice(0, 300))}`,
    );
  });
}

function scoreArticle(article: Article, extraction: Extraction, details: string[] | null): Tally {
  const tally = emptyTally();
  const weight = 1 / article.annotations.length;
  const detailSink = article.annotations.length === 1 ? details : null;
  for (const gold of article.annotations) {
    const isQuote = (attribution: GoldAttribution): boolean => QUOTE_MARK.test(article.body.slice(attribution.content.start, attribution.content.end));
    const predictedQuotes = extraction.statements.filter((statement) => statement.kind !== 'PARAPHRASE');
    const predictedParaphrases = extraction.statements.filter((statement) => statement.kind === 'PARAPHRASE');
    scoreKind(article, gold.filter(isQuote), predictedQuotes, weight, tally.quotes, 'QUOTE', detailSink);
    scoreKind(
      article,
      gold.filter((attribution) => !isQuote(attribution)),
      predictedParaphrases,
      weight,
      tally.paraphrases,
      'PARAPHRASE',
      detailSink,
    );
    scoreKind(article, gold, extraction.statements, weight, tally.all, 'ALL', null);
  }
  return tally;
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

export interface Scores {
  quoteP: number;
  quoteR: number;
  quoteF1: number;
  quoteExact: number;
  quoteSpeaker: number;
  paraphraseP: number;
  paraphraseR: number;
  paraphraseF1: number;
  allF1: number;
  allSpeaker: number;
}

function f1(counts: Counts): { precision: number; recall: number; f1: number } {
  const precision = ratio(counts.matched, counts.predicted);
  const recall = ratio(counts.matched, counts.gold);
  return { precision, recall, f1: ratio(2 * precision * recall, precision + recall) };
}

export function scores(tally: Tally): Scores {
  const quotes = f1(tally.quotes);
  const paraphrases = f1(tally.paraphrases);
  return {
    quoteP: quotes.precision,
    quoteR: quotes.recall,
    quoteF1: quotes.f1,
    quoteExact: ratio(tally.quotes.exact, tally.quotes.gold),
    quoteSpeaker: ratio(tally.quotes.speakerCorrect, tally.quotes.speakerEligible),
    paraphraseP: paraphrases.precision,
    paraphraseR: paraphrases.recall,
    paraphraseF1: paraphrases.f1,
    allF1: f1(tally.all).f1,
    allSpeaker: ratio(tally.all.speakerCorrect, tally.all.speakerEligible),
  };
}

const COLUMNS: [keyof Scores, string][] = [
  ['quoteP', 'Quote P'],
  ['quoteR', 'Quote R'],
  ['quoteF1', 'Quote F1'],
  ['quoteExact', 'Quote exact'],
  ['quoteSpeaker', 'Speaker (quotes)'],
  ['paraphraseP', 'Paraphrase P'],
  ['paraphraseR', 'Paraphrase R'],
  ['paraphraseF1', 'Paraphrase F1'],
  ['allF1', 'All F1'],
  ['allSpeaker', 'Speaker (all)'],
];

function table(rows: { label: string; articles: number; scores: Scores }[], first = 'Data'): string {
  return [
    `| ${first} | Articles | ${COLUMNS.map(([, title]) => title).join(' | ')} |`,
    `| --- | ---: | ${COLUMNS.map(() => '---:').join(' | ')} |`,
    ...rows.map((row) => `| ${row.label} | ${row.articles} | ${COLUMNS.map(([key]) => row.scores[key].toFixed(3)).join(' | ')} |`),
  ].join('\n');
}

function meanAndSpread(values: number[]): string {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const deviation = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
  return `${mean.toFixed(3)} ± ${deviation.toFixed(3)}`;
}

export function extractAll(articles: readonly Article[], models: ExtractOptions): Extraction[] {
  return articles.map((article) =>
    extract({ body: article.body, publishedAt: article.publishedAt, source: article.source, headline: article.headline }, [], models),
  );
}

interface Scored {
  total: Tally;
  byPublisher: Map<string, { tally: Tally; articles: number }>;
}

export function scoreAll(articles: readonly Article[], extractions: readonly Extraction[], details: string[] | null): Scored {
  const total = emptyTally();
  const byPublisher = new Map<string, { tally: Tally; articles: number }>();
  articles.forEach((article, index) => {
    const tally = scoreArticle(article, extractions[index]!, details);
    addTally(total, tally);
    const publisher = publisherOf(article);
    const entry = byPublisher.get(publisher) ?? { tally: emptyTally(), articles: 0 };
    addTally(entry.tally, tally);
    entry.articles++;
    byPublisher.set(publisher, entry);
  });
  return { total, byPublisher };
}

function medianTime(articles: readonly Article[], models: ExtractOptions): { median: number; p95: number } {
  extractAll(articles, models); // warm-up
  const times = articles
    .map((article) => {
      const runs: number[] = [];
      for (let run = 0; run < 5; run++) {
        const started = performance.now();
        extract({ body: article.body, publishedAt: article.publishedAt, source: article.source, headline: article.headline }, [], models);
        runs.push(performance.now() - started);
      }
      return runs.sort((a, b) => a - b)[2]!;
    })
    .sort((a, b) => a - b);
  const at = (share: number): number => times[Math.min(times.length - 1, Math.max(0, Math.ceil(share * times.length) - 1))] ?? 0;
  return { median: at(0.5), p95: at(0.95) };
}

/** n-fold cross-validation: fold k is extracted by a tagger trained on the other folds. */
function crossValidate(
  articles: readonly Article[],
  folds: number,
  useTagger: boolean,
  useBoundaries: boolean,
  details: string[] | null,
): { rows: { label: string; articles: number; scores: Scores }[]; scored: Scored } {
  const extractions: Extraction[] = new Array(articles.length);
  const rows: { label: string; articles: number; scores: Scores }[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const inFold = articles.filter((_, index) => index % folds === fold);
    const training = articles.filter((_, index) => index % folds !== fold);
    const started = performance.now();
    const tagger = useTagger ? trainTagger(trainingArticles(training)) : null;
    const boundaries = useBoundaries ? trainBoundaryChooser(trainingArticles(training)) : null;
    const foldExtractions = extractAll(inFold, { tagger, boundaries });
    let position = 0;
    articles.forEach((_, index) => {
      if (index % folds === fold) extractions[index] = foldExtractions[position++]!;
    });
    const tally = scoreAll(inFold, foldExtractions, null).total;
    rows.push({ label: `fold ${fold + 1}/${folds}`, articles: inFold.length, scores: scores(tally) });
    console.error(
      `fold ${fold + 1}/${folds}: ${((performance.now() - started) / 1000).toFixed(1)} s, quote F1 ${scores(tally).quoteF1.toFixed(3)}, paraphrase F1 ${scores(tally).paraphraseF1.toFixed(3)}`,
    );
  }
  return { rows, scored: scoreAll(articles, extractions, details) };
}

function publisherRows(scored: Scored): { label: string; articles: number; scores: Scores }[] {
  return [...scored.byPublisher]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([publisher, entry]) => ({ label: publisher, articles: entry.articles, scores: scores(entry.tally) }));
}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

function main(): void {
  const args = process.argv.slice(2);
  const valued = new Set(['--details', '--cv', '--model']);
  const dir = args.find((arg, index) => !arg.startsWith('--') && !valued.has(args[index - 1] ?? ''));
  const detailsPath = option(args, '--details');
  const folds = Number(option(args, '--cv') ?? (dir === undefined ? 5 : 0));
  const useTagger = !args.includes('--rules');
  const useBoundaries = useTagger && !args.includes('--no-boundaries');
  if (!(Number.isInteger(folds) && (folds === 0 || folds >= 2))) {
    console.error('usage: npm run eval:extraction -- [<polnear-dir>] [--cv <n ≥ 2>] [--details <file>] [--rules] [--no-boundaries] [--no-write]');
    process.exit(2);
  }
  const details: string[] | null = detailsPath === undefined ? null : [];
  const sections: string[] = [];
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  sections.push(
    '# Extraction benchmark',
    '',
    `- date: ${new Date().toISOString().slice(0, 10)}; command: \`npm run eval:extraction${args.length > 0 ? ` -- ${args.join(' ')}` : ''}\``,
    `- extractor: ${useTagger ? `rules + learned attribution tagger${useBoundaries ? ' + learned quote boundaries' : ''}` : 'rules only'}`,
    `- machine: ${cpu}, ${cpus().length} cores, Node ${process.version}`,
    '- definitions: see scripts/eval-extraction.ts (overlap ≥ 0.5, one-to-one; speaker = surname of a named gold source)',
    '',
  );
  const cvDir = dir === undefined ? '../shared/polnear/train' : folds > 0 ? dir : undefined;
  if (cvDir !== undefined) {
    const articles = loadArticles(cvDir);
    const { rows, scored } = crossValidate(articles, folds, useTagger, useBoundaries, details);
    const spread = COLUMNS.map(([key, title]) => `${title} ${meanAndSpread(rows.map((row) => row.scores[key]))}`).join('; ');
    sections.push(
      `## ${folds}-fold cross-validation on \`${cvDir}\` (${articles.length} articles)`,
      '',
      table([...rows, { label: '**all folds**', articles: articles.length, scores: scores(scored.total) }], 'Fold'),
      '',
      `Mean ± standard deviation over folds: ${spread}.`,
      '',
      'By publisher (cross-validated):',
      '',
      table(publisherRows(scored), 'Publisher'),
      '',
    );
  }
  const heldOutDir = dir === undefined ? '../shared/polnear/dev' : folds > 0 ? undefined : dir;
  if (heldOutDir !== undefined) {
    const articles = loadArticles(heldOutDir);
    const modelPath = option(args, '--model');
    const tagger = !useTagger
      ? null
      : modelPath === undefined
        ? defaultTagger()
        : deserializeTagger(JSON.parse(readFileSync(modelPath, 'utf8')) as SerializedTagger);
    const models = { tagger, boundaries: useBoundaries ? defaultBoundaries() : null };
    const scored = scoreAll(articles, extractAll(articles, models), cvDir === undefined ? details : null);
    const timing = medianTime(articles, models);
    sections.push(
      `## Committed model on \`${heldOutDir}\` (${articles.length} articles)`,
      '',
      table([{ label: heldOutDir, articles: articles.length, scores: scores(scored.total) }]),
      '',
      'By publisher:',
      '',
      table(publisherRows(scored), 'Publisher'),
      '',
      `Median extract time ${timing.median.toFixed(2)} ms per article, p95 ${timing.p95.toFixed(2)} ms (median of 5 runs after a warm-up; load average ${loadavg()[0]!.toFixed(1)}).`,
      '',
    );
  }
  const report = sections.join('\n');
  console.log(report);
  if (!args.includes('--no-write')) {
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(join('bench/results', 'extraction.md'), report);
  }
  if (detailsPath !== undefined && details !== null) writeFileSync(detailsPath, `${details.join('\n')}\n`);
}

/** The scores of a model on annotated articles, for the regression test of the weights. */
export function scoreArticles(articles: readonly Article[], models: ExtractOptions): Scores {
  return scores(scoreAll(articles, extractAll(articles, models), null).total);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
