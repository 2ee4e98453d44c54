// A transaction that stores many statements writes them to the live log in order and announces
// them once: one notification, not one per statement.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/index.js';
import { ingestArticle } from '../src/ingest/index.js';
import { createTestDatabase } from './support/database.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
  await database.migrate();
});
afterAll(() => database?.drop());

describe('the statement log under bulk writes', () => {
  it('one ingest of 40 statements: 40 log entries in statement order, one notification', async () => {
    const payloads: string[] = [];
    let ready!: () => void;
    const listening = new Promise<void>((resolve) => (ready = resolve));
    const unlisten = await database.listen(
      'statement_added',
      (p) => payloads.push(p),
      () => ready(),
    );
    await listening;
    const result = await ingestArticle(database.db, {
      url: 'https://log.example.com/batch',
      headline: 'Forty',
      source: 'Log',
      publishedAt: new Date('2024-01-01T00:00:00Z'),
      body: 'Forty statements.',
      statements: Array.from({ length: 40 }, (_, i) => ({ text: `Point number ${i}.`, kind: 'PARAPHRASE' as const, speakerLabel: 'a spokesperson' })),
    });
    // A marker transaction after it: once its notification is in, the ingest's has been delivered too.
    await ingestArticle(database.db, {
      url: 'https://log.example.com/marker',
      headline: 'Marker',
      source: 'Log',
      publishedAt: new Date('2024-01-01T00:00:00Z'),
      body: 'Marker.',
      statements: [{ text: 'Marker.', kind: 'PARAPHRASE', speakerLabel: 'a spokesperson' }],
    });
    for (let i = 0; i < 200 && payloads.length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 100));
    await unlisten();
    expect(payloads).toHaveLength(2);
    const logged = rowsOf<{ statement_id: number }>(
      await database.db.execute(
        sql`select statement_id from statement_events where statement_id = any(string_to_array(${result.statementIds.join(',')}, ',')::int[]) order by xid, position`,
      ),
    ).map((r) => Number(r.statement_id));
    expect(logged).toEqual(result.statementIds);
  });
});
