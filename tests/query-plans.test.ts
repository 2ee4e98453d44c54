import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from './support/app.js';
import { backendName } from './support/database.js';

// Every list the API orders must be readable in order from an index: a plan that sorts grows with
// the table. With sorting priced out (enable_sort = off), a Sort node left in the plan means no
// index can provide the order (this is how DESC vs DESC NULLS LAST once slipped through).
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

type RawClient = { unsafe?: (q: string, p: unknown[]) => Promise<unknown[]>; query?: (q: string, p: unknown[]) => Promise<{ rows: unknown[] }> };

async function explain(query: string, params: unknown[]): Promise<string> {
  const client = (app.db as unknown as { $client: RawClient }).$client;
  const run = async (text: string, values: unknown[] = []) =>
    client.unsafe ? ((await client.unsafe(text, values)) as Record<string, string>[]) : ((await client.query!(text, values)).rows as Record<string, string>[]);
  // One session on PGlite; on postgres.js, settings and EXPLAIN must share a connection.
  if (client.unsafe) {
    const sql = client as unknown as { begin<T>(fn: (tx: RawClient) => Promise<T>): Promise<T> };
    return sql.begin(async (tx) => {
      await tx.unsafe!('set local enable_sort = off', []);
      await tx.unsafe!('set local enable_seqscan = off', []);
      const rows = (await tx.unsafe!(`explain ${query}`, params)) as Record<string, string>[];
      return rows.map((r) => Object.values(r)[0]).join('\n');
    });
  }
  await run('set enable_sort = off');
  await run('set enable_seqscan = off');
  try {
    return (await run(`explain ${query}`, params)).map((r) => Object.values(r)[0]).join('\n');
  } finally {
    await run('reset enable_sort');
    await run('reset enable_seqscan');
  }
}

async function plansOf(query: string) {
  const { result, sql, params } = await app.countStatements(query);
  expect(result.errors).toBeUndefined();
  return Promise.all(sql.map((text, i) => explain(text, params[i]!)));
}

/** Sort nodes anywhere in the plan (these queries touch no link table, whose small pages may sort). */
const sortNodes = (plan: string) => plan.split('\n').filter((line) => /^\s*(->\s+)?(Incremental )?Sort\b/.test(line));

describe(`hot queries read their order from an index (${backendName})`, () => {
  it.each([
    ['articles, newest first', `{ articles(first: 5) { edges { node { id } } } }`],
    ['statements, newest first', `{ statements(first: 5) { edges { node { id } } } }`],
    ['events, newest first', `{ events(first: 5) { edges { node { id } } } }`],
    ['people, by name', `{ people(first: 5) { edges { node { id } } } }`],
    ['a person\'s newest statements (batched)', `{ people(first: 3) { edges { node { name speaker: statements(first: 3) { edges { node { text speaker { statements(first: 2) { edges { node { id } } } } } } } } } } }`],
  ])('%s', async (_name, query) => {
    const plans = await plansOf(query);
    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) expect(sortNodes(plan), plan).toEqual([]);
  });
});
