// Rule-based "who said what" extraction: people, their statements (direct quotes, partial quotes,
// paraphrases) and the events the article mentions. Deterministic and dependency-light so it can
// run on every article as it is ingested.
import { type TextAnalysis, analyseText } from './analysis.js';
import { type Cue, channelFor } from './cues.js';
import { nameTokenMask, tagAttributions } from './learned.js';
import { type BoundaryModel, type SerializedBoundaryModel, chooseBoundary, deserializeBoundaries } from './boundaries.js';
import committedBoundaryWeights from './model/boundaries.json' with { type: 'json' };
import committedWeights from './model/tagger.json' with { type: 'json' };
import { type SerializedTagger, type TaggerModel, deserializeTagger } from './tagger.js';
import { NO_SPEAKER, type Speaker, SpeakerResolver } from './coref.js';
import { findEvents } from './events.js';
import { detectLanguage, unsupportedLanguageWarning } from './language.js';
import { findPeople, type NameMention, type Person } from './names.js';
import { StatementFinder, attachUnattributedQuotes, statementText, type DraftStatement } from './statements.js';
import { SPEECH_VERBS } from './lexicon.js';
import { sentenceAt, tokenIndexAt } from './text.js';
import type { ExtractInput, ExtractedPerson, ExtractedStatement, Extraction, KnownPerson, TextSpan } from './types.js';

export type * from './types.js';

function toExtractedPerson(person: Person): ExtractedPerson {
  return {
    name: person.name,
    aliases: [...person.forms].filter((form) => form !== person.name),
    description: person.description,
    mentions: person.mentions.map((mention) => ({ ...mention.span })),
    matchId: person.matchId,
  };
}

function mentionedPeople(people: readonly Person[], mentions: readonly NameMention[], draft: DraftStatement): string[] {
  const names = new Set<string>();
  for (const mention of mentions) {
    const inside = draft.pieces.some((piece) => mention.span.start >= piece.start && mention.span.end <= piece.end);
    if (inside) names.add(people[mention.personIndex]!.name);
  }
  return [...names];
}

/** A paraphrase starts at what was said, not at its complementiser: "(said) that the bloc would act". */
function withoutLeadingThat(body: string, draft: DraftStatement): DraftStatement {
  if (draft.kind !== 'PARAPHRASE') return draft;
  const match = /^that\s+/i.exec(body.slice(draft.span.start, draft.span.end));
  if (match === null || match[0].length >= draft.span.end - draft.span.start) return draft;
  const start = draft.span.start + match[0].length;
  return {
    ...draft,
    span: { start, end: draft.span.end },
    pieces: draft.pieces.map((piece) => (piece.start < start ? { start, end: Math.max(start, piece.end) } : piece)),
  };
}

function toExtractedStatement(
  body: string,
  people: readonly Person[],
  mentions: readonly NameMention[],
  original: DraftStatement,
  tokensStart: (index: number) => number,
  tokensEnd: (index: number) => number,
): ExtractedStatement {
  const draft = withoutLeadingThat(body, original);
  // Only a direct quote is stored in fragments (its quoted pieces, the attribution between them left
  // out), and its span is then their overall range, as ingest requires. A partial quote of several
  // labels ("called it "X" and "Y"") is the article's clause around them, in one fragment.
  const fragmented = draft.kind === 'DIRECT_QUOTE' && draft.pieces.length > 1;
  const span = fragmented ? { start: draft.pieces[0]!.start, end: draft.pieces[draft.pieces.length - 1]!.end } : { ...draft.span };
  const clause = draft.kind === 'PARTIAL_QUOTE' && draft.pieces.length > 1;
  return {
    text: statementText(body, clause ? [draft.span] : draft.pieces),
    kind: draft.kind,
    span,
    spans: fragmented ? draft.pieces.map((piece) => ({ ...piece })) : [{ ...span }],
    cue: draft.cue === null ? null : { start: tokensStart(draft.cue.first), end: tokensEnd(draft.cue.end - 1) },
    speakerSpan: draft.speaker.span,
    speakerName: draft.speaker.name,
    speakerLabel: draft.speaker.name === null ? draft.speaker.label : null,
    channel: draft.channel,
    mentions: mentionedPeople(people, mentions, draft),
  };
}

export interface ExtractOptions {
  /** the learned attribution tagger; the committed model when left out, none when null */
  tagger?: TaggerModel | null;
  /** the learned partial-quote boundary chooser; the committed model when left out, none when null */
  boundaries?: BoundaryModel | null;
}

let committedTagger: TaggerModel | null = null;
/** The committed weights, decoded on first use (a few milliseconds, once per process). */
export function defaultTagger(): TaggerModel {
  committedTagger ??= deserializeTagger(committedWeights as SerializedTagger);
  return committedTagger;
}

let committedBoundaries: BoundaryModel | null = null;
export function defaultBoundaries(): BoundaryModel {
  committedBoundaries ??= deserializeBoundaries(committedBoundaryWeights as SerializedBoundaryModel);
  return committedBoundaries;
}

/** How many earlier speakers pronoun resolution looks back over. */
const RECENT_SPEAKERS = 8;

/** Does any of `spans` (sorted by start, with `reach[i]` the largest end among the first i + 1) overlap `span`? */
function overlapsSorted(span: TextSpan, spans: readonly TextSpan[], reach: readonly number[]): boolean {
  let low = 0;
  let high = spans.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (spans[middle]!.start < span.end) low = middle + 1;
    else high = middle;
  }
  return low > 0 && reach[low - 1]! > span.start;
}

/**
 * Paraphrases the rules did not find, from the learned tagger: contents without quotation marks
 * that have a cue and do not overlap a statement of the rules (which stay better at quotes). The
 * speaker is the tagged source, else the subject before the cue, resolved like the rules' own.
 */
function taggedParaphrases(
  analysis: TextAnalysis,
  mentions: readonly NameMention[],
  resolver: SpeakerResolver,
  rules: readonly DraftStatement[],
  tagger: TaggerModel,
): DraftStatement[] {
  const { body, tokens, sentences } = analysis;
  const ruleSpans = rules.map((draft) => draft.span).sort((a, b) => a.start - b.start);
  const reach: number[] = [];
  ruleSpans.forEach((span, index) => reach.push(Math.max(span.end, reach[index - 1] ?? -1)));
  const byEnd = [...rules].sort((a, b) => a.span.end - b.span.end);
  let nextRule = 0;
  const recent: Speaker[] = [];
  const drafts: DraftStatement[] = [];
  for (const attribution of tagAttributions(analysis, nameTokenMask(tokens.length, mentions), tagger)) {
    const cueRun = attribution.cue;
    if (cueRun === null) continue;
    const pieces = attribution.content.map((fragment) => ({ start: tokens[fragment.first]!.start, end: tokens[fragment.end - 1]!.end }));
    const span = { start: pieces[0]!.start, end: pieces[pieces.length - 1]!.end };
    if (/["“”]/.test(body.slice(span.start, span.end)) || overlapsSorted(span, ruleSpans, reach)) continue;
    while (nextRule < byEnd.length && byEnd[nextRule]!.span.end <= span.start) recent.push(byEnd[nextRule++]!.speaker);
    const window = recent.slice(-RECENT_SPEAKERS);
    const sentence = sentenceAt(sentences, span.start)!;
    let speaker: Speaker = attribution.source === null ? NO_SPEAKER : resolver.resolve(attribution.source.first, attribution.source.end, window);
    if (speaker.name === null && speaker.label === null && cueRun.first > sentence.firstToken)
      speaker = resolver.resolve(sentence.firstToken, cueRun.first, window);
    const verb = tokens[cueRun.first]!.lower;
    const cue: Cue = { first: cueRun.first, end: cueRun.end, verb, isAccordingTo: verb === 'according', isParticiple: verb.endsWith('ing') };
    drafts.push({
      kind: 'PARAPHRASE',
      span,
      pieces,
      cue,
      speaker,
      channel: channelFor(tokens, cue, sentence.endToken, speaker.documentNoun),
      paragraph: sentence.paragraph,
      unattributed: false,
    });
    recent.push(speaker);
  }
  return drafts;
}

/**
 * A quote with no attribution of its own that a statement introduces with a colon ("The
 * mayor described the plan this way:" then the quoted paragraph) is that speaker's.
 */
function introducedQuotesSpeakers(body: string, drafts: DraftStatement[]): DraftStatement[] {
  return drafts.map((draft, index) => {
    const previous = drafts[index - 1];
    if (previous === undefined || draft.kind === 'PARAPHRASE' || draft.speaker.name !== null || draft.speaker.label !== null) return draft;
    if (previous.speaker.name === null && previous.speaker.label === null) return draft;
    const between = body.slice(previous.span.end, draft.span.start);
    const introduced = /^[\s:]*$/.test(between) && (between.includes(':') || /:\s*$/.test(body.slice(previous.span.start, previous.span.end)));
    if (!introduced) return draft;
    return { ...draft, speaker: previous.speaker, channel: draft.channel ?? previous.channel };
  });
}

/**
 * 'found the mayor "quite gracious" and called her lead "without precedent"': two reported contents joined
 * by "and" and a second reporting verb are two statements of the same speaker.
 */
function splitCoordinatedQuotes(analysis: TextAnalysis, drafts: readonly DraftStatement[]): DraftStatement[] {
  const { tokens, quotes, isQuoted } = analysis;
  const hasQuote = (start: number, end: number): boolean => quotes.some((quote) => quote.start >= start && quote.end <= end + 1);
  return drafts.flatMap((draft) => {
    if (draft.kind !== 'PARTIAL_QUOTE' || draft.pieces.length !== 1) return [draft];
    for (let index = tokenIndexAt(tokens, draft.span.start) + 1; index < tokens.length && tokens[index]!.end < draft.span.end; index++) {
      const token = tokens[index]!;
      const verb = tokens[index + 1];
      const object = tokens[index + 2];
      if (token.lower !== 'and' || isQuoted(token.start) || verb === undefined || object === undefined) continue;
      if (!SPEECH_VERBS.has(verb.lower) || verb.lower.endsWith('ing') || !hasQuote(draft.span.start, token.start) || !hasQuote(object.start, draft.span.end))
        continue;
      let last = index - 1;
      while (last > 0 && tokens[last]!.text === ',') last--;
      const first = { start: draft.span.start, end: tokens[last]!.end };
      const second = { start: object.start, end: draft.span.end };
      const cue = { first: index + 1, end: index + 2, verb: verb.lower, isAccordingTo: false, isParticiple: false };
      return [
        { ...draft, span: first, pieces: [first] },
        { ...draft, span: second, pieces: [second], cue },
      ];
    }
    return [draft];
  });
}

/** The statements the rules and the tagger propose for an English article, before boundaries are chosen. */
export function proposeStatements(
  input: ExtractInput,
  knownPeople: KnownPerson[] = [],
  options: ExtractOptions = {},
): { analysis: TextAnalysis; people: Person[]; mentions: NameMention[]; drafts: DraftStatement[] } {
  const analysis = analyseText(input.body);
  // everything reads the article as analysed (quote marks normalised, same offsets); statement text is the article's own
  const { body: text, tokens, quotes, isQuoted, sentences } = analysis;
  const { people, mentions } = findPeople(text, tokens, knownPeople);
  const resolver = new SpeakerResolver(text, tokens, people, mentions, isQuoted);
  const rules = splitCoordinatedQuotes(
    analysis,
    attachUnattributedQuotes(text, new StatementFinder(text, tokens, quotes, sentences, resolver, isQuoted).find()),
  );
  const tagger = options.tagger === undefined ? defaultTagger() : options.tagger;
  const drafts = introducedQuotesSpeakers(
    text,
    tagger === null ? rules : [...rules, ...taggedParaphrases(analysis, mentions, resolver, rules, tagger)].sort((a, b) => a.span.start - b.span.start),
  );
  return { analysis, people, mentions, drafts };
}

export function extract(input: ExtractInput, knownPeople: KnownPerson[] = [], options: ExtractOptions = {}): Extraction {
  const body = input.body;
  const language = detectLanguage(body);
  // the rules read English only: anything else would give noise, so it gives nothing, and says so
  if (language !== 'en') return { language, warnings: [unsupportedLanguageWarning(language)], people: [], statements: [], events: [] };
  const { analysis, people, mentions, drafts } = proposeStatements(input, knownPeople, options);
  const { body: text, tokens, isQuoted, sentences } = analysis;
  const boundaries = options.boundaries === undefined ? defaultBoundaries() : options.boundaries;
  const bounded = boundaries === null ? drafts : drafts.map((draft) => chooseBoundary(boundaries, analysis, draft));
  const statements = bounded.map((draft) =>
    toExtractedStatement(
      body,
      people,
      mentions,
      draft,
      (index) => tokens[index]!.start,
      (index) => tokens[index]!.end,
    ),
  );
  const events = findEvents({ body: text, tokens, sentences, people, mentions, publishedAt: input.publishedAt ?? null, isQuoted, statements });
  return { language, warnings: [], people: people.filter((person) => person.mentions.length > 0).map(toExtractedPerson), statements, events };
}
