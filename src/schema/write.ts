// What every mutation shares: the editor check, one transaction, database errors turned into
// typed GraphQL errors, and fresh loaders afterwards so the payload shows the new state.
import { GraphQLError } from 'graphql';
import { sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { requireEditor } from '../auth/editor.js';
import type { Context } from '../context.js';
import { type Db, rowsOf } from '../db/index.js';
import { type ConstraintFields, RETRYABLE, findPgError, translateDbError } from '../domain/db-errors.js';
import { badInput, userError } from '../errors.js';
import { createLoaders } from '../read/loaders.js';

/**
 * Runs one mutation: checks the editor, runs `work` in a transaction (retried on deadlock or
 * serialization failure), and renews the loaders. With `oneStatement`, `work` writes in a single
 * SQL statement (any statement before it only reads), which is a transaction of its own: no
 * BEGIN and COMMIT round trips. With `editorInStatement`, that statement checks the editor's
 * token itself (and writes nothing without one), saving the check's own round trip.
 */
export async function write<T>(
  ctx: Context,
  work: (tx: Db) => Promise<T>,
  fields?: ConstraintFields,
  options?: { oneStatement: true; editorInStatement?: boolean },
): Promise<T> {
  if (!options?.editorInStatement) await requireEditor(ctx);
  for (let attempt = 1; ; attempt++) {
    try {
      const result = options?.oneStatement ? await work(ctx.db) : await ctx.db.transaction((tx) => work(tx as unknown as Db));
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

/** Optional input fields may be left out, but a required column cannot be set to null. */
export function notNull<T>(value: T | null | undefined, field: string): T | undefined {
  if (value === null) throw badInput(`"${field}" cannot be null.`, field);
  return value;
}

/** A Date scalar as the column's YYYY-MM-DD. */
export const isoDay = (date: Date | null | undefined) => (date == null ? date : date.toISOString().slice(0, 10));
