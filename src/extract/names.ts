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

function isNameToken(token: Token | undefined): boolean {
  return token !== undefined && token.isWord && token.capitalized;
}

interface CapitalisedRun {
  first: number;
  end: number;
}

/** Maximal runs of capitalised words, allowing "Lt. Gen." periods, initials and "de"/"van" particles. */
function capitalisedRuns(tokens: readonly Token[], body: string): CapitalisedRun[] {
  const runs: CapitalisedRun[] = [];
  let index = 0;
  while (index < tokens.length) {
    if (!isNameToken(tokens[index])) {
      index++;
      continue;
    }
    const first = index;
    let end = index + 1;
    for (;;) {
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
      if (next.isWord && NAME_PARTICLES.has(next.lower) && isNameToken(tokens[end + 1])) {
        end += 2;
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
    else if (!(DESCRIPTION_MODIFIERS.has(lower) || (token.capitalized && !isFunctionWord(token.text)) || possessiveStem(token.text) !== null))
      break;
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

function candidateFromRun(
  tokens: readonly Token[],
  body: string,
  run: CapitalisedRun,
  known: Map<string, KnownPerson>,
): Candidate | null {
  let words = wordTokens(tokens, run.first, run.end);
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
  while (core.length > 1) {
    const text = tokens[core[0]!]!.text;
    if (isFirstName(text) || !(isNonPersonWord(text) || isCommonWord(text))) break;
    core = core.slice(1);
  }
  while (core.length > 1 && NAME_SUFFIXES.has(tokens[core[core.length - 1]!]!.lower)) core = core.slice(0, -1);
  if (core.length === 0 || core.length > 4) return null;

  const lastToken = tokens[core[core.length - 1]!]!;
  const stem = possessiveStem(lastToken.text);
  const parts = core.map((index) => tokens[index]!.text);
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
  const confident = knownPerson !== null || hasPersonTitle || looksLikeFullName || (parts.length >= 2 && isSpeaker);
  const titleGender = titleWords.map((index) => honorificGender(tokens[index]!.text)).find((gender) => gender !== null) ?? null;
  const descriptionGender = description?.split(/\s+/).map(honorificGender).find((gender) => gender !== null) ?? null;
  const gender = titleGender ?? descriptionGender ?? (parts.length >= 2 ? firstNameGender(firstPart) : null);
  return { mention, confident, gender, knownId: knownPerson?.id ?? null };
}

function sameFirstAndLast(a: string[], b: string[]): boolean {
  return a[0] === b[0] && a[a.length - 1] === b[b.length - 1];
}

/** Which already-known person does this mention name? Multi-word forms must agree on first and last name. */
function findPersonFor(people: Person[], candidate: Candidate, lastMentionOf: number[]): number {
  const parts = candidate.mention.parts;
  let best = -1;
  let bestRecency = -2; // people not mentioned yet (-1) still beat no match
  people.forEach((person, index) => {
    const full = person.name.split(' ');
    let matches = false;
    if (candidate.knownId !== null && person.matchId === candidate.knownId) matches = true;
    else if (parts.length === 1) {
      matches = [...person.forms].some((form) => {
        const formParts = form.split(' ');
        return formParts.length > 1 && (formParts[formParts.length - 1] === parts[0] || formParts[0] === parts[0]);
      }) || person.forms.has(parts[0]!);
    } else {
      matches = sameFirstAndLast(full, parts) || (full.length === 1 && parts[parts.length - 1] === full[0]);
    }
    if (matches && (lastMentionOf[index] ?? -1) > bestRecency) {
      best = index;
      bestRecency = lastMentionOf[index] ?? -1;
    }
  });
  return best;
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
  const candidates = capitalisedRuns(tokens, body)
    .map((run) => candidateFromRun(tokens, body, run, known))
    .filter((candidate): candidate is Candidate => candidate !== null);

  const people: Person[] = [];
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
  };

  // First pass: multi-word names and titled names in text order.
  for (const candidate of candidates) {
    if (!candidate.confident) continue;
    if (candidate.mention.parts.length === 1 && candidate.knownId === null) continue;
    const existing = findPersonFor(people, candidate, lastMentionOf);
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
    if (!candidate.confident && mention.parts.length > 1) continue;
    let personIndex = findPersonFor(people, candidate, lastMentionOf);
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
      if (mention.title !== null) person.forms.add(`${mention.title} ${mention.parts[mention.parts.length - 1]}`);
    }
  }
  return { people, mentions };
}
