// The statement log is pruned past its retention (STATEMENT_EVENTS_RETENTION), and a resume cursor
// from before what it keeps is refused with CURSOR_EXPIRED instead of replaying with a hole.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/index.js';
import { decodeLogCursor } from '../src/live/cursor.js';
import { createLiveStatements } from '../src/live/live-statements.js';
import { pruneStatementLog, prunedUpTo } from '../src/live/statement-log.js';
import { backendName } from './support/database.js';
import { type LiveTestApp, createLiveTestApp } from './support/live.js';

const SUBSCRIPTION = `subscription($after: String) { statementAdded(after: $after) { cursor statement { text } } }`;
const DAY = 86_400_000;

let app: LiveTestApp;
let articleId: string;
let counter = 0;

async function addStatement() {
  const text = `Retained ${++counter} ${Math.random().toString(36).slice(2, 8)}`;
  const { errors } = await app.gql(`mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { id } } }`, {
    input: { articleId, text, kind: 'PARAPHRASE', speakerLabel: 'a source' },
  });
  expect(errors).toBeUndefined();
  return text;
}

/** Stores `n` statements and returns their texts and cursors, as a subscriber saw them. */
async function addWithCursors(n: number) {
  const sub = await app.subscribe(SUBSCRIPTION);
  const added: { text: string; cursor: string }[] = [];
  for (let i = 0; i < n; i++) {
    const text = await addStatement();
    const { data, errors } = await sub.next();
    expect(errors).toBeUndefined();
    expect(data.statementAdded.statement.text).toBe(text);
    added.push({ text, cursor: data.statementAdded.cursor });
  }
  await sub.close();
  return added;
}

/** Makes every log entry up to and including `cursor` look `days` old. */
async function age(cursor: string, days: number) {
  const at = decodeLogCursor(cursor);
  await app.db.execute(sql`update statement_events set created_at = now() - make_interval(days => ${days})
    where (xid, position) <= (${at.xid.toString()}::xid8, ${at.position}::bigint)`);
}

const logSize = async () => rowsOf<{ n: number }>(await app.db.execute(sql`select count(*)::int as n from statement_events`))[0]!.n;

beforeAll(async () => {
  app = await createLiveTestApp();
  const { data } = await app.gql(`{ articles(first: 1) { edges { node { id } } } }`);
  articleId = data.articles.edges[0].node.id;
});
afterAll(() => app?.close());

describe(`statement log retention (${backendName})`, () => {
  it('prunes only entries past retention, oldest first, in batches, and leaves the rest', async () => {
    const [first, second, third] = await addWithCursors(3);
    await age(second!.cursor, 8);
    const before = await logSize();
    const cutoff = new Date(Date.now() - 7 * DAY);
    // The seed's entries and the first two are old: a batch of one deletes exactly one.
    expect(await pruneStatementLog(app.db, cutoff, 1)).toBe(1);
    expect(await logSize()).toBe(before - 1);
    // Batches follow log order (not the text order of positions: 10 sorts before 2).
    expect(await pruneStatementLog(app.db, cutoff, 2)).toBe(2);
    expect(await logSize()).toBe(before - 3);
    let deleted = 3;
    for (let n; (n = await pruneStatementLog(app.db, cutoff, 2)) > 0; ) deleted += n;
    expect(await logSize()).toBe(before - deleted);
    const left = rowsOf<{ text: string }>(
      await app.db.execute(sql`select s.text from statement_events e join statements s on s.id = e.statement_id order by e.xid, e.position`),
    ).map((r) => r.text);
    expect(left).toEqual([third!.text]);
    expect(left).not.toContain(first!.text);
  });

  it('refuses a resume cursor from before what the log keeps with CURSOR_EXPIRED; the last pruned cursor and newer ones still resume', async () => {
    const [old, edge, kept] = await addWithCursors(3);
    await age(edge!.cursor, 8);
    while ((await pruneStatementLog(app.db, new Date(Date.now() - 7 * DAY))) > 0);

    const expired = await app.subscribe(SUBSCRIPTION, { after: old!.cursor });
    const refusal = await expired.next();
    expect(refusal.errors?.[0]?.extensions?.code).toBe('CURSOR_EXPIRED');
    expect(refusal.errors?.[0]?.extensions?.field).toBe('after');
    expect(refusal.errors?.[0]?.message).toMatch(/without "after" to continue from now/);
    await expired.close();

    // The feed's own replay (also how a subscriber that fell behind catches up) checks too.
    const before = app.live.stats.subscribers();
    const replay0 = app.live.subscribe(decodeLogCursor(old!.cursor));
    await expect(replay0.next()).rejects.toMatchObject({ extensions: { code: 'CURSOR_EXPIRED' } });
    expect(app.live.stats.subscribers()).toBe(before);

    // Nothing after the newest pruned entry is gone: resuming there loses nothing.
    const resumed = await app.subscribe(SUBSCRIPTION, { after: edge!.cursor });
    const replay = await resumed.next();
    expect(replay.errors).toBeUndefined();
    expect(replay.data.statementAdded.statement.text).toBe(kept!.text);
    await resumed.close();

    // The documented way on: subscribe without `after`.
    const fromNow = await app.subscribe(SUBSCRIPTION);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const text = await addStatement();
    expect((await fromNow.next()).data.statementAdded.statement.text).toBe(text);
    await fromNow.close();
  });

  it('the feed prunes in the background with its retention setting', async () => {
    const [one] = await addWithCursors(1);
    await age(one!.cursor, 2);
    const live = createLiveStatements({ database: app.database, retentionMs: DAY, pruneIntervalMs: 60_000, pruneBatch: 2 });
    await live.start();
    try {
      await expect.poll(() => logSize(), { timeout: 10_000 }).toBe(0);
    } finally {
      await live.stop();
    }
    expect(await prunedUpTo(app.db)).toEqual(decodeLogCursor(one!.cursor));
  });
});
