// Quotes with no attribution of their own borrow a speaker from the statements around them.
import type { StatementKind } from '../types.js';
import { type DraftStatement, statementText } from './rule.js';

const STOPWORDS = new Set(
  'the a an and or but of to in on at for with by from that this is was are were be been it its he she they we i you his her their our my your as not have has had will would'.split(
    ' ',
  ),
);

function contentWords(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((word) => word.length > 2 && !STOPWORDS.has(word))
      .map((word) => word.replace(/(?:ed|ing|s)$/, '')), // crude stemming: "delivered" ~ "deliver"
  );
}

/** Jaccard overlap of two word sets: how much two passages say the same thing. */
function overlapShare(quoteWords: Set<string>, otherWords: Set<string>): number {
  let shared = 0;
  for (const word of quoteWords) if (otherWords.has(word)) shared++;
  const union = quoteWords.size + otherWords.size - shared;
  return union === 0 ? 0 : shared / union;
}

function isQuoteKind(kind: StatementKind): boolean {
  return kind === 'DIRECT_QUOTE' || kind === 'PARTIAL_QUOTE';
}

function hasSpeaker(draft: DraftStatement): boolean {
  return draft.speaker.name !== null || draft.speaker.label !== null;
}

/** The quote `next` goes on with: one statement of both, in fragments. */
function continueQuote(quote: DraftStatement, next: DraftStatement): void {
  quote.span = { start: quote.span.start, end: next.span.end };
  quote.pieces = [...quote.pieces, ...next.pieces];
  quote.kind = 'DIRECT_QUOTE';
  // a quote running on over several paragraphs stays one: the next paragraph continues from here
  quote.paragraph = next.paragraph;
}

/**
 * Gives quotes without their own attribution a speaker:
 * - after another quote in the same paragraph ("A," he said. "B." or "A," he said. He paused.
 *   "B.") or opening the next one (a quotation running on over paragraphs), it continues that
 *   statement, which then spans both quotes in fragments;
 * - after a paraphrase in the same paragraph ("X may act, Schiff said. "B."") it is the same speaker;
 * - in the paragraph after a paraphrase of a named speaker, it is the same speaker going on;
 * - otherwise (a lede quote) it goes to a nearby later statement that repeats its words
 *   ("Paul tweeted that he was honored …").
 * Quotes that did get a clause of their own but no speaker from it (a stray partial quote in a
 * sentence without a subject) take the speaker of the statement before them in the same paragraph.
 */
export function attachUnattributedQuotes(body: string, drafts: DraftStatement[]): DraftStatement[] {
  const result: DraftStatement[] = [];
  drafts.forEach((draft, position) => {
    if (!draft.unattributed) {
      const previous = result[result.length - 1];
      if (!hasSpeaker(draft) && isQuoteKind(draft.kind) && previous !== undefined && previous.paragraph === draft.paragraph && hasSpeaker(previous)) {
        result.push({ ...draft, speaker: previous.speaker, channel: draft.channel ?? previous.channel });
        return;
      }
      result.push(draft);
      return;
    }
    const previous = result[result.length - 1];
    const sameParagraph = result.filter((other) => other.paragraph === draft.paragraph);
    const previousQuote = sameParagraph.filter((other) => isQuoteKind(other.kind)).pop();
    if (previousQuote !== undefined) {
      continueQuote(previousQuote, draft);
      return;
    }
    const previousInParagraph = sameParagraph[sameParagraph.length - 1];
    if (previousInParagraph !== undefined && hasSpeaker(previousInParagraph)) {
      result.push({ ...draft, speaker: previousInParagraph.speaker, channel: previousInParagraph.channel });
      return;
    }
    if (previous !== undefined && isQuoteKind(previous.kind) && isQuoteKind(draft.kind) && draft.paragraph - previous.paragraph === 1) {
      continueQuote(previous, draft);
      return;
    }
    if (previous !== undefined && previous.speaker.name !== null && draft.paragraph - previous.paragraph <= 1) {
      result.push({ ...draft, speaker: previous.speaker, channel: previous.channel });
      return;
    }
    const quoteWords = contentWords(statementText(body, draft.pieces));
    const echo = drafts
      .slice(position + 1)
      .filter((other) => !other.unattributed && other.paragraph - draft.paragraph <= 3 && hasSpeaker(other))
      .map((other) => ({ other, share: overlapShare(quoteWords, contentWords(statementText(body, other.pieces))) }))
      .filter((candidate) => candidate.share >= 0.3)
      .sort((a, b) => b.share - a.share)[0];
    result.push(echo !== undefined ? { ...draft, speaker: echo.other.speaker, channel: echo.other.channel } : draft);
  });
  return result;
}
