// Sentences that open with a quote: "…," X said.  /  "A," X said, "B."  /  a bare "…".
import { channelFor, findCues } from '../cues.js';
import type { Quote } from '../quotes.js';
import { tokenIndexAt, type Sentence } from '../text.js';
import type { TextSpan } from '../types.js';
import { attributionFirst } from './attribution-first.js';
import { endAttributed } from './end-attributed.js';
import type { Attribution, DraftStatement, Finder } from './rule.js';
import { hasStop, onlyPunctuationAfter, speakerOf } from './shared.js';
import { opensOwnClause, trailingAttribution } from './trailing-attribution.js';

export function quoteFirst(f: Finder, sentence: Sentence, quotes: Quote[]): DraftStatement | null {
  const first = quotes[0]!;
  const afterFirst = tokenIndexAt(f.tokens, first.end);
  const nextQuoteToken = quotes[1] !== undefined ? tokenIndexAt(f.tokens, quotes[1].start) : sentence.endToken;
  const attribution = trailingAttribution(f, afterFirst, nextQuoteToken);
  if (attribution !== null) {
    // a quote right after the attribution continues the statement ("A," he said, "B.")
    const group = [first];
    let gapStart = attribution.end;
    for (const quote of quotes.slice(1)) {
      const quoteToken = tokenIndexAt(f.tokens, quote.start);
      // "A," he told the host, "B." continues; "A," he said, adding that "B" starts a new statement
      if (findCues(f.tokens, gapStart, quoteToken, f.isQuoted).length > 0 || hasStop(f, gapStart, quoteToken) || opensOwnClause(f, gapStart, quoteToken)) break;
      group.push(quote);
      gapStart = tokenIndexAt(f.tokens, quote.end);
    }
    const last = group[group.length - 1]!;
    return quoteDraft(f, sentence, group, { start: first.start, end: last.end }, attribution);
  }
  if (onlyPunctuationAfter(f, afterFirst, sentence.endToken) && quotes.length === 1) {
    return unattributedQuote(sentence, first);
  }
  // the quote is part of the reporter's sentence: "“…” for criminal behavior, she said."
  return endAttributed(f, sentence, quotes) ?? attributionFirst(f, sentence, quotes);
}

function unattributedQuote(sentence: Sentence, quote: Quote): DraftStatement {
  return {
    kind: 'DIRECT_QUOTE',
    span: { start: quote.start, end: quote.end },
    pieces: quote.pieces,
    cue: null,
    speaker: { name: null, label: null, span: null, documentNoun: null },
    channel: null,
    paragraph: sentence.paragraph,
    unattributed: true,
  };
}

function quoteDraft(f: Finder, sentence: Sentence, quotes: Quote[], span: TextSpan, attribution: Attribution): DraftStatement {
  const speaker = speakerOf(f, attribution);
  return {
    kind: 'DIRECT_QUOTE',
    span,
    pieces: quotes.flatMap((quote) => quote.pieces),
    cue: attribution.cue,
    speaker,
    channel: channelFor(f.tokens, attribution.cue, sentence.endToken, speaker.documentNoun),
    paragraph: sentence.paragraph,
    unattributed: false,
  };
}
