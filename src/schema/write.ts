// What every mutation shares: the editor check, one transaction, database errors turned into
// typed GraphQL errors, and fresh loaders afterwards so the payload shows the new state.
import { GraphQLError } from 'graphql';
import { sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { requireEditor } from '../auth/editor.js';
import { GLOBAL_ID_FORM, parseGlobalID } from '../builder.js';
import type { Context } from '../context.js';
import { type Db, rowsOf } from '../db/index.js';
import { type ErrorCode, badInput, userError } from '../errors.js';
import { createLoaders } from '../loaders.js';

/** Which input field to blame when a constraint refuses a write. */
export type ConstraintFields = Record<string, string>;

const DEFAULT_CONSTRAINT_FIELDS: ConstraintFields = {
  articles_url_key: 'input.url',
  people_slug_key: 'input.name',
  events_dates_ordered: 'input.endDate',
  statements_span_ordered: 'input.span',
  statements_article_id_articles_id_fk: 'input.articleId',
  statements_speaker_id_people_id_fk: 'input.speakerId',
  statements_event_id_events_id_fk: 'input.eventId',
  statement_mentions_person_id_people_id_fk: 'input.mentionIds',
  event_participants_person_id_people_id_fk: 'input.personId',
  event_participants_event_id_events_id_fk: 'input.eventId',
  article_events_article_id_articles_id_fk: 'input.articleIds',
};

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

interface PgError {
  code: string;
  constraint?: string;
  constraint_name?: string;
}

function findPgError(error: unknown): PgError | null {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e as PgError;
  }
  return null;
}

/** A database refusal as the client's error, or null when it is ours (and stays masked). */
export function translateDbError(error: unknown, fields: ConstraintFields = {}): GraphQLError | null {
  const pg = findPgError(error);
  if (!pg) return null;
  const constraint = pg.constraint ?? pg.constraint_name ?? '';
  const field = fields[constraint] ?? DEFAULT_CONSTRAINT_FIELDS[constraint];
  const blame = (code: ErrorCode, message: string) => userError(code, field ? `"${field}": ${message}` : message, field ? { field } : {});
  switch (pg.code) {
    case '23505':
      return blame('CONFLICT', 'already exists.');
    case '23503':
      return blame('NOT_FOUND', 'refers to something that does not exist (or no longer does).');
    case '23514':
      return blame('BAD_USER_INPUT', 'breaks a rule of the data (e.g. an end before its start).');
    case '22001':
    case '22003':
    case '22007':
    case '22008':
      return blame('BAD_USER_INPUT', 'is out of range.');
    default:
      return null;
  }
}

/**
 * Runs one mutation: checks the editor, runs `work` in a transaction (retried on deadlock or
 * serialization failure), and renews the loaders.
 */
export async function write<T>(ctx: Context, work: (tx: Db) => Promise<T>, fields?: ConstraintFields): Promise<T> {
  await requireEditor(ctx);
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await ctx.db.transaction((tx) => work(tx as unknown as Db));
      ctx.loaders = createLoaders(ctx.db);
      return result;
    } catch (error) {
      if (error instanceof GraphQLError) throw error;
      const pg = findPgError(error);
      if (pg && RETRYABLE.has(pg.code) && attempt < 5) continue;
      throw translateDbError(error, fields) ?? error;
    }
  }
}

export const notFound = (what: string, field: string) => userError('NOT_FOUND', `"${field}": no such ${what}.`, { field });

/** Whether the row exists, locking it until commit (an SQL boolean, to check several in one statement). */
export const lockedExists = (table: PgTable, id: number) => sql<boolean>`exists (select 1 from ${table} where id = ${id} for share)`;

/** How many of `ids` (distinct) exist, locking them until commit (an SQL integer). */
export const lockedCount = (table: PgTable, ids: number[]) =>
  sql<number>`(select count(*)::int from (select 1 from ${table} where id = any(string_to_array(${[...new Set(ids)].join(',')}, ',')::int[]) for share) found)`;

/** NOT_FOUND naming the field unless the row exists; the row is then locked until commit. */
export async function mustExist(tx: Db, table: PgTable, id: number, what: string, field: string): Promise<void> {
  const [row] = rowsOf<{ found: boolean }>(await tx.execute(sql`select ${lockedExists(table, id)} as found`));
  if (!row?.found) throw notFound(what, field);
}

/** Every id in `ids` exists in `table` (then locked until commit), or NOT_FOUND naming the field. */
export async function mustAllExist(tx: Db, table: PgTable, ids: number[], what: string, field: string): Promise<void> {
  const unique = new Set(ids).size;
  if (unique === 0) return;
  const [row] = rowsOf<{ n: number }>(await tx.execute(sql`select ${lockedCount(table, ids)} as n`));
  if (Number(row?.n ?? 0) !== unique) throw notFound(what, field);
}

/** A decoded global ID as the integer key. */
export const idOf = (ref: { id: string }) => Number(ref.id);

/** URL-safe key from a name: "Rand Paul" -> "rand-paul"; names without letters fall back to a hash. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  if (slug) return slug;
  let hash = 0;
  for (const ch of name) hash = (Math.imul(hash, 31) + ch.codePointAt(0)!) >>> 0;
  return `person-${hash.toString(36)}`;
}

/**
 * A global ID from mutation input, checked for its type; BAD_USER_INPUT naming the field
 * otherwise (the plugin's own check cannot say which field was wrong).
 */
export function decodeId(globalId: string, typename: 'Article' | 'Person' | 'Statement' | 'Event', field: string): number {
  const parsed = parseGlobalID(globalId);
  if (!parsed) throw badInput(`"${field}": not a valid Newsgraph ID; expected ${GLOBAL_ID_FORM}.`, field);
  if (parsed.typename !== typename) throw badInput(`"${field}": expected the ID of a ${typename}, got the ID of a ${parsed.typename}.`, field);
  return Number(parsed.id);
}

/** An optional filter ID, checked like decodeId. */
export const filterId = (globalId: string | null | undefined, typename: 'Article' | 'Person' | 'Event', field: string) =>
  globalId == null ? undefined : decodeId(globalId, typename, field);

/** Optional input fields may be left out, but a required column cannot be set to null. */
export function notNull<T>(value: T | null | undefined, field: string): T | undefined {
  if (value === null) throw badInput(`"${field}" cannot be null.`, field);
  return value;
}

/** A Date scalar as the column's YYYY-MM-DD. */
export const isoDay = (date: Date | null | undefined) => (date == null ? date : date.toISOString().slice(0, 10));

/** The global ID clients see for a row (the inverse of decodeId). */
export const encodeId = (typename: string, id: number) => Buffer.from(`${typename}:${id}`, 'utf8').toString('base64url');
