// Pairs quotation marks into quotes. Straight quotes (") are ambiguous, so each mark is classified
// by what surrounds it (space before and a letter after opens; a letter before and space after
// closes) and the pairing state breaks ties. Newswire convention for long quotes: a paragraph that
// opens a quote without closing it continues into the next paragraph, which re-opens the quote.
import { findSpanIndex, splitParagraphs } from './text.js';
import type { TextSpan } from './types.js';

export interface Quote {
  /** offset of the opening mark */
  start: number;
  /** one past the closing mark (or the paragraph end when the quote is never closed) */
  end: number;
  /** the quoted words, without the marks; several pieces when the quote runs over paragraphs */
  pieces: TextSpan[];
  closed: boolean;
}

type MarkRole = 'open' | 'close' | 'either';

interface Mark {
  offset: number;
  role: MarkRole;
}

const OPENING_CONTEXT = /[\s([{—–\-/‘'…]/u;

function classifyMark(body: string, offset: number, paragraph: TextSpan): MarkRole {
  const char = body[offset];
  const before = offset > paragraph.start ? (body[offset - 1] ?? ' ') : ' ';
  const after = offset + 1 < paragraph.end ? (body[offset + 1] ?? ' ') : ' ';
  const canOpen = OPENING_CONTEXT.test(before) && !/\s/.test(after);
  const canClose = !/\s/.test(before) && (/\s/.test(after) || /[\p{P}]/u.test(after) || offset + 1 >= paragraph.end);
  if (char === '“') return canClose && !canOpen ? 'close' : 'open';
  if (char === '”') return canOpen && !canClose ? 'open' : 'close';
  if (canOpen && !canClose) return 'open';
  if (canClose && !canOpen) return 'close';
  return 'either';
}

/** Marks inside markup such as `<tweet author="...">` are attribute quotes, not speech. */
function markupRanges(body: string): TextSpan[] {
  const ranges: TextSpan[] = [];
  for (const match of body.matchAll(/<\/?[a-z][^<>]*>/g)) {
    const start = match.index ?? 0;
    ranges.push({ start, end: start + match[0].length });
  }
  return ranges;
}

function collectMarks(body: string, paragraph: TextSpan, markup: TextSpan[]): Mark[] {
  const marks: Mark[] = [];
  for (let offset = paragraph.start; offset < paragraph.end; offset++) {
    const char = body[offset];
    if (char !== '"' && char !== '“' && char !== '”') continue;
    if (findSpanIndex(markup, offset) >= 0) continue; // markup ranges are regex matches: sorted and disjoint
    marks.push({ offset, role: classifyMark(body, offset, paragraph) });
  }
  return marks;
}

/** Offset of a paragraph's first non-space character: an indented paragraph still re-opens a quote. */
function firstVisible(body: string, paragraph: TextSpan): number {
  let offset = paragraph.start;
  while (offset < paragraph.end && /\s/.test(body[offset] ?? '')) offset++;
  return offset;
}

function trimmedEnd(body: string, start: number, end: number): number {
  let trimmed = end;
  while (trimmed > start && /\s/.test(body[trimmed - 1] ?? '')) trimmed--;
  return trimmed;
}

export function findQuotes(body: string): Quote[] {
  const quotes: Quote[] = [];
  const markup = markupRanges(body);
  const paragraphs = splitParagraphs(body);
  let open: { start: number; pieces: TextSpan[]; pieceStart: number } | null = null;

  const finish = (closeOffset: number, closed: boolean): void => {
    if (open === null) return;
    const pieceEnd = closed ? closeOffset : trimmedEnd(body, open.pieceStart, closeOffset);
    open.pieces.push({ start: open.pieceStart, end: pieceEnd });
    quotes.push({ start: open.start, end: closed ? closeOffset + 1 : pieceEnd, pieces: open.pieces, closed });
    open = null;
  };

  paragraphs.forEach((paragraph, paragraphIndex) => {
    const marks = collectMarks(body, paragraph, markup);
    for (const [markIndex, mark] of marks.entries()) {
      if (open !== null && mark.offset === firstVisible(body, paragraph) && mark.role !== 'close' && markIndex === 0 && open.pieces.length > 0) {
        // continuation of a quote from the previous paragraph: just start a new piece
        open.pieceStart = mark.offset + 1;
        continue;
      }
      if (open === null) {
        if (mark.role !== 'close') open = { start: mark.offset, pieces: [], pieceStart: mark.offset + 1 };
        continue;
      }
      if (mark.role === 'open') {
        // two openings in a row: the first quote was never closed
        finish(mark.offset, false);
        open = { start: mark.offset, pieces: [], pieceStart: mark.offset + 1 };
      } else {
        finish(mark.offset, true);
      }
    }
    if (open === null) return;
    const nextParagraph = paragraphs[paragraphIndex + 1];
    const nextMark = nextParagraph === undefined ? '' : (body[firstVisible(body, nextParagraph)] ?? '');
    // the next paragraph re-opens the quote with the same kind of mark (straight or curly)
    const sameStyle = (body[open.start] === '"') === (nextMark === '"');
    if (/["“”]/.test(nextMark) && sameStyle) {
      open.pieces.push({ start: open.pieceStart, end: trimmedEnd(body, open.pieceStart, paragraph.end) });
    } else {
      finish(paragraph.end, false);
    }
  });
  finish(body.length, false);
  // A quote that is never closed (a stray mark) is not evidence of speech.
  return quotes.filter((quote) => quote.closed);
}
