// Attribution at the end of the reporter's sentence: … "…" …, X said.  /  …, said X.
import { findCues, skipAuxiliariesBackward, type Cue } from '../cues.js';
import { isVerbForm } from '../lexicon.js';
import type { Quote } from '../quotes.js';
import { isQuoteChar, type Sentence } from '../text.js';
import type { TextSpan } from '../types.js';
import type { Attribution, DraftStatement, Finder } from './rule.js';
import { NOT_A_SUBJECT_START, contentSpan, isStop, phraseEnd, statementFromSpan } from './shared.js';

export function endAttributed(f: Finder, sentence: Sentence, quotes: Quote[]): DraftStatement | null {
  const cues = findCues(f.tokens, sentence.firstToken, sentence.endToken, f.isQuoted);
  for (let position = cues.length - 1; position >= 0; position--) {
    const cue = cues[position]!;
    const attribution = attributionAfterComma(f, sentence, cue, quotes.length > 0);
    if (attribution === null) continue;
    const commaToken = attribution.subjectFirst - 1;
    // "Much of that, he concedes, could be reversed …": the attribution interrupts the content
    const span = interrupts(f, cue, sentence) ? contentSpan(f, sentence.firstToken, sentence) : contentBefore(f, sentence.firstToken, commaToken);
    return statementFromSpan(f, sentence, span, quotes, attribution);
  }
  return null;
}

/** Does the sentence go on after ", X said," with more of the content (not a participle or a new cue)? */
function interrupts(f: Finder, cue: Cue, sentence: Sentence): boolean {
  if (f.tokens[cue.end]?.text !== ',') return false;
  const rest = f.tokens.slice(cue.end + 1, sentence.endToken);
  if (rest.filter((token) => token.isWord).length < 2 || rest.some((token) => isQuoteChar(token.text))) return false;
  return findCues(f.tokens, cue.end + 1, sentence.endToken, f.isQuoted).length === 0 && !/ing$/.test(rest[0]?.lower ?? '');
}

/** ", X said" or ", said X" closing the sentence; returns null when the cue introduces content. */
function attributionAfterComma(f: Finder, sentence: Sentence, cue: Cue, quoted: boolean): Attribution | null {
  if (cue.isParticiple) return null; // "…, saying that" introduces content, it does not close it
  // ", she said, referencing the bank's drive to “cross-sell”": a participle clause after the
  // attribution is a statement of its own and does not reopen the content
  if (!shortPlainTail(f, cue.end, sentence.endToken) && !(quoted && namedWithAppositive(f, sentence, cue))) return null;
  if (cue.isAccordingTo) {
    const comma = f.tokens[cue.first - 1];
    if (comma?.text !== ',') return null;
    return { cue, subjectFirst: cue.end, subjectEnd: phraseEnd(f, cue.end, sentence.endToken), end: sentence.endToken };
  }
  const before = f.tokens[cue.first - 1];
  if (before !== undefined && (before.text === ',' || (isQuoteChar(before.text) && f.tokens[cue.first - 2]?.text === ','))) {
    // inverted: "…, said Quentin Kidd."
    return { cue, subjectFirst: cue.first, subjectEnd: phraseEnd(f, cue.end, sentence.endToken), end: sentence.endToken };
  }
  const subjectEnd = skipAuxiliariesBackward(f.tokens, cue.first, sentence.firstToken);
  for (let index = subjectEnd - 1; index >= Math.max(sentence.firstToken, subjectEnd - 10); index--) {
    const token = f.tokens[index]!;
    if (token.text === ',' || (isQuoteChar(token.text) && f.tokens[index - 1]?.text === ',')) {
      if (index + 1 >= subjectEnd || NOT_A_SUBJECT_START.has(f.tokens[index + 1]!.lower)) return null;
      return { cue, subjectFirst: index + 1, subjectEnd, end: sentence.endToken };
    }
    if (isStop(f, index) || isQuoteChar(token.text)) return null;
  }
  return null;
}

/**
 * '“…” comment, said Dale Ortiz, the clerk of the county who ran the count in 2019.': after a
 * quotation, an inverted cue, a name and a description of any length, with no quotation after it.
 */
function namedWithAppositive(f: Finder, sentence: Sentence, cue: Cue): boolean {
  const before = f.tokens[cue.first - 1];
  if (cue.isAccordingTo || before === undefined || !(before.text === ',' || (isQuoteChar(before.text) && f.tokens[cue.first - 2]?.text === ','))) return false;
  const nameEnd = phraseEnd(f, cue.end, sentence.endToken);
  if (nameEnd <= cue.end || f.tokens[nameEnd]?.text !== ',') return false;
  for (let index = nameEnd; index < sentence.endToken; index++) if (isQuoteChar(f.tokens[index]!.text)) return false;
  return f.resolver.resolve(cue.end, nameEnd, []).name !== null;
}

/**
 * Up to a trailing participle clause (or `end`), are the words after a cue at most 10, with no
 * "that" and no quote mark? Stops as soon as the answer is known, so it costs O(10) per cue.
 */
function shortPlainTail(f: Finder, from: number, end: number): boolean {
  let words = 0;
  for (let index = from; index < end; index++) {
    const token = f.tokens[index]!;
    const next = f.tokens[index + 1];
    if (index < end - 1 && next !== undefined && token.text === ',' && !f.isQuoted(next.start) && /ing$/.test(next.lower) && isVerbForm(next.lower))
      return true;
    if (token.lower === 'that' || isQuoteChar(token.text)) return false;
    if (token.isWord && ++words > 10) return false;
  }
  return true;
}

function contentBefore(f: Finder, firstToken: number, commaToken: number): TextSpan {
  let endToken = commaToken;
  while (endToken > firstToken && f.tokens[endToken - 1]!.text === ',') endToken--;
  const start = f.tokens[firstToken]!.start;
  const end = isQuoteChar(f.tokens[commaToken]!.text) ? f.tokens[commaToken]!.end : f.tokens[endToken - 1]!.end;
  return { start, end };
}
