// Attribution before the quote: X said: "…"  /  X said that … "…" …
import { findCues } from '../cues.js';
import { LABELLING_VERBS, SPEECH_VERBS, isVerbForm } from '../lexicon.js';
import type { Quote } from '../quotes.js';
import { isQuoteChar, tokenIndexAt, type Sentence } from '../text.js';
import type { TextSpan } from '../types.js';
import { accordingTo } from './according-to.js';
import { endAttributed } from './end-attributed.js';
import type { DraftStatement, Finder } from './rule.js';
import { introducingClause } from './clause-attribution.js';
import {
  TAIL_OPENERS,
  afterLeadingAdverbial,
  beforeParticipleCue,
  contentSpan,
  contentStartAfter,
  leadingAttribution,
  speakerOf,
  statementFromSpan,
} from './shared.js';
import { afterVerb, connectedQuotes } from './stray-quotes.js';
import { quoteThenAttribution } from './trailing-attribution.js';

/** Words that follow a participle opening a clause ("engaging in", "raising the"). */
const PARTICIPLE_OBJECT_STARTS = new Set('in on at to into with for from about a an the his her their its this that'.split(' '));

export function attributionFirst(f: Finder, sentence: Sentence, quotes: Quote[]): DraftStatement | null {
  const firstQuoteToken = tokenIndexAt(f.tokens, quotes[0]!.start);
  const cues = findCues(f.tokens, afterLeadingAdverbial(f, sentence, firstQuoteToken), firstQuoteToken, f.isQuoted);
  // the main clause's cue governs: "Roberts said Friday that … but said "…"" is Roberts' statement
  const cue = cues[0];
  if (cue === undefined)
    return (
      quoteThenAttribution(f, sentence, quotes) ??
      endAttributed(f, sentence, quotes) ??
      accordingTo(f, sentence, quotes) ??
      introducedQuote(f, sentence, quotes)
    );
  const attribution = leadingAttribution(f, sentence, cue, cues);
  const contentStart = contentStartAfter(f, cue, sentence.endToken);
  const span = beforeParticipleCue(f, contentSpan(f, contentStart, sentence), contentStart, sentence);
  const trimmed = trimTail(f, trimToQuote(f, span, contentStart, quotes), quotes);
  // "attacked what Mayor Ruiz called a “sham budget”": the free relative is the content
  const what = LABELLING_VERBS.has(cue.verb) ? afterVerb(f, cue.first, cue.first) : -1;
  const start = what >= 0 && f.tokens[what]!.lower === 'what' ? f.tokens[what]!.start : trimmed.start;
  const draft = statementFromSpan(f, sentence, { start, end: trimmed.end }, quotes, attribution);
  if (draft === null || draft.speaker.name !== null || draft.speaker.label !== null) return draft;
  // "Dale went on to say, “…”": the cue's subject did not resolve, the introducing clause may
  const introducer = introducingClause(f, sentence, firstQuoteToken - 1);
  return introducer === null ? draft : { ...draft, speaker: speakerOf(f, introducer) };
}

/** 'Dale shot back, “…”' / 'As Dale put it: “…”': a clause with a verb no lexicon lists introduces the quote. */
function introducedQuote(f: Finder, sentence: Sentence, quotes: Quote[]): DraftStatement | null {
  const quoteToken = tokenIndexAt(f.tokens, quotes[0]!.start);
  if (quoteToken <= sentence.firstToken) return null;
  const attribution = introducingClause(f, sentence, quoteToken - 1);
  if (attribution === null) return null;
  return statementFromSpan(f, sentence, contentSpan(f, quoteToken, sentence), quotes, attribution);
}

/**
 * Does a participle clause start at `index` (", meaning …", ", engaging in …")? Words the
 * lexicon reads as adjectives ("engaging") count when a preposition or determiner follows.
 */
function opensParticipleClause(f: Finder, index: number): boolean {
  const token = f.tokens[index];
  if (token === undefined || token.capitalized || !/ing$/.test(token.lower)) return false;
  return isVerbForm(token.lower) || PARTICIPLE_OBJECT_STARTS.has(f.tokens[index + 1]?.lower ?? '');
}

/**
 * A partial quote's content ends with the clause that holds its last quote: a coordinated verb
 * phrase ("… is “exhausted” and says it will …") or a trailing participle or contrast
 * ("“partial,” meaning …", "“fair” to him, engaging in …", "…, but he has …") is not part of it.
 */
function trimTail(f: Finder, span: TextSpan, quotes: Quote[]): TextSpan {
  const inside = quotes.filter((quote) => quote.start >= span.start && quote.end <= span.end + 1);
  const last = inside[inside.length - 1];
  if (last === undefined || last.end >= span.end) return span;
  const endToken = tokenIndexAt(f.tokens, span.end);
  const first = inside[0]!;
  for (let index = tokenIndexAt(f.tokens, first.end) - 1; index < endToken; index++) {
    const token = f.tokens[index]!;
    if (f.isQuoted(token.start) && !inside.some((quote) => token.start === quote.end - 1)) continue;
    const next = f.tokens[index + 1];
    if (next === undefined) break;
    const comma = token.text === ',' || (isQuoteChar(token.text) && f.tokens[index - 1]?.text === ',');
    const cutHere =
      (comma && (TAIL_OPENERS.has(next.lower) || opensParticipleClause(f, index + 1))) ||
      (token.lower === 'and' && !next.capitalized && (isVerbForm(next.lower) || SPEECH_VERBS.has(next.lower)) && !/ing$/.test(next.lower));
    if (!cutHere) continue;
    let end = index;
    while (end > 0 && f.tokens[end - 1]!.text === ',') end--;
    const endOffset = Math.max(first.end, f.tokens[end - 1]!.end);
    return { start: span.start, end: endOffset };
  }
  return span;
}

/**
 * Content that is a finished quotation ('says, "Don't do it," until …') or a label
 * ('called Clinton a "disgrace" during …') ends with its last quote, not with the sentence.
 */
function trimToQuote(f: Finder, span: TextSpan, contentStart: number, quotes: Quote[]): TextSpan {
  const inside = quotes.filter((quote) => quote.start >= span.start && quote.end <= span.end + 1);
  const last = inside[inside.length - 1];
  if (last === undefined) return span;
  const first = inside[0]!;
  // a label: 'described the mayor as a “failure” after she …' ends with the label
  const openToken = tokenIndexAt(f.tokens, first.start);
  const isLabel = [1, 2].some((back) => f.tokens[openToken - back]?.lower === 'as' && openToken - back >= contentStart);
  if (isLabel) return { start: span.start, end: connectedQuotes(f, inside).end };
  const startsWithQuote = f.tokens[contentStart]?.start === first.start;
  const finished = /[,.?!…]$/.test(f.body.slice(first.start, first.end - 1));
  return startsWithQuote && finished ? { start: span.start, end: first.end } : span;
}
