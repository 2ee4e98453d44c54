import { type SQL, sql } from 'drizzle-orm';
import type { Ordering } from './pagination.js';
import { articlePeople, articles, eventParticipants, events, people, quotations, statementMentions, statements } from '../db/schema.js';

// Every list the API offers, with the index that serves it named in schema.ts.
export const articlesNewestFirst: Ordering = {
  tag: 'a',
  direction: 'desc',
  keys: [
    { sql: sql`${articles.publishedAt}`, type: 'timestamptz' },
    { sql: sql`${articles.id}`, type: 'int' },
  ],
};

export const peopleByName: Ordering = {
  tag: 'p',
  direction: 'asc',
  keys: [
    { sql: sql`${people.name}`, type: 'text' },
    { sql: sql`${people.id}`, type: 'int' },
  ],
};

export const eventsNewestFirst: Ordering = {
  tag: 'e',
  direction: 'desc',
  keys: [
    { sql: sql`coalesce(${events.startDate}, '-infinity'::date)`, type: 'date' },
    { sql: sql`${events.id}`, type: 'int' },
  ],
};

// A person's events, articles and mentions in the same orders as the lists above, read off the
// link rows (their copy of the target's sort key, drizzle/0004), so each is an index scan however
// many there are. Same tags and key values as the target's own ordering: the same cursors.

/** eventsNewestFirst, off event_participants_person_start_idx. */
export const personEventsNewestFirst: Ordering = {
  tag: 'e',
  direction: 'desc',
  keys: [
    { sql: sql`coalesce(${eventParticipants.eventStart}, '-infinity'::date)`, type: 'date' },
    { sql: sql`${eventParticipants.eventId}`, type: 'int' },
  ],
};

/** articlesNewestFirst, off article_people_person_published_idx. */
export const personArticlesNewestFirst: Ordering = {
  tag: 'a',
  direction: 'desc',
  keys: [
    { sql: sql`${articlePeople.articlePublishedAt}`, type: 'timestamptz' },
    { sql: sql`${articlePeople.articleId}`, type: 'int' },
  ],
};

/** statementsNewestFirst, off statement_mentions_person_said_idx. */
export const personMentionsNewestFirst: Ordering = {
  tag: 's',
  direction: 'desc',
  keys: [
    { sql: sql`${statementMentions.statementSaidAt}`, type: 'timestamptz' },
    { sql: sql`${statementMentions.statementId}`, type: 'int' },
  ],
};

export const statementsNewestFirst: Ordering = {
  tag: 's',
  direction: 'desc',
  keys: [
    { sql: sql`${statements.saidAt}`, type: 'timestamptz' },
    { sql: sql`${statements.id}`, type: 'int' },
  ],
};

export const statementsInTextOrder: Ordering = {
  tag: 't',
  direction: 'asc',
  keys: [
    { sql: sql`coalesce(${statements.spanStart}, 2147483647)`, type: 'int' },
    { sql: sql`${statements.id}`, type: 'int' },
  ],
};

/** Full-text search results, best match first. */
export function statementsByRank(rank: SQL): Ordering {
  return {
    tag: 'r',
    direction: 'desc',
    keys: [
      { sql: rank, type: 'real' },
      { sql: sql`${statements.id}`, type: 'int' },
    ],
  };
}

/** Query.quotations: first reported newest first, off quotations_first_reported_idx. */
export const quotationsNewestFirst: Ordering = {
  tag: 'q',
  direction: 'desc',
  keys: [
    { sql: sql`${quotations.firstReportedAt}`, type: 'timestamptz' },
    { sql: sql`${quotations.id}`, type: 'int' },
  ],
};
