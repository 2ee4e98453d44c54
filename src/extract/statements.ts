// Finds statements sentence by sentence. Each sentence is matched against the shapes reporters use,
// one rule family per file under rules/ (each reads the article through the `Finder` in rules/rule.ts):
//   "…," X said.   /  "…," said X.   /  "A," X said, "B."   (quote first, attribution after: quote-first.ts, trailing-attribution.ts)
//   X said: "…"    /  X said that … "…" …                  (attribution first: attribution-first.ts)
//   … "…" …, X said.                                       (reporter's clause, attribution at the end: end-attributed.ts)
//   X said (that) …   /  …, X said.   /  According to X, …  (no quote marks: paraphrase.ts, according-to.ts)
// then "…," he said, adding that … (continuation.ts), quotes no rule attributed (stray-quotes.ts), and
// quotes without an attribution borrowing a neighbour's speaker (unattributed.ts).
// Spans follow the PolNeAR convention: a statement's span is its content, quote marks included,
// from the first quote to the last when the attribution interrupts it.
import type { SpeakerResolver } from './coref.js';
import type { Quote } from './quotes.js';
import { accordingTo } from './rules/according-to.js';
import { attributionFirst } from './rules/attribution-first.js';
import { dashedByline, introducingClause, verbAfterQuote } from './rules/clause-attribution.js';
import { continuation } from './rules/continuation.js';
import { endAttributed } from './rules/end-attributed.js';
import { paraphrase } from './rules/paraphrase.js';
import { quoteFirst } from './rules/quote-first.js';
import type { Attribution, DraftStatement, Finder, SentenceRule } from './rules/rule.js';
import { looksLikeTitle, speakerOf } from './rules/shared.js';
import { coverStrayQuotes, isNickname } from './rules/stray-quotes.js';
import { quoteThenAttribution } from './rules/trailing-attribution.js';
import type { Sentence, Token } from './text.js';

export type { DraftStatement } from './rules/rule.js';
export { statementText } from './rules/rule.js';
export { attachUnattributedQuotes } from './rules/unattributed.js';

// Every family's entry point reads a sentence the same way.
[quoteFirst, quoteThenAttribution, attributionFirst, endAttributed, accordingTo, paraphrase] satisfies SentenceRule[];

export class StatementFinder implements Finder {
  private readonly quotesBySentence = new Map<number, Quote[]>();
  readonly drafts: DraftStatement[] = [];

  constructor(
    readonly body: string,
    readonly tokens: readonly Token[],
    quotes: readonly Quote[],
    readonly sentences: readonly Sentence[],
    readonly resolver: SpeakerResolver,
    readonly isQuoted: (offset: number) => boolean,
  ) {
    // quotes and sentences are both in text order, so one merge pass assigns each quote its sentence
    let sentenceIndex = 0;
    for (const quote of quotes) {
      while (sentenceIndex < sentences.length && sentences[sentenceIndex]!.end <= quote.start) sentenceIndex++;
      const sentence = sentences[sentenceIndex];
      if (sentence === undefined || quote.start < sentence.start) continue;
      const list = this.quotesBySentence.get(sentence.start) ?? [];
      list.push(quote);
      this.quotesBySentence.set(sentence.start, list);
    }
  }

  find(): DraftStatement[] {
    for (const [position, sentence] of this.sentences.entries()) {
      const analysed = this.analyse(sentence);
      if (analysed === null) continue;
      const statement = this.withNeighbourSpeaker(analysed, position);
      this.drafts.push(statement);
      const next = continuation(this, sentence, statement);
      if (next !== null) this.drafts.push(next);
    }
    coverStrayQuotes(this);
    this.drafts.sort((a, b) => a.span.start - b.span.start);
    return this.drafts;
  }

  /**
   * A quote opening its sentence with no speaker of its own is introduced by a sentence that ends
   * with a colon ("Dale continued:") or signed by the sentence after it ("– Dale Ortiz.", "Ortiz pressed.").
   */
  private withNeighbourSpeaker(draft: DraftStatement, position: number): DraftStatement {
    const sentence = this.sentences[position]!;
    if (draft.kind === 'PARAPHRASE' || draft.speaker.name !== null || draft.speaker.label !== null) return draft;
    if (this.quotesIn(sentence)[0]?.start !== sentence.start) return draft;
    const previous = this.sentences[position - 1];
    const next = this.sentences[position + 1];
    const introduced =
      previous !== undefined &&
      sentence.paragraph - previous.paragraph <= 1 &&
      this.tokens[previous.endToken - 1]?.text === ':' &&
      this.quotesIn(previous).length === 0
        ? introducingClause(this, previous, previous.endToken - 1)
        : null;
    const attribution = introduced ?? (next !== undefined && next.paragraph - sentence.paragraph <= 1 ? this.signedBy(sentence, next) : null);
    if (attribution === null) return draft;
    return { ...draft, speaker: speakerOf(this, attribution), cue: draft.cue ?? attribution.cue, unattributed: false };
  }

  /** The sentence after a quote that signs it: "– Dale Ortiz." or, after a question, "Ortiz pressed." */
  private signedBy(sentence: Sentence, next: Sentence): Attribution | null {
    if (next.paragraph !== sentence.paragraph) return dashedByline(this, next);
    return dashedByline(this, next) ?? verbAfterQuote(this, next.firstToken, next.endToken);
  }

  quotesIn(sentence: Sentence): Quote[] {
    return this.quotesBySentence.get(sentence.start) ?? [];
  }

  private analyse(sentence: Sentence): DraftStatement | null {
    // a title inside the sentence ("On CBS's “Face the Nation,” Ryan said …") is not a quotation
    const all = this.quotesIn(sentence);
    const quotes = all.filter((quote) => quote.start === sentence.start || !(looksLikeTitle(this, quote) || isNickname(this, quote)));
    const firstQuote = quotes[0];
    if (firstQuote === undefined) return paraphrase(this, sentence, all);
    const startsWithQuote = firstQuote.start === sentence.start;
    if (startsWithQuote) return quoteFirst(this, sentence, quotes);
    return attributionFirst(this, sentence, quotes);
  }
}
