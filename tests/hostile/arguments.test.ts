import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp, globalId } from '../support/app.js';
import { backendName } from '../support/database.js';
import { expectAnswered, expectRefused, outcome, tableCounts } from './support.js';

/** Hostile argument values: IDs, cursors, page sizes, and injection strings in every search and filter. */
let app: TestApp;
let countsBefore: Record<string, number>;
let totals: Record<string, number>;
let statementCursor: string;
let peopleCursor: string;
beforeAll(async () => {
  app = await createTestApp();
  countsBefore = await tableCounts(app.db);
  const { data } = await app.gql(`{ people(first: 1) { totalCount edges { cursor } } statements(first: 1) { totalCount edges { cursor } }
    events { totalCount } articles { totalCount } }`);
  totals = { people: data.people.totalCount, statements: data.statements.totalCount, events: data.events.totalCount, articles: data.articles.totalCount };
  statementCursor = data.statements.edges[0].cursor;
  peopleCursor = data.people.edges[0].cursor;
});
afterAll(async () => {
  if (app) expect(await tableCounts(app.db)).toEqual(countsBefore);
  await app?.close();
});

const send = async (query: string, variables?: Record<string, unknown>) => outcome(await app.request({ query, variables }));
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

const badIds: [name: string, id: string][] = [
  ['garbage', '!!!not-an-id!!!'],
  ['empty', ''],
  ['1000 characters', 'A'.repeat(1000)],
  ['base64 of a bare number', b64('42')],
  ['an unknown type', globalId('Password', 1)],
  ['a lower-case type', globalId('person', 1)],
  ['id zero', globalId('Person', 0)],
  ['a negative id', globalId('Person', -1)],
  ['an id beyond int4', globalId('Person', '99999999999')],
  ['an id with SQL after it', globalId('Person', '1 OR 1=1')],
  ['an id with a statement separator', globalId('Person', '1; DROP TABLE people')],
  ['an id that is not a number', globalId('Person', 'abc')],
  ['a float id', globalId('Person', '1.5')],
  ['standard base64 with + and /', '+/+/+/+/'],
  ['unicode', 'Pérson:1'],
  ['a NUL inside the decoded text', b64('Person:1\u0000')],
  ['a JSON object', b64('{"type":"Person","id":1}')],
];

const searchFields: [name: string, query: string, total: string][] = [
  ['people.filter.search', 'query($s: String) { r: people(filter: { search: $s }) { totalCount } }', 'people'],
  ['statements.filter.search', 'query($s: String) { r: statements(filter: { search: $s }) { totalCount } }', 'statements'],
  ['events.filter.search', 'query($s: String) { r: events(filter: { search: $s }) { totalCount } }', 'events'],
  ['articles.filter.source', 'query($s: String) { r: articles(filter: { source: $s }) { totalCount } }', 'articles'],
];

const hostileStrings: [name: string, value: string][] = [
  ['a quote-OR-1=1 injection', "' OR '1'='1"],
  ['a comment injection', "paul'--"],
  ['a stacked statement', "'; DROP TABLE people; --"],
  ['a UNION select', "' UNION SELECT token_hash FROM editor_tokens --"],
  ['a LIKE wildcard %', '%'],
  ['a LIKE wildcard _', '_'],
  ['a backslash', '\\'],
  ['a regex bomb', '(a+)+$'],
  ['a regex quantifier bomb', 'a{1,100000}'],
  ['a catastrophic regex with input', `${'a'.repeat(150)}!`],
  ['tsquery operators', '!!! & | <-> :* ( )'],
  ['an unbalanced quote', '"senator'],
  ['only stop words', 'the and of'],
  ['a dollar-quoted string', '$$ select 1 $$'],
  ['right-to-left override', '\u202eluap'],
  ['emoji', '🗞️🇷🇺'],
  ['200 characters of noise', 'x'.repeat(200)],
];

describe(`forged, garbled and wrong-type global IDs (${backendName})`, () => {
  it.each(badIds)('node(id) with %s is BAD_USER_INPUT', async (_name, id) => {
    expectRefused(await send('query($id: ID!) { node(id: $id) { id } }', { id }), 200, 'BAD_USER_INPUT');
  });

  it.each(badIds.slice(0, 6))('statements(filter: { speakerId }) with %s is BAD_USER_INPUT', async (_name, id) => {
    expectRefused(await send('query($id: ID) { statements(filter: { speakerId: $id }) { totalCount } }', { id }), 200, 'BAD_USER_INPUT');
  });

  it.each([
    ['speakerId', 'Article'],
    ['articleId', 'Person'],
    ['eventId', 'Statement'],
    ['mentionsPersonId', 'Event'],
  ])('filter.%s given a %s ID is BAD_USER_INPUT', async (field, type) => {
    const result = await send(`query($id: ID) { statements(filter: { ${field}: $id }) { totalCount } }`, { id: globalId(type, 1) });
    expectRefused(result, 200, 'BAD_USER_INPUT');
  });

  it('nodes(ids) with one bad ID among good ones is BAD_USER_INPUT', async () => {
    expectRefused(await send('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [globalId('Person', 1), 'garbage'] }), 200, 'BAD_USER_INPUT');
  });

  it('a well-formed ID of a row that does not exist is simply null', async () => {
    const result = await send('query($id: ID!) { node(id: $id) { id } }', { id: globalId('Person', 2_000_000_000) });
    expectAnswered(result);
    expect(result.body.data.node).toBeNull();
  });
});

describe(`bad cursors and page sizes (${backendName})`, () => {
  it.each([
    ['garbage', () => 'garbage!'],
    ['base64 of garbage', () => b64('not json')],
    ['a JSON number', () => b64('5')],
    ['an empty array', () => b64('[]')],
    ['a cursor from another list', () => peopleCursor],
    ['a cursor whose value is SQL', () => b64(JSON.stringify([JSON.parse(Buffer.from(statementCursor, 'base64url').toString())[0], "1') OR 1=1 --", '1']))],
    ['a cursor with an extra value', () => b64(JSON.stringify([...JSON.parse(Buffer.from(statementCursor, 'base64url').toString()), '1']))],
    ['a 10 kB cursor', () => 'A'.repeat(10_000)],
  ])('after: %s is BAD_USER_INPUT', async (_name, cursor) => {
    expectRefused(await send('query($c: String) { statements(after: $c) { totalCount } }', { c: cursor() }), 200, 'BAD_USER_INPUT');
  });

  it.each([
    ['first: -1', '{ people(first: -1) { totalCount } }'],
    ['first: 101', '{ people(first: 101) { totalCount } }'],
    ['first: 2147483647', '{ statements(first: 2147483647) { totalCount } }'],
    ['last: -5', '{ events(last: -5) { totalCount } }'],
    ['last: 1000', '{ articles(last: 1000) { totalCount } }'],
    ['first and last together', '{ people(first: 1, last: 1) { totalCount } }'],
    ['a huge nested first', '{ people(first: 1) { edges { node { statements(first: 100000) { totalCount } } } } }'],
    ['a negative nested last', '{ articles(first: 1) { edges { node { people(last: -1) { totalCount } } } } }'],
  ])('%s is BAD_USER_INPUT', async (_name, query) => {
    expectRefused(await send(query), 200, 'BAD_USER_INPUT');
  });

  it.each([
    ['first: 1.5', '{ people(first: 1.5) { totalCount } }'],
    ['first: "10"', '{ people(first: "10") { totalCount } }'],
    ['first: 1e10', '{ people(first: 10000000000) { totalCount } }'],
    ['kind: an unknown value', '{ statements(filter: { kind: RUMOUR }) { totalCount } }'],
    ['saidAfter: a year past JS dates', '{ statements(filter: { saidAfter: "+275760-09-14T00:00:00Z" }) { totalCount } }'],
    ['saidAfter: 30 February', '{ statements(filter: { saidAfter: "2018-02-30T00:00:00Z" }) { totalCount } }'],
  ])('%s fails validation with 400', async (_name, query) => {
    expectRefused(await send(query), 400, 'GRAPHQL_VALIDATION_FAILED');
  });

  it.each([
    ['events.filter.from year 0', '{ events(filter: { from: "0000-01-01" }) { totalCount } }'],
    ['statements.filter.saidBefore year -1', 'query($d: DateTime) { statements(filter: { saidBefore: $d }) { totalCount } }'],
  ])('%s never becomes a 500', async (_name, query) => {
    const result = await send(query, { d: '-000001-01-01T00:00:00Z' });
    expect(result.status).toBeLessThan(500);
    for (const error of result.body.errors ?? []) expect(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']).toContain(error.extensions.code);
  });
});

describe(`injection and regex-bomb strings in every search and filter (${backendName})`, () => {
  const cases = searchFields.flatMap(([field, query, total]) => hostileStrings.map(([name, value]) => [`${field} ← ${name}`, query, total, value] as const));

  it.each(cases)('%s: answered, never widened, nothing written', async (_name, query, total, value) => {
    const result = await send(query, { s: value });
    expectAnswered(result);
    // An injection that worked would match everything; escaping makes these match (almost) nothing.
    expect(result.body.data.r.totalCount).toBeLessThan(totals[total]!);
  });

  // Not a character: refused at the door (issue #19; tests/hostile/small-ones.test.ts), not searched for as U+FFFD.
  it.each(searchFields)('%s with a lone surrogate is BAD_USER_INPUT', async (_field, query) => {
    expectRefused(await send(query, { s: '\ud800' }), 400, 'BAD_USER_INPUT');
  });

  it.each(searchFields)('%s longer than allowed is BAD_USER_INPUT (or simply matches nothing)', async (_field, query) => {
    const result = await send(query, { s: 'y'.repeat(10_000) });
    expect(result.status).toBe(200);
    if (result.body.errors) expectRefused(result, 200, 'BAD_USER_INPUT');
    else expect(result.body.data.r.totalCount).toBe(0);
  });

  it('LIKE wildcards are taken literally in people search', async () => {
    for (const s of ['%', '_', '%%', '\\%']) {
      const { data } = await app.gql('query($s: String) { people(filter: { search: $s }) { totalCount } }', { s });
      expect(data.people.totalCount, s).toBe(0);
    }
  });
});
