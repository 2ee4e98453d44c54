import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../support/app.js';
import { backendName } from '../support/database.js';
import { type Outcome, expectNoLeak, expectRefused, outcome, tableCounts } from './support.js';

/** Malformed requests: bodies, content types, methods and parameter shapes the spec forbids. */
let app: TestApp;
let countsBefore: Record<string, number>;
beforeAll(async () => {
  app = await createTestApp();
  countsBefore = await tableCounts(app.db);
});
afterAll(async () => {
  // Not one of the requests below may have written a row.
  if (app) expect(await tableCounts(app.db)).toEqual(countsBefore);
  await app?.close();
});

const URL = 'http://newsgraph.test/graphql';
const ACCEPT = 'application/graphql-response+json';

function post(body: BodyInit, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return async () => outcome(await app.yoga.fetch(URL, { method: 'POST', headers: { accept: ACCEPT, ...headers }, body }));
}
const postJson = (value: unknown) => post(JSON.stringify(value));
function get(search: Record<string, string>, method = 'GET') {
  return async () => outcome(await app.yoga.fetch(`${URL}?${new URLSearchParams(search)}`, { method, headers: { accept: ACCEPT } }));
}

type Case = [name: string, send: () => Promise<Outcome>, status: number, code: string];

const PEOPLE = '{ people { totalCount } }';

const malformedJson: Case[] = [
  ['truncated JSON', post('{"query": '), 400, 'BAD_REQUEST'],
  ['trailing comma', post('{"query": "{ __typename }",}'), 400, 'BAD_REQUEST'],
  ['single-quoted JSON', post("{'query': '{ __typename }'}"), 400, 'BAD_REQUEST'],
  ['empty body', post(''), 400, 'BAD_REQUEST'],
  ['JSON null', post('null'), 400, 'BAD_REQUEST'],
  ['JSON number', post('42'), 400, 'BAD_REQUEST'],
  ['JSON string', post('"{ __typename }"'), 400, 'BAD_REQUEST'],
  ['JSON true', post('true'), 400, 'BAD_REQUEST'],
  ['array of numbers (a batch of non-objects)', post('[1, 2, 3]'), 400, 'BAD_REQUEST'],
  ['deeply nested JSON arrays', post(`${'['.repeat(5000)}${']'.repeat(5000)}`), 400, 'BAD_REQUEST'],
  ['invalid UTF-8 around the JSON', post(Buffer.from([0xff, 0xfe, 0x7b, 0x7d])), 400, 'BAD_REQUEST'],
  ['a lone BOM', post('\ufeff'), 400, 'BAD_REQUEST'],
];

const contentTypes: [name: string, contentType: string, status: number][] = [
  ['text/plain', 'text/plain', 415],
  ['application/xml', 'application/xml', 415],
  ['multipart/form-data (no uploads here)', 'multipart/form-data; boundary=x', 415],
  ['image/png', 'image/png', 415],
  ['a garbled content type', ';;;', 415],
];

const methods: Case[] = [
  ['GET with a mutation', get({ query: 'mutation { __typename }' }), 405, 'BAD_REQUEST'],
  ['GET with no query', get({}), 400, 'BAD_REQUEST'],
  ['GET with an empty query', get({ query: '' }), 400, 'BAD_REQUEST'],
  ['GET with variables that are not JSON', get({ query: PEOPLE, variables: '{nope' }), 400, 'BAD_REQUEST'],
  ['GET with extensions that are not JSON', get({ query: PEOPLE, extensions: '[' }), 400, 'BAD_REQUEST'],
  ['PUT', get({ query: PEOPLE }, 'PUT'), 405, 'BAD_REQUEST'],
  ['DELETE', get({ query: PEOPLE }, 'DELETE'), 405, 'BAD_REQUEST'],
  ['PATCH', get({ query: PEOPLE }, 'PATCH'), 405, 'BAD_REQUEST'],
];

const params: Case[] = [
  ['query is a number', postJson({ query: 5 }), 400, 'BAD_REQUEST'],
  ['query is an object', postJson({ query: { a: 1 } }), 400, 'BAD_REQUEST'],
  ['query is an array', postJson({ query: ['{ __typename }'] }), 400, 'BAD_REQUEST'],
  ['query is null', postJson({ query: null }), 400, 'BAD_REQUEST'],
  ['query is true', postJson({ query: true }), 400, 'BAD_REQUEST'],
  ['query is missing', postJson({ variables: {} }), 400, 'BAD_REQUEST'],
  ['query is empty', postJson({ query: '' }), 400, 'GRAPHQL_PARSE_FAILED'],
  ['query is whitespace', postJson({ query: '   \n ' }), 400, 'GRAPHQL_PARSE_FAILED'],
  ['query is not GraphQL', postJson({ query: 'SELECT * FROM people' }), 400, 'GRAPHQL_PARSE_FAILED'],
  ['query has a NUL byte', postJson({ query: '{ people { totalCount } }\u0000' }), 400, 'GRAPHQL_PARSE_FAILED'],
  ['variables is a string', postJson({ query: PEOPLE, variables: 'x' }), 400, 'BAD_REQUEST'],
  ['variables is an array', postJson({ query: PEOPLE, variables: [1] }), 400, 'BAD_REQUEST'],
  ['variables is a number', postJson({ query: PEOPLE, variables: 3 }), 400, 'BAD_REQUEST'],
  ['operationName is a number', postJson({ query: PEOPLE, operationName: 1 }), 400, 'OPERATION_RESOLUTION_FAILURE'],
  ['operationName names no operation', postJson({ query: 'query A { __typename }', operationName: 'B' }), 400, 'OPERATION_RESOLUTION_FAILURE'],
  ['two operations, no operationName', postJson({ query: 'query A { __typename } query B { __typename }' }), 400, 'OPERATION_RESOLUTION_FAILURE'],
  ['extensions is a string', postJson({ query: PEOPLE, extensions: 'x' }), 400, 'BAD_REQUEST'],
  ['an unknown top-level parameter', postJson({ query: PEOPLE, queryId: 'x' }), 400, 'BAD_REQUEST'],
  [
    'a NUL byte in a variable',
    postJson({ query: 'query($s: String) { people(filter: { search: $s }) { totalCount } }', variables: { s: 'pa\u0000ul' } }),
    400,
    'BAD_USER_INPUT',
  ],
  [
    'a NUL byte in a nested variable',
    postJson({ query: 'query($f: StatementFilter) { statements(filter: $f) { totalCount } }', variables: { f: { search: '\u0000' } } }),
    400,
    'BAD_USER_INPUT',
  ],
];

const wrongVariables: Case[] = [
  ['Int variable given a string', postJson({ query: 'query($n: Int) { people(first: $n) { totalCount } }', variables: { n: 'ten' } }), 400, 'BAD_USER_INPUT'],
  ['Int variable given a float', postJson({ query: 'query($n: Int) { people(first: $n) { totalCount } }', variables: { n: 1.5 } }), 400, 'BAD_USER_INPUT'],
  ['Int variable beyond 32 bits', postJson({ query: 'query($n: Int) { people(first: $n) { totalCount } }', variables: { n: 2 ** 40 } }), 400, 'BAD_USER_INPUT'],
  ['required variable missing', postJson({ query: 'query($id: ID!) { node(id: $id) { id } }', variables: {} }), 400, 'BAD_USER_INPUT'],
  ['required variable null', postJson({ query: 'query($id: ID!) { node(id: $id) { id } }', variables: { id: null } }), 400, 'BAD_USER_INPUT'],
  ['ID variable given an object', postJson({ query: 'query($id: ID!) { node(id: $id) { id } }', variables: { id: { $ne: 1 } } }), 400, 'BAD_USER_INPUT'],
  ['ID list given a string', postJson({ query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids: [[1]] } }), 400, 'BAD_USER_INPUT'],
  [
    'input object given a string',
    postJson({ query: 'query($f: StatementFilter) { statements(filter: $f) { totalCount } }', variables: { f: 'kind=DIRECT_QUOTE' } }),
    400,
    'BAD_USER_INPUT',
  ],
  [
    'input object with an unknown field',
    postJson({ query: 'query($f: StatementFilter) { statements(filter: $f) { totalCount } }', variables: { f: { sql: '1=1' } } }),
    400,
    'BAD_USER_INPUT',
  ],
  [
    'enum given a value it does not have',
    postJson({ query: 'query($f: StatementFilter) { statements(filter: $f) { totalCount } }', variables: { f: { kind: 'RUMOUR' } } }),
    400,
    'BAD_USER_INPUT',
  ],
  [
    'DateTime given garbage',
    postJson({ query: 'query($f: StatementFilter) { statements(filter: $f) { totalCount } }', variables: { f: { saidAfter: 'yesterday' } } }),
    400,
    'BAD_USER_INPUT',
  ],
  [
    'DateTime with month 13',
    postJson({ query: 'query($f: StatementFilter) { statements(filter: $f) { totalCount } }', variables: { f: { saidAfter: '2018-13-01T00:00:00Z' } } }),
    400,
    'BAD_USER_INPUT',
  ],
  [
    'Date given a number',
    postJson({ query: 'query($f: EventFilter) { events(filter: $f) { totalCount } }', variables: { f: { from: 20180101 } } }),
    400,
    'BAD_USER_INPUT',
  ],
  ['variable declared with an unknown type', postJson({ query: 'query($x: Nope) { __typename }', variables: { x: 1 } }), 400, 'GRAPHQL_VALIDATION_FAILED'],
];

const sizes: Case[] = [
  ['a 1 MB query', postJson({ query: `{ __typename }${' '.repeat(1024 * 1024)}` }), 413, 'REQUEST_ENTITY_TOO_LARGE'],
  ['1 MB of variables', postJson({ query: PEOPLE, variables: { junk: 'x'.repeat(1024 * 1024) } }), 413, 'REQUEST_ENTITY_TOO_LARGE'],
  [
    'a 1 MB body without Content-Length (streamed)',
    async () => {
      const chunk = new TextEncoder().encode(' '.repeat(64 * 1024));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 16) controller.enqueue(chunk);
          else controller.close();
        },
      });
      // `duplex` is how fetch takes a streamed body; TypeScript's RequestInit does not know it yet.
      const init = { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT }, body, duplex: 'half' };
      return outcome(await app.yoga.fetch(new Request(URL, init as RequestInit)));
    },
    413,
    'REQUEST_ENTITY_TOO_LARGE',
  ],
  ['a Content-Length that lies about its sign', post('{}', { 'content-type': 'application/json', 'content-length': '-1' }), 400, 'BAD_REQUEST'],
  ['a batch over the limit', postJson(Array.from({ length: 11 }, () => ({ query: '{ __typename }' }))), 413, 'BAD_REQUEST'],
  ['a batch of 1000', postJson(Array.from({ length: 1000 }, () => ({ query: '{ __typename }' }))), 413, 'BAD_REQUEST'],
];

describe(`hostile transport (${backendName})`, () => {
  it.each([...malformedJson, ...methods, ...params, ...wrongVariables, ...sizes])('%s', async (_name, send, status, code) => {
    expectRefused(await send(), status, code);
  });

  it.each(contentTypes)('content type %s is refused with %i', async (_name, contentType, status) => {
    const result = await post(JSON.stringify({ query: PEOPLE }), { 'content-type': contentType })();
    expect(result.status).toBe(status);
    expectNoLeak(result);
  });

  it('no content type at all is refused with 415', async () => {
    const result = outcome(await app.yoga.fetch(URL, { method: 'POST', body: JSON.stringify({ query: PEOPLE }) }));
    expect((await result).status).toBe(415);
  });

  it('invalid UTF-8 inside a string is replaced, not a crash', async () => {
    const body = Buffer.concat([
      Buffer.from('{"query":"query($s: String) { people(filter: { search: $s }) { totalCount } }","variables":{"s":"'),
      Buffer.from([0xff, 0xc3, 0x28]),
      Buffer.from('"}}'),
    ]);
    const result = await post(body)();
    expect(result.status, result.text).toBe(200);
    expect(result.body.data.people.totalCount).toBe(0);
  });

  it('a batch within the limit is answered, each operation on its own', async () => {
    const result = await postJson([{ query: '{ people { totalCount } }' }, { query: '{ nope }' }])();
    expect(result.status).toBe(200);
    expect(result.body[0].data.people.totalCount).toBeGreaterThan(0);
    expect(result.body[1].errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
