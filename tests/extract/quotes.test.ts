import { describe, expect, it } from 'vitest';
import { findQuotes } from '../../src/extract/quotes.js';

const quoted = (body: string): string[] => findQuotes(body).map((quote) => body.slice(quote.start, quote.end));

describe('findQuotes', () => {
  it('pairs straight and curly quotation marks', () => {
    const body = 'He said "yes," and she said “no.”';
    expect(quoted(body)).toEqual(['"yes,"', '“no.”']);
  });

  it('continues a quote into the next paragraph that re-opens it', () => {
    const body = '“First paragraph of the quote.\n\n“Second paragraph,” she said.';
    const [quote] = findQuotes(body);
    expect(findQuotes(body)).toHaveLength(1);
    expect(body.slice(quote!.start, quote!.end)).toBe(body.slice(0, body.indexOf('”') + 1));
    expect(quote!.pieces.map((piece) => body.slice(piece.start, piece.end))).toEqual(['First paragraph of the quote.', 'Second paragraph,']);
  });

  it('drops a stray mark that never closes', () => {
    expect(quoted('The 6" pipe burst.\n\nNothing else.')).toEqual([]);
  });

  it('ignores quotation marks inside markup attributes', () => {
    expect(quoted('<tweet author="someone">Hello</tweet> and "real words."')).toEqual(['"real words."']);
  });
});
