import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { type Db, rowsOf } from '../../src/db/index.js';

/** Row count of every table in the public schema: hostile requests must leave all of them alone. */
export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const tables = rowsOf<{ name: string }>(
    await db.execute(sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`),
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from ${sql.identifier(name)}`));
    counts[name] = Number(row?.n);
  }
  return counts;
}

export interface Outcome {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

export async function outcome(response: Response): Promise<Outcome> {
  const text = await response.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text, headers: response.headers };
}

/**
 * A clear refusal: the expected status (never a 5xx), a GraphQL error body with the stable code,
 * no data leaked, no stack trace or SQL in the text.
 */
export function expectRefused(result: Outcome, status: number, code: string) {
  expect(result.status, result.text).toBe(status);
  expect(result.status).toBeLessThan(500);
  expect(result.body?.errors?.length, result.text).toBeGreaterThan(0);
  expect(result.body.errors.map((e: any) => e.extensions?.code)).toContain(code);
  expect(
    result.body.errors.every((e: any) => e.extensions?.code !== 'INTERNAL_SERVER_ERROR'),
    result.text,
  ).toBe(true);
  expectNoLeak(result);
}

/** Answered normally: 200 and no errors at all. */
export function expectAnswered(result: Outcome) {
  expect(result.status, result.text).toBe(200);
  expect(result.body?.errors, result.text).toBeUndefined();
  expectNoLeak(result);
}

/** Error texts carry no stack trace, SQL or driver detail (the schema's own descriptions may say "PostgreSQL"). */
export function expectNoLeak(result: Outcome) {
  const errors = result.body === undefined ? result.text : JSON.stringify(result.body?.errors ?? (Array.isArray(result.body) ? result.body : ''));
  expect(errors).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules|stack|select |insert |drizzle|postgres|relation "/i);
}
