// Low-level text plumbing: tokens with offsets, paragraphs and quote-aware sentences.
// Everything keeps UTF-16 offsets into the original body so spans can be reported exactly.
import { ABBREVIATIONS, SPEECH_VERBS } from './lexicon.js';
import type { TextSpan } from './types.js';

export interface Token {
  text: string;
  lower: string;
  start: number;
  end: number;
  isWord: boolean;
  capitalized: boolean;
}

export interface Sentence {
  start: number;
  end: number;
  /** index of the first token and one past the last token */
  firstToken: number;
  endToken: number;
  paragraph: number;
}

// A word may carry inner apostrophes, periods or hyphens ("Trump’s", "U.S", "co-chair");
// any other non-space character is a token of its own.
const TOKEN_PATTERN = /[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*|[^\s]/gu;
const WORD_START = /[\p{L}\p{N}]/u;
const UPPER_START = /^\p{Lu}/u;

export function tokenize(body: string): Token[] {
  const tokens: Token[] = [];
  for (const match of body.matchAll(TOKEN_PATTERN)) {
    const text = match[0];
    const start = match.index ?? 0;
    tokens.push({
      text,
      lower: text.toLowerCase(),
      start,
      end: start + text.length,
      isWord: WORD_START.test(text[0] ?? ''),
      capitalized: UPPER_START.test(text),
    });
  }
  return tokens;
}

export function normalizeSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export const QUOTE_CHARS = new Set(['"', '“', '”']);

export function isQuoteChar(text: string): boolean {
  return QUOTE_CHARS.has(text);
}

/** Paragraphs are separated by one or more line breaks. */
export function splitParagraphs(body: string): TextSpan[] {
  const paragraphs: TextSpan[] = [];
  const pattern = /[^\n]+/g;
  for (const match of body.matchAll(pattern)) {
    const start = match.index ?? 0;
    if (match[0].trim().length > 0) paragraphs.push({ start, end: start + match[0].length });
  }
  return paragraphs;
}

/** Index of the span containing `offset`, or -1. Spans must be sorted and disjoint. */
export function findSpanIndex(spans: readonly TextSpan[], offset: number): number {
  let low = 0;
  let high = spans.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const span = spans[middle]!;
    if (offset < span.start) high = middle - 1;
    else if (offset >= span.end) low = middle + 1;
    else return middle;
  }
  return -1;
}

/** First token index whose start is >= offset. */
export function tokenIndexAt(tokens: readonly Token[], offset: number): number {
  let low = 0;
  let high = tokens.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (tokens[middle]!.start < offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The sentence that holds `offset` (the last one starting at or before it); undefined for no sentences. */
export function sentenceAt(sentences: readonly Sentence[], offset: number): Sentence | undefined {
  let low = 0;
  let high = sentences.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (sentences[middle]!.start <= offset) low = middle;
    else high = middle - 1;
  }
  return sentences[low];
}

/** State abbreviations used in party labels such as "(D-Wis.)". */
const STATE_ABBREVIATIONS = new Set(
  'ala ariz ark calif colo conn del fla ga ill ind kan ky la md mass mich minn miss mo mont neb nev okla ore pa tenn tex va vt wash wis wyo'.split(' '),
);

function isSentenceFinal(token: Token | undefined): boolean {
  return token !== undefined && (token.text === '.' || token.text === '?' || token.text === '!' || token.text === '…');
}

/** "Mr", "Sen", "U.S" or an initial: a following period does not end the sentence. */
export function isAbbreviation(previous: Token | undefined): boolean {
  if (previous === undefined || !previous.isWord) return false;
  if (ABBREVIATIONS.has(previous.lower)) return true;
  if (/^(?:\p{Lu}\.)+\p{Lu}$/u.test(previous.text)) return true; // "G.K", "U.S"
  if (/^[RDI]-\p{Lu}/u.test(previous.text)) return true; // party labels: "R-Ky."
  if (/^[A-Z][a-z]{1,3}$/.test(previous.text) && STATE_ABBREVIATIONS.has(previous.lower)) return true;
  // A single capital letter followed by a period is an initial ("Vann R. Newkirk").
  return previous.text.length === 1 && previous.capitalized;
}

function startsNewSentence(next: Token | undefined): boolean {
  if (next === undefined) return true;
  return next.capitalized || isQuoteChar(next.text) || /^[\p{N}(‘'—]/u.test(next.text);
}

/** How far after a closing quote a reporting verb may come and still attribute it ("“Why?” Sen. Lindsey Graham asked."). */
const ATTRIBUTION_REACH = 6;

/** Words that open an adverbial after a reporting verb, not a new clause: "said of Apple", "said as …". */
const ADVERBIAL_START = new Set([
  'of',
  'as',
  'in',
  'on',
  'at',
  'during',
  'before',
  'after',
  'while',
  'when',
  'about',
  'from',
  'with',
  'to',
  'last',
  'this',
  'earlier',
  'later',
]);

/** Whom a quote is said to, between the reporting verb and an adverbial: "told reporters during …". */
const ADDRESSEES = new Set(['reporters', 'journalists', 'supporters', 'voters', 'him', 'her', 'them', 'us', 'me']);

/**
 * A quote that ends with its own "?" or "!" or "." is still attributed by what follows:
 * "“How many times …?” Clinton said." is one sentence, not two.
 */
function attributionFollows(tokens: readonly Token[], first: number): boolean {
  for (let index = first; index < Math.min(tokens.length, first + ATTRIBUTION_REACH); index++) {
    const token = tokens[index]!;
    if (isSentenceFinal(token) && !(token.text === '.' && isAbbreviation(tokens[index - 1]))) return false;
    if (isQuoteChar(token.text)) return false;
    if (SPEECH_VERBS.has(token.lower) && !token.capitalized) {
      // "… Clinton said." / "… Clinton said Tuesday." / "… she said, adding …": the cue closes the attribution
      // "… Hale said of the company in March", "… Hale asked reporters at a briefing"
      const afterAddressee = ADDRESSEES.has(tokens[index + 1]?.lower ?? '') ? index + 2 : index + 1;
      if (ADVERBIAL_START.has(tokens[afterAddressee]?.lower ?? '')) return true;
      for (let next = index + 1; next <= index + 4; next++) {
        const after = tokens[next];
        if (after === undefined || isSentenceFinal(after) || after.text === ',' || isQuoteChar(after.text)) return true;
      }
      return false;
    }
  }
  return false;
}

/**
 * Sentences that never break inside a quotation, so that a multi-sentence quote stays in the
 * sentence that attributes it. `insideQuote(offset)` tells whether an offset is within quote marks.
 */
export function splitSentences(body: string, tokens: readonly Token[], paragraphs: readonly TextSpan[], insideQuote: (offset: number) => boolean): Sentence[] {
  const sentences: Sentence[] = [];
  let first = 0;
  const close = (endToken: number): void => {
    if (endToken <= first) return;
    const start = tokens[first]!.start;
    const end = tokens[endToken - 1]!.end;
    sentences.push({ start, end, firstToken: first, endToken, paragraph: Math.max(0, findSpanIndex(paragraphs, start)) });
    first = endToken;
  };
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    const next = tokens[index + 1];
    if (next !== undefined && body.slice(token.end, next.start).includes('\n') && !insideQuote(next.start)) {
      close(index + 1);
      continue;
    }
    if (insideQuote(token.start)) continue;
    const previous = tokens[index - 1];
    const endsHere =
      (isSentenceFinal(token) && !(token.text === '.' && isAbbreviation(previous))) ||
      (isQuoteChar(token.text) && isSentenceFinal(previous) && insideQuote(previous?.start ?? -1));
    const quoteOpenedSentence = isQuoteChar(tokens[first]?.text ?? '');
    if (endsHere && startsNewSentence(next) && !(isQuoteChar(token.text) && quoteOpenedSentence && attributionFollows(tokens, index + 1))) close(index + 1);
  }
  close(tokens.length);
  return sentences;
}
