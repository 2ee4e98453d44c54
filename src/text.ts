/** Collapses every run of whitespace (including U+00A0) to one space: stored statement text and search terms. */
export function normalizeWhitespace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}
