import { type SQL, sql } from 'drizzle-orm';
import type { Ordering } from '../pagination.js';
import { articles, events, people, statements } from './schema.js';

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
