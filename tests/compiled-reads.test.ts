// Compiled reads (src/read/compiled.ts) must answer exactly what the executor answers. Every query
// here runs on two apps over the same seed: one compiling reads to a single SQL statement, one
// with the compiler off (the reference). Shapes the compiler leaves alone must fall back, still
// with the same answers and errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newsgraphQueries } from '../bench/workloads/queries.js';
import { type TestApp, createTestApp, globalId } from './support/app.js';
import { backendName } from './support/database.js';

let compiled: TestApp;
let reference: TestApp;

// A said_at with microseconds: the DateTime scalar shows milliseconds, truncated.
const fractionalTime = `update statements set said_at = '2018-08-08 12:34:56.789999+00' where id = 3`;
// Confidences a real (float4) holds only approximately: the JSON must show what the driver reads.
const confidences = `update statements set speaker_confidence = (array[0.85, 0.1, 1, 0.3333333, null]::real[])[1 + id % 5]`;

beforeAll(async () => {
  [compiled, reference] = await Promise.all([createTestApp(), createTestApp({ hardening: { compiledReads: false } })]);
  const { sql } = await import('drizzle-orm');
  for (const update of [fractionalTime, confidences]) await Promise.all([compiled.db.execute(sql.raw(update)), reference.db.execute(sql.raw(update))]);
});
afterAll(async () => {
  await compiled?.close();
  await reference?.close();
});

/** The response without request ids, which differ between the two apps by design. */
function comparable(result: unknown) {
  return JSON.parse(JSON.stringify(result), (key, value) => (key === 'requestId' ? undefined : value));
}

async function both(query: string, variables?: Record<string, unknown>) {
  const [fast, slow] = await Promise.all([compiled.countStatements(query, variables), reference.gql(query, variables)]);
  expect(comparable(fast.result)).toEqual(comparable(slow));
  return {
    ...fast,
    slow,
    wasCompiled:
      fast.statements === 1 &&
      /^select case when octet_length\(answer\.data\) <= \$1 then answer\.data end .* from \(select \(json_build_object.*\)::text as data offset 0\) as answer$/s.test(
        fast.sql[0] ?? '',
      ),
  };
}

const fragments = /* GraphQL */ `
  fragment Who on Person { __typename id name slug aliases description wikidataId }
  query Shapes($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Article {
        title: headline url body publishedAt
        statements(first: 4) { __typename totalCount edges { __typename node { id text speaker { ...Who } event { name kind } } } }
      }
      ... on Node { id }
    }
  }`;

const compiledShapes: [string, string, Record<string, unknown>?][] = [
  ['W1 article page', newsgraphQueries.W1, { id: globalId('Article', 1) }],
  ['W2 person page', newsgraphQueries.W2, { id: globalId('Person', 1) }],
  ['W2 for someone with no events', newsgraphQueries.W2, { id: globalId('Person', 6) }],
  ['W3 front page', newsgraphQueries.W3],
  ['W4 search', newsgraphQueries.W4, { q: 'letter Putin' }],
  ['W4 search with no hits', newsgraphQueries.W4, { q: 'zzzqqq' }],
  [
    'fragments, aliases and __typename',
    fragments.replace('node { id text', 'node { kind text saidAt span { start end __typename }'),
    { id: globalId('Article', 1) },
  ],
  ['a named fragment on the speaker', fragments, { id: globalId('Article', 1) }],
  ['node of a type no fragment names', `query($id: ID!) { node(id: $id) { ... on Article { headline } } }`, { id: globalId('Person', 2) }],
  ['node that does not exist', `query($id: ID!) { node(id: $id) { id ... on Person { name } } }`, { id: globalId('Person', 999999) }],
  [
    'a statement by id with its to-one rows',
    `query($id: ID!) { node(id: $id) { ... on Statement { text kind channel speakerLabel saidAt span { end start } speaker { name } article { headline } event { name startDate endDate } } } }`,
    { id: globalId('Statement', 3) },
  ],
  [
    'an event with every field and relation',
    `query($id: ID!) { node(id: $id) { ... on Event { id name kind startDate endDate location description
      participants(first: 3) { totalCount edges { role node { name events(first: 2) { edges { role node { name } } } } } }
      statements(first: 2) { edges { node { text } } } articles { totalCount edges { node { headline } } } } } }`,
    { id: globalId('Event', 1) },
  ],
  [
    'people search with nested pages',
    `{ people(first: 3, filter: { search: "paul" }) { totalCount edges { node { name
      articles(first: 2) { totalCount edges { node { headline } } } mentionedIn(first: 2) { edges { node { text } } }
      statements(first: 3) { edges { node { saidAt text } } } } } } }`,
  ],
  ['every event, newest first, undated last', `{ events(first: 50) { totalCount edges { node { name startDate } } } }`],
  [
    'events filtered by words and dates',
    `{ events(filter: { search: "letter", from: "2018-01-01", to: "2018-12-31" }) { edges { node { name startDate endDate } } } }`,
  ],
  [
    'articles filtered by source and date',
    `{ articles(first: 5, filter: { source: "CNN", publishedAfter: "2018-01-01T00:00:00Z" }) { totalCount edges { node { headline publishedAt } } } }`,
  ],
  [
    'statements filtered by speaker and kind',
    `query($p: ID) { statements(first: 50, filter: { speakerId: $p, kind: DIRECT_QUOTE }) { totalCount edges { node { kind text } } } }`,
    { p: globalId('Person', 1) },
  ],
  [
    'statements mentioning someone',
    `query($p: ID) { statements(filter: { mentionsPersonId: $p, saidBefore: "2030-01-01T00:00:00Z" }) { edges { node { text } } } }`,
    { p: globalId('Person', 2) },
  ],
  ['an empty page', `{ statements(first: 0) { totalCount edges { node { id } } } }`],
  [
    'statements with their quotations',
    `{ statements(first: 50) { edges { node { text quotation { __typename id text firstReportedAt occurrenceCount speaker { name }
      occurrences(first: 2) { totalCount edges { node { id article { headline } } } } } } } } }`,
  ],
  [
    'a quotation by id',
    `query($id: ID!) { node(id: $id) { __typename id ... on Quotation { text occurrenceCount speaker { slug } occurrences { edges { node { text } } } } } }`,
    { id: globalId('Quotation', 1) },
  ],
  ['speaker confidences (Float from a real)', `{ statements(first: 50) { edges { node { speakerConfidence } } } }`],
  ['two root fields and the root __typename', `{ __typename a: articles(first: 1) { edges { node { id } } } p: people(first: 2) { edges { node { id } } } }`],
];

describe(`compiled reads answer as the executor does (${backendName})`, () => {
  it.each(compiledShapes)('%s: same answer, one statement', async (_title, query, variables) => {
    const { result, wasCompiled, sql } = await both(query, variables);
    expect(result.errors).toBeUndefined();
    expect(result.data).toBeTruthy();
    expect(wasCompiled, sql.join('\n')).toBe(true);
  });

  it.each([
    [
      'cursors and pageInfo on a root list',
      `{ statements(first: 3) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename } edges { cursor node { id } } } }`,
    ],
    ['pageInfo alone, on the last page', `{ articles(first: 5) { totalCount pageInfo { hasNextPage endCursor } } }`],
    [
      'pageInfo on nested pages, people cursors carrying names',
      `{ people(first: 2, filter: { search: "a" }) { pageInfo { endCursor hasNextPage } edges { cursor node { name
        events(first: 1) { pageInfo { hasNextPage startCursor } edges { cursor role node { name } } }
        statements(first: 2) { edges { cursor node { text } } } } } } }`,
    ],
    ['an empty page with pageInfo', `{ statements(first: 0) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor } } }`],
    [
      'statements with the people they mention',
      `{ statements(first: 20, filter: { kind: PARAPHRASE }) { edges { node { text mentions { id name statements(first: 1) { edges { node { id } } } } } } } }`,
    ],
    ['a backward page', `{ people(last: 2) { edges { cursor node { name } } } }`],
    [
      'a backward page with pageInfo, nested too',
      `{ people(last: 3) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { name
        statements(last: 2) { pageInfo { hasPreviousPage hasNextPage } edges { node { saidAt } } } } } } }`,
    ],
    [
      'search results with cursors (ranked)',
      `{ statements(first: 2, filter: { search: "Putin" }) { pageInfo { hasNextPage endCursor } edges { cursor node { text } } } }`,
    ],
  ])('%s: same answer, one statement', async (_title, query) => {
    const { result, wasCompiled, sql } = await both(query);
    expect(result.errors).toBeUndefined();
    expect(wasCompiled, sql.join('\n')).toBe(true);
  });

  it('walking a list page by page with endCursor gives every row once, as the executor does', async () => {
    const query = `query($after: String) { people(first: 2, after: $after) { pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { name } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const { result, wasCompiled } = await both(query, { after });
      expect(wasCompiled).toBe(true);
      const { pageInfo, edges } = result.data.people;
      expect(pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...edges.map((e: { node: { name: string } }) => e.node.name));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
  });

  it('walking back from the end with startCursor gives every row once, in list order per page', async () => {
    const query = `query($before: String) { people(last: 2, before: $before) { pageInfo { hasNextPage hasPreviousPage startCursor } edges { node { name } } } }`;
    const pages: string[][] = [];
    let before: string | null = null;
    for (let n = 0; n < 10; n++) {
      const { result, wasCompiled } = await both(query, { before });
      expect(wasCompiled).toBe(true);
      const { pageInfo, edges } = result.data.people;
      expect(pageInfo.hasNextPage).toBe(before !== null);
      pages.unshift(edges.map((e: { node: { name: string } }) => e.node.name));
      if (!pageInfo.hasPreviousPage) break;
      before = pageInfo.startCursor;
    }
    const forward = await reference.gql(`{ people(first: 100) { edges { node { name } } } }`);
    expect(pages.flat()).toEqual(forward.data.people.edges.map((e: { node: { name: string } }) => e.node.name));
  });

  it('a page after a cursor compiles (the keyset condition), and matches', async () => {
    const first = await reference.gql(`{ statements(first: 3) { edges { cursor } } }`);
    const after = first.data.statements.edges[2].cursor;
    const { result, wasCompiled } = await both(`query($after: String) { statements(first: 4, after: $after) { edges { node { id saidAt } } } }`, { after });
    expect(result.data.statements.edges).toHaveLength(4);
    expect(wasCompiled).toBe(true);
  });

  it('a real shows the digits the driver reads (0.85, not 0.8500000238418579), as the executor does', async () => {
    const { result, wasCompiled } = await both(`{ statements(first: 50) { edges { node { speakerConfidence } } } }`);
    expect(wasCompiled).toBe(true);
    const values = result.data.statements.edges.map((e: { node: { speakerConfidence: number | null } }) => e.node.speakerConfidence);
    expect(values).toEqual(expect.arrayContaining([0.85, 0.1, 1, 0.3333333, null]));
  });

  it('the DateTime of a row with microseconds is truncated to milliseconds, as the executor does', async () => {
    const { result } = await both(`query($id: ID!) { node(id: $id) { ... on Statement { saidAt } } }`, { id: globalId('Statement', 3) });
    expect(result.data.node.saidAt).toBe('2018-08-08T12:34:56.789Z');
  });
});

const fallbackShapes: [string, string, Record<string, unknown>?][] = [
  ['two edges selections beside pageInfo', `{ articles(first: 1) { pageInfo { hasNextPage } a: edges { node { id } } b: edges { cursor } } }`],
  ['a directive', `query($yes: Boolean!) { people(first: 2) { edges { node { name @include(if: $yes) } } } }`, { yes: false }],
  ['the same connection twice (merged selections)', `{ people(first: 2) { edges { node { name } } } people(first: 2) { edges { node { id } } } }`],
  ['nodes(ids)', `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [globalId('Person', 1), globalId('Article', 1)] }],
  ['the extractor', `{ extract(input: { body: "\\"We will win,\\" said Jane Doe." }) { statements { text } } }`],
];

const errorShapes: [string, string, Record<string, unknown>?][] = [
  ['a malformed ID', `query($id: ID!) { node(id: $id) { id } }`, { id: 'not an id' }],
  ['a page too large', `{ statements(first: 1000) { edges { node { id } } } }`],
  ['a negative page', `{ people(first: -1) { edges { node { id } } } }`],
  [
    'a cursor from another list',
    `query($c: String) { people(after: $c) { edges { node { id } } } }`,
    { c: Buffer.from('["s","2018-01-01","1"]').toString('base64url') },
  ],
  ['a garbled cursor', `query($c: String) { statements(after: $c) { edges { node { id } } } }`, { c: '@@@' }],
  ['an ID of the wrong type in a filter', `query($p: ID) { statements(filter: { speakerId: $p }) { edges { node { id } } } }`, { p: globalId('Article', 1) }],
  ['a search too long', `query($q: String) { statements(filter: { search: $q }) { edges { node { id } } } }`, { q: 'word '.repeat(100) }],
  [
    'a nested page too large',
    `query($id: ID!) { node(id: $id) { ... on Article { statements(first: 101) { edges { node { id } } } } } }`,
    { id: globalId('Article', 1) },
  ],
  ['a variable of the wrong type', `query($n: Int) { people(first: $n) { edges { node { id } } } }`, { n: 'many' }],
];

describe(`shapes the compiler leaves to the executor (${backendName})`, () => {
  it.each(fallbackShapes)('%s: same answer, through the executor', async (_title, query, variables) => {
    const { result, wasCompiled } = await both(query, variables);
    expect(result.errors).toBeUndefined();
    expect(wasCompiled).toBe(false);
  });

  it.each(errorShapes)('%s: the same error, with its code', async (_title, query, variables) => {
    const { result, wasCompiled } = await both(query, variables);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(wasCompiled).toBe(false);
  });

  it('mutations are never compiled', async () => {
    // Without an editor token the mutation is refused before any SQL: the same answer either way.
    const { result, sql } = await both(`mutation { deleteStatement(input: { id: "${globalId('Statement', 999)}" }) { deletedId } }`);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(sql.some((q) => /json_build_object/.test(q))).toBe(false);
  });
});

describe(`compiled answers on every transport (${backendName})`, () => {
  const query = `query($id: ID!) { node(id: $id) { ... on Person { name statements(first: 2) { edges { node { text } } } } } }`;
  const variables = { id: globalId('Person', 1) };

  it('in a batch, each result written as it came', async () => {
    const send = (app: TestApp) => app.request([{ query, variables }, { query: '{ people(first: 1) { totalCount } }' }]).then((r) => r.json());
    const [fast, slow] = await Promise.all([send(compiled), send(reference)]);
    expect(fast).toEqual(slow);
    expect(fast[0].data.node.name).toBe('Rand Paul');
  });

  it('over SSE (a query asked with Accept: text/event-stream)', async () => {
    const send = async (app: TestApp) => {
      const response = await app.yoga.fetch('http://newsgraph.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      return JSON.parse(/data: (.*)\n/.exec(text)![1]!);
    };
    const [fast, slow] = await Promise.all([send(compiled), send(reference)]);
    expect(fast).toEqual(slow);
    expect(fast.data.node.statements.edges).toHaveLength(2);
  });
});
