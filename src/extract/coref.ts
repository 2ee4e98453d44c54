// Turns the subject of a reporting cue into a speaker. Names resolve through the people found in
// the article; "he"/"she" go to the most recent compatible speaker or person; descriptors such as
// "the senator" or "Putin's spokesman" go to the most recent person holding that role; "it read"
// after "a letter from President Trump" goes to the document's author. Anything else ("a source",
// "the White House") is kept as a label.
import { COPULAS, DOCUMENT_NOUNS, FEMALE_PRONOUNS, MALE_PRONOUNS, ROLE_NOUNS, SPEECH_VERBS, TITLES, isFunctionWord, isVerbForm } from './lexicon.js';
import { expandTitle, type NameMention, type Person } from './names.js';
import { isQuoteChar, normalizeSpace, type Token } from './text.js';
import type { TextSpan } from './types.js';

export interface Speaker {
  name: string | null;
  label: string | null;
  span: TextSpan | null;
  /** set when the speaker is a document ("it read"): letter, statement, tweet ... */
  documentNoun: string | null;
}

interface DocumentMention {
  tokenIndex: number;
  noun: string;
  author: string | null;
}

const INDEFINITE = new Set(['a', 'an', 'one', 'some', 'several', 'many', 'two', 'three', 'other', 'another', 'any']);
const CLAUSE_OPENERS = new Set(['who', 'which', 'whose', 'whom', 'where', 'when', 'while', 'as', 'after', 'before', 'because']);
const ADVERBIAL_OPENERS = new Set(
  'after before in on at during when while as since despite speaking asked earlier later last this in meanwhile following with without for by from under instead although though if unlike like amid'.split(
    ' ',
  ),
);
/** Conjunctions opening a subordinate clause: the subject of a cue inside it starts after them. */
const SUBORDINATORS = new Set('after as when while before because since although though until unless once whereas if'.split(' '));
const PLURAL_PRONOUNS = new Set(['they', 'we', 'them']);
/** Labels longer than this are clauses, not a description of a source. */
const MAX_LABEL_TOKENS = 24;
const FINITE_AUXILIARIES = new Set("has have had would will did does do can could should may might must isn’t isn't wasn’t wasn't didn’t didn't".split(' '));
/** Words after which a speech verb is a noun ("the report", "one tweet"). */
const DETERMINER_LIKE = new Set('a an the this that his her their its one new latest recent'.split(' '));
/** Words a noun phrase does not end with. */
const DANGLING = new Set('to of for with on in at by from and or but that which who than the a an'.split(' '));
export const NO_SPEAKER: Speaker = { name: null, label: null, span: null, documentNoun: null };

export class SpeakerResolver {
  private readonly documents: DocumentMention[];
  private readonly mentionByFirstToken = new Map<number, NameMention>();

  constructor(
    private readonly body: string,
    private readonly tokens: readonly Token[],
    private readonly people: readonly Person[],
    private readonly mentions: readonly NameMention[],
    private readonly isQuoted: (offset: number) => boolean,
  ) {
    for (const mention of mentions) this.mentionByFirstToken.set(mention.firstToken, mention);
    this.documents = this.findDocuments();
  }

  personName(mention: NameMention): string {
    return this.people[mention.personIndex]!.name;
  }

  /**
   * Resolves the subject phrase tokens [first, end) of a cue. `recentSpeakers` are the speakers
   * of earlier statements, most recent last, used for pronouns.
   */
  resolve(first: number, end: number, recentSpeakers: readonly Speaker[]): Speaker {
    if (end <= first) return NO_SPEAKER;
    const chunks = this.chunks(this.afterSubordinator(first, end), end);
    // A name anywhere in the subject beats a descriptor: "Putin's press secretary, Dmitry Peskov"
    for (const chunk of chunks) {
      const named = this.headName(chunk.first, chunk.end);
      if (named !== null) return { name: this.personName(named), label: null, span: named.span, documentNoun: null };
    }
    for (const chunk of chunks) {
      const speaker = this.resolveChunk(chunk.first, chunk.end, recentSpeakers);
      if (speaker !== null) return speaker;
    }
    return NO_SPEAKER;
  }

  /**
   * "halted after the Harbor Gazette reported", "As the Valley Times revealed": the subject of a cue in a
   * subordinate clause is what follows its conjunction, when no comma comes between them and the cue.
   */
  private afterSubordinator(first: number, end: number): number {
    for (let index = end - 1; index >= first; index--) {
      const token = this.tokens[index]!;
      if (token.text === ',' || token.text === ';' || token.text === ':' || token.text === '(' || token.text === ')') return first;
      if (SUBORDINATORS.has(token.lower) && !this.isQuoted(token.start)) return index + 1 < end ? index + 1 : first;
    }
    return first;
  }

  /** Comma-separated chunks, without relative clauses ("Flynn, a top Trump surrogate,"). */
  private chunks(first: number, end: number): { first: number; end: number }[] {
    const chunks: { first: number; end: number }[] = [];
    let start = first;
    for (let index = first; index <= end; index++) {
      const token = this.tokens[index];
      const boundary = index === end || token?.text === ',' || token?.text === '(' || token?.text === ')' || token?.text === '—' || token?.text === '-';
      if (!boundary) continue;
      if (index > start && !CLAUSE_OPENERS.has(this.tokens[start]!.lower)) chunks.push({ first: start, end: index });
      start = index + 1;
    }
    // Leading adverbials ("After meeting Putin, Paul said") do not hold the subject.
    const subjectChunks = chunks.filter((chunk, position) => position === chunks.length - 1 || !ADVERBIAL_OPENERS.has(this.tokens[chunk.first]!.lower));
    return subjectChunks;
  }

  private resolveChunk(first: number, end: number, recentSpeakers: readonly Speaker[]): Speaker | null {
    const named = this.headName(first, end);
    if (named !== null) return { name: this.personName(named), label: null, span: named.span, documentNoun: null };
    for (let index = first; index < end; index++) {
      const lower = this.tokens[index]!.lower;
      if (MALE_PRONOUNS.has(lower) || FEMALE_PRONOUNS.has(lower)) return this.resolvePronoun(index, recentSpeakers);
      if (lower === 'it' || lower === 'which') return this.resolveIt(index);
      if (PLURAL_PRONOUNS.has(lower) || lower === 'i') return null;
    }
    return this.resolveDescriptor(first, end);
  }

  /** The name that heads the phrase: not a possessor ("Clinton's campaign") nor a modifier ("a Trump surrogate"). */
  private headName(first: number, end: number): NameMention | null {
    let head: NameMention | null = null;
    for (let index = first; index < end; index++) {
      const mention = this.mentionByFirstToken.get(index);
      if (mention === undefined || mention.endToken > end) continue;
      if (mention.possessive) continue;
      const following = this.tokens[mention.endToken];
      const isModifier = following !== undefined && mention.endToken < end && following.isWord && !following.capitalized && ROLE_NOUNS.has(following.lower);
      if (!isModifier) head = mention;
    }
    return head;
  }

  private resolvePronoun(index: number, recentSpeakers: readonly Speaker[]): Speaker {
    const token = this.tokens[index]!;
    const gender = MALE_PRONOUNS.has(token.lower) ? 'male' : 'female';
    const span = { start: token.start, end: token.end };
    const compatible = (person: Person | undefined): boolean => person !== undefined && (person.gender === null || person.gender === gender);
    const lastSpeaker = recentSpeakers[recentSpeakers.length - 1];
    const lastSpeakerPerson = lastSpeaker?.name ? this.people.find((person) => person.name === lastSpeaker.name) : undefined;
    if (lastSpeakerPerson !== undefined && lastSpeakerPerson.gender === gender) {
      return { name: lastSpeakerPerson.name, label: null, span, documentNoun: null };
    }
    // "“I would,” Melanie said. … “You winning?” she said": a last speaker whose gender we could
    // not tell still wins over a known-gender person not mentioned since that speaker spoke
    const lastNamed = [...recentSpeakers].reverse().find((speaker) => speaker.name !== null && speaker.span !== null && speaker.span.start < token.start);
    const lastNamedPerson = lastNamed ? this.people.find((person) => person.name === lastNamed.name) : undefined;
    if (lastNamed?.span && lastNamedPerson !== undefined && lastNamedPerson.gender === null) {
      const since = this.lastMentionBefore(token.start, (person) => person.gender === gender, token.start - lastNamed.span.start);
      if (since === null) return { name: lastNamedPerson.name, label: null, span, documentNoun: null };
    }
    // a person known to have this gender beats one whose gender we could not tell
    const recent =
      this.lastMentionBefore(token.start, (person) => person.gender === gender, 1500) ?? this.lastMentionBefore(token.start, (person) => compatible(person));
    if (recent !== null) return { name: this.people[recent.personIndex]!.name, label: null, span, documentNoun: null };
    return { name: null, label: token.text.toLowerCase(), span, documentNoun: null };
  }

  private lastMentionBefore(offset: number, accept: (person: Person) => boolean, maxDistance = Infinity): NameMention | null {
    for (let position = this.mentions.length - 1; position >= 0; position--) {
      const mention = this.mentions[position]!;
      if (offset - mention.span.start > maxDistance) break;
      if (mention.span.start >= offset || this.isQuoted(mention.span.start)) continue;
      if (accept(this.people[mention.personIndex]!)) return mention;
    }
    return null;
  }

  /** "it read" / "it said": the most recent document mentioned, spoken for by its author. */
  private resolveIt(index: number): Speaker | null {
    const token = this.tokens[index]!;
    const span = { start: token.start, end: token.end };
    for (let position = this.documents.length - 1; position >= 0; position--) {
      const document = this.documents[position]!;
      if (document.tokenIndex >= index) continue;
      if (index - document.tokenIndex > 400) break;
      if (document.author !== null) return { name: document.author, label: null, span, documentNoun: document.noun };
      return { name: null, label: `the ${document.noun}`, span, documentNoun: document.noun };
    }
    return null;
  }

  /** "the senator" → the most recent senator; "a source" → label. */
  private resolveDescriptor(first: number, end: number): Speaker | null {
    let headIndex = -1;
    for (let index = end - 1; index >= first; index--) {
      const lower = this.tokens[index]!.lower;
      if (ROLE_NOUNS.has(lower) || TITLES.has(lower)) {
        headIndex = index;
        break;
      }
    }
    const firstWord = this.firstContentToken(first, end);
    if (firstWord < 0) return null;
    const span = { start: this.tokens[firstWord]!.start, end: this.tokens[end - 1]!.end };
    const label = normalizeSpace(this.body.slice(span.start, span.end));
    const isIndefinite = INDEFINITE.has(this.tokens[firstWord]!.lower);
    if (headIndex >= 0 && !isIndefinite) {
      const role = expandTitle(this.tokens[headIndex]!.lower);
      const possessor = this.tokens.slice(firstWord, headIndex).find((token) => /['’]s$/u.test(token.text));
      const possessorStem = possessor?.text.replace(/['’]s$/u, '').toLowerCase();
      const holder = this.lastMentionBefore(span.start, (person) => {
        if (!person.roleWords.has(role)) return false;
        if (possessorStem === undefined) return true;
        return [...person.roleWords].some((word) => word.replace(/['’]s$/u, '') === possessorStem);
      });
      if (holder !== null) return { name: this.personName(holder), label: null, span, documentNoun: null };
    }
    if (!this.tokens.slice(firstWord, end).some((token) => token.isWord)) return null;
    if (this.tokens.slice(firstWord, end).every((token) => !token.isWord || isFunctionWord(token.text))) return null;
    if (!this.isNounPhrase(firstWord, end)) return null;
    return { name: null, label, span, documentNoun: null };
  }

  /**
   * A label must read as a noun phrase ("a source", "the Tax Policy Center", "one Democratic source
   * on the panel"); a clause ("the board has turned out to be slow", "shouted to the crowd") or
   * a piece of a quotation is a misparsed subject, and no speaker is better than a wrong one.
   */
  private isNounPhrase(first: number, end: number): boolean {
    const words = this.tokens.slice(first, end);
    if (words.length > MAX_LABEL_TOKENS) return false;
    const firstWord = words[0]!;
    if (!words.some((token) => /\p{L}{2}/u.test(token.text)) || /['’](?:ll|m|ve|d|re)$/iu.test(firstWord.text)) return false; // "000", "I'll"
    if (!firstWord.capitalized && isVerbForm(firstWord.lower) && !DETERMINER_LIKE.has(firstWord.lower)) return false; // "going on to"
    if (DANGLING.has(words[words.length - 1]!.lower)) return false; // "… to", "… that"

    return words.every(
      (token, position) =>
        !isQuoteChar(token.text) &&
        !this.isQuoted(token.start) &&
        (token.capitalized ||
          !(
            COPULAS.has(token.lower) ||
            FINITE_AUXILIARIES.has(token.lower) ||
            (SPEECH_VERBS.has(token.lower) && !(position > 0 && DETERMINER_LIKE.has(words[position - 1]!.lower)))
          )),
    );
  }

  private firstContentToken(first: number, end: number): number {
    for (let index = first; index < end; index++) {
      const token = this.tokens[index]!;
      if (token.isWord && !['and', 'but', 'so', 'then', 'also', 'later'].includes(token.lower)) return index;
    }
    return -1;
  }

  /** Documents ("a letter from President Trump", "Trump's statement") and their authors. */
  private findDocuments(): DocumentMention[] {
    const documents: DocumentMention[] = [];
    this.tokens.forEach((token, index) => {
      const noun = token.lower.replace(/s$/, '');
      if (!DOCUMENT_NOUNS.has(noun) || this.isQuoted(token.start)) return;
      // "the letter" later on refers back to the last letter whose author we know
      const earlier = [...documents].reverse().find((document) => document.noun === noun && document.author !== null);
      documents.push({ tokenIndex: index, noun, author: this.documentAuthor(index) ?? earlier?.author ?? null });
    });
    return documents;
  }

  private documentAuthor(nounIndex: number): string | null {
    for (let index = nounIndex + 1; index < Math.min(this.tokens.length, nounIndex + 6); index++) {
      const lower = this.tokens[index]!.lower;
      if (lower !== 'from' && lower !== 'by') continue;
      const mention = this.mentions.find((candidate) => candidate.firstToken > index && candidate.firstToken <= index + 5);
      if (mention !== undefined) return this.personName(mention);
    }
    const possessor = this.mentions.find((mention) => mention.possessive && mention.endToken >= nounIndex - 2 && mention.endToken <= nounIndex);
    return possessor !== undefined ? this.personName(possessor) : null;
  }
}
