// Finds statements sentence by sentence. Each sentence is matched against the shapes reporters use:
//   "…," X said.   /  "…," said X.   /  "A," X said, "B."   (quote first, attribution after)
//   X said: "…"    /  X said that … "…" …                  (attribution first)
//   … "…" …, X said.                                       (reporter's clause, attribution at the end)
//   X said (that) …   /  …, X said.   /  According to X, …  (no quote marks: paraphrase)
// Spans follow the PolNeAR convention: a statement's span is its content, quote marks included,
// from the first quote to the last when the attribution interrupts it.
import { cueAt, channelFor, findCues, skipAuxiliariesBackward, type Cue } from './cues.js';
import { ADDRESSEE_VERBS, LABELLING_VERBS, SPEECH_VERBS, WORDING_VERBS, isVerbForm } from './lexicon.js';

import type { Speaker, SpeakerResolver } from './coref.js';
import type { Quote } from './quotes.js';
import { isAbbreviation, isQuoteChar, normalizeSpace, tokenIndexAt, type Sentence, type Token } from './text.js';
import type { StatementKind, TextSpan } from './types.js';

export interface DraftStatement {
  kind: StatementKind;
  span: TextSpan;
  /** the words that carry the statement: quote interiors for quotes, the clause for paraphrases */
  pieces: TextSpan[];
  cue: Cue | null;
  speaker: Speaker;
  channel: string | null;
  paragraph: number;
  /** a quote with no attribution of its own; it borrows a speaker from its neighbours */
  unattributed: boolean;
}

interface Attribution {
  cue: Cue;
  subjectFirst: number;
  subjectEnd: number;
  /** first token after the attribution */
  end: number;
}

/** Words that cannot open the subject of a trailing attribution ("… for criminal behavior, she said"). */
const NOT_A_SUBJECT_START = new Set(
  'for of in on at to from with by and but or that which because as if when while although though into about after before than so is was are were be has had have not'.split(
    ' ',
  ),
);
/** Words allowed between a cue and "that" ("said Wednesday in a statement that", "told reporters that"). */
const BETWEEN_CUE_AND_THAT = new Set(
  'on in at to during with after before a an the his her their its this last next earlier later on morning afternoon evening night week month year weekend day today yesterday tonight recently statement interview reporters conference press news briefing call speech rally radio television show audience crowd supporters also repeatedly again previously publicly privately late early'.split(
    ' ',
  ),
);
const SENTENCE_PUNCTUATION = new Set(['.', '?', '!', '…']);
const LEADING_ADVERBIALS = new Set('in on at after during while when before following speaking asked'.split(' '));
/** How far after a quote the reporting verb may come ("…," Scott Pruitt, the Republican attorney general of Oklahoma, said). */
const MAX_SUBJECT_TOKENS = 24;
/** Unattributed quotes shorter than this are usually scare quotes or titles, not speech. */
const MIN_STRAY_QUOTE_WORDS = 6;
/** How far before a short stray quote a verb of wording may stand. */
const WORDING_VERB_WINDOW = 10;
/** How many words after a short stray quote still belong to its phrase. */
const MAX_CLAUSE_TAIL = 8;
/** Words that, between an attribution and a quote, open a new clause of the reporter's. */
const CLAUSE_CONJUNCTIONS = new Set('but while whereas although though because as when after before and'.split(' '));
/** How many words may follow a reporting verb before the quote it interrupts resumes ("he told the host of the show"). */
const MAX_ATTRIBUTION_TAIL = 10;
/** Words that follow a participle opening a clause ("engaging in", "raising the"). */
const PARTICIPLE_OBJECT_STARTS = new Set('in on at to into with for from about a an the his her their its this that'.split(' '));
const DETERMINERS = new Set(['a', 'an', 'the', 'this', 'that', 'his', 'her', 'their', 'its', 'our', 'my', 'your']);
/** Words that, after a comma, open a clause of the reporter's own rather than more of the content. */
const TAIL_OPENERS = new Set('but while whereas although though which according even despite'.split(' '));
/** Words that may join scare quotes into one statement. */
const QUOTE_CONNECTIVES = new Set(['and', 'or', 'nor', 'by', 'a', 'an', 'the', ',', 'as', 'but', 'not']);
/** Clause words a short adverbial before "that" does not contain. */
const STRAY_STOPWORDS = new Set('and or but who which whom whose when where while because if than so he she they we i you it'.split(' '));

export class StatementFinder {
  private readonly quotesBySentence = new Map<number, Quote[]>();
  private readonly drafts: DraftStatement[] = [];

  constructor(
    private readonly body: string,
    private readonly tokens: readonly Token[],
    quotes: readonly Quote[],
    private readonly sentences: readonly Sentence[],
    private readonly resolver: SpeakerResolver,
    private readonly isQuoted: (offset: number) => boolean,
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
    for (const sentence of this.sentences) {
      const statement = this.analyse(sentence);
      if (statement === null) continue;
      this.drafts.push(statement);
      const continuation = this.continuation(sentence, statement);
      if (continuation !== null) this.drafts.push(continuation);
    }
    this.coverStrayQuotes();
    this.drafts.sort((a, b) => a.span.start - b.span.start);
    return this.drafts;
  }

  /** "…," he said, adding that "…" — a second statement by the same speaker after the first. */
  private continuation(sentence: Sentence, statement: DraftStatement): DraftStatement | null {
    const from = tokenIndexAt(this.tokens, statement.span.end);
    if (statement.cue === null || from >= sentence.endToken) return null;
    const start = Math.max(from, statement.cue.end);
    const cue = findCues(this.tokens, start, sentence.endToken, this.isQuoted).find(
      (candidate) => candidate.isParticiple || this.tokens[candidate.first - 1]?.lower === 'and',
    );
    if (cue === undefined) return null;
    const span = this.contentSpan(this.contentStartAfter(cue, sentence.endToken), sentence);
    if (span.end <= span.start) return null;
    const attribution: Attribution = { cue, subjectFirst: cue.first, subjectEnd: cue.first, end: cue.end };
    const draft = this.statementFromSpan(sentence, span, this.quotesIn(sentence), attribution);
    return draft === null ? null : { ...draft, speaker: statement.speaker, channel: statement.channel ?? draft.channel };
  }

  /**
   * Quotes no rule attributed ("pounding Trump as a “con artist”") still report someone's words:
   * keep them as partial quotes spoken by the subject of their sentence. Scare quotes joined by a
   * connective ("being “duped” by “a con”") form one statement, and the statement takes in the
   * noun phrase or clause the quoted words complete (back to the nearest verb, preposition or
   * comma), which is how annotators mark the reported content.
   */
  private coverStrayQuotes(): void {
    const covered = (quote: Quote): boolean => this.drafts.some((draft) => quote.start >= draft.span.start - 1 && quote.end <= draft.span.end + 1);
    for (const sentence of this.sentences) {
      const stray = this.quotesIn(sentence).filter((quote) => !covered(quote) && !this.looksLikeTitle(quote) && !this.isNickname(quote));
      for (const group of this.groupQuotes(stray)) {
        const first = group[0]!;
        const last = group[group.length - 1]!;
        const wordCount = Math.max(...group.map((quote) => (this.body.slice(quote.start, quote.end).match(/[\p{L}\p{N}]+/gu) ?? []).length));
        const openToken = tokenIndexAt(this.tokens, first.start);
        const verb = this.wordingVerbBefore(sentence, openToken);
        if (wordCount < MIN_STRAY_QUOTE_WORDS && verb < 0) continue;
        const startToken = wordCount >= MIN_STRAY_QUOTE_WORDS ? this.thatOrQuote(openToken) : this.afterVerb(verb, openToken);
        // 'Mills "got …," Jordan said, and still "got to …"': the sentence's speaker goes on
        const attributed = this.drafts.find(
          (draft) => draft.cue !== null && draft.span.start >= sentence.start && draft.span.end <= first.start && draft.span.end <= sentence.end,
        );
        const own =
          verb >= 0
            ? this.wordingVerbSubject(sentence, verb, attributed?.cue?.end ?? sentence.firstToken)
            : attributed !== undefined
              ? attributed.speaker
              : this.resolver.resolve(sentence.firstToken, this.subjectEnd(sentence, Math.min(openToken, startToken)), this.recentSpeakers());
        const speaker = own.name === null && own.label === null && attributed !== undefined ? attributed.speaker : own;
        this.drafts.push({
          kind: 'PARTIAL_QUOTE',
          span: { start: this.tokens[startToken]!.start, end: wordCount >= MIN_STRAY_QUOTE_WORDS ? last.end : this.clauseTailEnd(sentence, last) },
          pieces: group.flatMap((quote) => quote.pieces),
          cue: null,
          speaker,
          channel: null,
          paragraph: sentence.paragraph,
          unattributed: false,
        });
      }
    }
  }

  /** A verb of wording ("called", "condemned", "likened") shortly before this quote in the same clause, or -1. */
  private wordingVerbBefore(sentence: Sentence, openToken: number): number {
    for (let index = openToken - 1; index >= Math.max(sentence.firstToken, openToken - WORDING_VERB_WINDOW); index--) {
      const token = this.tokens[index]!;
      if (token.text === ';' || this.isQuoted(token.start)) return -1;
      // "a call for …" is a noun, not a verb of wording
      if (WORDING_VERBS.has(token.lower) && !token.capitalized && !DETERMINERS.has(this.tokens[index - 1]?.lower ?? '')) return index;
      // the nearest verb governs the quote: "called a charlatan for promoting “quack” cures" is not a label
      if (!token.capitalized && /(?:ed|ing)$/.test(token.lower) && isVerbForm(token.lower)) return -1;
    }
    return -1;
  }

  /** A short quote's phrase runs on to the end of its clause when little follows ("a “special meeting” to vote on a nominee"). */
  private clauseTailEnd(sentence: Sentence, quote: Quote): number {
    const after = tokenIndexAt(this.tokens, quote.end);
    let index = after;
    while (index < sentence.endToken) {
      const token = this.tokens[index]!;
      if (!token.isWord && !/['’]/.test(token.text)) break;
      if (this.isQuoted(token.start)) break;
      index++;
    }
    const tail = index - after;
    if (tail === 0 || tail > MAX_CLAUSE_TAIL) return quote.end;
    return this.tokens[index - 1]!.end;
  }

  /** The subject of a verb of wording: the clause before it, after any leading adverbial ("In a statement, Obama condemned …"). */
  private wordingVerbSubject(sentence: Sentence, verb: number, from = sentence.firstToken): Speaker {
    const first = from > sentence.firstToken && from < verb ? from : this.afterLeadingAdverbial(sentence, verb);
    const end = skipAuxiliariesBackward(this.tokens, verb, first);
    return this.resolver.resolve(first, end, this.recentSpeakers());
  }

  /** A long stray quote starts at its "that", else at its opening mark. */
  private thatOrQuote(openToken: number): number {
    return this.tokens[openToken - 1]?.lower === 'that' ? openToken - 1 : openToken;
  }

  /** The words a verb of wording governs: from just after it (or its "that") to the quote. */
  private afterVerb(verb: number, openToken: number): number {
    // "what Turnbull called North Korea's “reckless” actions": the free relative is the content
    for (let index = verb - 1; index >= Math.max(0, verb - 8); index--) {
      const token = this.tokens[index]!;
      if (token.lower === 'what') return index;
      if (!token.isWord || isVerbForm(token.lower)) break;
    }
    let start = verb + 1;
    for (let index = verb + 1; index < openToken; index++) if (this.tokens[index]!.lower === 'that') start = index;
    while (start < openToken && !this.tokens[start]!.isWord) start++;
    return start;
  }

  /** The run of quotes joined by connectives that starts with the first of `quotes`. */
  private connectedQuotes(quotes: readonly Quote[]): Quote {
    return this.groupQuotes(quotes)[0]!.at(-1)!;
  }

  /** Quotes in one sentence joined only by connectives ("“losers” and “sad”"). */
  private groupQuotes(quotes: readonly Quote[]): Quote[][] {
    const groups: Quote[][] = [];
    for (const quote of quotes) {
      const group = groups[groups.length - 1];
      const previous = group?.[group.length - 1];
      if (
        group !== undefined &&
        previous !== undefined &&
        this.onlyConnectives(tokenIndexAt(this.tokens, previous.end), tokenIndexAt(this.tokens, quote.start))
      )
        group.push(quote);
      else groups.push([quote]);
    }
    return groups;
  }

  private onlyConnectives(first: number, end: number): boolean {
    if (end - first > 4) return false;
    for (let index = first; index < end; index++) if (!QUOTE_CONNECTIVES.has(this.tokens[index]!.lower)) return false;
    return true;
  }

  /** A nickname inside a name: Rep. Robert C. "Bobby" Scott. */
  private isNickname(quote: Quote): boolean {
    const openToken = tokenIndexAt(this.tokens, quote.start);
    const closeToken = tokenIndexAt(this.tokens, quote.end);
    const before = this.tokens[openToken - 1];
    const after = this.tokens[closeToken];
    if (!/^\p{Lu}[\p{L}'’.-]*(?: \p{Lu}[\p{L}'’.-]*)?$/u.test(this.body.slice(quote.start + 1, quote.end - 1))) return false;
    return (
      before !== undefined && after !== undefined && before.capitalized && after.capitalized && before.isWord && after.isWord && before.end === quote.start - 1
    );
  }

  /** Titles of shows, books and songs: short, every word capitalised ("Fox and Friends"). */
  private looksLikeTitle(quote: Quote): boolean {
    const words = this.body.slice(quote.start + 1, quote.end - 1).match(/[\p{L}\p{N}]+/gu) ?? [];
    if (words.length === 0 || words.length > 6) return false;
    const minor = new Set(['and', 'of', 'the', 'a', 'in', 'on', 'to', 'for']);
    return words.every((word) => /^[\p{Lu}\p{N}]/u.test(word) || minor.has(word));
  }

  /** The sentence subject ends where the first lowercase word after a name or noun begins (its verb, roughly). */
  private subjectEnd(sentence: Sentence, limit: number, first = sentence.firstToken): number {
    let index = first;
    while (index < limit) {
      const token = this.tokens[index]!;
      if (token.isWord && !token.capitalized && !['the', 'a', 'an', 'former', 'of', 'de'].includes(token.lower) && index > first) break;
      index++;
    }
    return index;
  }

  private recentSpeakers(): Speaker[] {
    return this.drafts.slice(-3).map((draft) => draft.speaker);
  }

  private quotesIn(sentence: Sentence): Quote[] {
    return this.quotesBySentence.get(sentence.start) ?? [];
  }

  private analyse(sentence: Sentence): DraftStatement | null {
    // a title inside the sentence ("On CBS's “Face the Nation,” Ryan said …") is not a quotation
    const all = this.quotesIn(sentence);
    const quotes = all.filter((quote) => quote.start === sentence.start || !(this.looksLikeTitle(quote) || this.isNickname(quote)));
    const firstQuote = quotes[0];
    if (firstQuote === undefined) return this.paraphrase(sentence, all);
    const startsWithQuote = firstQuote.start === sentence.start;
    if (startsWithQuote) return this.quoteFirst(sentence, quotes);
    return this.attributionFirst(sentence, quotes);
  }

  // ---- quote first: "…," X said.  /  "A," X said, "B."  /  bare "…" -------------------------

  private quoteFirst(sentence: Sentence, quotes: Quote[]): DraftStatement | null {
    const first = quotes[0]!;
    const afterFirst = tokenIndexAt(this.tokens, first.end);
    const nextQuoteToken = quotes[1] !== undefined ? tokenIndexAt(this.tokens, quotes[1].start) : sentence.endToken;
    const attribution = this.trailingAttribution(afterFirst, nextQuoteToken);
    if (attribution !== null) {
      // a quote right after the attribution continues the statement ("A," he said, "B.")
      const group = [first];
      let gapStart = attribution.end;
      for (const quote of quotes.slice(1)) {
        const quoteToken = tokenIndexAt(this.tokens, quote.start);
        // "A," he told the host, "B." continues; "A," he said, adding that "B" starts a new statement
        if (
          findCues(this.tokens, gapStart, quoteToken, this.isQuoted).length > 0 ||
          this.hasStop(gapStart, quoteToken) ||
          this.opensOwnClause(gapStart, quoteToken)
        )
          break;
        group.push(quote);
        gapStart = tokenIndexAt(this.tokens, quote.end);
      }
      const last = group[group.length - 1]!;
      return this.quoteDraft(sentence, group, { start: first.start, end: last.end }, attribution);
    }
    if (this.onlyPunctuationAfter(afterFirst, sentence.endToken) && quotes.length === 1) {
      return this.unattributedQuote(sentence, first);
    }
    // the quote is part of the reporter's sentence: "“…” for criminal behavior, she said."
    return this.endAttributed(sentence, quotes) ?? this.attributionFirst(sentence, quotes);
  }

  /**
   * Does the text between an attribution and the next quote start a clause of the reporter's own
   * ('“You winning?” she said, but Kevin was drifting off, and as Trump went on about “…”')?
   * '“A,” he told the host, “B.”' does not.
   */
  private opensOwnClause(first: number, end: number): boolean {
    let words = 0;
    for (let index = first; index < end; index++) {
      const token = this.tokens[index]!;
      if (!token.isWord) continue;
      // '“A,” he said, but “B.”' goes on with the quote; 'she said, but Kevin was …' does not
      if (CLAUSE_CONJUNCTIONS.has(token.lower) && this.wordsBetween(index + 1, end) >= 2) return true;
      words++;
    }
    return words > MAX_ATTRIBUTION_TAIL;
  }

  /**
   * Does a participle clause start at `index` (", meaning …", ", engaging in …")? Words the
   * lexicon reads as adjectives ("engaging") count when a preposition or determiner follows.
   */
  private opensParticipleClause(index: number): boolean {
    const token = this.tokens[index];
    if (token === undefined || token.capitalized || !/ing$/.test(token.lower)) return false;
    return isVerbForm(token.lower) || PARTICIPLE_OBJECT_STARTS.has(this.tokens[index + 1]?.lower ?? '');
  }

  private wordsBetween(first: number, end: number): number {
    let words = 0;
    for (let index = first; index < end; index++) if (this.tokens[index]!.isWord) words++;
    return words;
  }

  private unattributedQuote(sentence: Sentence, quote: Quote): DraftStatement {
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

  /** "…," X said / said X / according to X — right after a closing quote. */
  private trailingAttribution(first: number, limit: number): Attribution | null {
    let index = first;
    const dashed = ['—', '―', '–'].includes(this.tokens[index]?.text ?? '');
    while (index < limit && [',', '—', '―', '–', '-'].includes(this.tokens[index]!.text)) index++;
    if (index >= limit) return null;
    if (dashed && this.tokens[index]!.capitalized && cueAt(this.tokens, index) === null) {
      // byline style: "…” ― Sonya Herridge
      const subjectEnd = this.phraseEnd(index, limit);
      const dashCue: Cue = { first: first, end: first + 1, verb: '—', isAccordingTo: false, isParticiple: false };
      if (subjectEnd - index <= 4 && this.onlyPunctuationAfter(subjectEnd, limit)) return { cue: dashCue, subjectFirst: index, subjectEnd, end: subjectEnd };
    }
    const leadingCue = cueAt(this.tokens, index);
    if (leadingCue !== null && !leadingCue.isParticiple) {
      const subjectEnd = this.phraseEnd(leadingCue.end, limit);
      return { cue: leadingCue, subjectFirst: leadingCue.end, subjectEnd, end: subjectEnd };
    }
    if (NOT_A_SUBJECT_START.has(this.tokens[index]!.lower)) return null;
    for (let position = index; position < Math.min(limit, index + MAX_SUBJECT_TOKENS); position++) {
      let token = this.tokens[position]!;
      if (token.text === '(') {
        position = this.closingParenthesis(position, limit);
        token = this.tokens[position]!;
      }
      if (this.isStop(position) || isQuoteChar(token.text) || token.text === ';') return null;
      const cue = cueAt(this.tokens, position);
      if (cue === null || cue.isParticiple) continue;
      if (cue.isAccordingTo) return null;
      const subjectEnd = skipAuxiliariesBackward(this.tokens, position, index);
      if (subjectEnd <= index) return null;
      return { cue, subjectFirst: index, subjectEnd, end: cue.end };
    }
    return null;
  }

  /** End of a noun phrase after an inverted cue ("said Quentin Kidd, a political scientist"). */
  private phraseEnd(first: number, limit: number): number {
    let index = first;
    while (index < limit) {
      const text = this.tokens[index]!.text;
      if (text === ',' || this.isStop(index) || isQuoteChar(text) || text === ';' || text === '(') break;
      index++;
    }
    return index;
  }

  /** Index of the ")" closing the "(" at `open`, or `open` when there is none before `limit`. */
  private closingParenthesis(open: number, limit: number): number {
    for (let index = open + 1; index < Math.min(limit, open + 12); index++) if (this.tokens[index]!.text === ')') return index;
    return open;
  }

  /** Sentence-ending punctuation, but not the period of "Mr." or an initial. */
  private isStop(index: number): boolean {
    const token = this.tokens[index]!;
    if (!SENTENCE_PUNCTUATION.has(token.text)) return false;
    return !(token.text === '.' && isAbbreviation(this.tokens[index - 1]));
  }

  private onlyPunctuationAfter(first: number, end: number): boolean {
    for (let index = first; index < end; index++) if (this.tokens[index]!.isWord) return false;
    return true;
  }

  private quoteDraft(sentence: Sentence, quotes: Quote[], span: TextSpan, attribution: Attribution): DraftStatement {
    const speaker = this.speakerOf(attribution);
    return {
      kind: 'DIRECT_QUOTE',
      span,
      pieces: quotes.flatMap((quote) => quote.pieces),
      cue: attribution.cue,
      speaker,
      channel: channelFor(this.tokens, attribution.cue, sentence.endToken, speaker.documentNoun),
      paragraph: sentence.paragraph,
      unattributed: false,
    };
  }

  /** The speaker named by the attribution's subject tokens (before the cue, or after it when inverted). */
  private speakerOf(attribution: Attribution): Speaker {
    return this.resolver.resolve(attribution.subjectFirst, attribution.subjectEnd, this.recentSpeakers());
  }

  // ---- attribution first: X said: "…"  /  X said that … "…" … -----------------------------

  private attributionFirst(sentence: Sentence, quotes: Quote[]): DraftStatement | null {
    const firstQuoteToken = tokenIndexAt(this.tokens, quotes[0]!.start);
    const cues = findCues(this.tokens, this.afterLeadingAdverbial(sentence, firstQuoteToken), firstQuoteToken, this.isQuoted);
    // the main clause's cue governs: "Roberts said Friday that … but said "…"" is Roberts' statement
    const cue = cues[0];
    if (cue === undefined) return this.quoteThenAttribution(sentence, quotes) ?? this.endAttributed(sentence, quotes) ?? this.accordingTo(sentence, quotes);
    const attribution = this.leadingAttribution(sentence, cue, cues);
    const contentStart = this.contentStartAfter(cue, sentence.endToken);
    const span = this.beforeParticipleCue(this.contentSpan(contentStart, sentence), contentStart, sentence);
    const trimmed = this.trimTail(this.trimToQuote(span, cue, contentStart, quotes), quotes);
    // "attacked what Mayor Ruiz called a “sham budget”": the free relative is the content
    const what = LABELLING_VERBS.has(cue.verb) ? this.afterVerb(cue.first, cue.first) : -1;
    const start = what >= 0 && this.tokens[what]!.lower === 'what' ? this.tokens[what]!.start : trimmed.start;
    return this.statementFromSpan(sentence, { start, end: trimmed.end }, quotes, attribution);
  }

  /** "… she believes we must …, saying that “race still …”": the participle cue starts a statement of its own. */
  private beforeParticipleCue(span: TextSpan, contentStart: number, sentence: Sentence): TextSpan {
    const cue = findCues(this.tokens, contentStart + 1, sentence.endToken, this.isQuoted).find(
      (candidate) =>
        candidate.isParticiple &&
        this.tokens[candidate.first - 1]?.text === ',' &&
        (this.tokens[candidate.end]?.lower === 'that' || isQuoteChar(this.tokens[candidate.end]?.text ?? '') || this.tokens[candidate.end]?.text === ','),
    );
    if (cue === undefined) return span;
    const end = this.tokens[cue.first - 2]!.end;
    return end > span.start ? { start: span.start, end } : span;
  }

  /**
   * A partial quote's content ends with the clause that holds its last quote: a coordinated verb
   * phrase ("… is “depleted” and says he will …") or a trailing participle or contrast
   * ("“partial,” meaning …", "“fair” to him, engaging in …", "…, but he has …") is not part of it.
   */
  private trimTail(span: TextSpan, quotes: Quote[]): TextSpan {
    const inside = quotes.filter((quote) => quote.start >= span.start && quote.end <= span.end + 1);
    const last = inside[inside.length - 1];
    if (last === undefined || last.end >= span.end) return span;
    const endToken = tokenIndexAt(this.tokens, span.end);
    const first = inside[0]!;
    for (let index = tokenIndexAt(this.tokens, first.end) - 1; index < endToken; index++) {
      const token = this.tokens[index]!;
      if (this.isQuoted(token.start) && !inside.some((quote) => token.start === quote.end - 1)) continue;
      const next = this.tokens[index + 1];
      if (next === undefined) break;
      const comma = token.text === ',' || (isQuoteChar(token.text) && this.tokens[index - 1]?.text === ',');
      const cutHere =
        (comma && (TAIL_OPENERS.has(next.lower) || this.opensParticipleClause(index + 1))) ||
        (token.lower === 'and' && !next.capitalized && (isVerbForm(next.lower) || SPEECH_VERBS.has(next.lower)) && !/ing$/.test(next.lower));
      if (!cutHere) continue;
      let end = index;
      while (end > 0 && this.tokens[end - 1]!.text === ',') end--;
      const endOffset = Math.max(first.end, this.tokens[end - 1]!.end);
      return { start: span.start, end: endOffset };
    }
    return span;
  }

  /** 'The country "has made dramatic changes," McConnell said in June 2012, citing …' */
  private quoteThenAttribution(sentence: Sentence, quotes: Quote[]): DraftStatement | null {
    // 'Mills "got an immunity agreement," Jordan said, and still "got to sit in …"': the
    // attribution may follow any of the quotes, and later quotes it does not interrupt go on
    for (const [position, quote] of quotes.entries()) {
      const next = quotes[position + 1];
      const limit = next === undefined ? sentence.endToken : tokenIndexAt(this.tokens, next.start);
      const attribution = this.trailingAttribution(tokenIndexAt(this.tokens, quote.end), limit);
      if (attribution === null || attribution.cue.verb === '—') continue;
      let last = quote;
      let gapStart = attribution.end;
      for (const later of quotes.slice(position + 1)) {
        const quoteToken = tokenIndexAt(this.tokens, later.start);
        if (
          findCues(this.tokens, gapStart, quoteToken, this.isQuoted).length > 0 ||
          this.hasStop(gapStart, quoteToken) ||
          this.opensOwnClause(gapStart, quoteToken)
        )
          break;
        last = later;
        gapStart = tokenIndexAt(this.tokens, later.end);
      }
      return this.statementFromSpan(sentence, { start: sentence.start, end: last.end }, quotes, attribution);
    }
    return null;
  }

  /** "In a Facebook message posted Friday, Cruz said …": cues in a leading adverbial are not the main cue. */
  private afterLeadingAdverbial(sentence: Sentence, limit: number): number {
    const first = this.tokens[sentence.firstToken];
    if (first === undefined || !LEADING_ADVERBIALS.has(first.lower)) return sentence.firstToken;
    for (let index = sentence.firstToken; index < limit; index++) if (this.tokens[index]!.text === ',') return index + 1;
    return sentence.firstToken;
  }

  /**
   * Content that is a finished quotation ('says, "Don't do it," until …') or a label
   * ('called Clinton a "disgrace" during …') ends with its last quote, not with the sentence.
   */
  private trimToQuote(span: TextSpan, cue: Cue, contentStart: number, quotes: Quote[]): TextSpan {
    const inside = quotes.filter((quote) => quote.start >= span.start && quote.end <= span.end + 1);
    const last = inside[inside.length - 1];
    if (last === undefined) return span;
    const first = inside[0]!;
    // a label: 'described Clinton as a “disgrace” after she …' ends with the label
    const openToken = tokenIndexAt(this.tokens, first.start);
    const isLabel = [1, 2].some((back) => this.tokens[openToken - back]?.lower === 'as' && openToken - back >= contentStart);
    if (isLabel) return { start: span.start, end: this.connectedQuotes(inside).end };
    const startsWithQuote = this.tokens[contentStart]?.start === first.start;
    const finished = /[,.?!…]$/.test(this.body.slice(first.start, first.end - 1));
    return startsWithQuote && finished ? { start: span.start, end: first.end } : span;
  }

  private leadingAttribution(sentence: Sentence, cue: Cue, cues: Cue[]): Attribution {
    if (cue.isAccordingTo) {
      const subjectEnd = this.phraseEnd(cue.end, sentence.endToken);
      return { cue, subjectFirst: cue.end, subjectEnd, end: subjectEnd };
    }
    const earlierCue = cues.filter((other) => other.end <= cue.first).pop();
    let subjectFirst = Math.max(sentence.firstToken, earlierCue?.end ?? 0);
    for (let index = cue.first - 1; index >= subjectFirst; index--) {
      const token = this.tokens[index]!;
      if (token.lower === 'that' || token.text === ';' || token.text === ':' || isQuoteChar(token.text)) {
        subjectFirst = index + 1;
        break;
      }
    }
    if (cue.isParticiple && this.tokens[cue.first - 1]?.text === ',' && !earlierCue) {
      // "Trump attacked Clinton for her support …, saying …": the main clause's subject speaks
      const clauseFirst = Math.max(subjectFirst, this.afterLeadingAdverbial(sentence, cue.first));
      let clauseEnd = clauseFirst + 1;
      while (clauseEnd < cue.first && !(this.tokens[clauseEnd]!.isWord && !this.tokens[clauseEnd]!.capitalized && isVerbForm(this.tokens[clauseEnd]!.lower)))
        clauseEnd++;
      clauseEnd = skipAuxiliariesBackward(this.tokens, clauseEnd, clauseFirst);
      if (clauseEnd > clauseFirst && clauseEnd < cue.first - 1) return { cue, subjectFirst: clauseFirst, subjectEnd: clauseEnd, end: cue.end };
    }
    const subjectEnd = skipAuxiliariesBackward(this.tokens, cue.first, subjectFirst);
    const before = this.tokens[subjectEnd - 1];
    if (before !== undefined && (before.lower === 'and' || before.lower === 'but' || before.lower === 'then')) {
      // "She urges her husband to come out and repeatedly says …": the clause subject speaks
      return { cue, subjectFirst: sentence.firstToken, subjectEnd: this.subjectEnd(sentence, subjectEnd), end: cue.end };
    }
    return { cue, subjectFirst, subjectEnd, end: cue.end };
  }

  private hasStop(first: number, end: number): boolean {
    for (let index = first; index < end; index++) if (this.isStop(index)) return true;
    return false;
  }

  /** Content starts after the cue, at "that" / ":" / the quote when only adverbials come between. */
  private contentStartAfter(cue: Cue, sentenceEnd: number): number {
    if (cue.isAccordingTo) {
      const end = this.phraseEnd(cue.end, sentenceEnd);
      return this.tokens[end]?.text === ',' ? end + 1 : end;
    }
    let index = cue.end;
    const limit = Math.min(sentenceEnd, cue.end + 12);
    // "saying during the debate last week, “That makes me smart”": an adverbial, then the quotation
    for (let position = cue.end; position < limit - 1 && !this.isStop(position); position++) {
      const token = this.tokens[position]!;
      if (isQuoteChar(token.text) || token.lower === 'that' || (/(?:ed|ing)$/.test(token.lower) && isVerbForm(token.lower))) break;
      if ((token.text === ',' || token.text === ':') && isQuoteChar(this.tokens[position + 1]!.text) && !this.isQuoted(token.start)) return position + 1;
    }
    if (ADDRESSEE_VERBS.has(cue.verb)) {
      // "told the Russian state news agency RIA Novosti that …": skip the addressee
      for (let position = cue.end; position < limit && !this.isStop(position); position++) {
        const token = this.tokens[position]!;
        if (token.lower === 'that' || isQuoteChar(token.text)) return position;
        if (token.text === ':') return position + 1;
      }
    }
    while (index < limit) {
      const token = this.tokens[index]!;
      if (token.lower === 'that' || isQuoteChar(token.text)) return index;
      if (token.text === ':') return index + 1;
      const skippable = token.text === ',' || token.capitalized || BETWEEN_CUE_AND_THAT.has(token.lower) || /['’]s$/u.test(token.text);
      if (!skippable) {
        // "tweeted in the early morning hours that …": a short adverbial before "that"
        for (let position = index; position < Math.min(limit, index + 6); position++) {
          const ahead = this.tokens[position]!;
          if (ahead.lower === 'that') return position;
          if (!ahead.isWord || isVerbForm(ahead.lower) || STRAY_STOPWORDS.has(ahead.lower)) break;
        }
        break;
      }
      index++;
    }
    // "told reporters he would …": the addressee is not what was said
    if (index > cue.end && /^(?:tell|tells|told|telling)$/.test(cue.verb) && this.tokens[index]!.isWord) return index;
    let start = cue.end;
    while (start < sentenceEnd && [',', ':'].includes(this.tokens[start]!.text)) start++;
    return start;
  }

  /** From `startToken` to the end of the sentence, leaving out the final period outside quotes. */
  private contentSpan(startToken: number, sentence: Sentence): TextSpan {
    let endToken = sentence.endToken;
    while (endToken > startToken && [...SENTENCE_PUNCTUATION, ',', ';'].includes(this.tokens[endToken - 1]!.text)) endToken--;
    const start = this.tokens[startToken]?.start ?? sentence.end;
    const end = endToken > startToken ? this.tokens[endToken - 1]!.end : start;
    return { start, end };
  }

  private statementFromSpan(sentence: Sentence, span: TextSpan, quotes: Quote[], attribution: Attribution): DraftStatement | null {
    if (span.end <= span.start) return null;
    const inside = quotes.filter((quote) => quote.start >= span.start && quote.end <= span.end + 1);
    const speaker = this.speakerOf(attribution);
    const channel = channelFor(this.tokens, attribution.cue, sentence.endToken, speaker.documentNoun);
    const base = { cue: attribution.cue, speaker, channel, paragraph: sentence.paragraph, unattributed: false };
    if (inside.length === 0) {
      return { ...base, kind: 'PARAPHRASE', span, pieces: [span] };
    }
    const whollyQuoted = inside.length === 1 && this.isWholeQuote(span, inside[0]!);
    if (whollyQuoted) {
      const quote = inside[0]!;
      return { ...base, kind: 'DIRECT_QUOTE', span: { start: Math.min(span.start, quote.start), end: Math.max(span.end, quote.end) }, pieces: quote.pieces };
    }
    return { ...base, kind: 'PARTIAL_QUOTE', span, pieces: [span] };
  }

  /** Is the span just this quote, perhaps after "that"? A capitalised quote reads as a full sentence. */
  private isWholeQuote(span: TextSpan, quote: Quote): boolean {
    const before = this.body.slice(span.start, quote.start).trim().toLowerCase();
    const after = this.body.slice(quote.end, span.end).trim();
    return (before === '' || before === 'that' || before === 'that,') && after === '';
  }

  // ---- attribution at the end: … "…" …, X said. ---------------------------------------------

  private endAttributed(sentence: Sentence, quotes: Quote[]): DraftStatement | null {
    const cues = findCues(this.tokens, sentence.firstToken, sentence.endToken, this.isQuoted);
    for (let position = cues.length - 1; position >= 0; position--) {
      const cue = cues[position]!;
      const attribution = this.attributionAfterComma(sentence, cue);
      if (attribution === null) continue;
      const commaToken = attribution.subjectFirst - 1;
      // "All of this, he acknowledges, could be undone …": the attribution interrupts the content
      const span = this.interrupts(cue, sentence) ? this.contentSpan(sentence.firstToken, sentence) : this.contentBefore(sentence.firstToken, commaToken);
      return this.statementFromSpan(sentence, span, quotes, attribution);
    }
    return null;
  }

  /** Does the sentence go on after ", X said," with more of the content (not a participle or a new cue)? */
  private interrupts(cue: Cue, sentence: Sentence): boolean {
    if (this.tokens[cue.end]?.text !== ',') return false;
    const rest = this.tokens.slice(cue.end + 1, sentence.endToken);
    if (rest.filter((token) => token.isWord).length < 2 || rest.some((token) => isQuoteChar(token.text))) return false;
    return findCues(this.tokens, cue.end + 1, sentence.endToken, this.isQuoted).length === 0 && !/ing$/.test(rest[0]?.lower ?? '');
  }

  /** ", X said" or ", said X" closing the sentence; returns null when the cue introduces content. */
  private attributionAfterComma(sentence: Sentence, cue: Cue): Attribution | null {
    if (cue.isParticiple) return null; // "…, saying that" introduces content, it does not close it
    // ", she said, referencing the bank's drive to “cross-sell”": a participle clause after the
    // attribution is a statement of its own and does not reopen the content
    if (!this.shortPlainTail(cue.end, sentence.endToken)) return null;
    if (cue.isAccordingTo) {
      const comma = this.tokens[cue.first - 1];
      if (comma?.text !== ',') return null;
      return { cue, subjectFirst: cue.end, subjectEnd: this.phraseEnd(cue.end, sentence.endToken), end: sentence.endToken };
    }
    const before = this.tokens[cue.first - 1];
    if (before !== undefined && (before.text === ',' || (isQuoteChar(before.text) && this.tokens[cue.first - 2]?.text === ','))) {
      // inverted: "…, said Quentin Kidd."
      return { cue, subjectFirst: cue.first, subjectEnd: this.phraseEnd(cue.end, sentence.endToken), end: sentence.endToken };
    }
    const subjectEnd = skipAuxiliariesBackward(this.tokens, cue.first, sentence.firstToken);
    for (let index = subjectEnd - 1; index >= Math.max(sentence.firstToken, subjectEnd - 10); index--) {
      const token = this.tokens[index]!;
      if (token.text === ',' || (isQuoteChar(token.text) && this.tokens[index - 1]?.text === ',')) {
        if (index + 1 >= subjectEnd || NOT_A_SUBJECT_START.has(this.tokens[index + 1]!.lower)) return null;
        return { cue, subjectFirst: index + 1, subjectEnd, end: sentence.endToken };
      }
      if (this.isStop(index) || isQuoteChar(token.text)) return null;
    }
    return null;
  }

  /**
   * Up to a trailing participle clause (or `end`), are the words after a cue at most 10, with no
   * "that" and no quote mark? Stops as soon as the answer is known, so it costs O(10) per cue.
   */
  private shortPlainTail(from: number, end: number): boolean {
    let words = 0;
    for (let index = from; index < end; index++) {
      const token = this.tokens[index]!;
      const next = this.tokens[index + 1];
      if (index < end - 1 && next !== undefined && token.text === ',' && !this.isQuoted(next.start) && /ing$/.test(next.lower) && isVerbForm(next.lower))
        return true;
      if (token.lower === 'that' || isQuoteChar(token.text)) return false;
      if (token.isWord && ++words > 10) return false;
    }
    return true;
  }

  private contentBefore(firstToken: number, commaToken: number): TextSpan {
    let endToken = commaToken;
    while (endToken > firstToken && this.tokens[endToken - 1]!.text === ',') endToken--;
    const start = this.tokens[firstToken]!.start;
    const end = isQuoteChar(this.tokens[commaToken]!.text) ? this.tokens[commaToken]!.end : this.tokens[endToken - 1]!.end;
    return { start, end };
  }

  /** "According to X, …" at the start of a sentence. */
  private accordingTo(sentence: Sentence, quotes: Quote[]): DraftStatement | null {
    const first = this.tokens[sentence.firstToken];
    if (first?.lower !== 'according') return null;
    const cue = cueAt(this.tokens, sentence.firstToken);
    if (cue === null) return null;
    const attribution = this.leadingAttribution(sentence, cue, [cue]);
    const span = this.contentSpan(this.contentStartAfter(cue, sentence.endToken), sentence);
    return this.statementFromSpan(sentence, span, quotes, attribution);
  }

  // ---- no quotation marks ---------------------------------------------------------------------

  private paraphrase(sentence: Sentence, titles: Quote[] = []): DraftStatement | null {
    const ending = this.endAttributed(sentence, titles);
    if (ending !== null) return ending;
    const cues = findCues(this.tokens, sentence.firstToken, sentence.endToken, this.isQuoted, true);
    const cue = cues[0];
    if (cue === undefined) return null;
    if (cue.isAccordingTo) return this.accordingTo(sentence, titles);
    const attribution = this.leadingAttribution(sentence, cue, cues);
    if (attribution.subjectEnd <= attribution.subjectFirst && !cue.isParticiple) return null;
    const contentStart = this.contentStartAfter(cue, sentence.endToken);
    if (contentStart >= sentence.endToken - 1) return null;
    const span = this.clauseOnly(this.beforeParticipleCue(this.contentSpan(contentStart, sentence), contentStart, sentence), contentStart);
    return this.statementFromSpan(sentence, span, titles, attribution);
  }

  /**
   * A paraphrase is the reported clause: it stops before a new reporting verb joined by "and"
   * ("… the nation's defenses and warned against …") and before a trailing comment of the
   * reporter's (", which …", ", though she acknowledged …").
   */
  private clauseOnly(span: TextSpan, contentStart: number): TextSpan {
    const endToken = tokenIndexAt(this.tokens, span.end);
    for (let index = contentStart + 1; index < endToken - 1; index++) {
      const token = this.tokens[index]!;
      if (this.isQuoted(token.start)) continue;
      const next = this.tokens[index + 1]!;
      const cueNext = cueAt(this.tokens, index + 1);
      const cut =
        (token.text === ',' && TAIL_OPENERS.has(next.lower)) || (token.lower === 'and' && cueNext !== null && !cueNext.isAccordingTo && !cueNext.isParticiple);
      if (!cut) continue;
      let end = index;
      while (end > contentStart && this.tokens[end - 1]!.text === ',') end--;
      return end > contentStart ? { start: span.start, end: this.tokens[end - 1]!.end } : span;
    }
    return span;
  }
}

/**
 * The statement's words as the article has them: fragments of an interrupted quote joined by " … "
 * (the comma that closed a fragment before its attribution dropped), a paraphrase without its
 * complementiser "that".
 */
export function statementText(body: string, pieces: readonly TextSpan[]): string {
  const texts = pieces.map((piece) => normalizeSpace(body.slice(piece.start, piece.end)));
  return texts
    .map((text) => text.replace(/,$/, ''))
    .filter((text) => text.length > 0)
    .join(' … ');
}

const STOPWORDS = new Set(
  'the a an and or but of to in on at for with by from that this is was are were be been it its he she they we i you his her their our my your as not have has had will would'.split(
    ' ',
  ),
);

function contentWords(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((word) => word.length > 2 && !STOPWORDS.has(word))
      .map((word) => word.replace(/(?:ed|ing|s)$/, '')), // crude stemming: "delivered" ~ "deliver"
  );
}

/** Jaccard overlap of two word sets: how much two passages say the same thing. */
function overlapShare(quoteWords: Set<string>, otherWords: Set<string>): number {
  let shared = 0;
  for (const word of quoteWords) if (otherWords.has(word)) shared++;
  const union = quoteWords.size + otherWords.size - shared;
  return union === 0 ? 0 : shared / union;
}

function isQuoteKind(kind: StatementKind): boolean {
  return kind === 'DIRECT_QUOTE' || kind === 'PARTIAL_QUOTE';
}

function hasSpeaker(draft: DraftStatement): boolean {
  return draft.speaker.name !== null || draft.speaker.label !== null;
}

/**
 * Gives quotes without their own attribution a speaker:
 * - after another quote in the same paragraph ("A," he said. "B." or "A," he said. He paused.
 *   "B.") it continues that statement, which then spans both quotes;
 * - after a paraphrase in the same paragraph ("X may act, Schiff said. "B."") it is the same speaker;
 * - in the paragraph after a quote it is the same speaker going on;
 * - otherwise (a lede quote) it goes to a nearby later statement that repeats its words
 *   ("Paul tweeted that he was honored …").
 * Quotes that did get a clause of their own but no speaker from it (a stray partial quote in a
 * sentence without a subject) take the speaker of the statement before them in the same paragraph.
 */
export function attachUnattributedQuotes(body: string, drafts: DraftStatement[]): DraftStatement[] {
  const result: DraftStatement[] = [];
  drafts.forEach((draft, position) => {
    if (!draft.unattributed) {
      const previous = result[result.length - 1];
      if (!hasSpeaker(draft) && isQuoteKind(draft.kind) && previous !== undefined && previous.paragraph === draft.paragraph && hasSpeaker(previous)) {
        result.push({ ...draft, speaker: previous.speaker, channel: draft.channel ?? previous.channel });
        return;
      }
      result.push(draft);
      return;
    }
    const previous = result[result.length - 1];
    const sameParagraph = result.filter((other) => other.paragraph === draft.paragraph);
    const previousQuote = sameParagraph.filter((other) => isQuoteKind(other.kind)).pop();
    if (previousQuote !== undefined) {
      previousQuote.span = { start: previousQuote.span.start, end: draft.span.end };
      previousQuote.pieces = [...previousQuote.pieces, ...draft.pieces];
      if (previousQuote.kind === 'PARTIAL_QUOTE') previousQuote.kind = 'DIRECT_QUOTE';
      return;
    }
    const previousInParagraph = sameParagraph[sameParagraph.length - 1];
    if (previousInParagraph !== undefined && hasSpeaker(previousInParagraph)) {
      result.push({ ...draft, speaker: previousInParagraph.speaker, channel: previousInParagraph.channel });
      return;
    }
    if (previous !== undefined && isQuoteKind(previous.kind) && draft.paragraph - previous.paragraph <= 1) {
      result.push({ ...draft, speaker: previous.speaker, channel: previous.channel });
      return;
    }
    const quoteWords = contentWords(statementText(body, draft.pieces));
    const echo = drafts
      .slice(position + 1)
      .filter((other) => !other.unattributed && other.paragraph - draft.paragraph <= 3 && hasSpeaker(other))
      .map((other) => ({ other, share: overlapShare(quoteWords, contentWords(statementText(body, other.pieces))) }))
      .filter((candidate) => candidate.share >= 0.3)
      .sort((a, b) => b.share - a.share)[0];
    result.push(echo !== undefined ? { ...draft, speaker: echo.other.speaker, channel: echo.other.channel } : draft);
  });
  return result;
}
