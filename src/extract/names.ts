// Person names: capitalised word sequences, split into a title/role prefix ("Russian President")
// and the name itself ("Vladimir Putin"), then grouped into people by name form so that "Rand Paul",
// "Senator Paul" and "Paul" are one person. A sequence counts as a person when a title precedes it,
// it starts with a known first name, it is the subject of a reporting verb, or a known person has it.
import {
  TITLES,
  ROLE_NOUNS,
  firstNameGender,
  honorificGender,
  isFirstName,
  isFunctionWord,
  isLastName,
  isNonPersonWord,
  isCommonWord,
  isPlainNoun,
  isAcronym,
  SPEECH_VERBS,
  MALE_PRONOUNS,
  FEMALE_PRONOUNS,
  type Gender,
} from './lexicon.js';
import type { Token } from './text.js';
import type { KnownPerson, TextSpan } from './types.js';

export interface NameMention {
  /** span of the name itself, without title and without a possessive 's */
  span: TextSpan;
  /** name tokens as written, e.g. ["Rand", "Paul"] */
  parts: string[];
  /** title words directly before the name ("Senator", "Lt. Gen.") */
  title: string | null;
  /** role as the text gives it ("White House spokesman", "Putin's press secretary") */
  description: string | null;
  possessive: boolean;
  /** first and one-past-last token of the name */
  firstToken: number;
  endToken: number;
  personIndex: number;
}

export interface Person {
  name: string;
  forms: Set<string>;
  description: string | null;
  /** lowercase title and role words, used to resolve descriptors such as "the senator" */
  roleWords: Set<string>;
  gender: Gender;
  mentions: NameMention[];
  matchId: number | null;
}

const NAME_PARTICLES = new Set(['de', 'van', 'von', 'der', 'bin', 'al', 'la', 'le', 'du', 'da', 'di', 'del', 'dos']);
/** Courtesy titles: part of how a name is written, not a description of the person. */
const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'sir', 'dame']);
const NAME_SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv']);
const TITLE_EXPANSIONS: Record<string, string> = {
  sen: 'senator',
  sens: 'senator',
  gov: 'governor',
  rep: 'representative',
  reps: 'representative',
  gen: 'general',
  lt: 'lieutenant',
  col: 'colonel',
  dr: 'doctor',
  rev: 'reverend',
  prof: 'professor',
  congressman: 'representative',
  congresswoman: 'representative',
  spokeswoman: 'spokesman',
  spokesperson: 'spokesman',
};
/** Lowercase words that may sit inside a description before a name ("former", "press"). */
const DESCRIPTION_MODIFIERS = new Set(
  'former then- top senior chief deputy press campaign longtime veteran retired republican democratic presidential vice assistant acting state federal national foreign defense security communications political policy running white house election first'.split(
    ' ',
  ),
);

export function expandTitle(word: string): string {
  const lower = word.toLowerCase().replace(/\.$/, '');
  return TITLE_EXPANSIONS[lower] ?? lower;
}

function possessiveStem(text: string): string | null {
  const match = /^(.*?)['’]s$/u.exec(text);
  if (match?.[1]) return match[1];
  if (/s['’]$/u.test(text)) return text.slice(0, -1);
  return null;
}

const PRONOUN_CONTRACTION = /^(?:i|we|you|they|he|she|it|that|there|here|what|who|let)['’]/iu;

function isParticle(token: Token | undefined): boolean {
  return token !== undefined && token.isWord && !token.capitalized && NAME_PARTICLES.has(token.lower);
}

/** The family name with its particles: "von der Leyen", "de Blasio". */
export function surnameOf(parts: readonly string[]): string {
  let first = parts.length - 1;
  while (first > 1 && NAME_PARTICLES.has(parts[first - 1]!)) first--;
  return parts.slice(first).join(' ');
}

function isNameToken(token: Token | undefined): boolean {
  return token !== undefined && token.isWord && token.capitalized;
}

interface CapitalisedRun {
  first: number;
  end: number;
}

const MAX_RUN_TOKENS = 16;

/** Maximal runs of capitalised words, allowing "Lt. Gen." periods, initials and "de"/"van" particles. */
function capitalisedRuns(tokens: readonly Token[], body: string): CapitalisedRun[] {
  const runs: CapitalisedRun[] = [];
  let index = 0;
  while (index < tokens.length) {
    // "von der Leyen told reporters": a surname may open with its particles
    let leading = 0;
    while (leading < 2 && isParticle(tokens[index + leading]) && !isNameToken(tokens[index - 1])) leading++;
    if (leading > 0 && !(isNameToken(tokens[index + leading]) && body.slice(tokens[index]!.end, tokens[index + 1]!.start) === ' ')) leading = 0;
    if (!isNameToken(tokens[index]) && leading === 0) {
      index++;
      continue;
    }
    const first = index;
    let end = index + leading + 1;
    // no name runs on this long; the cap keeps a page of capitalised words linear
    while (end - first < MAX_RUN_TOKENS) {
      const current = tokens[end - 1]!;
      if (possessiveStem(current.text) !== null) break;
      const next = tokens[end];
      if (next === undefined) break;
      const gap = body.slice(current.end, next.start);
      if (gap.includes('\n')) break;
      if (next.text === '.' && gap === '' && (current.text.length <= 4 || TITLES.has(current.lower)) && isNameToken(tokens[end + 1])) {
        end += 2; // "Lt. Gen. Michael", "Vann R. Newkirk"
        continue;
      }
      if (gap !== ' ' && gap !== '\u00a0') break;
      if (isNameToken(next)) {
        end++;
        continue;
      }
      // "de Blasio", "Ursula von der Leyen": particles, one or two, then the name goes on
      let particles = 0;
      while (particles < 2 && tokens[end + particles]?.isWord && NAME_PARTICLES.has(tokens[end + particles]!.lower)) particles++;
      if (particles > 0 && isNameToken(tokens[end + particles])) {
        end += particles + 1;
        continue;
      }
      break;
    }
    runs.push({ first, end });
    index = end;
  }
  return runs;
}

function wordTokens(tokens: readonly Token[], first: number, end: number): number[] {
  const indexes: number[] = [];
  for (let index = first; index < end; index++) if (tokens[index]!.isWord) indexes.push(index);
  return indexes;
}

/** Is this token a reporting verb, possibly after an adverb ("Paul also said")? */
function followedBySpeechVerb(tokens: readonly Token[], end: number): boolean {
  for (let index = end; index < Math.min(tokens.length, end + 3); index++) {
    const token = tokens[index]!;
    if (SPEECH_VERBS.has(token.lower)) return true;
    if (!token.isWord || token.capitalized) return false;
  }
  return false;
}

function precededBySpeechVerb(tokens: readonly Token[], first: number): boolean {
  const previous = tokens[first - 1];
  return previous !== undefined && SPEECH_VERBS.has(previous.lower);
}

/** Description words before a name, continuing past the capitalised run ("White House spokesman"). */
function descriptionBefore(tokens: readonly Token[], body: string, nameFirst: number): { text: string; first: number } | null {
  let first = nameFirst;
  let hasRole = false;
  while (first > 0) {
    const token = tokens[first - 1]!;
    const next = tokens[first]!;
    const gap = body.slice(token.end, next.start);
    if (gap.includes('\n')) break;
    if (token.text === '.' && first >= 2 && TITLES.has(tokens[first - 2]!.lower)) {
      first--;
      continue;
    }
    if (!token.isWord) break;
    const lower = token.lower.replace(/['’]s$/u, '');
    if (HONORIFICS.has(lower)) {
      if (first === nameFirst) {
        first--;
        continue;
      }
      break;
    }
    if (TITLES.has(lower) || ROLE_NOUNS.has(lower)) hasRole = true;
    else if (!(DESCRIPTION_MODIFIERS.has(lower) || (token.capitalized && !isFunctionWord(token.text)) || possessiveStem(token.text) !== null)) break;
    first--;
  }
  while (first < nameFirst && (HONORIFICS.has(tokens[first]!.lower) || tokens[first]!.text === '.')) first++;
  if (!hasRole || first === nameFirst) return null;
  // drop modifiers before the first role word that are unrelated ("Monday President Obama")
  const text = body.slice(tokens[first]!.start, tokens[nameFirst - 1]!.end).replace(/\s+/g, ' ');
  return { text, first };
}

/** "Putin's press secretary, Dmitry Peskov" or "Flynn, a top Trump surrogate," */
function appositiveDescription(tokens: readonly Token[], body: string, nameFirst: number, nameEnd: number): string | null {
  const after = tokens[nameEnd];
  if (after?.text === ',') {
    let index = nameEnd + 1;
    const first = index;
    let hasRole = false;
    while (index < tokens.length && index - first < 10) {
      const token = tokens[index]!;
      if (token.text === ',' || token.text === '.' || isQuoteChar(token.text)) break;
      if (SPEECH_VERBS.has(token.lower) && !token.capitalized) {
        hasRole = false;
        break;
      }
      if (ROLE_NOUNS.has(token.lower) || TITLES.has(token.lower)) hasRole = true;
      index++;
    }
    const startWord = tokens[first];
    const closesClause = tokens[index] !== undefined && [',', '.'].includes(tokens[index]!.text);
    if (hasRole && closesClause && startWord !== undefined && index > first) {
      const lastRole = findLastRole(tokens, first, index);
      if (lastRole >= first) return stripArticle(body.slice(startWord.start, tokens[index - 1]!.end));
    }
  }
  const before = tokens[nameFirst - 1];
  if (before?.text === ',') {
    const description = descriptionBefore(tokens, body, nameFirst - 1);
    if (description !== null && /\s*$/.test(description.text)) return stripArticle(description.text.replace(/,$/, ''));
  }
  return null;
}

function findLastRole(tokens: readonly Token[], first: number, end: number): number {
  for (let index = end - 1; index >= first; index--) {
    const lower = tokens[index]!.lower;
    if (ROLE_NOUNS.has(lower) || TITLES.has(lower)) return index;
  }
  return -1;
}

function stripArticle(text: string): string {
  return text.replace(/^(?:a|an|the)\s+/i, '').trim();
}

function isQuoteChar(text: string): boolean {
  return text === '"' || text === '“' || text === '”';
}

interface Candidate {
  mention: NameMention;
  /** the name's word tokens */
  words: number[];
  /** in a title-case line (a headline): attaches to people the body names, never makes one */
  inTitleLine: boolean;
  /** strong evidence that this is a person, not just a capitalised word */
  confident: boolean;
  gender: Gender;
  knownId: number | null;
}

function buildKnownIndex(knownPeople: readonly KnownPerson[]): Map<string, KnownPerson> {
  const index = new Map<string, KnownPerson>();
  for (const person of knownPeople) {
    for (const form of [person.name, ...person.aliases]) index.set(form.toLowerCase(), person);
  }
  return index;
}

/** What the text says of capitalised words outside names: which read as a person, which lines are headlines. */
interface NameEvidence {
  /** single words that act as a person: "Natarajan said", "said Natarajan", "Ms. Natarajan" */
  speakingWords: Set<string>;
  isInTitleLine: (tokenIndex: number) => boolean;
}

/** Share of a line's longer words that are capitalised, above which the line is title case. */
const TITLE_CASE_SHARE = 0.75;

function nameEvidence(tokens: readonly Token[], body: string): NameEvidence {
  const lineOf = new Int32Array(tokens.length);
  const titleLines = new Set<number>();
  let line = 0;
  let lineFirst = 0;
  // Title case: every lowercase word is a short function word ("of", "in", "the"), and the
  // capitalised words include ordinary ones ("Leads", "Plan"), so it is not just a list of names.
  const closeLine = (end: number): void => {
    const words = tokens.slice(lineFirst, end).filter((token) => token.isWord && /\p{L}/u.test(token.text));
    const capitalised = words.filter((token) => token.capitalized);
    const lowercaseAllMinor = words.every((token) => token.capitalized || (token.text.length <= 4 && isFunctionWord(token.text)));
    const ordinary = capitalised.filter((token) => isCommonWord(token.lower) && !isFirstName(token.text) && !isNonPersonWord(token.text)).length;
    if (capitalised.length >= 3 && lowercaseAllMinor && ordinary >= 1 && capitalised.length / words.length >= TITLE_CASE_SHARE) titleLines.add(line);
  };
  for (let index = 0; index < tokens.length; index++) {
    if (index > 0 && body.slice(tokens[index - 1]!.end, tokens[index]!.start).includes('\n')) {
      closeLine(index);
      line++;
      lineFirst = index;
    }
    lineOf[index] = line;
  }
  closeLine(tokens.length);
  const isInTitleLine = (tokenIndex: number): boolean => titleLines.has(lineOf[tokenIndex] ?? -1);
  const speakingWords = new Set<string>();
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (!isNameToken(token) || isFunctionWord(token.text) || isInTitleLine(index)) continue;
    if (isNameToken(tokens[index - 1]) || isNameToken(tokens[index + 1])) continue;
    let previous = index - 1;
    if (tokens[previous]?.text === '.') previous--;
    const titled = previous >= 0 && (HONORIFICS.has(tokens[previous]!.lower) || TITLES.has(tokens[previous]!.lower));
    if (titled || followedBySpeechVerb(tokens, index + 1) || precededBySpeechVerb(tokens, index)) speakingWords.add(possessiveStem(token.text) ?? token.text);
  }
  return { speakingWords, isInTitleLine };
}

/**
 * "the Department of Consumer Protection", "an Institute for Fiscal Studies report": a run after
 * "of"/"for" that follows a capitalised word mid-sentence is the rest of an organisation's name.
 * A title before it ("Secretary of State Ann Cole") is not an organisation.
 */
function continuesOrganisationName(tokens: readonly Token[], runFirst: number): boolean {
  const link = tokens[runFirst - 1];
  const head = tokens[runFirst - 2];
  const beforeHead = tokens[runFirst - 3];
  if (link === undefined || !(link.lower === 'of' || link.lower === 'for') || link.capitalized) return false;
  if (head === undefined || !isNameToken(head) || TITLES.has(head.lower) || HONORIFICS.has(head.lower)) return false;
  // sentence-initial "Supporters of …" is capitalised only by its place
  return beforeHead?.isWord === true;
}

function candidateFromRun(
  tokens: readonly Token[],
  body: string,
  run: CapitalisedRun,
  known: Map<string, KnownPerson>,
  evidence: NameEvidence,
): Candidate | null {
  let words = wordTokens(tokens, run.first, run.end);
  if (words.length > 0 && evidence.isInTitleLine(words[0]!)) {
    // headline words are capitalised whatever they are: only stretches naming a body person count
    const first = words[0]!;
    const last = words[words.length - 1]!;
    const parts = words.map((index) => tokens[index]!.text);
    const mention: NameMention = {
      span: { start: tokens[first]!.start, end: tokens[last]!.end },
      parts,
      title: null,
      description: null,
      possessive: false,
      firstToken: first,
      endToken: last + 1,
      personIndex: -1,
    };
    return { mention, words, inTitleLine: true, confident: false, gender: null, knownId: null };
  }
  // leading sentence words ("But", "The") are not part of a name
  while (words.length > 0 && isFunctionWord(tokens[words[0]!]!.text) && !TITLES.has(tokens[words[0]!]!.lower)) words = words.slice(1);
  if (words.length === 0) return null;
  // a pronoun contraction ("I'll", "We're", "It's") opens a clause, never a name
  if (words.some((index) => PRONOUN_CONTRACTION.test(tokens[index]!.text))) return null;

  let lastTitle = -1;
  words.forEach((index, position) => {
    if (TITLES.has(tokens[index]!.lower) && position < words.length - 1) lastTitle = position;
  });
  let core = words.slice(lastTitle + 1);
  // descriptive capitalised words before the name ("Republican Donald Trump")
  const isInitial = (index: number): boolean => /^\p{Lu}$/u.test(tokens[index]!.text) && tokens[index + 1]?.text === '.';
  while (core.length > 1) {
    const text = tokens[core[0]!]!.text;
    if (isInitial(core[0]!) || isFirstName(text) || !(isNonPersonWord(text) || isCommonWord(text))) break;
    // mid-sentence, a capitalised word that is no role is a given name: "delegate Bill Eastland", "Beau Correll"
    const before = tokens[core[0]! - 1];
    const surname = tokens[core[1]!]!.text;
    const plainSurname = !isCommonWord(surname) && !isFirstName(surname) && !isNonPersonWord(surname);
    if (core.length === 2 && before?.isWord && !before.capitalized && isPlainNoun(text) && plainSurname) break;
    core = core.slice(1);
  }
  while (core.length > 1 && NAME_SUFFIXES.has(tokens[core[core.length - 1]!]!.lower)) core = core.slice(0, -1);
  if (core.length === 0 || core.filter((index) => !isInitial(index)).length > 4) return null;

  const lastToken = tokens[core[core.length - 1]!]!;
  const stem = possessiveStem(lastToken.text);
  const parts = core.map((index) => (isInitial(index) && index !== core[core.length - 1] ? `${tokens[index]!.text}.` : tokens[index]!.text));
  if (stem !== null) parts[parts.length - 1] = stem;
  const nameText = parts.join(' ');
  const knownPerson = known.get(nameText.toLowerCase()) ?? null;

  const titleWords = lastTitle >= 0 ? words.slice(0, lastTitle + 1) : [];
  const firstCore = core[0]!;
  const title = titleWords.length > 0 ? body.slice(tokens[titleWords[0]!]!.start, tokens[firstCore - 1]!.end).replace(/\s+/g, ' ') : null;
  const hasPersonTitle = titleWords.some((index) => TITLES.has(tokens[index]!.lower));

  if (knownPerson === null) {
    if (parts.some((part) => isNonPersonWord(part)) && !hasPersonTitle) return null;
    if (parts.length === 1 && isNonPersonWord(parts[0]!)) return null;
    if (continuesOrganisationName(tokens, run.first) && !hasPersonTitle && !parts.some((part) => isFirstName(part))) return null;
  }

  const description = descriptionBefore(tokens, body, firstCore)?.text ?? appositiveDescription(tokens, body, firstCore, core[core.length - 1]! + 1);
  const nameEnd = lastToken.start + (stem ?? lastToken.text).length;
  const mention: NameMention = {
    span: { start: tokens[firstCore]!.start, end: nameEnd },
    parts,
    title,
    description,
    possessive: stem !== null,
    firstToken: firstCore,
    endToken: core[core.length - 1]! + 1,
    personIndex: -1,
  };
  const isSpeaker = followedBySpeechVerb(tokens, mention.endToken) || precededBySpeechVerb(tokens, firstCore);
  const firstPart = parts[0]!;
  const looksLikeFullName =
    parts.length >= 2 && !isAcronym(firstPart) && (isFirstName(firstPart) || /^\p{Lu}\.?$/u.test(firstPart) || isLastName(parts[parts.length - 1]!));
  // a name is a name by its shape and what the text does with it, not by a list of given names:
  // "Priya Natarajan, the city's planning director," / "… Natarajan said" / "Ms. Natarajan"
  const actsAsPerson = isSpeaker || description !== null || evidence.speakingWords.has(parts[parts.length - 1]!) || evidence.speakingWords.has(firstPart);
  const confident = knownPerson !== null || hasPersonTitle || looksLikeFullName || (parts.length >= 2 && actsAsPerson);
  const titleGender = titleWords.map((index) => honorificGender(tokens[index]!.text)).find((gender) => gender !== null) ?? null;
  const descriptionGender =
    description
      ?.split(/\s+/)
      .map(honorificGender)
      .find((gender) => gender !== null) ?? null;
  const gender = titleGender ?? descriptionGender ?? (parts.length >= 2 ? firstNameGender(firstPart) : null);
  return { mention, words: core, inTitleLine: evidence.isInTitleLine(firstCore), confident, gender, knownId: knownPerson?.id ?? null };
}

/**
 * A headline's capitalised run ("Donald Trump Leads Ted Cruz In New Poll") holds names among other
 * words: the stretches of it, longest first, that name people the body introduced are the mentions.
 */
function titleLineMentions(
  tokens: readonly Token[],
  candidate: Candidate,
  people: Person[],
  index: PeopleIndex,
  lastMentionOf: number[],
): { candidate: Candidate; personIndex: number }[] {
  const words = candidate.words;
  const used = new Uint8Array(words.length);
  const found: { candidate: Candidate; personIndex: number }[] = [];
  for (let length = Math.min(words.length, 4); length >= 1; length--) {
    for (let first = 0; first + length <= words.length; first++) {
      if (used.subarray(first, first + length).some((flag) => flag === 1)) continue;
      const stretch = words.slice(first, first + length);
      const parts = stretch.map((word) => possessiveStem(tokens[word]!.text) ?? tokens[word]!.text);
      if (length === 1 && (isFunctionWord(parts[0]!) || isCommonWord(parts[0]!))) continue;
      const firstToken = stretch[0]!;
      const endToken = stretch[stretch.length - 1]! + 1;
      const sub: Candidate = {
        ...candidate,
        words: stretch,
        mention: {
          ...candidate.mention,
          parts,
          firstToken,
          endToken,
          span: { start: tokens[firstToken]!.start, end: tokens[endToken - 1]!.start + parts[parts.length - 1]!.length },
          personIndex: -1,
        },
      };
      const personIndex = index.find(sub, lastMentionOf);
      if (personIndex < 0 || (length === 1 && people[personIndex]!.name.split(' ').length === 1)) continue;
      used.fill(1, first, first + length);
      found.push({ candidate: sub, personIndex });
    }
  }
  return found.sort((a, b) => a.candidate.mention.span.start - b.candidate.mention.span.start);
}

function sameFirstAndLast(a: string[], b: string[]): boolean {
  return a[0] === b[0] && a[a.length - 1] === b[b.length - 1];
}

/**
 * Which people a mention could name, looked up by its first and last word instead of comparing it
 * with everyone: each person is filed under the first and last word of its name and of every form.
 */
class PeopleIndex {
  private readonly byWord = new Map<string, number[]>();
  private readonly byKnownId = new Map<number, number[]>();

  constructor(private readonly people: Person[]) {}

  file(personIndex: number): void {
    const person = this.people[personIndex]!;
    for (const form of [person.name, ...person.forms]) {
      const parts = form.split(' ');
      for (const word of new Set([parts[0]!, parts[parts.length - 1]!])) {
        const list = this.byWord.get(word) ?? [];
        if (!list.includes(personIndex)) list.push(personIndex);
        this.byWord.set(word, list);
      }
    }
    if (person.matchId !== null) {
      const list = this.byKnownId.get(person.matchId) ?? [];
      if (!list.includes(personIndex)) list.push(personIndex);
      this.byKnownId.set(person.matchId, list);
    }
  }

  /** Which already-known person does this mention name? Multi-word forms must agree on first and last name. */
  find(candidate: Candidate, lastMentionOf: number[]): number {
    const parts = candidate.mention.parts;
    const candidates = new Set<number>([
      ...(this.byWord.get(parts[0]!) ?? []),
      ...(this.byWord.get(parts[parts.length - 1]!) ?? []),
      ...(candidate.knownId === null ? [] : (this.byKnownId.get(candidate.knownId) ?? [])),
    ]);
    let best = -1;
    let bestRecency = -2; // people not mentioned yet (-1) still beat no match
    for (const index of [...candidates].sort((a, b) => a - b)) {
      const person = this.people[index]!;
      if (names(person, candidate) && (lastMentionOf[index] ?? -1) > bestRecency) {
        best = index;
        bestRecency = lastMentionOf[index] ?? -1;
      }
    }
    return best;
  }
}

function names(person: Person, candidate: Candidate): boolean {
  const parts = candidate.mention.parts;
  const full = person.name.split(' ');
  if (candidate.knownId !== null && person.matchId === candidate.knownId) return true;
  if (parts.length === 1) {
    return (
      [...person.forms].some((form) => {
        const formParts = form.split(' ');
        return formParts.length > 1 && (formParts[formParts.length - 1] === parts[0] || formParts[0] === parts[0]);
      }) || person.forms.has(parts[0]!)
    );
  }
  if (NAME_PARTICLES.has(parts[0]!)) return full.length > parts.length && full.slice(-parts.length).join(' ') === parts.join(' ');
  return sameFirstAndLast(full, parts) || (full.length === 1 && parts[parts.length - 1] === full[0]);
}

/** Pronoun evidence: the first he/she after a mention, with no other name in between, hints at gender. */
function inferGenderFromPronouns(people: Person[], tokens: readonly Token[], mentions: NameMention[]): void {
  const votes = people.map(() => ({ male: 0, female: 0 }));
  mentions.forEach((mention, position) => {
    const nextMention = mentions[position + 1]?.firstToken ?? tokens.length;
    const limit = Math.min(nextMention, mention.endToken + 30);
    for (let index = mention.endToken; index < limit; index++) {
      const lower = tokens[index]!.lower;
      if (MALE_PRONOUNS.has(lower)) {
        votes[mention.personIndex]!.male++;
        break;
      }
      if (FEMALE_PRONOUNS.has(lower)) {
        votes[mention.personIndex]!.female++;
        break;
      }
    }
  });
  people.forEach((person, index) => {
    const vote = votes[index]!;
    if (person.gender === null && vote.male !== vote.female) person.gender = vote.male > vote.female ? 'male' : 'female';
  });
}

function addRoleWords(person: Person, text: string | null): void {
  if (text === null) return;
  for (const word of text.split(/\s+/)) {
    const lower = word.replace(/[.,]$/, '');
    if (lower.length > 0) person.roleWords.add(expandTitle(lower));
  }
}

/**
 * Finds the people of an article. Confident full names are registered first so that a lone
 * surname later in the text ("Paul") can join the person introduced earlier ("Rand Paul").
 */
export function findPeople(body: string, tokens: readonly Token[], knownPeople: readonly KnownPerson[] = []): { people: Person[]; mentions: NameMention[] } {
  const known = buildKnownIndex(knownPeople);
  const evidence = nameEvidence(tokens, body);
  const candidates = capitalisedRuns(tokens, body)
    .map((run) => candidateFromRun(tokens, body, run, known, evidence))
    .filter((candidate): candidate is Candidate => candidate !== null);

  const people: Person[] = [];
  const index = new PeopleIndex(people);
  const lastMentionOf: number[] = [];
  const createPerson = (candidate: Candidate): number => {
    people.push({
      name: candidate.mention.parts.join(' '),
      forms: new Set(),
      description: null,
      roleWords: new Set(),
      gender: candidate.gender,
      mentions: [],
      matchId: candidate.knownId,
    });
    lastMentionOf.push(-1);
    index.file(people.length - 1);
    return people.length - 1;
  };
  const attach = (candidate: Candidate, personIndex: number): void => {
    const person = people[personIndex]!;
    const { mention } = candidate;
    mention.personIndex = personIndex;
    person.mentions.push(mention);
    person.forms.add(mention.parts.join(' '));
    if (mention.parts.length > person.name.split(' ').length && sameFirstAndLast(mention.parts, person.name.split(' ')) === false) {
      person.name = mention.parts.join(' ');
    }
    if (person.description === null && mention.description !== null) person.description = mention.description;
    addRoleWords(person, mention.title);
    addRoleWords(person, mention.description);
    person.gender ??= candidate.gender;
    person.matchId ??= candidate.knownId;
    lastMentionOf[personIndex] = mention.span.start;
    index.file(personIndex);
  };

  // First pass: multi-word names and titled names in text order.
  for (const candidate of candidates) {
    if (!candidate.confident || candidate.inTitleLine) continue;
    if (candidate.mention.parts.length === 1 && candidate.knownId === null) continue;
    const existing = index.find(candidate, lastMentionOf);
    attach(candidate, existing >= 0 ? existing : createPerson(candidate));
  }
  // Second pass: single-word mentions join the most recent person with that first or last name.
  lastMentionOf.fill(-1);
  const mentions: NameMention[] = [];
  for (const candidate of candidates) {
    const { mention } = candidate;
    if (mention.personIndex >= 0) {
      lastMentionOf[mention.personIndex] = mention.span.start;
      mentions.push(mention);
      continue;
    }
    if (candidate.inTitleLine) {
      for (const found of titleLineMentions(tokens, candidate, people, index, lastMentionOf)) {
        attach(found.candidate, found.personIndex);
        mentions.push(found.candidate.mention);
      }
      continue;
    }
    if (!candidate.confident && mention.parts.length > 1) continue;
    let personIndex = index.find(candidate, lastMentionOf);
    if (personIndex < 0 && mention.parts.length === 1) {
      const word = mention.parts[0]!;
      const plausible = candidate.confident || followedBySpeechVerb(tokens, mention.endToken) || precededBySpeechVerb(tokens, mention.firstToken);
      if (!plausible || isFunctionWord(word)) continue;
      personIndex = createPerson(candidate);
    }
    if (personIndex < 0) continue;
    attach(candidate, personIndex);
    mentions.push(mention);
  }
  mentions.sort((a, b) => a.span.start - b.span.start);
  inferGenderFromPronouns(people, tokens, mentions);
  for (const person of people) {
    person.forms.delete(person.name);
    for (const mention of person.mentions) {
      if (mention.title !== null) person.forms.add(`${mention.title} ${surnameOf(mention.parts)}`);
    }
  }
  return { people, mentions };
}
