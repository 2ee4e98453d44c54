import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from './support/app.js';
import { backendName } from './support/database.js';
import { explain } from './support/explain.js';

// Every list the API orders must be readable in order from an index: a plan that sorts grows with
// the table. With sorting priced out (enable_sort = off), a Sort node left in the plan means no
// index can provide the order (this is how DESC vs DESC NULLS LAST once slipped through).
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

async function plansOf(query: string) {
  const { result, sql, params } = await app.countStatements(query);
  expect(result.errors).toBeUndefined();
  return Promise.all(sql.map((text, i) => explain(app.db, text, params[i]!)));
}

/** Sort nodes anywhere in the plan (these queries touch no link table, whose small pages may sort). */
const sortNodes = (plan: string) => plan.split('\n').filter((line) => /^\s*(->\s+)?(Incremental )?Sort\b/.test(line));

describe(`hot queries read their order from an index (${backendName})`, () => {
  it.each([
    ['articles, newest first', `{ articles(first: 5) { edges { node { id } } } }`],
    ['statements, newest first', `{ statements(first: 5) { edges { node { id } } } }`],
    ['events, newest first', `{ events(first: 5) { edges { node { id } } } }`],
    ['people, by name', `{ people(first: 5) { edges { node { id } } } }`],
    // Through the participations (a much-quoted person takes part in thousands of events).
    // (Without a Sort node the planner could instead walk every event in date order, probing each:
    // the index that must give the order is named.)
    [
      "a person's events, newest first (batched)",
      `{ people(first: 3) { edges { node { events(first: 5) { edges { role node { id name } } } } } } }`,
      'event_participants_person_start_idx',
    ],
    [
      "a person's articles, newest first (batched)",
      `{ people(first: 3) { edges { node { articles(first: 5) { edges { node { id headline } } } } } } }`,
      'article_people_person_published_idx',
    ],
    [
      'statements mentioning a person, newest first (batched)',
      `{ people(first: 3) { edges { node { mentionedIn(first: 5) { edges { node { id text } } } } } } }`,
      'statement_mentions_person_said_idx',
    ],
    [
      "a person's newest statements (batched)",
      `{ people(first: 3) { edges { node { name speaker: statements(first: 3) { edges { node { text speaker { statements(first: 2) { edges { node { id } } } } } } } } } } }`,
    ],
  ])('%s', async (_name: string, query: string, index?: string) => {
    const plans = await plansOf(query);
    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) expect(sortNodes(plan), plan).toEqual([]);
    // Read in order off that index (an Index Scan, not a bitmap lookup followed by a walk of the
    // whole target table in its own order).
    if (index) expect(plans.join('\n')).toMatch(new RegExp(`Index (Only )?Scan (Backward )?using ${index}\\b`));
    if (index) expect(plans.join('\n')).not.toMatch(/using (events_start_idx|articles_published_idx|statements_said_idx)\b/);
  });
});

// The live reader asks these after every NOTIFY, i.e. after every write, and the statement log is
// never pruned: they must stay index steps however long it grows. (`exists (... where xid >= ...)`
// was once planned as a sequential scan of the whole log: 16 ms per write at 100k entries.)
describe(`the live reader's log queries stay index lookups as the log grows (${backendName})`, () => {
  it('hasWaitingEntries and readStatementLog use the (xid, position) index over 40,000 entries', async () => {
    const { sql } = await import('drizzle-orm');
    const { hasWaitingEntries, readStatementLog } = await import('../src/live/statement-log.js');
    // 20,000 entries of past transactions, and statistics that see as many still ahead of the
    // horizon (entries of in-flight transactions): where a plan depends on such estimates, the
    // sequential scan wins, as it once did on the benchmark's log.
    await app.db.execute(sql`insert into statement_events (statement_id, xid) select 1, i::text::xid8 from generate_series(1, 20000) i`);
    await app.db.execute(sql`insert into statement_events (statement_id, xid) select 1, (1099511627776 + i)::text::xid8 from generate_series(1, 20000) i`);
    await app.db.execute(sql`analyze statement_events`);
    const { dialect } = app.db as unknown as { dialect: { sqlToQuery(s: unknown): { sql: string; params: unknown[] } } };
    const captured: { sql: string; params: unknown[] }[] = [];
    const capturing = new Proxy(app.db, {
      get: (target, property, receiver) =>
        property === 'execute'
          ? (query: unknown) => (captured.push(dialect.sqlToQuery(query)), target.execute(query as never))
          : Reflect.get(target, property, receiver),
    });
    await hasWaitingEntries(capturing);
    await readStatementLog(capturing, { xid: 1n, position: 0 });
    // readStatementLog reads its horizon first, in a statement of its own (no table in it).
    expect(captured).toHaveLength(3);
    const logQueries = captured.filter((query) => query.sql.includes('statement_events'));
    expect(logQueries).toHaveLength(2);
    for (const query of logQueries) {
      const plan = await explain(app.db, query.sql, query.params, []);
      expect(plan, plan).not.toMatch(/Seq Scan on statement_events/);
      expect(plan, plan).toMatch(/Index (Only )?Scan.*statement_events/);
    }
  });
});

describe(`people search finds a rare name through trigram indexes (${backendName})`, () => {
  it('a name (or alias) few people have is looked up, not searched for by walking everyone in name order', async () => {
    const { sql } = await import('drizzle-orm');
    await app.db.execute(
      sql`insert into people (slug, name, aliases) select 'plan-person-' || n, 'Person Number ' || n, array['Alias ' || n] from generate_series(1, 5000) n`,
    );
    await app.db.execute(sql`analyze people`);
    for (const search of ['Qxzvw', 'Number 4321', 'alias 4321']) {
      const query = `query($s: String) { people(first: 5, filter: { search: $s }) { edges { node { id name } } } }`;
      const { result, sql: texts, params } = await app.countStatements(query, { s: search });
      expect(result.errors).toBeUndefined();
      expect(texts).toHaveLength(1);
      // Sorting allowed: the choice is between sorting the few matches and walking everyone.
      const plan = await explain(app.db, texts[0]!, params[0]!, ['enable_seqscan']);
      expect(plan, plan).toMatch(/Bitmap Index Scan on people_name_trgm_idx/);
      expect(plan, plan).toMatch(/Bitmap Index Scan on people_aliases_trgm_idx/);
    }
    const found = await app.gql(`{ people(filter: { search: "alias 4321" }) { edges { node { name } } } }`);
    expect(found.data.people.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['Person Number 4321']);
  });
});
