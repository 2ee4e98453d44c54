// A ranked search (Query.statements(filter: { search })) must list exactly what ranking every match
// with ts_rank would, page by page, whichever way it is read: one-word searches are read off
// statement_search_tiers (drizzle/0005), which triggers keep, so both are checked against plain SQL.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../src/auth/tokens.js';
import { rowsOf } from '../src/db/index.js';
import { type TestApp, createTestApp, globalId } from './support/app.js';
import { backendName } from './support/database.js';
import { explain } from './support/explain.js';

let compiled: TestApp;
let reference: TestApp;

// Statements whose words repeat a varying number of times, some in the speaker's label (which
// search also reads): "budget" has many matches above the lowest rank, "harbor" a few, "ferry" none.
const filler = ['said the minister', 'told reporters on Monday', 'according to the report', 'in a statement'];
function corpus(): { label: string | null; text: string }[] {
  const rows: { label: string | null; text: string }[] = [];
  for (let i = 0; i < 90; i++) {
    const budget = i % 3 === 0 ? ['budget'] : i % 5 === 0 ? ['budget', 'budgets', 'budget'] : i % 7 === 0 ? ['budget', 'budget'] : [];
    const harbor = i % 23 === 0 ? ['harbor', 'harbor'] : i % 4 === 1 ? ['harbor'] : [];
    const ferry = i % 6 === 2 ? ['ferry'] : [];
    const words = [...budget, ...harbor, ...ferry, filler[i % filler.length]!];
    // The order of words changes the rank of two-word searches (proximity), not of one word.
    if (i % 2) words.reverse();
    rows.push({ label: i % 13 === 0 ? 'Budget Office' : null, text: `The ${words.join(' and the ')} ${i}.` });
  }
  return rows;
}

async function load(app: TestApp) {
  const rows = corpus();
  for (const [i, { label, text }] of rows.entries()) {
    await app.db.execute(sql`insert into statements (article_id, kind, text, speaker_label, said_at)
      values (1, 'PARAPHRASE', ${text}, ${label}, '2020-01-01T00:00:00Z')`);
    // Half-way, more statements without those words than a page first looks through by id
    // (src/read/search.ts): the older half is found past that window.
    if (i === rows.length / 2) {
      await app.db.execute(sql`insert into statements (article_id, kind, text, said_at)
        select 1, 'PARAPHRASE', 'Nothing to report on day ' || n, '2020-01-01T00:00:00Z' from generate_series(1, 10500) n`);
    }
  }
}

beforeAll(async () => {
  [compiled, reference] = await Promise.all([createTestApp(), createTestApp({ hardening: { compiledReads: false } })]);
  await Promise.all([load(compiled), load(reference)]);
});
afterAll(async () => {
  await compiled?.close();
  await reference?.close();
});

/** Every match, best first, ranked in full. */
async function rankedInFull(app: TestApp, search: string): Promise<string[]> {
  const rows = rowsOf<{ id: number }>(
    await app.db.execute(sql`select id from statements
    where search @@ websearch_to_tsquery('english', ${search})
    order by ts_rank(search, websearch_to_tsquery('english', ${search})) desc, id desc`),
  );
  return rows.map((r) => globalId('Statement', r.id));
}

const PAGE = `query($q: String!, $first: Int, $after: String, $last: Int, $before: String) {
  statements(filter: { search: $q }, first: $first, after: $after, last: $last, before: $before) {
    totalCount edges { node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;

/** The whole list, read one page at a time forward (after) or backward (before). */
async function walk(app: TestApp, q: string, size: number, backward: boolean): Promise<string[]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const vars: Record<string, unknown> = backward ? { q, last: size, before: cursor } : { q, first: size, after: cursor };
    const { data, errors }: { data?: any; errors?: unknown } = await app.gql(PAGE, vars);
    expect(errors).toBeUndefined();
    const c: { edges: { node: { id: string } }[]; pageInfo: Record<string, any> } = data.statements;
    const ids = c.edges.map((e) => e.node.id);
    pages.push(ids);
    if (!(backward ? c.pageInfo.hasPreviousPage : c.pageInfo.hasNextPage)) break;
    cursor = backward ? c.pageInfo.startCursor : c.pageInfo.endCursor;
  }
  return (backward ? pages.reverse() : pages).flat();
}

describe(`a ranked search lists what ranking every match lists (${backendName})`, () => {
  it('the data has what the tiers are for: many, few and no matches above the lowest rank', async () => {
    const above = async (word: string) =>
      Number(rowsOf<{ n: number }>(await compiled.db.execute(sql`select count(*)::int as n from statement_search_tiers where lexeme = ${word}`))[0]!.n);
    expect(await above('budget')).toBeGreaterThan(20);
    expect(await above('harbor')).toBeGreaterThan(0);
    expect(await above('harbor')).toBeLessThan(7);
    expect(await above('ferri')).toBe(0);
  });

  it.each(['budget', 'Budgets', 'harbor', 'ferry', 'budget harbor', 'budget or ferry', '"the budget"', '"harbor budget"', 'harbor -budget', 'the', 'zebra'])(
    '"%s", forward and backward, compiled and through the executor',
    async (q) => {
      const expected = await rankedInFull(compiled, q);
      for (const app of [compiled, reference]) {
        for (const size of [1, 7, 100]) {
          expect(await walk(app, q, size, false), `forward ${size}`).toEqual(expected);
          expect(await walk(app, q, size, true), `backward ${size}`).toEqual(expected);
        }
        expect((await app.gql(PAGE, { q, first: 1 })).data.statements.totalCount).toBe(expected.length);
      }
    },
  );
});

/** What the trigger keeps, against a recomputation from the statements: the rows each has that the other lacks. */
async function tierDrift(app: TestApp) {
  const rows = rowsOf<{ n: number }>(
    await app.db.execute(sql`
    with kept as (select statement_id, lexeme, rank from statement_search_tiers),
    recomputed as (select s.id as statement_id, w.lexeme, r.rank from statements s, unnest(s.search) w,
      ts_rank(s.search, search_word_query(w.lexeme)) r(rank) where r.rank > search_lowest_rank())
    select ((select count(*) from (select * from kept except select * from recomputed) a) +
            (select count(*) from (select * from recomputed except select * from kept) b))::int as n`),
  );
  return Number(rows[0]!.n);
}

describe(`statement_search_tiers follows every write (${backendName})`, () => {
  it('after inserts, text and label edits, merges and deletes it equals a recomputation', async () => {
    const app = compiled;
    expect(await tierDrift(app)).toBe(0);
    const rankOf = async (id: number) =>
      rowsOf<{ rank: number }>(await app.db.execute(sql`select rank from statement_search_tiers where statement_id = ${id} and lexeme = 'tariff'`))[0]?.rank;
    const [row] = rowsOf<{ id: number }>(
      await app.db.execute(sql`insert into statements (article_id, kind, text, said_at)
      values (1, 'PARAPHRASE', 'Tariffs, tariffs and more tariffs.', now()) returning id`),
    );
    const id = row!.id;
    const three = await rankOf(id);
    expect(three).toBeGreaterThan(0);
    await app.db.execute(sql`update statements set text = 'Tariffs and tariffs.' where id = ${id}`);
    expect(await rankOf(id)).toBeLessThan(three!);
    await app.db.execute(sql`update statements set text = 'One tariff.' where id = ${id}`);
    expect(await rankOf(id)).toBeUndefined();
    await app.db.execute(sql`update statements set speaker_label = 'Tariff Board' where id = ${id}`);
    expect(await rankOf(id)).toBeGreaterThan(0);
    // A write that leaves the words alone leaves the tiers alone.
    await app.db.execute(sql`update statements set channel = 'radio', speaker_id = 1 where id = ${id}`);
    expect(await rankOf(id)).toBeGreaterThan(0);
    expect(await tierDrift(app)).toBe(0);
    await app.db.execute(sql`delete from statements where id = ${id}`);
    expect(await rankOf(id)).toBeUndefined();
    expect(await tierDrift(app)).toBe(0);
  });

  it('a statement written through the API ranks first at once', async () => {
    const app = compiled;
    const { data } = await app.gql(`{ articles(first: 1) { edges { node { id } } } }`);
    const { token } = await createToken(app.db, 'search test');
    const response = await app.request(
      {
        query: `mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { id } } }`,
        variables: {
          input: {
            articleId: data.articles.edges[0].node.id,
            text: 'Budget, budget, budget and budget again.',
            kind: 'DIRECT_QUOTE',
            speakerLabel: 'a source',
          },
        },
      },
      { headers: { authorization: `Bearer ${token}` } },
    );
    const created = (await response.json()) as { data: { createStatement: { statement: { id: string } } }; errors?: unknown };
    expect(created.errors).toBeUndefined();
    const first = await app.gql(PAGE, { q: 'budget', first: 1 });
    expect(first.data.statements.edges[0].node.id).toBe(created.data.createStatement.statement.id);
    expect(await tierDrift(app)).toBe(0);
  });
});

describe(`a one-word search does not rank every match (${backendName})`, () => {
  it('its page comes off the tiers index, and the statements are only read by id when the tiers fill the page', async () => {
    const query = `{ statements(filter: { search: "budget" }, first: 5) { edges { node { id text } } } }`;
    const { result, sql: texts, params } = await compiled.countStatements(query);
    expect(result.errors).toBeUndefined();
    expect(texts).toHaveLength(1);
    const plan = await explain(compiled.db, `(analyze, costs off, timing off, summary off) ${texts[0]}`, params[0]!);
    expect(plan).toMatch(/Index (Only )?Scan (Backward )?using statement_search_tiers_lexeme_rank_idx/);
    // Whatever is planned for a page the tiers cannot fill never runs: the statements are only
    // looked up by id (ranking every match is what this avoids).
    const lines = plan.split('\n');
    const statementScans = lines.flatMap((line, i) => (/Scan.* on statements\b|Scan on statements_/.test(line) ? [i] : []));
    expect(statementScans.length, plan).toBeGreaterThan(1);
    for (const i of statementScans) {
      if (/never executed/.test(lines[i]!)) continue;
      const details = lines.slice(i + 1).findIndex((line) => /->/.test(line));
      const conditions = lines.slice(i + 1, details < 0 ? undefined : i + 1 + details).join('\n');
      expect(conditions, plan).toMatch(/Cond: \(id = ANY/);
    }
  });
});
