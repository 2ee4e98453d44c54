// Event mentions by simple rules: an event noun (meeting, summit, visit, debate …) or an event
// verb ("visiting Moscow", "delivered a letter") in reporter text. Its name is the text's own
// phrase around the word ("council vote on the bridge plan", "meeting with Russian officials");
// its participants are the people the sentence names, except someone only reporting on it; its
// date is resolved against the publication date, its location read from "in <Place>" /
// "to <Place>". Events are secondary to statements, so the rules stay small.
import nlp from 'compromise/two';
import { resolveDates, type DateRange } from './dates.js';
import { TITLES, isCommonWord, isNonPersonWord, isPlaceName } from './lexicon.js';
import type { NameMention, Person } from './names.js';
import { type Sentence, type Token, normalizeSpace } from './text.js';
import type { ExtractedEvent, ExtractedStatement, TextSpan } from './types.js';

export interface EventContext {
  body: string;
  tokens: readonly Token[];
  sentences: readonly Sentence[];
  people: readonly Person[];
  mentions: readonly NameMention[];
  publishedAt: Date | null;
  isQuoted: (offset: number) => boolean;
  /** the article's statements: whoever reports an event is not, by that, taking part in it */
  statements: readonly ExtractedStatement[];
}

/** Event words (lowercase, singular) and the kind they name. */
const EVENT_WORDS: Record<string, string> = {
  meeting: 'meeting',
  meet: 'meeting',
  met: 'meeting',
  summit: 'summit',
  visit: 'visit',
  visiting: 'visit',
  visited: 'visit',
  trip: 'visit',
  interview: 'interview',
  rally: 'rally',
  debate: 'debate',
  election: 'election',
  primary: 'election',
  hearing: 'hearing',
  conference: 'conference',
  convention: 'convention',
  speech: 'speech',
  forum: 'forum',
  talks: 'talks',
  vote: 'vote',
  funeral: 'funeral',
  protest: 'protest',
  shooting: 'shooting',
  explosion: 'explosion',
  attack: 'attack',
};
/** Words after which "letter" means a letter was handed over. */
const DELIVERY_VERBS = new Set(['delivered', 'delivers', 'deliver', 'handed', 'sent', 'gave', 'given']);
/** Words that may belong to a date expression: weekdays, months, relative words, years. */
const DATE_WORD =
  /\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?\s+\d{1,2}|january|february|march|april|may\s+\d|june|july|august|september|october|november|december|today|yesterday|tomorrow|tonight|(?:last|this|next|earlier this|later this)\s+(?:week|month|year|spring|summer|fall|autumn|winter)|(?:19|20)\d{2})\b/i;
/** Characters either side of an event word searched for its date. */
const DATE_WINDOW = 80;
const LOCATION_PREPOSITIONS = new Set(['in', 'to', 'at']);

function eventKindAt(tokens: readonly Token[], index: number, sentenceStart: boolean): string | null {
  const token = tokens[index]!;
  if (!token.isWord || (token.capitalized && !sentenceStart)) return null;
  const lower = token.lower;
  if (lower === 'letter' || lower === 'letters') {
    for (let back = index - 1; back >= Math.max(0, index - 3); back--) if (DELIVERY_VERBS.has(tokens[back]!.lower)) return 'letter delivery';
    return null;
  }
  const singular = lower.endsWith('s') && lower !== 'talks' ? lower.slice(0, -1) : lower;
  return EVENT_WORDS[lower] ?? EVENT_WORDS[singular] ?? null;
}

/** "in Helsinki", "to Moscow": the first capitalised place after a location preposition. */
function locationIn(tokens: readonly Token[], sentence: Sentence, personTokens: Set<number>): string | null {
  for (let index = sentence.firstToken; index < sentence.endToken - 1; index++) {
    if (!LOCATION_PREPOSITIONS.has(tokens[index]!.lower)) continue;
    let cursor = index + 1;
    if (tokens[cursor]?.lower === 'the') cursor++;
    const words: string[] = [];
    while (cursor < sentence.endToken && tokens[cursor]!.isWord && tokens[cursor]!.capitalized && !personTokens.has(cursor)) {
      words.push(tokens[cursor]!.text.replace(/['’]s$/u, ''));
      cursor++;
    }
    if (words.length === 0 || words.length > 4 || words.some((word) => TITLES.has(word.toLowerCase()))) continue;
    const knownPlace = words.some((word) => isPlaceName(word));
    const unknownName = words.length === 1 && !isCommonWord(words[0]!) && !isNonPersonWord(words[0]!);
    if (knownPlace || unknownName) return words.join(' ');
  }
  return null;
}

/** Verb forms of event words, and how the event is named after them ("met Putin": "meeting with Putin"). */
const EVENT_VERBS: Record<string, { noun: string; preposition: string }> = {
  meet: { noun: 'meeting', preposition: 'with' },
  met: { noun: 'meeting', preposition: 'with' },
  meets: { noun: 'meeting', preposition: 'with' },
  visiting: { noun: 'visit', preposition: 'to' },
  visited: { noun: 'visit', preposition: 'to' },
};
/** Words that end an event's name on its left: determiners, pronouns, verbs and the like. */
const LEFT_STOP = new Set(
  (
    'the a an this that these those his her their its our my your some any each every no another which what whose ' +
    'in on at to for with by from of about after before during over under into since until between against amid ' +
    'and or but nor as than if when while because is was are were be been being has have had will would could should may might must can ' +
    'do did does said says told say he she they we it i you him them us held hold holds attended attend attends called ' +
    'made make makes gave give gives took take takes got get gets there here not also only just then now'
  ).split(' '),
);
/** Prepositions that open the complement of an event noun ("vote on the plan", "talks with Iran"). */
const RIGHT_PREPOSITIONS = new Set(['on', 'over', 'about', 'of', 'for', 'with', 'between', 'against', 'to', 'in', 'at', 'from']);
const DETERMINERS = new Set(['the', 'a', 'an', 'his', 'her', 'their', 'its', 'our', 'this', 'that', 'these', 'those']);
/** Words that end the complement: verbs, relatives, conjunctions, prepositions. */
const RIGHT_STOP = new Set(
  (
    'is was are were be been being has have had will would could should may might must can do did does said says told ' +
    'that which who whom whose where when while because as than if after before during since until by from into over under ' +
    'on in at to for with about against between of and or but nor not also then there here this last next'
  ).split(' '),
);
const DATE_TOKEN =
  /^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|yesterday|tomorrow|tonight|january|february|march|april|june|july|august|september|october|november|december|(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?)(?:['’]s)?$/i;
/** compromise's word list: a word it knows only as a verb form ends a noun phrase ("the plan took place"). */
const LEXICON = (nlp.model() as unknown as { one: { lexicon: Record<string, string | string[] | undefined> } }).one.lexicon;
const VERB_TAGS = new Set(['PastTense', 'Copula', 'Modal', 'Gerund', 'PresentTense', 'Auxiliary', 'Adverb', 'Preposition', 'Conjunction', 'Pronoun']);
function isVerbLike(lower: string): boolean {
  const tags = LEXICON[lower];
  return tags !== undefined && (Array.isArray(tags) ? tags : [tags]).some((tag) => VERB_TAGS.has(tag));
}
const MAX_LEFT_WORDS = 3;
const MAX_COMPLEMENT_WORDS = 5;

const isWordToken = (token: Token | undefined): token is Token => token !== undefined && token.isWord;

/** Modifiers directly left of an event noun, kept as written: "city council vote", "Trump's rally". */
function leftModifiers(tokens: readonly Token[], sentence: Sentence, index: number): number {
  let first = index;
  while (first > sentence.firstToken && index - first < MAX_LEFT_WORDS) {
    const token = tokens[first - 1]!;
    if (!token.isWord || LEFT_STOP.has(token.lower) || DATE_TOKEN.test(token.text) || /ly$/.test(token.lower) || isVerbLike(token.lower)) break;
    if (/^\d+$/.test(token.text) && !/^(?:19|20)\d{2}$/.test(token.text)) break; // "2016 election", not "3 vote"
    first--;
  }
  return first;
}

/** "on the bridge plan", "with Russian President Vladimir Putin": one preposition and a short noun phrase. */
function complementEnd(tokens: readonly Token[], sentence: Sentence, from: number, preposition?: string): number {
  let cursor = from;
  if (preposition === undefined) {
    if (!RIGHT_PREPOSITIONS.has(tokens[cursor]?.lower ?? '') || cursor >= sentence.endToken) return from;
    cursor++;
  }
  if (cursor < sentence.endToken && DETERMINERS.has(tokens[cursor]!.lower)) cursor++;
  let words = 0;
  let end = from;
  while (cursor < sentence.endToken && words < MAX_COMPLEMENT_WORDS) {
    const token = tokens[cursor]!;
    if (!isWordToken(token) || DATE_TOKEN.test(token.text) || /ly$/.test(token.lower)) break;
    // "talks between Trump and Putin": "and" joins two names, not two clauses
    const joinsNames = token.lower === 'and' && words > 0 && tokens[cursor - 1]!.capitalized && tokens[cursor + 1]?.capitalized === true;
    if (RIGHT_STOP.has(token.lower) && !joinsNames) break;
    if (words > 0 && !token.capitalized && (/(?:ed|ing)$/.test(token.lower) || isVerbLike(token.lower))) break; // "the plan passed"
    cursor++;
    if (!joinsNames) {
      words++;
      end = cursor;
    }
  }
  return words === 0 ? from : end;
}

/** The event's name from the text around its word, and the kind word that stands alone when there is nothing around it. */
function eventName(body: string, tokens: readonly Token[], sentence: Sentence, index: number, kind: string): { name: string; bare: boolean } {
  const token = tokens[index]!;
  const verb = EVENT_VERBS[token.lower];
  if (verb !== undefined) {
    // "met with Putin", "met Putin", "visited Moscow": the noun, then whom or where
    const withPreposition = tokens[index + 1]?.lower === verb.preposition || (verb.noun === 'meeting' && tokens[index + 1]?.lower === 'with');
    const from = withPreposition ? index + 2 : index + 1;
    const end = complementEnd(tokens, sentence, from, verb.preposition);
    if (end === from) return { name: verb.noun, bare: true };
    return { name: `${verb.noun} ${verb.preposition} ${normalizeSpace(body.slice(tokens[from]!.start, tokens[end - 1]!.end))}`, bare: false };
  }
  if (kind === 'letter delivery')
    return { name: normalizeSpace(body.slice(token.start, tokens[complementEnd(tokens, sentence, index + 1) - 1]?.end ?? token.end)), bare: false };
  const first = leftModifiers(tokens, sentence, index);
  const end = complementEnd(tokens, sentence, index + 1);
  const last = end > index + 1 ? tokens[end - 1]! : token;
  const name = normalizeSpace(body.slice(tokens[first]!.start, last.end));
  // "Talks between Iran …" opening the sentence: the capital is the sentence's, not the name's
  const lowered = first === index && index === sentence.firstToken ? name[0]!.toLowerCase() + name.slice(1) : name;
  return { name: lowered, bare: first === index && end === index + 1 };
}

const SELF_REFERENCE = /\b(?:he|she|they|we|i|his|her|their|our|my|him|them|us|me)\b/i;
const inside = (span: TextSpan, within: TextSpan) => span.start >= within.start && span.end <= within.end;

/**
 * The people a sentence names, but not those named only as the source of a statement that
 * reports the event ("Vargas said the council vote …": Vargas speaks about the vote).
 */
function sentenceParticipants(context: EventContext, sentence: Sentence, eventSpan: TextSpan): { names: string[]; tokens: Set<number> } {
  // "Paul announced that he delivered a letter": a pronoun before the event word may be the
  // speaker himself, so he stays
  const reporters = context.statements
    .filter(
      (statement) =>
        statement.speakerSpan !== null &&
        inside(eventSpan, statement.span) &&
        !inside(statement.speakerSpan, statement.span) &&
        !SELF_REFERENCE.test(context.body.slice(statement.span.start, eventSpan.start)),
    )
    .map((statement) => statement.speakerSpan!);
  const names = new Set<string>();
  const tokens = new Set<number>();
  for (const mention of context.mentions) {
    if (mention.span.start < sentence.start || mention.span.end > sentence.end) continue;
    for (let index = mention.firstToken; index < mention.endToken; index++) tokens.add(index);
    const reporting = reporters.some((speaker) => mention.span.start < speaker.end && speaker.start < mention.span.end);
    if (!reporting) names.add(context.people[mention.personIndex]!.name);
  }
  return { names: [...names], tokens };
}

export function findEvents(context: EventContext): ExtractedEvent[] {
  const { body, tokens } = context;
  const events: ExtractedEvent[] = [];
  // chrono is the slowest step and its cost grows with the text, so it only sees a short slice
  // around a word that looks like a date, near the event word
  const datesNear = (start: number, end: number): DateRange | undefined => {
    if (context.publishedAt === null) return undefined;
    const dateWord = DATE_WORD.exec(body.slice(start, end));
    if (dateWord === null) return undefined;
    const from = Math.max(start, start + dateWord.index - 20);
    const to = Math.min(end, start + dateWord.index + dateWord[0].length + 20);
    return resolveDates(body.slice(from, to), context.publishedAt)[0];
  };
  for (const sentence of context.sentences) {
    for (let index = sentence.firstToken; index < sentence.endToken; index++) {
      if (context.isQuoted(tokens[index]!.start)) continue;
      const kind = eventKindAt(tokens, index, index === sentence.firstToken);
      if (kind === null) continue;
      const token = tokens[index]!;
      const { name, bare } = eventName(body, tokens, sentence, index, kind);
      const participants = sentenceParticipants(context, sentence, token);
      const date = datesNear(Math.max(sentence.start, token.start - DATE_WINDOW), Math.min(sentence.end, token.end + DATE_WINDOW));
      const location = locationIn(tokens, sentence, participants.tokens);
      // "after the meeting", with a meeting already named and nothing new said of it: the same one again
      const repeated = bare && tokens[index - 1]?.lower === 'the' && date === undefined && location === null && events.some((event) => event.kind === kind);
      if (repeated) break;
      events.push({
        name,
        kind,
        startDate: date?.start ?? null,
        endDate: date?.end ?? null,
        location,
        participants: participants.names,
        span: { start: token.start, end: token.end },
      });
      break; // one event per sentence keeps the list readable
    }
  }
  return events;
}
