import { describe, expect, it } from 'vitest';
import { extract } from '../../src/extract/index.js';
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

describe('archive quotation marks written as two apostrophes', () => {
  const body = [
    'Harbor officials approved the dredging plan on Tuesday.',
    "''We waited eleven years for this,'' said Marisol Quintero, who chairs the port board. ''Now the ships can come in.''",
    "'''I told them, 'Wait for the survey,''' recalled Tobias Hartmann, a board member.",
  ].join('\n\n');
  const result = extract({ body, publishedAt: new Date('2026-12-01T12:00:00Z') });
  const quote = (words: string) => result.statements.find((statement) => statement.text.includes(words));

  it('are quotes, attributed like any other, with text and spans in the article itself', () => {
    const waited = quote('We waited eleven years');
    expect(waited?.kind).toBe('DIRECT_QUOTE');
    expect(waited?.speakerName).toBe('Marisol Quintero');
    expect(waited?.text).not.toMatch(/^'|'$/);
    for (const span of waited?.spans ?? []) expect(body.slice(span.start, span.end)).not.toMatch(/^'/);
    expect(quote('ships can come in')?.speakerName).toBe('Marisol Quintero');
  });

  it('a third apostrophe is a single quote nested at the edge', () => {
    const nested = quote('I told them');
    expect(nested?.kind).toBe('DIRECT_QUOTE');
    expect(nested?.speakerName).toBe('Tobias Hartmann');
  });
});
