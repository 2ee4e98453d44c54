import type { Db } from '../../src/db/index.js';

export type RawClient = { unsafe?: (q: string, p: unknown[]) => Promise<unknown[]>; query?: (q: string, p: unknown[]) => Promise<{ rows: unknown[] }> };

/**
 * `explain <options and query>` as text, with sorting and sequential scans priced out: a plan that
 * still sorts or scans has no index that serves it.
 */
export async function explain(db: Db, query: string, params: unknown[]): Promise<string> {
  const client = (db as unknown as { $client: RawClient }).$client;
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
