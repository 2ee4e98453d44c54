// Where a statement stands in its article: `span`, the overall range, and `spans`, its fragments
// (a quote its attribution interrupts, "We will win," she said, "and soon.", is two). Shared by
// the API's statement mutations and the ingest core, so both accept and refuse the same things.
import { badInput } from '../errors.js';
import type { StatementKindValue } from './statement-kinds.js';
import { normalizeWhitespace } from './text.js';

export interface Span {
  start: number;
  end: number;
}

/** More fragments than this is not one statement. */
export const MAX_FRAGMENTS = 50;
/** What joins the fragments' words in a several-fragment quote's text. */
export const FRAGMENT_SEPARATOR = ' … ';

type Kind = StatementKindValue;

/**
 * The span and the fragments to store for a statement given `span` and/or `spans`: the fragments
 * must lie inside the body (`bodyLength`), in order and apart, and `span`, when given too, must be
 * their overall range. A single fragment is stored as `span` alone (`spans` null).
 * `path` names the input ("input", "input.statements.3") in error messages.
 */
export function placeStatement(
  given: { span?: Span | null | undefined; spans?: readonly Span[] | null | undefined },
  bodyLength: number,
  path: string,
): { span: Span | null; spans: Span[] | null } {
  const { span, spans } = given;
  if (span && span.end > bodyLength) throw badInput(`"${path}.span": ends after the article body.`, `${path}.span`);
  if (spans == null) return { span: span ?? null, spans: null };
  if (spans.length === 0) throw badInput(`"${path}.spans": must hold at least one span.`, `${path}.spans`);
  if (spans.length > MAX_FRAGMENTS) throw badInput(`"${path}.spans": at most ${MAX_FRAGMENTS} fragments.`, `${path}.spans`);
  spans.forEach((fragment, i) => {
    const at = `${path}.spans.${i}`;
    if (!Number.isInteger(fragment.start) || !Number.isInteger(fragment.end) || fragment.start < 0 || fragment.end <= fragment.start) {
      throw badInput(`"${at}": end must be after start, and start must not be negative.`, at);
    }
    if (fragment.end > bodyLength) throw badInput(`"${at}": ends after the article body.`, at);
    if (i > 0 && fragment.start < spans[i - 1]!.end) throw badInput(`"${at}": must start after the fragment before it ends (in order, not overlapping).`, at);
  });
  const overall = { start: spans[0]!.start, end: spans[spans.length - 1]!.end };
  if (span === null) throw badInput(`"${path}.span": must not be null when "spans" is given.`, `${path}.span`);
  if (span && (span.start !== overall.start || span.end !== overall.end)) {
    throw badInput(`"${path}.span": must be the overall range of "spans" (${overall.start}–${overall.end}).`, `${path}.span`);
  }
  return { span: overall, spans: spans.length > 1 ? spans.map(({ start, end }) => ({ start, end })) : null };
}

/** Does checking a statement's text need the article body? Only a quote in several fragments. */
export const textMustMatchFragments = (kind: Kind, spans: readonly Span[] | null) => kind !== 'PARAPHRASE' && spans != null && spans.length > 1;

// A fragment's words without the quotation marks around them, or the comma, colon or full stop
// the attribution cut them at: the text may leave those out, but not change a word.
const EDGES = /^[\s"'“”‘’«»„‚‹›—–-]+|[\s"'“”‘’«»„‚‹›,;:.…—–-]+$/gu;
const words = (text: string) =>
  normalizeWhitespace(text)
    .split(FRAGMENT_SEPARATOR)
    .map((part) => part.replace(EDGES, ''))
    .join(FRAGMENT_SEPARATOR);

/**
 * A quote in several fragments says only what the article says: its text is the fragments' own
 * words joined by " … " (whitespace normalised), never glued with invented punctuation.
 */
export function checkFragmentText(text: string, kind: Kind, spans: readonly Span[] | null, body: string, path: string): void {
  if (!textMustMatchFragments(kind, spans)) return;
  const expected = spans!.map((fragment) => words(body.slice(fragment.start, fragment.end))).join(FRAGMENT_SEPARATOR);
  if (words(text) !== expected) {
    throw badInput(
      `"${path}.text": a quote in several fragments must be their words joined by "${FRAGMENT_SEPARATOR.trim()}" (expected "${expected.length > 200 ? `${expected.slice(0, 199)}…` : expected}").`,
      `${path}.text`,
    );
  }
}

/** A stored statement's fragments: its own, or its span as the one fragment, or none when unplaced. */
export function storedFragments(row: { spanStart: number | null; spanEnd: number | null; spans: Span[] | null }): Span[] {
  if (row.spans != null) return row.spans;
  return row.spanStart == null || row.spanEnd == null ? [] : [{ start: row.spanStart, end: row.spanEnd }];
}
