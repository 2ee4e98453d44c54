// Attributions whose verb no lexicon lists: the shape of the clause next to a quote says who spoke.
//   "…,” Dale shot back.            a name or pronoun and its verb right after a quote it cut off
//   Dale shot back, "…"  /  As Dale put it: "…"  /  Stated Dale: "…"  /  … – Dale: "…"
//   Dale continued:  ¶ "…"          the same, closing the sentence before the quote
//   "…"  ¶ – Dale.                  a dashed byline after the quote
import type { Cue } from '../cues.js';
import { COPULAS, SPEECH_VERBS, isFunctionWord, isNonPersonWord } from '../lexicon.js';
import { isQuoteChar, type Sentence } from '../text.js';
import type { Attribution, Finder } from './rule.js';
import { afterLeadingAdverbial, isStop, recentSpeakers } from './shared.js';

const SUBJECT_PRONOUNS = new Set(['he', 'she']);
const DASHES = new Set(['-', '—', '–', '―']);
/** Closing punctuation inside a quote that an attribution interrupts or follows. */
const CUT_QUOTE_ENDINGS = new Set([',', '?', '!', '—', '–']);
/** Words that may open the introducing clause before its subject ("Or, as Dale put it:"). */
const CLAUSE_LEAD_INS = new Set(['as', 'and', 'but', 'or', 'so']);
/** How many words may follow the verb of an introducing clause ("released the following statement"). */
const MAX_INTRODUCER_TAIL = 5;
/** How many words may follow the verb after a quote ("shot back with a laugh on Tuesday"). */
const MAX_TRAILING_TAIL = 6;
const MAX_NAME_TOKENS = 6;

/** End of a name ("Dale Ortiz", "Sen. Dale Ortiz") or a he/she starting at `first`, or -1. */
function nameOrPronounEnd(f: Finder, first: number, limit: number): number {
  const token = f.tokens[first];
  if (token === undefined || !token.isWord || first >= limit) return -1;
  if (SUBJECT_PRONOUNS.has(token.lower)) return first + 1;
  if (isFunctionWord(token.text)) return -1; // "Nobody knows", "The answer came"
  let end = first;
  while (end < limit && end - first < MAX_NAME_TOKENS) {
    const current = f.tokens[end]!;
    const initialOrTitle = current.text === '.' && end > first && f.tokens[end + 1]?.isWord === true && f.tokens[end + 1]!.capitalized;
    if (!((current.isWord && current.capitalized) || initialOrTitle)) break;
    end++;
  }
  if (end === first || /['’]s?$/u.test(f.tokens[end - 1]!.text)) return -1; // "Dale's office" is no subject
  if (end === first + 1 && isNonPersonWord(token.text)) return -1; // "Nobody knows", "Republicans fumed"
  return end;
}

/** A finite verb of speech the lexicon need not know: a lowercase content word, not "is"/"and"/"of". */
function isPlainVerb(f: Finder, index: number): boolean {
  const token = f.tokens[index];
  return token?.isWord === true && !token.capitalized && !COPULAS.has(token.lower) && !isFunctionWord(token.text) && !f.isQuoted(token.start);
}

function wordsIn(f: Finder, first: number, end: number): number {
  let words = 0;
  for (let index = first; index < end; index++) {
    const token = f.tokens[index]!;
    if (isQuoteChar(token.text) || token.lower === 'that' || isStop(f, index)) return Number.POSITIVE_INFINITY;
    if (token.isWord) words++;
  }
  return words;
}

function verbCue(index: number, verb: string): Cue {
  return { first: index, end: index + 1, verb, isAccordingTo: false, isParticiple: false };
}

/** Does the subject [first, end) name someone the resolver can place? */
function resolves(f: Finder, first: number, end: number): boolean {
  const speaker = f.resolver.resolve(first, end, recentSpeakers(f));
  return speaker.name !== null || (speaker.label !== null && f.tokens[first]!.capitalized);
}

/**
 * '“…,” Dale shot back.' / '“…,” recalled Dale Ortiz, …' — `first` is the token after the closing
 * quote mark, `subjectFirst` where the attribution starts (after an "as"), `limit` the next quote
 * or the sentence end.
 */
export function verbAfterQuote(f: Finder, first: number, limit: number, subjectFirst = first): Attribution | null {
  const close = f.tokens[first - 1];
  const inside = f.tokens[first - 2];
  if (close === undefined || inside === undefined || !isQuoteChar(close.text) || !CUT_QUOTE_ENDINGS.has(inside.text)) return null;
  if (isPlainVerb(f, subjectFirst)) {
    const nameEnd = nameOrPronounEnd(f, subjectFirst + 1, limit);
    if (nameEnd < 0 || SUBJECT_PRONOUNS.has(f.tokens[subjectFirst + 1]!.lower)) return null;
    if (f.resolver.resolve(subjectFirst + 1, nameEnd, recentSpeakers(f)).name === null) return null;
    return { cue: verbCue(subjectFirst, f.tokens[subjectFirst]!.lower), subjectFirst: subjectFirst + 1, subjectEnd: nameEnd, end: nameEnd };
  }
  const subjectEnd = nameOrPronounEnd(f, subjectFirst, limit);
  if (subjectEnd < 0 || !isPlainVerb(f, subjectEnd)) return null;
  let tailEnd = subjectEnd + 1;
  while (tailEnd < limit && !isStop(f, tailEnd) && f.tokens[tailEnd]!.text !== ';') tailEnd++;
  if (wordsIn(f, subjectEnd + 1, tailEnd) > MAX_TRAILING_TAIL || !resolves(f, subjectFirst, subjectEnd)) return null;
  return { cue: verbCue(subjectEnd, f.tokens[subjectEnd]!.lower), subjectFirst, subjectEnd, end: subjectEnd + 1 };
}

/**
 * The clause that introduces a quote and ends at `punctuation` (the "," or ":" before it):
 * 'Dale shot back,' 'As Dale, the county clerk, put it:' 'Stated Dale:' '… – Dale:'.
 */
export function introducingClause(f: Finder, sentence: Sentence, punctuation: number): Attribution | null {
  const mark = f.tokens[punctuation];
  if (mark === undefined || (mark.text !== ',' && mark.text !== ':')) return null;
  let dashed = -1;
  for (let index = punctuation - 1; index >= sentence.firstToken; index--) {
    if (DASHES.has(f.tokens[index]!.text)) {
      dashed = index;
      break;
    }
  }
  const starts = new Set<number>();
  if (dashed >= 0) starts.add(dashed + 1);
  starts.add(afterLeadingAdverbial(f, sentence, punctuation));
  for (let index = punctuation - 1; index > sentence.firstToken; index--) {
    if (f.tokens[index]!.text === ',') {
      starts.add(index + 1);
      break;
    }
  }
  for (const start of starts) {
    const attribution = clauseFrom(f, start, punctuation, mark.text === ':' && start === dashed + 1);
    if (attribution !== null) return attribution;
  }
  return null;
}

function clauseFrom(f: Finder, start: number, punctuation: number, bareNameAllowed: boolean): Attribution | null {
  let first = start;
  while (first < punctuation && (f.tokens[first]!.text === ',' || CLAUSE_LEAD_INS.has(f.tokens[first]!.lower))) first++;
  const opener = f.tokens[first];
  if (opener === undefined || first >= punctuation) return null;
  // "Stated Dale:" / "…, explained Dale, “…”": a verb opening the clause, its subject after it
  if (SPEECH_VERBS.has(opener.lower)) {
    const subjectEnd = nameOrPronounEnd(f, first + 1, punctuation);
    if (subjectEnd === punctuation && resolves(f, first + 1, subjectEnd))
      return { cue: verbCue(first, opener.lower), subjectFirst: first + 1, subjectEnd, end: subjectEnd };
    return null;
  }
  const subjectEnd = nameOrPronounEnd(f, first, punctuation);
  if (subjectEnd < 0) return describedNameClause(f, first, punctuation);
  // "– Dale Ortiz:" names the speaker with no verb at all
  if (subjectEnd === punctuation)
    return bareNameAllowed && resolves(f, first, subjectEnd) ? { cue: verbCue(first, ':'), subjectFirst: first, subjectEnd, end: subjectEnd } : null;
  return nameAndVerbClause(f, first, subjectEnd, punctuation) ?? describedNameClause(f, first, punctuation);
}

/** "Dale shot back" / "Dale, the county clerk, put it". */
function nameAndVerbClause(f: Finder, first: number, subjectEnd: number, punctuation: number): Attribution | null {
  let verb = subjectEnd;
  if (f.tokens[verb]!.text === ',') {
    // "Dale, the county clerk, put it": past the appositive
    verb++;
    while (verb < punctuation && f.tokens[verb]!.text !== ',' && !isQuoteChar(f.tokens[verb]!.text)) verb++;
    verb++;
  }
  if (verb >= punctuation || !isPlainVerb(f, verb) || wordsIn(f, verb + 1, punctuation) > MAX_INTRODUCER_TAIL) return null;
  if (!resolves(f, first, subjectEnd)) return null;
  return { cue: verbCue(verb, f.tokens[verb]!.lower), subjectFirst: first, subjectEnd, end: verb + 1 };
}

/** "17-year-old Dale Ortiz echoed:" / "Harbor Town clerk Dale Ortiz issued the following statement:" — a described name and its verb. */
function describedNameClause(f: Finder, first: number, punctuation: number): Attribution | null {
  for (let verb = first + 1; verb < punctuation; verb++) {
    const before = f.tokens[verb - 1]!;
    if (!(before.isWord && before.capitalized) || !isPlainVerb(f, verb) || wordsIn(f, verb + 1, punctuation) > MAX_INTRODUCER_TAIL) continue;
    // the first verb after a capitalised word decides: its subject must name a person
    if (f.resolver.resolve(first, verb, recentSpeakers(f)).name === null) return null;
    return { cue: verbCue(verb, f.tokens[verb]!.lower), subjectFirst: first, subjectEnd: verb, end: verb + 1 };
  }
  return null;
}

/** '"…"  ¶ – Dale Ortiz, Harbor Town.': a sentence that is a dash and a name, after a quote. */
export function dashedByline(f: Finder, sentence: Sentence): Attribution | null {
  const dash = f.tokens[sentence.firstToken];
  if (dash === undefined || !DASHES.has(dash.text)) return null;
  const first = sentence.firstToken + 1;
  const subjectEnd = nameOrPronounEnd(f, first, sentence.endToken);
  if (subjectEnd < 0 || SUBJECT_PRONOUNS.has(f.tokens[first]!.lower)) return null;
  const after = f.tokens[subjectEnd];
  if (after !== undefined && subjectEnd < sentence.endToken && after.text !== ',' && after.text !== '.') return null;
  if (!resolves(f, first, subjectEnd)) return null;
  return { cue: verbCue(sentence.firstToken, dash.text), subjectFirst: first, subjectEnd, end: subjectEnd };
}
