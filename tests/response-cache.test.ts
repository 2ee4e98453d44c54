import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../src/auth/tokens.js';
import { createApp } from '../src/app.js';
import { type Db, rowsOf } from '../src/db/index.js';
import { type EntityChangeFeed, createEntityChanges } from '../src/live/entity-changes.js';
import { createMetrics } from '../src/plugins/metrics.js';
import { type TestApp, createTestApp } from './support/app.js';

const PERSON_PAGE = /* GraphQL */ `
  query ($search: String!) {
    people(filter: { search: $search }) {
      edges { node { id name description statements(first: 3) { totalCount edges { node { id text article { headline } } } } } }
    }
  }`;

describe('the shared response cache (RESPONSE_CACHE=on)', () => {
  let app: TestApp;
  let changes: EntityChangeFeed;
  let metrics: ReturnType<typeof createMetrics>;
  let cached: ReturnType<typeof createApp>;
  let token: string;

  beforeAll(async () => {
    app = await createTestApp();
    changes = createEntityChanges({ database: app.database });
    await changes.start();
    metrics = createMetrics();
    cached = createApp({ db: app.db, entityChanges: changes, metrics, frontend: { responseCache: 'on' } });
    token = (await createToken(app.db, 'response-cache')).token;
  });
  afterAll(async () => {
    await changes.stop();
    await app.close();
  });

  async function reads(): Promise<Record<string, number>> {
    const metric = await metrics.registry.getSingleMetric('newsgraph_reads_total')!.get();
    return Object.fromEntries(metric.values.filter((v) => v.labels.path).map((v) => [v.labels.path, v.value]));
  }

  async function gql(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
    const before = await reads();
    const response = await cached.fetch('http://newsgraph.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    const after = await reads();
    const path = Object.keys(after).find((key) => after[key] !== (before[key] ?? 0));
    return { ...body, path, headers: response.headers };
  }

  it('answers a repeated compiled read from the cache, the same as without it', async () => {
    const first = await gql(PERSON_PAGE, { search: 'rand paul' });
    expect(first.path).toBe('compiled');
    expect(first.data).toEqual((await app.gql(PERSON_PAGE, { search: 'rand paul' })).data);
    const second = await gql(PERSON_PAGE, { search: 'rand paul' });
    expect(second.path).toBe('cache');
    expect(second).toMatchObject({ data: first.data });
    expect(JSON.stringify(second.data)).not.toContain('__responseCache');
  });

  const personId = async (slug: string) =>
    globalIdOf('Person', rowsOf<{ id: number }>(await app.db.execute(sql`select id from people where slug = ${slug}`))[0]!.id);

  const PERSON_NODE = /* GraphQL */ `
    query ($id: ID!) { node(id: $id) { ... on Person { name statements(first: 2) { edges { node { id text } } } } } }`;

  it('learns the entities of a compiled answer: a write to one of them drops it, other writes do not', async () => {
    const id = await personId('rand-paul');
    const first = await gql(PERSON_NODE, { id });
    expect(first.path).toBe('compiled');
    // A write elsewhere (plain SQL, as another writer would) leaves the answer standing.
    await app.db.execute(sql`insert into people (slug, name) values ('someone-else', 'Someone Else')`);
    await app.db.execute(sql`update events set description = 'changed' where id = (select max(id) from events)`);
    expect((await gql(PERSON_NODE, { id })).path).toBe('cache');
    // One of the statements in the answer changes: the next read is fresh, and compiled again.
    const statementId = Number(Buffer.from(first.data.node.statements.edges[0].node.id, 'base64url').toString().split(':')[1]);
    await app.db.execute(sql`update statements set text = 'rewritten by hand' where id = ${statementId}`);
    const after = await gql(PERSON_NODE, { id });
    expect(after.path).toBe('compiled');
    expect(after.data.node.statements.edges[0].node.text).toBe('rewritten by hand');
    expect((await gql(PERSON_NODE, { id })).path).toBe('cache');
  });

  it('drops a root list when its type gains a row, through the API', async () => {
    const LIST = '{ statements(first: 1) { totalCount } }';
    const before = await gql(LIST);
    expect((await gql(LIST)).path).toBe('cache');
    const article = globalIdOf('Article', rowsOf<{ id: number }>(await app.db.execute(sql`select min(id) as id from articles`))[0]!.id);
    const created = await gql(
      'mutation($a: ID!) { createStatement(input: { articleId: $a, text: "a new thing was said", kind: PARAPHRASE, speakerLabel: "a source" }) { statement { id } } }',
      { a: article },
      { authorization: `Bearer ${token}` },
    );
    expect(created.errors).toBeUndefined();
    const after = await gql(LIST);
    expect(after.path).toBe('compiled');
    expect(after.data.statements.totalCount).toBe(before.data.statements.totalCount + 1);
  });

  it("keeps anonymous and authenticated answers apart, and each token's", async () => {
    const query = '{ people(first: 1) { edges { node { name } } } }';
    expect((await gql(query)).path).toBe('compiled');
    expect((await gql(query, undefined, { authorization: `Bearer ${token}` })).path).toBe('compiled');
    expect((await gql(query, undefined, { authorization: 'Bearer another' })).path).toBe('compiled');
    expect((await gql(query)).path).toBe('cache');
    expect((await gql(query, undefined, { authorization: `Bearer ${token}` })).path).toBe('cache');
  });

  it('keys by variables, and does not keep answers with errors', async () => {
    expect((await gql(PERSON_PAGE, { search: 'putin' })).path).toBe('compiled');
    expect((await gql(PERSON_PAGE, { search: 'putin' })).path).toBe('cache');
    expect((await gql(PERSON_PAGE, { search: 'trump' })).path).toBe('compiled');
    const bad = '{ node(id: "not-an-id") { id } }';
    expect((await gql(bad)).errors).toBeDefined();
    expect((await gql(bad)).path).not.toBe('cache');
  });

  it('serves but does not store answers read from a replica (it may lag behind the log)', async () => {
    const replica = await createTestApp();
    try {
      const router = {
        route: async () => ({ name: 'replica', db: replica.db }),
        primaryLsn: async () => '0/0',
        replicas: () => [],
        reads: () => ({}),
        probe: async () => {},
        close: async () => {},
      };
      const routed = createApp({ db: app.db, reads: router as never, entityChanges: changes, metrics, frontend: { responseCache: 'on' } });
      const query = '{ articles(first: 1) { edges { node { headline } } } }';
      const read = () =>
        routed.fetch('http://newsgraph.test/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      const before = (await reads()).cache ?? 0;
      for (let i = 0; i < 3; i++) expect((await read()).status).toBe(200);
      expect((await reads()).cache ?? 0).toBe(before);
    } finally {
      await replica.close();
    }
  });

  it('sends its own validators only: no cache key as ETag on a POST or authenticated answer', async () => {
    const query = '{ events(first: 1) { edges { node { name } } } }';
    await gql(query, undefined, { authorization: `Bearer ${token}` });
    const hit = await gql(query, undefined, { authorization: `Bearer ${token}` });
    expect(hit.path).toBe('cache');
    expect(hit.headers.get('etag')).toBeNull();
    expect(hit.headers.get('cache-control')).toBe('no-store');
  });
});

describe('the response cache and the response size limit', () => {
  it('counts each answer served from the cache on its own, not all of them together', async () => {
    const app = await createTestApp();
    const changes = createEntityChanges({ database: app.database });
    await changes.start();
    const query = '{ statements(first: 20) { edges { node { text } } } }';
    const size = JSON.stringify((await app.gql(query)).data).length;
    const cached = createApp({
      db: app.db,
      entityChanges: changes,
      frontend: { responseCache: 'on' },
      hardening: { limits: { maxResponseBytes: size * 3 } as never },
    });
    try {
      for (let i = 0; i < 6; i++) {
        const response = await cached.fetch('http://newsgraph.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query }),
        });
        expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
      }
    } finally {
      await changes.stop();
      await app.close();
    }
  });
});

describe('the response cache without NOTIFY', () => {
  it('reads the change log before serving a stored answer: a write is seen though its NOTIFY was lost', async () => {
    const app = await createTestApp();
    // A feed that never hears NOTIFY, and polls too rarely to matter: only the check on read is left.
    const changes = createEntityChanges({ database: { db: app.db, listen: async () => async () => {} }, safetyPollMs: 3_600_000 });
    await changes.start();
    const metrics = createMetrics();
    const cached = createApp({ db: app.db, entityChanges: changes, metrics, frontend: { responseCache: 'on' } });
    const read = async () => {
      const response = await cached.fetch(
        'http://newsgraph.test/graphql?query=%7B%20events(first%3A%201)%20%7B%20edges%20%7B%20node%20%7B%20id%20name%20%7D%20%7D%20%7D%20%7D',
      );
      return ((await response.json()) as { data: { events: { edges: { node: { name: string } }[] } } }).data.events.edges[0]!.node.name;
    };
    try {
      const name = await read();
      expect(await read()).toBe(name);
      const [{ id }] = rowsOf<{ id: number }>(
        await app.db.execute(sql`select id from events order by coalesce(start_date, '-infinity'::date) desc, id desc limit 1`),
      ) as [{ id: number }];
      await app.db.execute(sql`update events set name = 'Renamed by another writer' where id = ${id}`);
      expect(await read()).toBe('Renamed by another writer');
    } finally {
      await changes.stop();
      await app.close();
    }
  });
});

const globalIdOf = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64url');

/**
 * The database as the app sees it, with a gate: once armed, the next query the app issues returns
 * its rows only when the test opens the gate. The test can then commit a write, and have its
 * invalidation applied, between the moment a read took its answer and the moment it is stored.
 */
function gatedDb(db: Db) {
  type Session = { prepareQuery(...args: unknown[]): { execute(...args: unknown[]): Promise<unknown> } };
  const session = (db as unknown as { session: Session }).session;
  let gate: { reached: () => void; opened: Promise<void> } | null = null;
  const gated = Object.create(session) as Session;
  gated.prepareQuery = (...args) => {
    const prepared = session.prepareQuery.apply(gated, args);
    const execute = prepared.execute.bind(prepared);
    prepared.execute = async (...executeArgs) => {
      const rows = await execute(...executeArgs);
      const held = gate;
      gate = null;
      if (held) {
        held.reached();
        await held.opened;
      }
      return rows;
    };
    return prepared;
  };
  const wrapped = Object.create(db as object, { session: { value: gated } }) as Db;
  return {
    db: wrapped,
    /** Holds the next query's answer; resolves `reached` once it has its rows. */
    arm() {
      let open!: () => void;
      let reached!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
      gate = { reached, opened };
      return { reached: reachedPromise, open };
    },
  };
}

describe('an answer that an invalidation overtakes while it is computed', () => {
  let app: TestApp;
  let changes: EntityChangeFeed;
  let gate: ReturnType<typeof gatedDb>;
  let cached: ReturnType<typeof createApp>;
  let metrics: ReturnType<typeof createMetrics>;

  beforeAll(async () => {
    app = await createTestApp();
    changes = createEntityChanges({ database: app.database });
    await changes.start();
    gate = gatedDb(app.db);
    metrics = createMetrics();
    cached = createApp({ db: gate.db, entityChanges: changes, metrics, frontend: { responseCache: 'on' } });
  });
  afterAll(async () => {
    await changes.stop();
    await app.close();
  });

  const QUERY = /* GraphQL */ `
    query ($id: ID!) { node(id: $id) { ... on Statement { id text } } }`;

  const cacheHits = async () =>
    (await metrics.registry.getSingleMetric('newsgraph_reads_total')!.get()).values.find((v) => v.labels.path === 'cache')?.value ?? 0;

  async function read(id: string): Promise<string> {
    const response = await cached.fetch('http://newsgraph.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: QUERY, variables: { id } }),
    });
    const body = (await response.json()) as { data: { node: { text: string } } };
    return body.data.node.text;
  }

  /** Resolves once the feed has applied a change to `statement` (any, without one): the NOTIFY came and was read. */
  function heard(statement?: number): Promise<void> {
    return new Promise((resolve) => {
      const stop = changes.onChanges((list) => {
        const touched = (change: { typename: string; id: number }) => change.typename === 'Statement' && (statement === undefined || change.id === statement);
        if (list === 'all' || list.some(touched)) stop(), resolve();
      });
    });
  }

  const statementIds = async () => rowsOf<{ id: number }>(await app.db.execute(sql`select id from statements order by id limit 2`)).map((row) => row.id);

  it('is not stored: the next read sees the write, not the answer from before it', async () => {
    const [statement] = await statementIds();
    const id = globalIdOf('Statement', statement!);
    const before = await app.db.execute(sql`select text from statements where id = ${statement}`);
    const oldText = rowsOf<{ text: string }>(before)[0]!.text;

    const held = gate.arm();
    const racing = read(id);
    await held.reached; // the read has its rows: the old text
    const applied = heard(statement!);
    await app.db.execute(sql`update statements set text = 'written while a read was running' where id = ${statement}`);
    await applied; // the invalidation is in before the answer is stored
    held.open();
    expect(await racing).toBe(oldText);

    const hits = await cacheHits();
    expect(await read(id)).toBe('written while a read was running');
    expect(await cacheHits()).toBe(hits);
    // The fresh answer is stored as usual.
    expect(await read(id)).toBe('written while a read was running');
    expect(await cacheHits()).toBe(hits + 1);
  });

  it('is stored when what was invalidated meanwhile is not in it', async () => {
    const [statement, other] = await statementIds();
    const id = globalIdOf('Statement', statement!);
    await app.db.execute(sql`update statements set text = 'a text of its own' where id = ${statement}`);
    await changes.catchUp();

    const held = gate.arm();
    const racing = read(id);
    await held.reached;
    const applied = heard(other!);
    await app.db.execute(sql`update statements set text = 'another statement changed' where id = ${other}`);
    await applied;
    held.open();
    expect(await racing).toBe('a text of its own');

    const hits = await cacheHits();
    expect(await read(id)).toBe('a text of its own');
    expect(await cacheHits()).toBe(hits + 1);
  });

  it('is not stored when its root list gains a row meanwhile', async () => {
    const list = async () => {
      const response = await cached.fetch('http://newsgraph.test/graphql?query=%7B%20statements%20%7B%20totalCount%20%7D%20%7D');
      return ((await response.json()) as { data: { statements: { totalCount: number } } }).data.statements.totalCount;
    };
    const held = gate.arm();
    const racing = list();
    await held.reached;
    const applied = heard();
    await app.db.execute(sql`
      insert into statements (article_id, kind, text, said_at)
      select article_id, kind, 'said while a list was read', said_at from statements limit 1`);
    await applied;
    held.open();
    const count = await racing;

    const hits = await cacheHits();
    expect(await list()).toBe(count + 1);
    expect(await cacheHits()).toBe(hits);
  });
});
