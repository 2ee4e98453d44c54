// Quotes no sentence rule attributed (scare quotes, labels, stray partial quotes), and how to tell
// them from titles and nicknames.
import { skipAuxiliariesBackward } from '../cues.js';
import { WORDING_VERBS, isVerbForm } from '../lexicon.js';
import type { Speaker } from '../coref.js';
import type { Quote } from '../quotes.js';
import { tokenIndexAt, type Sentence } from '../text.js';
import type { Finder } from './rule.js';
import { afterLeadingAdverbial, looksLikeTitle, recentSpeakers, sentenceSubjectEnd } from './shared.js';

/** Unattributed quotes shorter than this are usually scare quotes or titles, not speech. */
const MIN_STRAY_QUOTE_WORDS = 6;
/** How far before a short stray quote a verb of wording may stand. */
const WORDING_VERB_WINDOW = 10;
/** How many words after a short stray quote still belong to its phrase. */
const MAX_CLAUSE_TAIL = 8;
const DETERMINERS = new Set(['a', 'an', 'the', 'this', 'that', 'his', 'her', 'their', 'its', 'our', 'my', 'your']);
/** Words that may join scare quotes into one statement. */
const QUOTE_CONNECTIVES = new Set(['and', 'or', 'nor', 'by', 'a', 'an', 'the', ',', 'as', 'but', 'not']);

/**
 * Quotes no rule attributed ("pounding Hale as a “smooth operator”") still report someone's words:
 * keep them as partial quotes spoken by the subject of their sentence. Scare quotes joined by a
 * connective ("being “duped” by “a con”") form one statement, and the statement takes in the
 * noun phrase or clause the quoted words complete (back to the nearest verb, preposition or
 * comma), which is how annotators mark the reported content.
 */
export function coverStrayQuotes(f: Finder): void {
  const covered = (quote: Quote): boolean => f.drafts.some((draft) => quote.start >= draft.span.start - 1 && quote.end <= draft.span.end + 1);
  for (const sentence of f.sentences) {
    const stray = f.quotesIn(sentence).filter((quote) => !covered(quote) && !looksLikeTitle(f, quote) && !isNickname(f, quote));
    for (const group of groupQuotes(f, stray)) {
      const first = group[0]!;
      const last = group[group.length - 1]!;
      const wordCount = Math.max(...group.map((quote) => (f.body.slice(quote.start, quote.end).match(/[\p{L}\p{N}]+/gu) ?? []).length));
      const openToken = tokenIndexAt(f.tokens, first.start);
      const verb = wordingVerbBefore(f, sentence, openToken);
      if (wordCount < MIN_STRAY_QUOTE_WORDS && verb < 0) continue;
      const startToken = wordCount >= MIN_STRAY_QUOTE_WORDS ? thatOrQuote(f, openToken) : afterVerb(f, verb, openToken);
      // 'Reyes "got …," Becker said, and still "got to …"': the sentence's speaker goes on
      const attributed = f.drafts.find(
        (draft) => draft.cue !== null && draft.span.start >= sentence.start && draft.span.end <= first.start && draft.span.end <= sentence.end,
      );
      const own =
        verb >= 0
          ? wordingVerbSubject(f, sentence, verb, attributed?.cue?.end ?? sentence.firstToken)
          : attributed !== undefined
            ? attributed.speaker
            : f.resolver.resolve(sentence.firstToken, sentenceSubjectEnd(f, sentence, Math.min(openToken, startToken)), recentSpeakers(f));
      const speaker = own.name === null && own.label === null && attributed !== undefined ? attributed.speaker : own;
      f.drafts.push({
        kind: 'PARTIAL_QUOTE',
        span: { start: f.tokens[startToken]!.start, end: wordCount >= MIN_STRAY_QUOTE_WORDS ? last.end : clauseTailEnd(f, sentence, last) },
        pieces: group.flatMap((quote) => quote.pieces),
        cue: null,
        speaker,
        channel: null,
        paragraph: sentence.paragraph,
        unattributed: false,
      });
    }
  }
}

/** A verb of wording ("called", "condemned", "likened") shortly before this quote in the same clause, or -1. */
function wordingVerbBefore(f: Finder, sentence: Sentence, openToken: number): number {
  for (let index = openToken - 1; index >= Math.max(sentence.firstToken, openToken - WORDING_VERB_WINDOW); index--) {
    const token = f.tokens[index]!;
    if (token.text === ';' || f.isQuoted(token.start)) return -1;
    // "a call for …" is a noun, not a verb of wording
    if (WORDING_VERBS.has(token.lower) && !token.capitalized && !DETERMINERS.has(f.tokens[index - 1]?.lower ?? '')) return index;
    // the nearest verb governs the quote: "called a charlatan for promoting “quack” cures" is not a label
    if (!token.capitalized && /(?:ed|ing)$/.test(token.lower) && isVerbForm(token.lower)) return -1;
  }
  return -1;
}

/** A short quote's phrase runs on to the end of its clause when little follows ("a “special session” to vote on a treasurer"). */
function clauseTailEnd(f: Finder, sentence: Sentence, quote: Quote): number {
  const after = tokenIndexAt(f.tokens, quote.end);
  let index = after;
  while (index < sentence.endToken) {
    const token = f.tokens[index]!;
    if (!token.isWord && !/['’]/.test(token.text)) break;
    if (f.isQuoted(token.start)) break;
    index++;
  }
  const tail = index - after;
  if (tail === 0 || tail > MAX_CLAUSE_TAIL) return quote.end;
  return f.tokens[index - 1]!.end;
}

/** The subject of a verb of wording: the clause before it, after any leading adverbial ("In a statement, Obama condemned …"). */
function wordingVerbSubject(f: Finder, sentence: Sentence, verb: number, from = sentence.firstToken): Speaker {
  const first = from > sentence.firstToken && from < verb ? from : afterLeadingAdverbial(f, sentence, verb);
  const end = skipAuxiliariesBackward(f.tokens, verb, first);
  return f.resolver.resolve(first, end, recentSpeakers(f));
}

/** A long stray quote starts at its "that", else at its opening mark. */
function thatOrQuote(f: Finder, openToken: number): number {
  return f.tokens[openToken - 1]?.lower === 'that' ? openToken - 1 : openToken;
}

/** The words a verb of wording governs: from just after it (or its "that") to the quote. */
export function afterVerb(f: Finder, verb: number, openToken: number): number {
  // "what Turnbull called North Korea's “reckless” actions": the free relative is the content
  for (let index = verb - 1; index >= Math.max(0, verb - 8); index--) {
    const token = f.tokens[index]!;
    if (token.lower === 'what') return index;
    if (!token.isWord || isVerbForm(token.lower)) break;
  }
  let start = verb + 1;
  for (let index = verb + 1; index < openToken; index++) if (f.tokens[index]!.lower === 'that') start = index;
  while (start < openToken && !f.tokens[start]!.isWord) start++;
  return start;
}

/** The run of quotes joined by connectives that starts with the first of `quotes`. */
export function connectedQuotes(f: Finder, quotes: readonly Quote[]): Quote {
  return groupQuotes(f, quotes)[0]!.at(-1)!;
}

/** Quotes in one sentence joined only by connectives ("“losers” and “sad”"). */
function groupQuotes(f: Finder, quotes: readonly Quote[]): Quote[][] {
  const groups: Quote[][] = [];
  for (const quote of quotes) {
    const group = groups[groups.length - 1];
    const previous = group?.[group.length - 1];
    if (group !== undefined && previous !== undefined && onlyConnectives(f, tokenIndexAt(f.tokens, previous.end), tokenIndexAt(f.tokens, quote.start)))
      group.push(quote);
    else groups.push([quote]);
  }
  return groups;
}

function onlyConnectives(f: Finder, first: number, end: number): boolean {
  if (end - first > 4) return false;
  for (let index = first; index < end; index++) if (!QUOTE_CONNECTIVES.has(f.tokens[index]!.lower)) return false;
  return true;
}

/** A nickname inside a name: Rep. Robert C. "Bobby" Scott. */
export function isNickname(f: Finder, quote: Quote): boolean {
  const openToken = tokenIndexAt(f.tokens, quote.start);
  const closeToken = tokenIndexAt(f.tokens, quote.end);
  const before = f.tokens[openToken - 1];
  const after = f.tokens[closeToken];
  if (!/^\p{Lu}[\p{L}'’.-]*(?: \p{Lu}[\p{L}'’.-]*)?$/u.test(f.body.slice(quote.start + 1, quote.end - 1))) return false;
  return (
    before !== undefined && after !== undefined && before.capitalized && after.capitalized && before.isWord && after.isWord && before.end === quote.start - 1
  );
}
