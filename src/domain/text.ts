/** Collapses every run of whitespace (including U+00A0) to one space: stored statement text and search terms. */
export function normalizeWhitespace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

const DATE_TIME_INPUT = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * The one rule for a date-time given as input (GraphQL `DateTime`, JSONL and .txt ingest): ISO 8601,
 * `2026-12-01T09:30:00Z` or with an offset; without an offset it is UTC; a date alone
 * (`2026-12-01`) is its midnight UTC. Null for anything else, or a day that does not exist.
 */
export function parseDateTimeInput(value: string): Date | null {
  const match = DATE_TIME_INPUT.exec(value.trim());
  if (!match) return null;
  const [, day, time, zone] = match;
  const date = new Date(`${day}T${time ?? '00:00'}${(zone ?? 'Z').toUpperCase()}`);
  if (Number.isNaN(date.getTime())) return null;
  // Date accepts "2026-02-30" as March 2nd: the day must be the one written.
  return new Date(`${day}T00:00Z`).toISOString().slice(0, 10) === day ? date : null;
}
