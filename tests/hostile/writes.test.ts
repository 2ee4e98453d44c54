import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, revokeToken } from '../../src/auth/tokens.js';
import { type TestApp, createTestApp, globalId } from '../support/app.js';
import { backendName } from '../support/database.js';
import { expectRefused, outcome, tableCounts } from './support.js';

/** Hostile writes: no token, bad tokens, revoked tokens, oversized and malformed text. None may store a row. */
let app: TestApp;
let countsBefore: Record<string, number>;
let articleId: string;
let statementId: string;
let token: string;
let revoked: string;
beforeAll(async () => {
  app = await createTestApp();
  const { data } = await app.gql('{ articles(first: 1) { edges { node { id statements(first: 1) { edges { node { id } } } } } } }');
  articleId = data.articles.edges[0].node.id;
  statementId = data.articles.edges[0].node.statements.edges[0].node.id;
  token = (await createToken(app.db, 'hostile-writes')).token;
  revoked = (await createToken(app.db, 'hostile-revoked')).token;
  await revokeToken(app.db, 'hostile-revoked');
  countsBefore = await tableCounts(app.db);
});
afterAll(async () => {
  // Not one row written or deleted (token rows were made before the snapshot).
  if (app) expect(await tableCounts(app.db)).toEqual(countsBefore);
  await app?.close();
});

const CREATE_STATEMENT = 'mutation($i: CreateStatementInput!) { createStatement(input: $i) { statement { id } } }';
const CREATE_PERSON = 'mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id } } }';
const DELETE_STATEMENT = 'mutation($i: DeleteStatementInput!) { deleteStatement(input: $i) { deletedId } }';
const CREATE_ARTICLE = 'mutation($i: CreateArticleInput!) { createArticle(input: $i) { article { id } } }';

const statementInput = (text = 'words') => ({ articleId, kind: 'PARAPHRASE', text, speakerLabel: 'a source' });
const write = async (query: string, input: unknown, authorization?: string) =>
  outcome(await app.request({ query, variables: { i: input } }, { headers: authorization ? { authorization } : {} }));

describe(`unauthenticated and revoked-token writes (${backendName})`, () => {
  const credentials: [name: string, header: () => string | undefined, code: string][] = [
    ['no Authorization header', () => undefined, 'UNAUTHENTICATED'],
    ['an empty bearer', () => 'Bearer ', 'UNAUTHENTICATED'],
    ['a garbage bearer', () => 'Bearer garbage', 'UNAUTHENTICATED'],
    ['Basic credentials', () => 'Basic dXNlcjpwYXNz', 'UNAUTHENTICATED'],
    ['the token without "Bearer"', () => token, 'UNAUTHENTICATED'],
    ['the token with a character changed', () => `Bearer ${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`, 'UNAUTHENTICATED'],
    ['a 10 kB token', () => `Bearer ${'t'.repeat(10_000)}`, 'UNAUTHENTICATED'],
    ['an SQL-injection token', () => "Bearer ' OR '1'='1", 'UNAUTHENTICATED'],
    ['a revoked token', () => `Bearer ${revoked}`, 'FORBIDDEN'],
  ];
  const mutations: [name: string, query: string, input: () => unknown][] = [
    ['createStatement', CREATE_STATEMENT, () => statementInput()],
    ['createPerson', CREATE_PERSON, () => ({ name: 'Intruder McHack' })],
    ['deleteStatement', DELETE_STATEMENT, () => ({ id: statementId })],
  ];
  const cases = mutations.flatMap(([mutation, query, input]) =>
    credentials.map(([name, header, code]) => [`${mutation} with ${name}`, query, input, header, code] as const),
  );

  it.each(cases)('%s is refused', async (_name, query, input, header, code) => {
    expectRefused(await write(query, input(), header()), 200, code);
  });

  it('a mutation over GET is refused with 405 even with a valid token', async () => {
    const url = `http://newsgraph.test/graphql?${new URLSearchParams({ query: 'mutation { createPerson(input: { name: "Via Get" }) { person { id } } }' })}`;
    const response = await app.yoga.fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/graphql-response+json' } });
    expectRefused(await outcome(response), 405, 'BAD_REQUEST');
  });
});

describe(`oversized and malformed text in mutations (${backendName})`, () => {
  it.each([
    ['createStatement.text of 20 000 characters', CREATE_STATEMENT, () => statementInput('x'.repeat(20_000)), 200, 'BAD_USER_INPUT'],
    ['createStatement.text of 300 000 characters', CREATE_STATEMENT, () => statementInput('y '.repeat(150_000)), 200, 'BAD_USER_INPUT'],
    ['createStatement.text over the body limit', CREATE_STATEMENT, () => statementInput('z'.repeat(1024 * 1024)), 413, 'REQUEST_ENTITY_TOO_LARGE'],
    ['createStatement.text with a NUL byte', CREATE_STATEMENT, () => statementInput('before\u0000after'), 400, 'BAD_USER_INPUT'],
    ['createStatement with a forged article ID', CREATE_STATEMENT, () => ({ ...statementInput(), articleId: globalId('Article', 'x') }), 200, 'BAD_USER_INPUT'],
    [
      'createStatement with a Person ID as the article',
      CREATE_STATEMENT,
      () => ({ ...statementInput(), articleId: globalId('Person', 1) }),
      200,
      'BAD_USER_INPUT',
    ],
    ['createPerson.name of 100 000 characters', CREATE_PERSON, () => ({ name: 'N'.repeat(100_000) }), 200, 'BAD_USER_INPUT'],
    [
      'createPerson with 5 000 aliases',
      CREATE_PERSON,
      () => ({ name: 'Many Names', aliases: Array.from({ length: 5_000 }, (_, i) => `alias ${i}`) }),
      200,
      'BAD_USER_INPUT',
    ],
    [
      'createArticle.url that is not a URL',
      CREATE_ARTICLE,
      () => ({ body: 'b', headline: 'h', publishedAt: '2020-01-01T00:00:00Z', source: 's', url: "javascript:alert('x')" }),
      200,
      'BAD_USER_INPUT',
    ],
    ['deleteStatement of a forged ID', DELETE_STATEMENT, () => ({ id: 'garbage' }), 200, 'BAD_USER_INPUT'],
  ])('%s is refused', async (_name, query, input, status, code) => {
    expectRefused(await write(query, input(), `Bearer ${token}`), status, code);
  });
});
