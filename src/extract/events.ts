// Event mentions by simple rules: an event noun (meeting, summit, visit, debate …) or an event
// verb ("visiting Moscow", "delivered a letter") in reporter text, with the people named in the
// same sentence as participants, a date resolved against the publication date and a location
// from "in <Place>" / "to <Place>". Events are secondary to statements, so the rules stay small.
import { resolveDates, type DateRange } from './dates.js';
import { TITLES, isCommonWord, isNonPersonWord, isPlaceName } from './lexicon.js';
import type { NameMention, Person } from './names.js';
import type { Sentence, Token } from './text.js';
import type { ExtractedEvent } from './types.js';

export interface EventContext {
  body: string;
  tokens: readonly Token[];
  sentences: readonly Sentence[];
  people: readonly Person[];
  mentions: readonly NameMention[];
  publishedAt: Date | null;
  isQuoted: (offset: number) => boolean;
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

function eventKindAt(tokens: readonly Token[], index: number): string | null {
  const token = tokens[index]!;
  if (!token.isWord || token.capitalized) return null;
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

function sentenceParticipants(context: EventContext, sentence: Sentence): { names: string[]; tokens: Set<number> } {
  const names = new Set<string>();
  const tokens = new Set<number>();
  for (const mention of context.mentions) {
    if (mention.span.start < sentence.start || mention.span.end > sentence.end) continue;
    names.add(context.people[mention.personIndex]!.name);
    for (let index = mention.firstToken; index < mention.endToken; index++) tokens.add(index);
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
      const kind = eventKindAt(tokens, index);
      if (kind === null) continue;
      const participants = sentenceParticipants(context, sentence);
      const token = tokens[index]!;
      const date = datesNear(Math.max(sentence.start, token.start - DATE_WINDOW), Math.min(sentence.end, token.end + DATE_WINDOW));
      events.push({
        name: `${kind}${participants.names.length > 0 ? `: ${participants.names.join(', ')}` : ''}`,
        kind,
        startDate: date?.start ?? null,
        endDate: date?.end ?? null,
        location: locationIn(tokens, sentence, participants.tokens),
        participants: participants.names,
        span: { start: token.start, end: token.end },
      });
      break; // one event per sentence keeps the list readable
    }
  }
  return events;
}
