// The layers every part of the extractor reads: tokens, paired quotes, paragraphs and quote-aware
// sentences. Computed once per article, for the rules, the learned tagger and its training alike.
import { findQuotes, type Quote } from './quotes.js';
import { splitParagraphs, splitSentences, tokenize, type Sentence, type Token } from './text.js';
import type { TextSpan } from './types.js';

export interface TextAnalysis {
  body: string;
  tokens: Token[];
  quotes: Quote[];
  paragraphs: TextSpan[];
  sentences: Sentence[];
  /** is this offset strictly inside quote marks? */
  isQuoted: (offset: number) => boolean;
}

/** Builds a fast "is this offset strictly inside quote marks?" test over sorted quotes. */
function quoteInteriorTest(quotes: readonly Quote[]): (offset: number) => boolean {
  return (offset: number): boolean => {
    let low = 0;
    let high = quotes.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const quote = quotes[middle]!;
      if (offset <= quote.start) high = middle - 1;
      else if (offset >= quote.end - (quote.closed ? 1 : 0)) low = middle + 1;
      else return true;
    }
    return false;
  };
}

/**
 * Archive text (the New York Times' among others) writes a double quotation mark as two apostrophes:
 * ''We may,'' he said. Reading each pair as `"` lets every rule and the tagger see the quote; a space
 * fills the second character, on the outer side, so offsets (and spans) still point into the article.
 * A third apostrophe is a single quote nested at the edge: '''I need to go,' he said.''
 */
export function readingText(body: string): string {
  if (!body.includes("''")) return body;
  return body.replace(/(?<!')'{2,3}(?!')/g, (run: string, offset: number) => {
    const opens = offset === 0 || /[\s([{—–\-/‘“]/u.test(body[offset - 1] ?? ' ');
    if (run.length === 2) return opens ? ' "' : '" ';
    return opens ? ` "'` : `'" `;
  });
}

/** Analyses the article as read (see `readingText`): `body` is that reading, of the same length. */
export function analyseText(article: string): TextAnalysis {
  const body = readingText(article);
  const tokens = tokenize(body);
  const quotes = findQuotes(body);
  const isQuoted = quoteInteriorTest(quotes);
  const paragraphs = splitParagraphs(body);
  const sentences = splitSentences(body, tokens, paragraphs, isQuoted);
  return { body, tokens, quotes, paragraphs, sentences, isQuoted };
}

/** Token index ranges of the paragraphs, with each token's sentence number. */
export function paragraphTokenRanges(analysis: TextAnalysis): { ranges: { first: number; end: number }[]; sentenceOf: Int32Array } {
  const sentenceOf = new Int32Array(analysis.tokens.length);
  const ranges: { first: number; end: number }[] = [];
  analysis.sentences.forEach((sentence, number) => {
    sentenceOf.fill(number, sentence.firstToken, sentence.endToken);
    const last = ranges[ranges.length - 1];
    const paragraph = sentence.paragraph;
    if (last !== undefined && analysis.sentences[number - 1]?.paragraph === paragraph) last.end = sentence.endToken;
    else ranges.push({ first: sentence.firstToken, end: sentence.endToken });
  });
  return { ranges, sentenceOf };
}
