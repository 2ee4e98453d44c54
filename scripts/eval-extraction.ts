// Scores the rule-based extractor on a PolNeAR-format directory (text/, attributions/, metadata.tsv).
//
//   tsx scripts/eval-extraction.ts <dir> [--details <file>] [--folds <n>]
//
// Prints a markdown table and writes it to bench/results/extraction.md. Definitions:
// - gold quotes: Content spans containing a double quotation mark (" “ ”); a discontinuous span
//   counts from its first start to its last end. Predicted quotes: DIRECT_QUOTE + PARTIAL_QUOTE.
// - match: intersection/union of character ranges >= 0.5, one-to-one, best overlap first.
// - exact match: matched pairs whose texts are equal after trimming surrounding punctuation/space.
// - speaker accuracy: over matched quotes whose gold Source contains a proper name, the share whose
//   speakerName (or speakerLabel) contains that name's surname (last capitalised token).
// - paraphrase recall: gold contents without quotation marks vs predicted PARAPHRASE statements.
// - articles with several annotator files are scored against each file with weight 1/n, so every
//   article counts once (counts may therefore be fractional).
// - timing: one warm-up pass over all articles, then the median of 5 runs per article.
// - --folds n: also scores n deterministic parts of the articles separately (article i of the
//   name-sorted list goes to fold i mod n), to show how much the numbers vary between halves.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { extract } from '../src/extract/index.js';
import type { Extraction, ExtractedStatement, TextSpan } from '../src/extract/types.js';

interface GoldSpan {
  id: string;
  type: string;
  start: number;
  end: number;
  segments: TextSpan[];
}

interface GoldAttribution {
  content: GoldSpan;
  source: GoldSpan | null;
}

interface Article {
  name: string;
  body: string;
  publishedAt: Date | null;
  source: string | null;
  headline: string | null;
  annotations: GoldAttribution[][];
}

interface Tally {
  goldQuotes: number;
  predictedQuotes: number;
  matchedQuotes: number;
  exactQuotes: number;
  speakerEligible: number;
  speakerCorrect: number;
  goldParaphrases: number;
  predictedParaphrases: number;
  matchedParaphrases: number;
}

const QUOTE_MARK = /["“”]/;

function parseAnnotations(text: string): GoldAttribution[] {
  const spans = new Map<string, GoldSpan>();
  const relations: string[][] = [];
  for (const line of text.split('\n')) {
    const columns = line.split('\t');
    const id = columns[0] ?? '';
    if (id.startsWith('T') && columns[1] !== undefined) {
      const [type = '', ...rest] = columns[1].split(' ');
      const segments = rest
        .join(' ')
        .split(';')
        .map((segment) => segment.trim().split(/\s+/).map(Number))
        .map(([start = 0, end = 0]) => ({ start, end }));
      const first = segments[0]!;
      const last = segments[segments.length - 1]!;
      spans.set(id, { id, type, start: first.start, end: last.end, segments });
    } else if (id.startsWith('E') && columns[1] !== undefined) {
      relations.push(columns[1].trim().split(/\s+/));
    }
  }
  const attributions: GoldAttribution[] = [];
  for (const roles of relations) {
    const byRole = new Map(roles.map((role) => role.split(':') as [string, string]));
    const content = spans.get(byRole.get('Content') ?? '');
    if (content === undefined) continue;
    const source = spans.get(byRole.get('Source') ?? '') ?? null;
    attributions.push({ content, source });
  }
  return attributions;
}

function readMetadata(dir: string): Map<string, Record<string, string>> {
  const rows = new Map<string, Record<string, string>>();
  const path = join(dir, 'metadata.tsv');
  if (!existsSync(path)) return rows;
  const [header, ...lines] = readFileSync(path, 'utf8').split('\n');
  const columns = (header ?? '').split('\t');
  for (const line of lines) {
    if (line.trim() === '') continue;
    const values = line.split('\t');
    const row: Record<string, string> = {};
    columns.forEach((column, index) => (row[column] = values[index] ?? ''));
    if (row.filename) rows.set(row.filename, row);
  }
  return rows;
}

function loadArticles(dir: string): Article[] {
  const metadata = readMetadata(dir);
  const annotationFiles = readdirSync(join(dir, 'attributions')).filter((file) => file.endsWith('.ann'));
  return readdirSync(join(dir, 'text'))
    .filter((file) => file.endsWith('.txt'))
    .sort()
    .map((file) => {
      const name = basename(file, '.txt');
      const row = metadata.get(name);
      const annotations = annotationFiles
        .filter((annotationFile) => annotationFile.replace(/_[^_]+\.ann$/, '') === name)
        .sort()
        .map((annotationFile) => parseAnnotations(readFileSync(join(dir, 'attributions', annotationFile), 'utf8')));
      return {
        name,
        body: readFileSync(join(dir, 'text', file), 'utf8'),
        publishedAt: row?.publication_date ? new Date(`${row.publication_date}T12:00:00Z`) : null,
        source: row?.publisher ?? null,
        headline: row?.title ?? null,
        annotations,
      };
    })
    .filter((article) => article.annotations.length > 0);
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
  'the a an he she it they we i his her their its this that these those some one mr mrs ms dr sen gov rep del rev gen lt col president vice senator governor secretary representative congressman congresswoman mayor chairman chairwoman speaker judge justice director minister ambassador'.split(' '),
);

const PREPOSITIONS = new Set(['of', 'at', 'for', 'from', 'in', 'with', 'on', 'to']);

/**
 * The proper name in a gold Source, if any: parentheticals dropped, then the first comma-separated
 * chunk holding a run of capitalised words that is not a possessor ("Clinton's") and not only a
 * pronoun/determiner/title; in that chunk the last such run before any prepositional phrase that
 * follows a name ("Mr. Morgan of the Sierra Club" → Morgan). Its surname is the run's last token.
 */
export function sourceSurname(source: string): string | null {
  const withoutParentheses = source.replace(/\([^)]*\)/g, ' ');
  for (const chunk of withoutParentheses.split(/,|—|--/)) {
    const words = chunk.match(/[\p{L}\p{N}][\p{L}\p{N}'’.\-]*/gu) ?? [];
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
        // "Mr. Morgan of the Sierra Club": a name followed by a prepositional phrase ends there
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
    .split(/[^\p{L}\p{N}.'\-]+/u)
    .map((word) => word.replace(/['’]s$/u, '').replace(/\.$/, ''));
  return words.includes(surname.toLowerCase().replace(/’/g, "'").replace(/'s$/u, ''));
}

interface DetailSink {
  lines: string[];
}

function scoreAgainst(article: Article, gold: GoldAttribution[], extraction: Extraction, weight: number, tally: Tally, details: DetailSink | null): void {
  const body = article.body;
  const goldQuotes = gold.filter((attribution) => QUOTE_MARK.test(body.slice(attribution.content.start, attribution.content.end)));
  const goldParaphrases = gold.filter((attribution) => !QUOTE_MARK.test(body.slice(attribution.content.start, attribution.content.end)));
  const predictedQuotes = extraction.statements.filter((statement) => statement.kind !== 'PARAPHRASE');
  const predictedParaphrases = extraction.statements.filter((statement) => statement.kind === 'PARAPHRASE');

  const quotePairs = matchSpans(
    goldQuotes.map((attribution) => attribution.content),
    predictedQuotes.map((statement) => statement.span),
  );
  tally.goldQuotes += weight * goldQuotes.length;
  tally.predictedQuotes += weight * predictedQuotes.length;
  tally.matchedQuotes += weight * quotePairs.length;
  for (const [goldIndex, predictedIndex] of quotePairs) {
    const attribution = goldQuotes[goldIndex]!;
    const statement = predictedQuotes[predictedIndex]!;
    const goldText = trimPunctuation(body.slice(attribution.content.start, attribution.content.end));
    const predictedText = trimPunctuation(body.slice(statement.span.start, statement.span.end));
    if (goldText === predictedText) tally.exactQuotes += weight;
    const surname = attribution.source ? sourceSurname(body.slice(attribution.source.start, attribution.source.end)) : null;
    if (surname === null) continue;
    tally.speakerEligible += weight;
    const correct = speakerMatches(statement, surname);
    if (correct) tally.speakerCorrect += weight;
    else
      details?.lines.push(
        `SPEAKER ${article.name}: gold=${JSON.stringify(body.slice(attribution.source!.start, attribution.source!.end))} predicted=${statement.speakerName ?? `label:${statement.speakerLabel}`} :: ${body.slice(statement.span.start, statement.span.start + 80).replace(/\n/g, ' ')}`,
      );
  }
  if (details !== null) {
    const matchedGold = new Set(quotePairs.map(([goldIndex]) => goldIndex));
    const matchedPredicted = new Set(quotePairs.map(([, predictedIndex]) => predictedIndex));
    goldQuotes.forEach((attribution, index) => {
      if (matchedGold.has(index)) return;
      const best = predictedQuotes.map((statement) => overlap(attribution.content, statement.span)).reduce((a, b) => Math.max(a, b), 0);
      details.lines.push(`MISS ${article.name} [${attribution.content.start}] best=${best.toFixed(2)}: ${JSON.stringify(body.slice(attribution.content.start, attribution.content.end).slice(0, 300))}`);
    });
    predictedQuotes.forEach((statement, index) => {
      if (matchedPredicted.has(index)) return;
      details.lines.push(`FALSE ${article.name} [${statement.span.start}] ${statement.kind}: ${JSON.stringify(body.slice(statement.span.start, statement.span.end).slice(0, 300))}`);
    });
  }

  const paraphrasePairs = matchSpans(
    goldParaphrases.map((attribution) => attribution.content),
    predictedParaphrases.map((statement) => statement.span),
  );
  tally.goldParaphrases += weight * goldParaphrases.length;
  tally.predictedParaphrases += weight * predictedParaphrases.length;
  tally.matchedParaphrases += weight * paraphrasePairs.length;
}

function percentile(sorted: number[], share: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

function timeArticle(article: Article): number {
  const runs: number[] = [];
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    extract({ body: article.body, publishedAt: article.publishedAt, source: article.source, headline: article.headline });
    runs.push(performance.now() - started);
  }
  runs.sort((a, b) => a - b);
  return runs[2]!;
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

function formatCount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function emptyTally(): Tally {
  return {
    goldQuotes: 0,
    predictedQuotes: 0,
    matchedQuotes: 0,
    exactQuotes: 0,
    speakerEligible: 0,
    speakerCorrect: 0,
    goldParaphrases: 0,
    predictedParaphrases: 0,
    matchedParaphrases: 0,
  };
}

function quoteScores(tally: Tally): { precision: number; recall: number; f1: number } {
  const precision = ratio(tally.matchedQuotes, tally.predictedQuotes);
  const recall = ratio(tally.matchedQuotes, tally.goldQuotes);
  return { precision, recall, f1: ratio(2 * precision * recall, precision + recall) };
}

/** One row per fold: quote P/R/F1, exact match, speaker accuracy, paraphrase recall. */
function renderFolds(folds: { tally: Tally; articles: number }[]): string {
  const header = '| Fold | Articles | Gold quotes | Quote P | Quote R | Quote F1 | Exact | Speaker acc. | Paraphrase R |';
  const rows = folds.map(({ tally, articles }, index) => {
    const { precision, recall, f1 } = quoteScores(tally);
    return `| ${index + 1}/${folds.length} | ${articles} | ${formatCount(tally.goldQuotes)} | ${precision.toFixed(3)} | ${recall.toFixed(3)} | ${f1.toFixed(3)} | ${ratio(tally.exactQuotes, tally.goldQuotes).toFixed(3)} | ${ratio(tally.speakerCorrect, tally.speakerEligible).toFixed(3)} (${formatCount(tally.speakerCorrect)}/${formatCount(tally.speakerEligible)}) | ${ratio(tally.matchedParaphrases, tally.goldParaphrases).toFixed(3)} |`;
  });
  return ['Folds (article i of the name-sorted list in fold i mod n):', '', header, '| --- | --- | --- | --- | --- | --- | --- | --- | --- |', ...rows, ''].join('\n');
}

function renderTable(dir: string, tally: Tally, articles: number, times: number[]): string {
  const { precision, recall, f1 } = quoteScores(tally);
  const sorted = [...times].sort((a, b) => a - b);
  const rows: [string, string, string][] = [
    ['Quote precision', precision.toFixed(3), `${formatCount(tally.matchedQuotes)} / ${formatCount(tally.predictedQuotes)} predicted`],
    ['Quote recall', recall.toFixed(3), `${formatCount(tally.matchedQuotes)} / ${formatCount(tally.goldQuotes)} gold`],
    ['Quote F1', f1.toFixed(3), 'target ≥ 0.90'],
    ['Quote exact match', ratio(tally.exactQuotes, tally.goldQuotes).toFixed(3), `${formatCount(tally.exactQuotes)} exact of gold quotes (${ratio(tally.exactQuotes, tally.matchedQuotes).toFixed(3)} of matched)`],
    ['Speaker accuracy', ratio(tally.speakerCorrect, tally.speakerEligible).toFixed(3), `${formatCount(tally.speakerCorrect)} / ${formatCount(tally.speakerEligible)} matched quotes with a named gold source; target ≥ 0.90`],
    ['Paraphrase recall', ratio(tally.matchedParaphrases, tally.goldParaphrases).toFixed(3), `${formatCount(tally.matchedParaphrases)} / ${formatCount(tally.goldParaphrases)} gold`],
    ['Paraphrase precision', ratio(tally.matchedParaphrases, tally.predictedParaphrases).toFixed(3), `${formatCount(tally.matchedParaphrases)} / ${formatCount(tally.predictedParaphrases)} predicted (informative)`],
    ['Median extract time', `${percentile(sorted, 0.5).toFixed(2)} ms`, 'per article; target ≤ 5 ms'],
    ['p95 extract time', `${percentile(sorted, 0.95).toFixed(2)} ms`, `${articles} articles`],
  ];
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return [
    `# Extraction benchmark`,
    '',
    `- date: ${new Date().toISOString().slice(0, 10)}`,
    `- data: \`${dir}\` (${articles} articles; multi-annotator articles scored against every annotator file with weight 1/n)`,
    `- machine: ${cpu}, ${cpus().length} cores, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end of the run (single-threaded extract; timings are the median of 5 runs per article after a warm-up pass, so a busy machine inflates them)`,
    '',
    '| Metric | Value | Detail |',
    '| --- | --- | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
  ].join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const valued = new Set(['--details', '--folds']);
  const dir = args.find((arg, index) => !arg.startsWith('--') && !valued.has(args[index - 1] ?? ''));
  const detailsIndex = args.indexOf('--details');
  const detailsPath = detailsIndex >= 0 ? args[detailsIndex + 1] : undefined;
  const foldsIndex = args.indexOf('--folds');
  const foldCount = foldsIndex >= 0 ? Number(args[foldsIndex + 1]) : 0;
  if (dir === undefined || (foldsIndex >= 0 && !(Number.isInteger(foldCount) && foldCount >= 2))) {
    console.error('usage: tsx scripts/eval-extraction.ts <polnear-dir> [--details <file>] [--folds <n ≥ 2>]');
    process.exit(1);
  }
  const articles = loadArticles(dir);
  const tally = emptyTally();
  const folds = Array.from({ length: foldCount }, () => ({ tally: emptyTally(), articles: 0 }));
  const details: DetailSink | null = detailsPath ? { lines: [] } : null;
  const extractions = articles.map((article) =>
    extract({ body: article.body, publishedAt: article.publishedAt, source: article.source, headline: article.headline }),
  );
  articles.forEach((article, index) => {
    const weight = 1 / article.annotations.length;
    for (const gold of article.annotations) scoreAgainst(article, gold, extractions[index]!, weight, tally, article.annotations.length === 1 ? details : null);
    if (foldCount > 0) {
      const fold = folds[index % foldCount]!;
      fold.articles++;
      for (const gold of article.annotations) scoreAgainst(article, gold, extractions[index]!, weight, fold.tally, null);
    }
  });
  const times = articles.map(timeArticle);
  const table = renderTable(dir, tally, articles.length, times) + (foldCount > 0 ? '\n' + renderFolds(folds) : '');
  console.log(table);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(join('bench/results', 'extraction.md'), table);
  if (detailsPath !== undefined && details !== null) writeFileSync(detailsPath, details.lines.join('\n') + '\n');
}

main();
