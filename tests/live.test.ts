import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { rowsOf } from '../src/db/index.js';
import { LISTENER_APPLICATION_NAME } from '../src/db/listener.js';
import { decodeLogCursor, encodeLogCursor } from '../src/live/cursor.js';
import { createLiveStatements } from '../src/live/live-statements.js';
import { globalId } from './support/app.js';
import { backendName } from './support/database.js';
import { type LiveTestApp, createLiveTestApp } from './support/live.js';

let app: LiveTestApp;
let articleId: string;
let otherArticleId: string;
let people: { speaker: string; mentioned: string; other: string };
let eventId: string;

const EVENT_FIELDS = `cursor statement { id text speaker { id name } mentions { id name } article { id headline } event { id name } }`;
const SUBSCRIPTION = `subscription($filter: StatementAddedFilter, $after: String) { statementAdded(filter: $filter, after: $after) { ${EVENT_FIELDS} } }`;

/** The integer key inside a global ID (tests write rows by plain SQL with it). */
const rawId = (id: string) => Number(Buffer.from(id, 'base64url').toString('utf8').split(':')[1]);

let counter = 0;
/** Stores a statement through the API and returns its id and text. */
async function addStatement(fields: { articleId?: string; speakerId?: string; eventId?: string; mentionIds?: string[] } = {}) {
  const text = `Live statement ${++counter} ${Math.random().toString(36).slice(2, 8)}`;
  const { data, errors } = await app.gql(`mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { id text } } }`, {
    input: { articleId: fields.articleId ?? articleId, text, kind: 'PARAPHRASE', speakerLabel: 'a source', ...fields },
  });
  expect(errors).toBeUndefined();
  return data.createStatement.statement as { id: string; text: string };
}

beforeAll(async () => {
  app = await createLiveTestApp();
  const { data } = await app.gql(
    `{ articles(first: 1) { edges { node { id } } } people(first: 3) { edges { node { id } } } events(first: 1) { edges { node { id } } } }`,
  );
  articleId = data.articles.edges[0].node.id;
  const [speaker, mentioned, other] = data.people.edges.map((e: any) => e.node.id);
  people = { speaker, mentioned, other };
  eventId = data.events.edges[0].node.id;
  const created = await app.gql(
    `mutation { createArticle(input: { url: "https://example.com/live-second", headline: "Second", source: "AP", publishedAt: "2024-05-01T10:00:00Z", body: "Second article body." }) { article { id } } }`,
  );
  otherArticleId = created.data.createArticle.article.id;
});
afterAll(() => app?.close());

describe(`statementAdded over SSE (${backendName})`, () => {
  it('delivers a statement stored through the API, resolved through loaders with its relations', async () => {
    const sub = await app.subscribe(SUBSCRIPTION);
    expect(sub.status).toBe(200);
    const added = await addStatement({ speakerId: people.speaker, mentionIds: [people.mentioned], eventId });
    const { data, errors } = await sub.next();
    expect(errors).toBeUndefined();
    const event = data.statementAdded;
    expect(event.statement).toMatchObject({ id: added.id, text: added.text, speaker: { id: people.speaker }, event: { id: eventId } });
    expect(event.statement.mentions.map((m: any) => m.id)).toEqual([people.mentioned]);
    expect(event.statement.article.id).toBe(articleId);
    expect(typeof event.cursor).toBe('string');
    await sub.close();
  });

  it('filters by speaker, article, event and mentioned person', async () => {
    const subs = {
      speaker: await app.subscribe(SUBSCRIPTION, { filter: { speakerId: people.speaker } }),
      article: await app.subscribe(SUBSCRIPTION, { filter: { articleId: otherArticleId } }),
      event: await app.subscribe(SUBSCRIPTION, { filter: { eventId } }),
      mentions: await app.subscribe(SUBSCRIPTION, { filter: { mentionsPersonId: people.mentioned } }),
      both: await app.subscribe(SUBSCRIPTION, { filter: { speakerId: people.other, articleId: otherArticleId } }),
    };
    const bySpeaker = await addStatement({ speakerId: people.speaker });
    const inArticle = await addStatement({ articleId: otherArticleId });
    const atEvent = await addStatement({ eventId });
    const mentioning = await addStatement({ mentionIds: [people.mentioned, people.other] });
    const otherSpeakerElsewhere = await addStatement({ speakerId: people.other });
    // Matches every single filter above (the last filter needs speaker `other` AND the second article).
    const everything = await addStatement({
      articleId: otherArticleId,
      speakerId: people.speaker,
      eventId,
      mentionIds: [people.mentioned],
    });
    const bothMatch = await addStatement({ articleId: otherArticleId, speakerId: people.other });

    // Events arrive in order, so "first the match, then the catch-all" proves nothing else came between.
    const received = async (sub: Awaited<ReturnType<typeof app.subscribe>>, count: number) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push((await sub.next()).data.statementAdded.statement.id);
      return ids;
    };
    expect(await received(subs.speaker, 2)).toEqual([bySpeaker.id, everything.id]);
    expect(await received(subs.article, 3)).toEqual([inArticle.id, everything.id, bothMatch.id]);
    expect(await received(subs.event, 2)).toEqual([atEvent.id, everything.id]);
    expect(await received(subs.mentions, 2)).toEqual([mentioning.id, everything.id]);
    expect(await received(subs.both, 1)).toEqual([bothMatch.id]);
    expect(otherSpeakerElsewhere.id).not.toBe(bothMatch.id);
    for (const sub of Object.values(subs)) await sub.close();
  });

  it('delivers a statement inserted with plain SQL, bypassing the API', async () => {
    const sub = await app.subscribe(SUBSCRIPTION, { filter: { articleId } });
    const rawArticleId = rawId(articleId);
    const text = `Inserted by SQL ${Date.now()}`;
    await app.db.execute(sql`insert into statements (article_id, kind, text, said_at) values (${rawArticleId}, 'PARAPHRASE', ${text}, now())`);
    const { data } = await sub.next();
    expect(data.statementAdded.statement.text).toBe(text);
    expect(data.statementAdded.statement.article.id).toBe(globalId('Article', rawArticleId));
    await sub.close();
  });

  it('refuses a malformed cursor and a filter ID of the wrong type with BAD_USER_INPUT', async () => {
    const bad = await app.subscribe(SUBSCRIPTION, { after: 'not-a-cursor' });
    const first = await bad.next();
    expect(first.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(first.errors?.[0]?.extensions?.field).toBe('after');
    await bad.close();
    const wrongType = await app.subscribe(SUBSCRIPTION, { filter: { speakerId: articleId } });
    expect((await wrongType.next()).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await wrongType.close();
  });
});

describe(`the feed itself (${backendName})`, () => {
  it('completes waiting subscribers when it stops, so shutdown is not held open', async () => {
    const feed = createLiveStatements({ database: app.database });
    await feed.start();
    const messages = feed.subscribe(null);
    const pending = messages.next();
    await feed.stop();
    expect(await pending).toEqual({ value: undefined, done: true });
  });

  it('a subscriber further behind than its buffer catches up from the log, losing and repeating nothing', async () => {
    const feed = createLiveStatements({ database: app.database, maxBuffered: 3, stallTimeoutMs: 60_000 });
    await feed.start();
    const messages = feed.subscribe(null);
    const written: number[] = [];
    for (let i = 0; i < 12; i++) {
      written.push(rawId((await addStatement()).id));
      await feed.refresh(); // published one by one, so the buffer of 3 overflows several times
    }
    const ids: number[] = [];
    for (let i = 0; i < written.length; i++) ids.push((await messages.next()).value!.statementId);
    expect(ids).toEqual(written);
    expect(feed.stats.subscribers()).toBe(1);
    await messages.return!();
    expect(feed.stats.subscribers()).toBe(0);
    await feed.stop();
  });

  it('ends a subscriber that stopped reading and calls its onStall', async () => {
    const feed = createLiveStatements({ database: app.database, maxBuffered: 2, stallTimeoutMs: 100 });
    await feed.start();
    let stalled = 0;
    const messages = feed.subscribe(null, { onStall: () => stalled++ });
    await new Promise((r) => setTimeout(r, 150));
    for (let i = 0; i < 4 && stalled === 0; i++) {
      await addStatement();
      await feed.refresh();
    }
    expect(stalled).toBe(1);
    expect(feed.stats.subscribers()).toBe(0);
    expect(await messages.next()).toEqual({ value: undefined, done: true });
    await feed.stop();
  });

  it('cursors are opaque and checked: garbage is BAD_USER_INPUT, a real one round-trips', () => {
    expect(() => decodeLogCursor('c2E6MTI=')).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }));
    const at = { xid: 123456789012n, position: 42 };
    expect(decodeLogCursor(encodeLogCursor(at))).toEqual(at);
  });
});

describe(`resuming with a cursor (${backendName})`, () => {
  it('replays what was missed, in order, then continues live, exactly once across the seam', async () => {
    const sub = await app.subscribe(SUBSCRIPTION, { filter: { articleId } });
    const seen = await addStatement();
    const { cursor } = (await sub.next()).data.statementAdded;
    await sub.close();

    const missed = [await addStatement(), await addStatement(), await addStatement()];
    const resumed = await app.subscribe(SUBSCRIPTION, { filter: { articleId }, after: cursor });
    const live = await addStatement();
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await resumed.next()).data.statementAdded.statement.id);
    expect(ids).toEqual([...missed, live].map((s) => s.id));
    expect(ids).not.toContain(seen.id);
    expect(await resumed.nothingWithin(300)).toBe(true);
    await resumed.close();
  });

  it('loses and repeats nothing when statements keep coming while it resumes', async () => {
    const first = await app.subscribe(SUBSCRIPTION, { filter: { articleId: otherArticleId } });
    await addStatement({ articleId: otherArticleId });
    const { cursor } = (await first.next()).data.statementAdded;
    await first.close();

    const written: string[] = [];
    const writer = (async () => {
      for (let i = 0; i < 12; i++) written.push((await addStatement({ articleId: otherArticleId })).id);
    })();
    // Resubscribe part-way through the writes: some are replayed, the rest come live.
    while (written.length < 4) await new Promise((r) => setTimeout(r, 5));
    const resumed = await app.subscribe(SUBSCRIPTION, { filter: { articleId: otherArticleId }, after: cursor });
    await writer;
    const ids: string[] = [];
    for (let i = 0; i < written.length; i++) ids.push((await resumed.next()).data.statementAdded.statement.id);
    expect(ids).toEqual(written);
    expect(await resumed.nothingWithin(300)).toBe(true);
    await resumed.close();
  });

  it('a stream from now says where it began: resumed from there before any event, it misses nothing', async () => {
    const before = await addStatement();
    await app.live.refresh(); // published: a stream from now begins after it
    const sub = await app.subscribe(SUBSCRIPTION, { filter: { articleId } });
    const start = sub.headers.get('x-newsgraph-live-cursor');
    expect(start).toBeTruthy();
    await sub.close(); // cut before its first event

    const missed = [await addStatement(), await addStatement()];
    const resumed = await app.subscribe(SUBSCRIPTION, { filter: { articleId }, after: start });
    // A replay has its cursor already: no start cursor.
    expect(resumed.headers.get('x-newsgraph-live-cursor')).toBeNull();
    const live = await addStatement();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await resumed.next()).data.statementAdded.statement.id);
    expect(ids).toEqual([...missed, live].map((s) => s.id));
    expect(ids).not.toContain(before.id);
    expect(await resumed.nothingWithin(300)).toBe(true);
    await resumed.close();
  });
});

describe(`other transports (${backendName})`, () => {
  it('works with the graphql-sse client (distinct connections mode)', async () => {
    const client = createSseClient({ url: 'http://newsgraph.test/graphql', fetchFn: app.yoga.fetch as typeof fetch });
    const events: any[] = [];
    const received = new Promise<void>((resolve, reject) => {
      const dispose = client.subscribe(
        { query: SUBSCRIPTION, variables: { filter: { speakerId: people.other } } },
        {
          next: (value) => {
            events.push(value);
            dispose();
            resolve();
          },
          error: reject,
          complete: () => {},
        },
      );
    });
    await new Promise((r) => setTimeout(r, 100)); // let the subscription reach the server
    const added = await addStatement({ speakerId: people.other });
    await received;
    expect(events[0].data.statementAdded.statement.id).toBe(added.id);
    client.dispose();
  });

  it('works over WebSocket with the graphql-ws protocol, on the same /graphql path, mutations included', async () => {
    const { wsUrl } = await app.listen();
    const client = createWsClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${app.token}` },
      retryAttempts: 0,
    });
    try {
      const subscription = client.iterate({ query: SUBSCRIPTION, variables: { filter: { mentionsPersonId: people.other } } });
      const firstEvent = subscription.next();
      await new Promise((r) => setTimeout(r, 200));
      // The write goes over the same socket, authorised by connectionParams.
      const mutation = await client
        .iterate({
          query: `mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { id } } }`,
          variables: { input: { articleId, text: 'Said over a socket', kind: 'DIRECT_QUOTE', speakerLabel: 'a source', mentionIds: [people.other] } },
        })
        .next();
      const createdId = (mutation.value as any).data.createStatement.statement.id;
      const { value } = await firstEvent;
      expect((value as any).data.statementAdded.statement).toMatchObject({ id: createdId, text: 'Said over a socket' });
      await subscription.return?.();
    } finally {
      await client.dispose();
    }
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL: commit order and reconnection', () => {
  let admin: postgres.Sql;
  beforeAll(async () => {
    // A second client on the test's own database: another tool writing behind the service's back.
    const [{ name }] = rowsOf<{ name: string }>(await app.db.execute(sql`select current_database() as name`)) as [{ name: string }];
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${name}`;
    admin = postgres(url.toString(), { max: 2, onnotice: () => {} });
  });
  afterAll(() => admin?.end({ timeout: 5 }));

  it('does not skip a statement whose id was taken first but committed last', async () => {
    const sub = await app.subscribe(SUBSCRIPTION, { filter: { articleId } });
    const before = await addStatement();
    const { cursor } = (await sub.next()).data.statementAdded;

    const slow = await admin.reserve();
    await slow`begin`;
    const [{ id: slowId }] = await slow<
      [{ id: number }]
    >`insert into statements (article_id, kind, text, said_at) values (${rawId(articleId)}, 'PARAPHRASE', 'Slow writer', now()) returning id`;
    const fast = await addStatement(); // a later id, committed first
    expect(rawId(fast.id)).toBeGreaterThan(slowId);
    expect(await sub.nothingWithin(300)).toBe(true); // held back while the older transaction is open
    await slow`commit`;
    slow.release();

    const ids = [(await sub.next()).data.statementAdded.statement.id, (await sub.next()).data.statementAdded.statement.id];
    expect(ids).toEqual([globalId('Statement', slowId), fast.id]);
    await sub.close();

    // And a client resuming from before both gets both, once.
    const resumed = await app.subscribe(SUBSCRIPTION, { filter: { articleId }, after: cursor });
    expect([(await resumed.next()).data.statementAdded.statement.id, (await resumed.next()).data.statementAdded.statement.id]).toEqual(ids);
    expect(before.id).not.toBe(ids[0]);
    await resumed.close();
  });

  it('reconnects its LISTEN connection by itself and delivers what was stored meanwhile', async () => {
    const sub = await app.subscribe(SUBSCRIPTION, { filter: { articleId } });
    const listeners = async () =>
      (await admin`select pid from pg_stat_activity where application_name = ${LISTENER_APPLICATION_NAME} and datname = current_database()`).map((r) => r.pid);
    const [pid] = await listeners();
    expect(pid).toBeDefined();
    await admin`select pg_terminate_backend(${pid})`;
    const [{ id: whileDown }] = await admin<
      [{ id: number }]
    >`insert into statements (article_id, kind, text, said_at) values (${rawId(articleId)}, 'PARAPHRASE', 'While the listener was down', now()) returning id`;
    const event = await sub.next();
    expect(event.data.statementAdded.statement.id).toBe(globalId('Statement', whileDown));
    // It is listening again, on a new connection.
    await expect.poll(listeners, { timeout: 10_000 }).toEqual([expect.any(Number)]);
    expect((await listeners())[0]).not.toBe(pid);
    const after = await addStatement();
    expect((await sub.next()).data.statementAdded.statement.id).toBe(after.id);
    await sub.close();
  });
});
