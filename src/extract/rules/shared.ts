// What the rule families share: where a sentence stops, where content starts after a cue, the
// subject before a cue, and turning a span into a draft statement (direct, partial or paraphrase).
import { channelFor, findCues, skipAuxiliariesBackward, type Cue } from '../cues.js';
import { ADDRESSEE_VERBS, isVerbForm } from '../lexicon.js';
import type { Speaker } from '../coref.js';
import type { Quote } from '../quotes.js';
import { isAbbreviation, isQuoteChar, sentenceAt, tokenIndexAt, type Sentence } from '../text.js';
import type { TextSpan } from '../types.js';
import type { Attribution, DraftStatement, Finder } from './rule.js';

/** Words that cannot open the subject of a trailing attribution ("… for criminal behavior, she said"). */
export const NOT_A_SUBJECT_START = new Set(
  'for of in on at to from with by and but or that which because as if when while although though into about after before than so is was are were be has had have not'.split(
    ' ',
  ),
);
/** Words allowed between a cue and "that" ("said Wednesday in a statement that", "told reporters that"). */
const BETWEEN_CUE_AND_THAT = new Set(
  'on in at to during with after before a an the his her their its this last next earlier later on morning afternoon evening night week month year weekend day today yesterday tonight recently statement interview reporters conference press news briefing call speech rally radio television show audience crowd supporters also repeatedly again previously publicly privately late early'.split(
    ' ',
  ),
);
const NOUN_DETERMINERS = new Set('the a an his her their its our this that these those'.split(' '));
const SENTENCE_PUNCTUATION = new Set(['.', '?', '!', '…']);
const LEADING_ADVERBIALS = new Set('in on at after during while when before following speaking asked'.split(' '));
/** Words that, after a comma, open a clause of the reporter's own rather than more of the content. */
export const TAIL_OPENERS = new Set('but while whereas although though which according even despite'.split(' '));
/** Clause words a short adverbial before "that" does not contain. */
const STRAY_STOPWORDS = new Set('and or but who which whom whose when where while because if than so he she they we i you it'.split(' '));

/** The sentence subject ends where the first lowercase word after a name or noun begins (its verb, roughly). */
export function sentenceSubjectEnd(f: Finder, sentence: Sentence, limit: number, first = sentence.firstToken): number {
  let index = first;
  while (index < limit) {
    const token = f.tokens[index]!;
    if (token.isWord && !token.capitalized && !['the', 'a', 'an', 'former', 'of', 'de'].includes(token.lower) && index > first) break;
    index++;
  }
  return index;
}

export function recentSpeakers(f: Finder): Speaker[] {
  return f.drafts.slice(-3).map((draft) => draft.speaker);
}

/** End of a noun phrase after an inverted cue ("said Ada Brook, a county planner"). */
export function phraseEnd(f: Finder, first: number, limit: number): number {
  let index = first;
  while (index < limit) {
    const text = f.tokens[index]!.text;
    if (text === ',' || isStop(f, index) || isQuoteChar(text) || text === ';' || text === '(') break;
    index++;
  }
  return index;
}

/** Sentence-ending punctuation, but not the period of "Mr." or an initial. */
export function isStop(f: Finder, index: number): boolean {
  const token = f.tokens[index]!;
  if (!SENTENCE_PUNCTUATION.has(token.text)) return false;
  return !(token.text === '.' && isAbbreviation(f.tokens[index - 1]));
}

export function onlyPunctuationAfter(f: Finder, first: number, end: number): boolean {
  for (let index = first; index < end; index++) if (f.tokens[index]!.isWord) return false;
  return true;
}

/** The speaker named by the attribution's subject tokens (before the cue, or after it when inverted). */
export function speakerOf(f: Finder, attribution: Attribution): Speaker {
  return f.resolver.resolve(attribution.subjectFirst, attribution.subjectEnd, recentSpeakers(f));
}

/** Participles that always introduce what was said ("…, adding the plan would wait"), whatever follows them. */
const STATEMENT_PARTICIPLES = new Set('saying adding noting arguing claiming insisting warning stating declaring explaining'.split(' '));

/** "… she believes we must …, saying that “race still …”": the participle cue starts a statement of its own. */
export function beforeParticipleCue(f: Finder, span: TextSpan, contentStart: number, sentence: Sentence): TextSpan {
  const cue = findCues(f.tokens, contentStart + 1, sentence.endToken, f.isQuoted).find(
    (candidate) =>
      candidate.isParticiple &&
      f.tokens[candidate.first - 1]?.text === ',' &&
      (f.tokens[candidate.end]?.lower === 'that' ||
        isQuoteChar(f.tokens[candidate.end]?.text ?? '') ||
        f.tokens[candidate.end]?.text === ',' ||
        f.tokens[candidate.end]?.text === ':' ||
        STATEMENT_PARTICIPLES.has(candidate.verb)),
  );
  if (cue === undefined) return span;
  const end = f.tokens[cue.first - 2]!.end;
  return end > span.start ? { start: span.start, end } : span;
}

/** "In a letter sent Friday, the mayor said …": cues in a leading adverbial are not the main cue. */
export function afterLeadingAdverbial(f: Finder, sentence: Sentence, limit: number): number {
  const first = f.tokens[sentence.firstToken];
  if (first === undefined || !LEADING_ADVERBIALS.has(first.lower)) return sentence.firstToken;
  for (let index = sentence.firstToken; index < limit; index++) if (f.tokens[index]!.text === ',') return index + 1;
  return sentence.firstToken;
}

export function leadingAttribution(f: Finder, sentence: Sentence, cue: Cue, cues: Cue[]): Attribution {
  if (cue.isAccordingTo) {
    const subjectEnd = phraseEnd(f, cue.end, sentence.endToken);
    return { cue, subjectFirst: cue.end, subjectEnd, end: subjectEnd };
  }
  const earlierCue = cues.filter((other) => other.end <= cue.first).pop();
  let subjectFirst = Math.max(sentence.firstToken, earlierCue?.end ?? 0);
  for (let index = cue.first - 1; index >= subjectFirst; index--) {
    const token = f.tokens[index]!;
    if (token.lower === 'that' || token.text === ';' || token.text === ':' || isQuoteChar(token.text)) {
      subjectFirst = index + 1;
      break;
    }
  }
  if (cue.isParticiple && f.tokens[cue.first - 1]?.text === ',' && !earlierCue) {
    // "Hale attacked Finch for her support …, saying …": the main clause's subject speaks
    const clauseFirst = Math.max(subjectFirst, afterLeadingAdverbial(f, sentence, cue.first));
    let clauseEnd = clauseFirst + 1;
    // the clause's verb: the first lowercase verb form, not a modifier after a determiner ("The retired neurosurgeon")
    const isClauseVerb = (index: number): boolean => {
      const token = f.tokens[index]!;
      if (!token.isWord || token.capitalized || !isVerbForm(token.lower)) return false;
      return !NOUN_DETERMINERS.has(f.tokens[index - 1]?.lower ?? '');
    };
    while (clauseEnd < cue.first && !isClauseVerb(clauseEnd)) clauseEnd++;
    clauseEnd = skipAuxiliariesBackward(f.tokens, clauseEnd, clauseFirst);
    if (clauseEnd > clauseFirst && clauseEnd < cue.first - 1) return { cue, subjectFirst: clauseFirst, subjectEnd: clauseEnd, end: cue.end };
  }
  const subjectEnd = skipAuxiliariesBackward(f.tokens, cue.first, subjectFirst);
  const before = f.tokens[subjectEnd - 1];
  if (before !== undefined && (before.lower === 'and' || before.lower === 'but' || before.lower === 'then')) {
    // "She asks her brother to step in and repeatedly says …": the clause subject speaks
    return { cue, subjectFirst: sentence.firstToken, subjectEnd: sentenceSubjectEnd(f, sentence, subjectEnd), end: cue.end };
  }
  return { cue, subjectFirst, subjectEnd, end: cue.end };
}

export function hasStop(f: Finder, first: number, end: number): boolean {
  for (let index = first; index < end; index++) if (isStop(f, index)) return true;
  return false;
}

/** Content starts after the cue, at "that" / ":" / the quote when only adverbials come between. */
export function contentStartAfter(f: Finder, cue: Cue, sentenceEnd: number): number {
  if (cue.isAccordingTo) {
    const end = phraseEnd(f, cue.end, sentenceEnd);
    return f.tokens[end]?.text === ',' ? end + 1 : end;
  }
  let index = cue.end;
  const limit = Math.min(sentenceEnd, cue.end + 12);
  // "saying at the hearing last week, “That is the point”": an adverbial, then the quotation
  for (let position = cue.end; position < limit - 1 && !isStop(f, position); position++) {
    const token = f.tokens[position]!;
    if (isQuoteChar(token.text) || token.lower === 'that' || (/(?:ed|ing)$/.test(token.lower) && isVerbForm(token.lower))) break;
    if ((token.text === ',' || token.text === ':') && isQuoteChar(f.tokens[position + 1]!.text) && !f.isQuoted(token.start)) return position + 1;
  }
  if (ADDRESSEE_VERBS.has(cue.verb)) {
    // "told the Russian state news agency RIA Novosti that …": skip the addressee
    for (let position = cue.end; position < limit && !isStop(f, position); position++) {
      const token = f.tokens[position]!;
      if (token.lower === 'that' || isQuoteChar(token.text)) return position;
      if (token.text === ':') return position + 1;
    }
  }
  const sentence = sentenceAt(f.sentences, f.tokens[cue.first]!.start);
  while (index < limit) {
    const token = f.tokens[index]!;
    // 'said on ABC's “This Week” on Sunday that …': a title is no quotation
    const title = isQuoteChar(token.text) && sentence !== undefined ? f.quotesIn(sentence).find((quote) => quote.start === token.start) : undefined;
    if (title !== undefined && looksLikeTitle(f, title)) {
      index = Math.max(index + 1, tokenIndexAt(f.tokens, title.end));
      continue;
    }
    if (token.lower === 'that' || isQuoteChar(token.text)) return index;
    if (token.text === ':') return index + 1;
    const skippable = token.text === ',' || token.capitalized || BETWEEN_CUE_AND_THAT.has(token.lower) || /['’]s$/u.test(token.text);
    if (!skippable) {
      // "posted late on Sunday night that …": a short adverbial before "that"
      for (let position = index; position < Math.min(limit, index + 6); position++) {
        const ahead = f.tokens[position]!;
        if (ahead.lower === 'that') return position;
        if (!ahead.isWord || isVerbForm(ahead.lower) || STRAY_STOPWORDS.has(ahead.lower)) break;
      }
      break;
    }
    index++;
  }
  // "told reporters he would …": the addressee is not what was said
  if (index > cue.end && /^(?:tell|tells|told|telling)$/.test(cue.verb) && f.tokens[index]!.isWord) return index;
  let start = cue.end;
  while (start < sentenceEnd && [',', ':'].includes(f.tokens[start]!.text)) start++;
  return start;
}

/** From `startToken` to the end of the sentence, leaving out the final period outside quotes. */
export function contentSpan(f: Finder, startToken: number, sentence: Sentence): TextSpan {
  let endToken = sentence.endToken;
  while (endToken > startToken && [...SENTENCE_PUNCTUATION, ',', ';'].includes(f.tokens[endToken - 1]!.text)) endToken--;
  const start = f.tokens[startToken]?.start ?? sentence.end;
  const end = endToken > startToken ? f.tokens[endToken - 1]!.end : start;
  return { start, end };
}

export function statementFromSpan(f: Finder, sentence: Sentence, span: TextSpan, quotes: Quote[], attribution: Attribution): DraftStatement | null {
  if (span.end <= span.start) return null;
  const inside = quotes.filter((quote) => quote.start >= span.start && quote.end <= span.end + 1);
  const speaker = speakerOf(f, attribution);
  const channel = channelFor(f.tokens, attribution.cue, sentence.endToken, speaker.documentNoun);
  const base = { cue: attribution.cue, speaker, channel, paragraph: sentence.paragraph, unattributed: false };
  if (inside.length === 0) {
    return { ...base, kind: 'PARAPHRASE', span, pieces: [span] };
  }
  const whollyQuoted = inside.length === 1 && isWholeQuote(f, span, inside[0]!);
  if (whollyQuoted) {
    const quote = inside[0]!;
    return { ...base, kind: 'DIRECT_QUOTE', span: { start: Math.min(span.start, quote.start), end: Math.max(span.end, quote.end) }, pieces: quote.pieces };
  }
  return { ...base, kind: 'PARTIAL_QUOTE', span, pieces: [span] };
}

/** Is the span just this quote, perhaps after "that"? A capitalised quote reads as a full sentence. */
function isWholeQuote(f: Finder, span: TextSpan, quote: Quote): boolean {
  const before = f.body.slice(span.start, quote.start).trim().toLowerCase();
  const after = f.body.slice(quote.end, span.end).trim();
  return (before === '' || before === 'that' || before === 'that,') && after === '';
}

/** Titles of shows, books and songs: short, every word capitalised ("Fox and Friends"). */
export function looksLikeTitle(f: Finder, quote: Quote): boolean {
  const words = f.body.slice(quote.start + 1, quote.end - 1).match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0 || words.length > 6) return false;
  const minor = new Set(['and', 'of', 'the', 'a', 'in', 'on', 'to', 'for']);
  return words.every((word) => /^[\p{Lu}\p{N}]/u.test(word) || minor.has(word));
}
