// Attribution after a quote: "…," X said  /  "…," said X  /  "…" ― X (a byline), and the quotes
// it interrupts ("A," he told the host, "B.").
import { cueAt, findCues, skipAuxiliariesBackward, type Cue } from '../cues.js';
import type { Quote } from '../quotes.js';
import { isQuoteChar, tokenIndexAt, type Sentence } from '../text.js';
import { isVerbForm } from '../lexicon.js';
import type { Attribution, DraftStatement, Finder } from './rule.js';
import { verbAfterQuote } from './clause-attribution.js';
import { NOT_A_SUBJECT_START, hasStop, isStop, onlyPunctuationAfter, phraseEnd, recentSpeakers, statementFromSpan } from './shared.js';

/** How far after a quote the reporting verb may come ("…," Dana Whitfield, the Democratic treasurer of the county, said). */
const MAX_SUBJECT_TOKENS = 24;
/** Words that, between an attribution and a quote, open a new clause of the reporter's. */
const CLAUSE_CONJUNCTIONS = new Set('but while whereas although though because as when after before and'.split(' '));
/** Verbs of a clause of the reporter's own ("…,” he said, mentioning the album is “…”"). */
const FINITE_VERBS = new Set('is are was were has have had will would'.split(' '));
/** How many words may follow a reporting verb before the quote it interrupts resumes ("he told the host of the show"). */
const MAX_ATTRIBUTION_TAIL = 10;

/**
 * Does the text between an attribution and the next quote start a clause of the reporter's own
 * ('“You awake?” she said, but Kevin was dozing, and as the speaker went on about “…”')?
 * '“A,” he told the host, “B.”' does not.
 */
export function opensOwnClause(f: Finder, first: number, end: number): boolean {
  let words = 0;
  for (let index = first; index < end; index++) {
    const token = f.tokens[index]!;
    if (!token.isWord) continue;
    // '“A,” he said, but “B.”' goes on with the quote; 'she said, but Kevin was …' does not
    if (CLAUSE_CONJUNCTIONS.has(token.lower) && wordsBetween(f, index + 1, end) >= 2) return true;
    // '“A,” he said, mentioning the album is “B.”': a verb of the reporter's own
    if (!token.capitalized && (FINITE_VERBS.has(token.lower) || (/ing$/.test(token.lower) && isVerbForm(token.lower)))) return true;
    words++;
  }
  return words > MAX_ATTRIBUTION_TAIL;
}

function wordsBetween(f: Finder, first: number, end: number): number {
  let words = 0;
  for (let index = first; index < end; index++) if (f.tokens[index]!.isWord) words++;
  return words;
}

/** "…," X said / said X / according to X — right after a closing quote. */
export function trailingAttribution(f: Finder, first: number, limit: number): Attribution | null {
  let index = first;
  const dashed = ['—', '―', '–'].includes(f.tokens[index]?.text ?? '');
  while (index < limit && [',', '—', '―', '–', '-'].includes(f.tokens[index]!.text)) index++;
  if (index >= limit) return null;
  if (dashed && f.tokens[index]!.capitalized && cueAt(f.tokens, index) === null) {
    // byline style: "…” ― Sonya Herridge
    const subjectEnd = phraseEnd(f, index, limit);
    const dashCue: Cue = { first: first, end: first + 1, verb: '—', isAccordingTo: false, isParticiple: false };
    if (subjectEnd - index <= 4 && onlyPunctuationAfter(f, subjectEnd, limit)) return { cue: dashCue, subjectFirst: index, subjectEnd, end: subjectEnd };
  }
  const leadingCue = cueAt(f.tokens, index);
  if (leadingCue !== null && !leadingCue.isParticiple) {
    const subjectEnd = phraseEnd(f, leadingCue.end, limit);
    return { cue: leadingCue, subjectFirst: leadingCue.end, subjectEnd, end: subjectEnd };
  }
  // '“…,” as Dale said on Monday, …': the comparison names the speaker
  if (f.tokens[index]!.lower === 'as' && !f.tokens[index]!.capitalized)
    return cueAfterSubject(f, index + 1, limit) ?? verbAfterQuote(f, first, limit, index + 1);
  if (NOT_A_SUBJECT_START.has(f.tokens[index]!.lower)) return null;
  return cueAfterSubject(f, index, limit) ?? verbAfterQuote(f, first, limit, index);
}

/** "…," Dana Whitfield, the county treasurer, said — the cue within a few tokens of the quote. */
function cueAfterSubject(f: Finder, index: number, limit: number): Attribution | null {
  for (let position = index; position < Math.min(limit, index + MAX_SUBJECT_TOKENS); position++) {
    let token = f.tokens[position]!;
    if (token.text === '(') {
      position = closingParenthesis(f, position, limit);
      token = f.tokens[position]!;
    }
    if (isStop(f, position) || isQuoteChar(token.text) || token.text === ';') return null;
    const cue = cueAt(f.tokens, position);
    if (cue === null || cue.isParticiple) continue;
    if (cue.isAccordingTo) return null;
    const subjectEnd = skipAuxiliariesBackward(f.tokens, position, index);
    if (subjectEnd <= index) return null;
    const inverted = invertedAfterComment(f, cue, index, subjectEnd, limit);
    return inverted ?? { cue, subjectFirst: index, subjectEnd, end: cue.end };
  }
  return null;
}

/**
 * '“…,” since most cases were close, said Dale Ortiz': words of the reporter's between the quote
 * and ", said X" are no subject; the name after the cue is.
 */
function invertedAfterComment(f: Finder, cue: Cue, first: number, subjectEnd: number, limit: number): Attribution | null {
  if (f.tokens[cue.first - 1]?.text !== ',') return null;
  const end = phraseEnd(f, cue.end, limit);
  if (end <= cue.end) return null;
  const recent = recentSpeakers(f);
  if (f.resolver.resolve(first, subjectEnd, recent).name !== null || f.resolver.resolve(cue.end, end, recent).name === null) return null;
  return { cue, subjectFirst: cue.end, subjectEnd: end, end };
}

/** Index of the ")" closing the "(" at `open`, or `open` when there is none before `limit`. */
function closingParenthesis(f: Finder, open: number, limit: number): number {
  for (let index = open + 1; index < Math.min(limit, open + 12); index++) if (f.tokens[index]!.text === ')') return index;
  return open;
}

/** 'The town "has changed a great deal," Okafor said in May 2019, citing …' */
export function quoteThenAttribution(f: Finder, sentence: Sentence, quotes: Quote[]): DraftStatement | null {
  // 'Reyes "got a special deal," Becker said, and still "was allowed into …"': the
  // attribution may follow any of the quotes, and later quotes it does not interrupt go on
  for (const [position, quote] of quotes.entries()) {
    const next = quotes[position + 1];
    const limit = next === undefined ? sentence.endToken : tokenIndexAt(f.tokens, next.start);
    const attribution = trailingAttribution(f, tokenIndexAt(f.tokens, quote.end), limit);
    if (attribution === null || attribution.cue.verb === '—') continue;
    let last = quote;
    let gapStart = attribution.end;
    for (const later of quotes.slice(position + 1)) {
      const quoteToken = tokenIndexAt(f.tokens, later.start);
      if (findCues(f.tokens, gapStart, quoteToken, f.isQuoted).length > 0 || hasStop(f, gapStart, quoteToken) || opensOwnClause(f, gapStart, quoteToken)) break;
      last = later;
      gapStart = tokenIndexAt(f.tokens, later.end);
    }
    return statementFromSpan(f, sentence, { start: sentence.start, end: last.end }, quotes, attribution);
  }
  return null;
}
