import { type SQL, sql } from 'drizzle-orm';
import type { PageInfoShape } from '@pothos/plugin-relay';
import { badInput } from '../errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

type SortType = 'int' | 'real' | 'timestamptz' | 'date' | 'text';

/** One list ordering: keys all run the same direction, the last key is unique (the id). */
export interface Ordering {
  /** Short tag stored in cursors, so a cursor from another list is refused instead of misread. */
  tag: string;
  direction: 'asc' | 'desc';
  keys: { sql: SQL; type: SortType }[];
}

export interface PageArgs {
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}

export interface Page {
  limit: number;
  backward: boolean;
  cursor: string[] | null;
  /** Stable key for caching one loader per distinct page request. */
  key: string;
  /** What the SQL depends on (direction, size, whether there is a cursor), not the cursor itself. */
  shape: string;
}

const VALUE_PATTERNS: Record<SortType, RegExp> = {
  int: /^-?\d{1,10}$/,
  real: /^-?(\d+(\.\d+)?(e[-+]?\d+)?|Infinity|NaN)$/i,
  timestamptz: /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}(:?\d{2})?|Z)?$/,
  date: /^(\d{4}-\d{2}-\d{2}|-?infinity)$/,
  text: /^[\s\S]{0,1000}$/,
};

export function encodeCursor(tag: string, values: string[]): string {
  return Buffer.from(JSON.stringify([tag, ...values]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, ordering: Ordering, argName: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badInput(`Invalid cursor in "${argName}".`, argName);
  }
  const ok =
    Array.isArray(parsed) &&
    parsed[0] === ordering.tag &&
    parsed.length === ordering.keys.length + 1 &&
    ordering.keys.every((key, i) => typeof parsed[i + 1] === 'string' && VALUE_PATTERNS[key.type].test(parsed[i + 1]));
  if (!ok) throw badInput(`Invalid cursor in "${argName}": it does not belong to this list.`, argName);
  return (parsed as string[]).slice(1);
}

function checkSize(value: number, argName: string): number {
  if (!Number.isInteger(value) || value < 0) throw badInput(`"${argName}" must be a non-negative integer.`, argName);
  if (value > MAX_PAGE_SIZE) throw badInput(`"${argName}" must be at most ${MAX_PAGE_SIZE}.`, argName);
  return value;
}

export function parsePage(args: PageArgs, ordering: Ordering): Page {
  const hasFirst = args.first != null || args.after != null;
  const hasLast = args.last != null || args.before != null;
  if (hasFirst && hasLast) throw badInput('Use "first"/"after" or "last"/"before", not both.', 'last');
  const backward = hasLast;
  const limit = checkSize((backward ? args.last : args.first) ?? DEFAULT_PAGE_SIZE, backward ? 'last' : 'first');
  const rawCursor = backward ? args.before : args.after;
  const cursor = rawCursor == null ? null : decodeCursor(rawCursor, ordering, backward ? 'before' : 'after');
  const shape = `${backward ? 'b' : 'f'}${limit}${cursor ? 'c' : ''}`;
  return { limit, backward, cursor, shape, key: `${shape}:${rawCursor ?? ''}` };
}

/** `(k1, k2) < (v1, v2)`: a row comparison the ordering's index can serve directly. */
export function keysetCondition(ordering: Ordering, page: Page, cursorValue: (index: number) => unknown = (index) => page.cursor![index]): SQL | undefined {
  if (!page.cursor) return undefined;
  const forwardOp = ordering.direction === 'desc' ? sql`<` : sql`>`;
  const backwardOp = ordering.direction === 'desc' ? sql`>` : sql`<`;
  const keys = sql.join(
    ordering.keys.map((k) => k.sql),
    sql`, `,
  );
  const values = sql.join(
    ordering.keys.map((k, i) => sql`${cursorValue(i)}::${sql.raw(k.type)}`),
    sql`, `,
  );
  return sql`(${keys}) ${page.backward ? backwardOp : forwardOp} (${values})`;
}

export function orderByClause(ordering: Ordering, page: Page): SQL[] {
  // Spelled out in full so the planner matches the indexes (drizzle's `.desc()` builds them
  // DESC NULLS LAST; plain DESC would mean NULLS FIRST and force a sort). Backward pages walk the
  // same index the other way.
  const reversed = page.backward !== (ordering.direction === 'desc');
  const direction = reversed ? sql`desc nulls ${sql.raw(page.backward ? 'first' : 'last')}` : sql`asc nulls ${sql.raw(page.backward ? 'first' : 'last')}`;
  return ordering.keys.map((k) => sql`${k.sql} ${direction}`);
}

/** The sort keys as text, selected next to each row so its cursor needs no second look-up. */
export function sortKeysSelection(ordering: Ordering): SQL<string[]> {
  return sql<string[]>`json_build_array(${sql.join(
    ordering.keys.map((k) => sql`${k.sql}::text`),
    sql`, `,
  )})`;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T, E extends object = object> {
  edges: (Edge<T> & E)[];
  pageInfo: PageInfoShape;
  totalCount: () => Promise<number>;
}

/**
 * Shapes rows fetched with `limit + 1` (in query order) into a Relay connection. The extra row
 * only tells whether another page exists.
 */
export function toConnection<R extends { sort_keys?: unknown }, T, E extends object>(
  rows: R[],
  ordering: Ordering,
  page: Page,
  toEdge: (row: R) => { node: T } & E,
  totalCount: () => Promise<number>,
): Connection<T, E> {
  const hasMore = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit);
  if (page.backward) pageRows.reverse();
  // Cursors are encoded only when a client asks for them: most list views never do.
  const cursorOf = (row: R) => encodeCursor(ordering.tag, (typeof row.sort_keys === 'string' ? JSON.parse(row.sort_keys) : row.sort_keys) as string[]);
  const edges = pageRows.map((row) => {
    const edge = toEdge(row) as Edge<T> & E;
    let cursor: string | undefined;
    return Object.defineProperty(edge, 'cursor', { enumerable: true, get: () => (cursor ??= cursorOf(row)) });
  });
  const first = pageRows[0];
  const last = pageRows.at(-1);
  return {
    edges,
    pageInfo: {
      hasNextPage: page.backward ? page.cursor != null : hasMore,
      hasPreviousPage: page.backward ? hasMore : page.cursor != null,
      get startCursor() {
        return first ? edges[0]!.cursor : null;
      },
      get endCursor() {
        return last ? edges.at(-1)!.cursor : null;
      },
    },
    totalCount,
  };
}
