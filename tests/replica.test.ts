// Read replicas against a real hot standby of the test PostgreSQL (tests/support/replica.ts).
// Where a read ran is counted on the standby itself (pg_stat_statements), not taken from our router.
import { sql } from 'drizzle-orm';
import { createClient as createWsClient } from 'graphql-ws';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { seedArticles } from '../seeds/index.js';
import { createApp } from '../src/app.js';
import { createToken } from '../src/auth/tokens.js';
import { type Database, createDb, rowsOf } from '../src/db/index.js';
import { parseLsn } from '../src/db/replicas.js';
import { seedAll } from '../src/db/seed.js';
import { createMetrics } from '../src/plugins/metrics.js';
import { globalId } from './support/app.js';
import { createTestDatabase } from './support/database.js';
import { SseReader } from './support/live.js';
import { type Standby, createStandby } from './support/replica.js';
import { type ServerProcess, startServerProcess } from './support/server-process.js';

const PEOPLE = `{ people(first: 3) { totalCount edges { node { name aliases } } } }`;
/** A directive keeps an operation out of the SQL compiler: the executor and its loaders answer. */
const PEOPLE_BY_EXECUTOR = `{ people(first: 3) @include(if: true) { totalCount edges { node { name aliases } } } }`;
const SEARCH = `query($search: String!) { people(filter: { search: $search }) { totalCount edges { node { name } } } }`;
const EXTRACT = `query($body: String!) { extract(input: { body: $body }) { people { name match { id name } } } }`;
const CREATE_PERSON = `mutation($name: String!) { createPerson(input: { name: $name }) { created person { id name } } }`;

/** The compiled read's statement on pg_stat_statements (constants show as $n there). */
const COMPILED = '%::text as data offset $% as answer';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('read replicas on a real hot standby', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let standby: Standby;
  let onStandby: postgres.Sql;
  let primaryUrl: string;
  let replicaUrl: string;
  let token: string;
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.migrate();
    await seedAll(database.db, seedArticles);
    // Replicated to the standby, where pg_stat_statements is loaded (the primary need not load it).
    await database.db.execute(sql`create extension if not exists pg_stat_statements`);
    token = (await createToken(database.db, 'replica-tests')).token;
    const [{ name }] = rowsOf<{ name: string }>(await database.db.execute(sql`select current_database() as name`)) as [{ name: string }];
    primaryUrl = Object.assign(new URL(process.env.TEST_DATABASE_URL!), { pathname: `/${name}` }).toString();
    standby = await createStandby(process.env.TEST_DATABASE_URL!);
    replicaUrl = standby.url(name);
    onStandby = standby.sql(name);
  }, 120_000);

  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
    await standby?.destroy();
    await database?.drop();
  }, 60_000);

  /** Calls the standby ran for this database; our probes, these counts and postgres.js's type lookup (per new connection) left out. */
  async function standbyCalls(like = '%') {
    const [row] = await onStandby<{ calls: number }[]>`
      select coalesce(sum(calls), 0)::int as calls from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database())
        and query like ${like}
        and query not like '%pg_last_wal_replay_lsn%' and query not like '%pg_stat_statements%' and query not like '%pg_wal_replay%'
        and query not like '%pg_catalog.pg_type%'`;
    return row!.calls;
  }

  /** The service on the primary with the standby for reads, behind `yoga.fetch`. */
  async function routedApp(options: { maxLagMs?: number } = {}) {
    const routed: Database = await createDb({
      databaseUrl: primaryUrl,
      readUrls: [replicaUrl],
      replicaProbeMs: 100,
      replicaMaxLagMs: options.maxLagMs ?? 5_000,
      maxConnections: 3,
    });
    closers.push(() => routed.close());
    const metrics = createMetrics();
    metrics.observeReads(routed.reads!);
    const yoga = createApp({ db: routed.db, reads: routed.reads, metrics });
    const post = async (query: string, variables?: object, headers: Record<string, string> = {}) => {
      const response = await yoga.fetch('http://newsgraph.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { response, body: (await response.json()) as any };
    };
    const metric = async (name: string, labels: string) => {
      const text = await (await yoga.fetch('http://newsgraph.test/metrics')).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
      return line ? Number(line.split(' ').at(-1)) : Number.NaN;
    };
    return { routed, yoga, post, metric, write: (name: string) => post(CREATE_PERSON, { name }, { authorization: `Bearer ${token}` }) };
  }

  it('serves compiled reads, executor reads and extract from the standby; writes from the primary', async () => {
    const app = await routedApp();
    const direct = createApp({ db: database.db });
    const reference = async (query: string, variables?: object) =>
      (await (
        await direct.fetch('http://newsgraph.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables }),
        })
      ).json()) as any;

    const compiledBefore = await standbyCalls(COMPILED);
    const allBefore = await standbyCalls();
    for (let i = 0; i < 5; i++) expect((await app.post(PEOPLE)).body).toEqual(await reference(PEOPLE));
    const compiledAfter = await standbyCalls(COMPILED);
    expect(compiledAfter - compiledBefore).toBe(5);

    for (let i = 0; i < 5; i++) expect((await app.post(PEOPLE_BY_EXECUTOR)).body).toEqual(await reference(PEOPLE_BY_EXECUTOR));
    expect(await standbyCalls(COMPILED)).toBe(compiledAfter); // not compiled: the executor's own statements
    const executorCalls = (await standbyCalls()) - allBefore - 5;
    expect(executorCalls).toBeGreaterThanOrEqual(5);

    const matchingBefore = await standbyCalls('%jsonb_array_elements_text%');
    const body = '"We must cut spending," said Rand Paul on Tuesday.';
    const extracted = await app.post(EXTRACT, { body });
    expect(extracted.body).toEqual(await reference(EXTRACT, { body }));
    expect(extracted.body.data.extract.people.some((p: any) => p.match)).toBe(true); // matched a stored person
    expect((await standbyCalls('%jsonb_array_elements_text%')) - matchingBefore).toBe(1);

    // A standby refuses every write: the mutation (and its token check) ran on the primary.
    const created = await app.write(`Replica Writer ${Date.now()}`);
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data.createPerson.created).toBe(true);
    expect(await app.metric('newsgraph_reads_total', `target="127.0.0.1:${standby.port}"`)).toBe(11);
    expect(await app.metric('newsgraph_replica_state', 'state="up"')).toBe(1);
  });

  it('reads your writes under forced lag: with the LSN from the primary, without it possibly stale', async () => {
    const app = await routedApp();
    await onStandby`select pg_wal_replay_pause()`;
    try {
      await eventually(async () => (await onStandby`select pg_get_wal_replay_pause_state() as s`)[0]!.s === 'paused', 'replay to pause');
      const name = `Lagged Writer ${Date.now()}`;
      const created = await app.write(name);
      expect(created.body.errors).toBeUndefined();
      const lsn = created.body.extensions.consistency.lsn as string;
      expect(parseLsn(lsn)).not.toBeNull();
      expect(created.response.headers.get('x-newsgraph-lsn')).toBe(lsn);

      const before = await standbyCalls();
      const fresh = await app.post(SEARCH, { search: name }, { 'x-newsgraph-min-lsn': lsn });
      expect(fresh.body.data.people.edges.map((e: any) => e.node.name)).toEqual([name]);
      expect(await standbyCalls()).toBe(before); // the standby has not replayed it: the primary answered

      // Documented behaviour: without the LSN a read may come from a standby that is behind.
      const stale = await app.post(SEARCH, { search: name });
      expect(stale.body.data.people.totalCount).toBe(0);
      expect(await standbyCalls()).toBeGreaterThan(before);

      const bad = await app.post(SEARCH, { search: name }, { 'x-newsgraph-min-lsn': 'yesterday' });
      expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(bad.body.errors[0].message).toContain('x-newsgraph-min-lsn');

      await onStandby`select pg_wal_replay_resume()`;
      // Once replayed, the same read with the LSN is served by the standby.
      await eventually(async () => {
        const calls = await standbyCalls();
        const again = await app.post(SEARCH, { search: name }, { 'x-newsgraph-min-lsn': lsn });
        return again.body.data.people.totalCount === 1 && (await standbyCalls()) > calls;
      }, 'the standby to serve the read with the LSN');
    } finally {
      await onStandby`select pg_wal_replay_resume()`;
    }
  });

  it('a standby lagging past DB_REPLICA_MAX_LAG_MS leaves the rotation and rejoins once it caught up', async () => {
    const app = await routedApp({ maxLagMs: 300 });
    await onStandby`select pg_wal_replay_pause()`;
    try {
      const name = `Far Behind ${Date.now()}`;
      await app.write(name);
      await eventually(async () => (await app.metric('newsgraph_replica_state', 'state="lagging"')) === 1, 'the standby to count as lagging');
      expect(await app.metric('newsgraph_replica_lag_seconds', 'replica=')).toBeGreaterThan(0.3);
      const before = await standbyCalls();
      for (let i = 0; i < 5; i++) expect((await app.post(SEARCH, { search: name })).body.data.people.totalCount).toBe(1);
      expect(await standbyCalls()).toBe(before);
    } finally {
      await onStandby`select pg_wal_replay_resume()`;
    }
    await eventually(async () => (await app.metric('newsgraph_replica_state', 'state="up"')) === 1, 'the standby to rejoin');
    const before = await standbyCalls();
    await app.post(PEOPLE);
    expect(await standbyCalls()).toBe(before + 1);
  });

  it('a stopped standby: reads go on with no error after the first failing one, /ready stays ready; back, reads return to it', async () => {
    const app = await routedApp();
    expect((await app.post(PEOPLE)).body.errors).toBeUndefined();
    await standby.stop();
    try {
      const outcomes: boolean[] = [];
      for (let i = 0; i < 20; i++) outcomes.push(!(await app.post(PEOPLE)).body.errors);
      const firstFailure = outcomes.indexOf(false);
      expect(outcomes.filter((ok) => !ok).length).toBeLessThanOrEqual(1);
      if (firstFailure >= 0) expect(firstFailure).toBe(0);
      expect((await app.yoga.fetch('http://newsgraph.test/ready')).status).toBe(200);
      expect(await app.metric('newsgraph_replica_state', 'state="down"')).toBe(1);
      expect(await app.metric('newsgraph_reads_total', 'target="primary"')).toBeGreaterThanOrEqual(19);
    } finally {
      await standby.start();
    }
    await eventually(async () => (await app.metric('newsgraph_replica_state', 'state="up"')) === 1, 'the standby to rejoin');
    const before = await standbyCalls();
    for (let i = 0; i < 3; i++) expect((await app.post(PEOPLE)).body.errors).toBeUndefined();
    expect(await standbyCalls()).toBe(before + 3);
  }, 60_000);

  it('LISTEN uses DATABASE_LISTEN_URL (direct to the primary, past a transaction pooler), queries DATABASE_URL', async () => {
    const unreachable = await createDb({ databaseUrl: primaryUrl, listenUrl: 'postgres://postgres@127.0.0.1:1/none', connectTimeoutMs: 500 });
    closers.push(() => unreachable.close());
    expect(rowsOf(await unreachable.db.execute(sql`select 1 as one`))).toEqual([{ one: 1 }]);
    await expect(unreachable.listen('replica_test', () => {})).rejects.toThrow();

    const direct = await createDb({ databaseUrl: primaryUrl, listenUrl: primaryUrl });
    closers.push(() => direct.close());
    const heard = new Promise<string>((resolve) => void direct.listen('replica_test', resolve));
    await eventually(async () => direct.listenConnected(), 'the LISTEN connection');
    await database.db.execute(sql`select pg_notify('replica_test', 'hello')`);
    expect(await heard).toBe('hello');
  });

  describe('three instances, one primary, one standby', () => {
    const SUBSCRIPTION = `subscription { statementAdded { cursor statement { id text } } }`;
    let instances: ServerProcess[] = [];
    let articleId: number;

    beforeAll(async () => {
      articleId = rowsOf<{ id: number }>(await database.db.execute(sql`select id from articles order by id limit 1`))[0]!.id;
      instances = await Promise.all(
        [0, 1, 2].map(() => startServerProcess({ DATABASE_URL: primaryUrl, DATABASE_READ_URL: replicaUrl, DB_REPLICA_PROBE_MS: '200', DB_POOL_MAX: '3' })),
      );
      closers.push(async () => {
        for (const instance of instances) {
          instance.signal('SIGTERM');
          await instance.exited;
        }
      });
    }, 120_000);

    /** Every `statementAdded` event a subscriber receives, collected as they come. */
    function sse(instance: ServerProcess) {
      const events: any[] = [];
      const controller = new AbortController();
      const ready = fetch(instance.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: SUBSCRIPTION }),
        signal: controller.signal,
      }).then((response) => {
        const reader = new SseReader(response.body!);
        void (async () => {
          for (;;) events.push(await reader.nextEvent(600_000));
        })().catch(() => {});
      });
      closers.push(async () => void controller.abort());
      return { events, ready };
    }

    function ws(instance: ServerProcess) {
      const events: any[] = [];
      const client = createWsClient({ url: instance.url.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
      client.subscribe({ query: SUBSCRIPTION }, { next: (event) => void events.push(event), error: () => {}, complete: () => {} });
      closers.push(async () => client.dispose());
      return { events, ready: Promise.resolve() };
    }

    it('a statement written through A reaches SSE and graphql-ws subscribers on B and C exactly once; reads are right on all three', async () => {
      const [a, b, c] = instances as [ServerProcess, ServerProcess, ServerProcess];
      const subscribers = [sse(b), ws(b), sse(c), ws(c)];
      await Promise.all(subscribers.map((s) => s.ready));
      await sleep(500); // every subscription registered
      const text = `Said through A ${Date.now()}`;
      const response = await fetch(a.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: `mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { id } } }`,
          variables: { input: { articleId: globalId('Article', articleId), text, kind: 'PARAPHRASE', speakerLabel: 'a source' } },
        }),
      });
      const created = (await response.json()) as any;
      expect(created.errors).toBeUndefined();
      const id = created.data.createStatement.statement.id;
      const lsn = response.headers.get('x-newsgraph-lsn')!;
      expect(created.extensions.consistency.lsn).toBe(lsn);

      await eventually(async () => subscribers.every((s) => s.events.length >= 1), 'every subscriber to receive the statement');
      await sleep(1_000); // room for a duplicate to show up
      for (const subscriber of subscribers) {
        expect(subscriber.events.map((e) => e.data.statementAdded.statement)).toEqual([{ id, text }]);
      }

      const READ = `query($id: ID!) { node(id: $id) { ... on Statement { text } } }`;
      for (const instance of instances) {
        const read = await fetch(instance.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-newsgraph-min-lsn': lsn },
          body: JSON.stringify({ query: READ, variables: { id } }),
        });
        expect(((await read.json()) as any).data.node.text).toBe(text);
      }
      await standby.caughtUp();
      const before = await standbyCalls();
      for (const instance of instances) {
        const read = await fetch(instance.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: READ, variables: { id } }),
        });
        expect(((await read.json()) as any).data.node.text).toBe(text);
      }
      expect(await standbyCalls()).toBe(before + 3); // each instance read from the standby
    }, 60_000);
  });
});
