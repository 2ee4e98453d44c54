import type { Db } from '../../src/db/index.js';

export type RawClient = { unsafe?: (q: string, p: unknown[]) => Promise<unknown[]>; query?: (q: string, p: unknown[]) => Promise<{ rows: unknown[] }> };

/**
 * `explain <options and query>` as text, by default with sorting and sequential scans priced out
 * (`off`): a plan that still sorts or scans has no index that serves it.
 */
export async function explain(db: Db, query: string, params: unknown[], off = ['enable_sort', 'enable_seqscan']): Promise<string> {
  const client = (db as unknown as { $client: RawClient }).$client;
  const run = async (text: string, values: unknown[] = []) =>
    client.unsafe ? ((await client.unsafe(text, values)) as Record<string, string>[]) : ((await client.query!(text, values)).rows as Record<string, string>[]);
  // One session on PGlite; on postgres.js, settings and EXPLAIN must share a connection.
  if (client.unsafe) {
    const sql = client as unknown as { begin<T>(fn: (tx: RawClient) => Promise<T>): Promise<T> };
    return sql.begin(async (tx) => {
      for (const setting of off) await tx.unsafe!(`set local ${setting} = off`, []);
      const rows = (await tx.unsafe!(`explain ${query}`, params)) as Record<string, string>[];
      return rows.map((r) => Object.values(r)[0]).join('\n');
    });
  }
  for (const setting of off) await run(`set ${setting} = off`);
  try {
    return (await run(`explain ${query}`, params)).map((r) => Object.values(r)[0]).join('\n');
  } finally {
    for (const setting of off) await run(`reset ${setting}`);
  }
}
