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

export function analyseText(body: string): TextAnalysis {
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
