import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../src/plugins/settings.js';
import { type TestApp, createTestApp } from '../support/app.js';
import { backendName } from '../support/database.js';
import { expectAnswered, expectRefused, outcome, tableCounts } from './support.js';

/** Query-shape attacks: depth, aliases, tokens, directives, cost, fragment cycles. */
let app: TestApp;
let countsBefore: Record<string, number>;
beforeAll(async () => {
  app = await createTestApp();
  countsBefore = await tableCounts(app.db);
});
afterAll(async () => {
  if (app) expect(await tableCounts(app.db)).toEqual(countsBefore);
  await app?.close();
});

const send = async (query: string, variables?: Record<string, unknown>) => outcome(await app.request({ query, variables }));

/** people(first: 1) { edges { node { ... } } } then statements/edges/node/speaker hops: Relay's levels count. */
function nested(levels: number): string {
  const hops = Math.max(1, Math.ceil((levels - 4) / 4));
  return `{ people(first: 1) { edges { node { ${'statements(first: 1) { edges { node { speaker { '.repeat(hops)} name ${'} } } } '.repeat(hops)} } } } }`;
}

const limitCases: [name: string, query: string, limit: string][] = [
  ['depth 50 of plain nesting', nested(50), 'depth'],
  ['depth just over the limit', nested(defaultLimits.maxDepth + 2), 'depth'],
  [
    'depth hidden in fragments',
    `{ people { edges { node { ...P } } } } fragment P on Person { statements { edges { node { speaker { ...Q } } } } }
     fragment Q on Person { statements { edges { node { speaker { statements { edges { node { speaker { name } } } } } } } } }`,
    'depth',
  ],
  [
    'depth hidden in inline fragments',
    `{ node(id: "x") { ... on Person { ${'statements { edges { node { speaker { ... on Person { '.repeat(4)} name ${'} } } } }'.repeat(4)} } } }`,
    'depth',
  ],
  ['introspection nested past any real need', `{ __schema { types { ${'fields { type { ofType { '.repeat(6)} name ${'} } }'.repeat(6)} } } }`, 'depth'],
  ['an alias bomb', `{ ${Array.from({ length: 300 }, (_, i) => `a${i}: people { totalCount }`).join(' ')} }`, 'aliases'],
  ['aliases just over the limit', `{ ${Array.from({ length: defaultLimits.maxAliases + 1 }, (_, i) => `a${i}: people { totalCount }`).join(' ')} }`, 'aliases'],
  [
    'aliases spread through a fragment',
    `{ ...F ... on Query { ...F } } fragment F on Query { ${Array.from({ length: 10 }, (_, i) => `f${i}: people { totalCount }`).join(' ')} }`,
    'aliases',
  ],
  ['aliased introspection', `{ ${Array.from({ length: 30 }, (_, i) => `s${i}: __schema { queryType { name } }`).join(' ')} }`, 'aliases'],
  ['a directive flood', `{ __typename ${'@skip(if: false) '.repeat(100)} }`, 'directives'],
  ['directives just over the limit', `{ __typename ${'@include(if: true) '.repeat(defaultLimits.maxDirectives + 1)} }`, 'directives'],
  ['unknown directives in bulk', `{ __typename ${'@nope '.repeat(30)} }`, 'directives'],
  ['a token flood', `{ ${'__typename '.repeat(3000)} }`, 'tokens'],
  ['a token flood of nested list literals', `{ node(id: ${'['.repeat(1500)}${']'.repeat(1500)}) { id } }`, 'tokens'],
  [
    'a million-row cost: first 100 nested twice',
    '{ people(first: 100) { edges { node { statements(first: 100) { edges { node { mentions { statements(first: 100) { totalCount } } } } } } } } }',
    'cost',
  ],
  [
    'cost through a variable',
    'query($n: Int) { statements(first: $n) { edges { node { mentions { statements(first: $n) { edges { node { text } } } } } } } }',
    'cost',
  ],
  [
    'cost of a long nodes() list',
    `{ nodes(ids: [${Array.from({ length: 200 }, () => '"UGVyc29uOjE"').join(',')}]) { ... on Person { statements(first: 100) { edges { node { text } } } } } }`,
    'cost',
  ],
];

describe(`query limits (${backendName})`, () => {
  it.each(limitCases)('%s is refused', async (_name, query, limit) => {
    const result = await send(query, { n: 100 });
    expectRefused(result, 400, 'QUERY_TOO_COMPLEX');
    expect(result.body.errors.find((e: any) => e.extensions.code === 'QUERY_TOO_COMPLEX').extensions.limit).toBe(limit);
  });

  it.each([
    ['a fragment spreading itself', '{ ...A } fragment A on Query { ...A }'],
    ['two fragments spreading each other', '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }'],
    [
      'a cycle three fragments long, inside a list',
      '{ people { edges { node { ...A } } } } fragment A on Person { ...B } fragment B on Person { ...C } fragment C on Person { ...A }',
    ],
    ['a fragment on a type that does not exist', '{ ...A } fragment A on Nope { x }'],
    ['a field that does not exist', '{ people { edges { node { password } } } }'],
    ['a subscription to nothing', 'subscription { nope }'],
  ])('%s fails validation', async (_name, query) => {
    expectRefused(await send(query), 400, 'GRAPHQL_VALIDATION_FAILED');
  });

  it("lets GraphiQL's own introspection query through, even though limits apply to introspection", async () => {
    const result = await send(
      getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true }),
    );
    expectAnswered(result);
    expect(result.body.data.__schema.queryType.name).toBe('Query');
  });

  it('lets the README and GraphiQL example queries through', async () => {
    const readme = [
      `{ articles(first: 1) { edges { node { headline source publishedAt statements(first: 50) { edges { node { kind text channel speakerLabel span { start end } speaker { name description } } } } } } } }`,
      `query ($search: String = "senator paul") { people(filter: { search: $search }) { edges { node { id name aliases description
        statements(first: 20) { totalCount edges { node { text saidAt article { headline } } } } events { edges { role node { name startDate location } } } } } } }`,
      `{ statements(first: 10, filter: { search: "letter Putin", kind: DIRECT_QUOTE }) { totalCount edges { cursor node { text speaker { name } } } pageInfo { hasNextPage endCursor } } }`,
    ];
    for (const query of readme) expectAnswered(await send(query));
  });

  it('allows depth up to the limit, counting edges and node levels', async () => {
    // people(1) edges(2) node(3) statements(4) edges(5) node(6) speaker(7) statements(8) edges(9) node(10) speaker(11) name(12)
    const query =
      '{ people(first: 1) { edges { node { statements(first: 1) { edges { node { speaker { statements(first: 1) { edges { node { speaker { name } } } } } } } } } } } }';
    expectAnswered(await send(query));
  });
});

describe(`limits are overridable (${backendName})`, () => {
  it('a lower depth limit from settings refuses what the default allows', async () => {
    const strict = await createTestApp({ hardening: { limits: { ...defaultLimits, maxDepth: 3 } } });
    try {
      const result = await outcome(await strict.request({ query: '{ people { edges { node { name } } } }' }));
      expectRefused(result, 400, 'QUERY_TOO_COMPLEX');
    } finally {
      await strict.close();
    }
  });

  it('introspection can be switched off', async () => {
    const closed = await createTestApp({ hardening: { introspection: false } });
    try {
      expectRefused(await outcome(await closed.request({ query: '{ __schema { queryType { name } } }' })), 400, 'GRAPHQL_VALIDATION_FAILED');
      expectAnswered(await outcome(await closed.request({ query: '{ people { totalCount } }' })));
    } finally {
      await closed.close();
    }
  });

  it('production drops "did you mean" suggestions, development keeps them', async () => {
    const typo = '{ peple { totalCount } }';
    const dev = await outcome(await app.request({ query: typo }));
    expect(dev.body.errors[0].message).toMatch(/did you mean/i);
    const production = await createTestApp({ hardening: { production: true } });
    try {
      const result = await outcome(await production.request({ query: typo }));
      expectRefused(result, 400, 'GRAPHQL_VALIDATION_FAILED');
      expect(result.body.errors[0].message).not.toMatch(/did you mean|people/i);
    } finally {
      await production.close();
    }
  });
});
