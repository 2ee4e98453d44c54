// Issue #19 §4 (replays): each `after: <oldest cursor>` subscriber re-read the whole log on its
// own; 50 of them read it 50 times. Replays from one place now share their reads, and every
// subscriber still gets every statement once, in order.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/db/index.js';
import { backendName } from '../support/database.js';
import { type LiveTestApp, createLiveTestApp } from '../support/live.js';

const SUBSCRIBERS = 50;
const STATEMENTS = 450; // three pages of the log reader's 200
const SUBSCRIPTION = `subscription($after: String) { statementAdded(after: $after) { cursor statement { text } } }`;

let app: LiveTestApp;
const queries: string[] = [];
let articleId: number;

beforeAll(async () => {
  app = await createLiveTestApp({ onQuery: (query) => queries.push(query) });
  [{ id: articleId }] = rowsOf<{ id: number }>(await app.db.execute(sql`select id from articles order by id limit 1`)) as [{ id: number }];
}, 60_000);
afterAll(() => app?.close());

const logReads = () => queries.filter((q) => /from statement_events e/.test(q)).length;

describe(`replays from one cursor (${backendName})`, () => {
  it(`${SUBSCRIBERS} subscribers after the oldest cursor read the log about once, and each gets all ${STATEMENTS} in order`, async () => {
    // The first statement's cursor: the oldest place there is.
    const first = await app.subscribe(SUBSCRIPTION);
    await app.db.execute(sql`insert into statements (article_id, text, kind, said_at) values (${articleId}, 'Replay 0', 'PARAPHRASE', now())`);
    await app.live.refresh();
    const oldest = (await first.next()).data.statementAdded.cursor as string;
    await first.close();
    await app.db.execute(
      sql`insert into statements (article_id, text, kind, said_at) select ${articleId}, 'Replay ' || i, 'PARAPHRASE', now() from generate_series(1, ${STATEMENTS}) i`,
    );
    await app.live.refresh();

    const before = logReads();
    const subscribers = await Promise.all(Array.from({ length: SUBSCRIBERS }, () => app.subscribe(SUBSCRIPTION, { after: oldest })));
    const received = await Promise.all(
      subscribers.map(async (subscription) => {
        const texts: string[] = [];
        for (let i = 0; i < STATEMENTS; i++) texts.push((await subscription.next(30_000)).data.statementAdded.statement.text);
        return texts;
      }),
    );
    const reads = logReads() - before;
    const expected = Array.from({ length: STATEMENTS }, (_, i) => `Replay ${i + 1}`);
    for (const texts of received) expect(texts).toEqual(expected);
    // Three pages and the empty end, read once each by all of them together (a few more when
    // subscribers join while the first reads are in flight). Before: 50 x 4 = 200 reads.
    expect(reads).toBeLessThan(SUBSCRIBERS);
    console.log(`${SUBSCRIBERS} replays of ${STATEMENTS} statements: ${reads} log reads`);

    // Live statements after the replay still reach every one of them, once.
    await app.db.execute(sql`insert into statements (article_id, text, kind, said_at) values (${articleId}, 'After the replay', 'PARAPHRASE', now())`);
    await app.live.refresh();
    for (const subscription of subscribers) expect((await subscription.next()).data.statementAdded.statement.text).toBe('After the replay');
    await Promise.all(subscribers.map((s) => s.close()));
  }, 180_000);
});
