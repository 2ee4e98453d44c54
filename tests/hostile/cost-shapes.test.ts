import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';
import { operationCost } from '../../src/plugins/cost.js';
import { defaultLimits } from '../../src/plugins/settings.js';
import { type TestApp, createTestApp } from '../support/app.js';
import { backendName } from '../support/database.js';
import { expectAnswered, expectRefused, outcome } from './support.js';

/**
 * One expensive read in every shape a client can give its sizes: written in the query, as a
 * variable, as a variable's default, many of them in one JSON batch, or many under aliases. Each
 * must be refused by the cost limit before it runs; and a response that still grows too large is
 * cut off with a coded error.
 */
const deep = (size: string) =>
  `people(first: ${size}) { edges { node { statements(first: ${size}) { edges { node { text speaker { statements(first: ${size}) { edges { node { text } } } } } } } } } }`;

const costOf = (query: string, variables: Record<string, unknown> = {}) => operationCost(schema, parse(query), undefined, variables);

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

const send = async (body: unknown) => outcome(await app.request(body));
const costRefusal = (error: any) => error?.extensions?.code === 'QUERY_TOO_COMPLEX' && error.extensions.limit === 'cost';

describe(`the cost limit, in every shape (${backendName})`, () => {
  it('a size written in the query', async () => {
    const result = await send({ query: `{ ${deep('100')} }` });
    expectRefused(result, 400, 'QUERY_TOO_COMPLEX');
    expect(result.body.errors.some(costRefusal)).toBe(true);
  });

  it('a size given as a variable', async () => {
    const result = await send({ query: `query($n: Int) { ${deep('$n')} }`, variables: { n: 100 } });
    expectRefused(result, 400, 'QUERY_TOO_COMPLEX');
  });

  it("a size given as a variable's default", async () => {
    const result = await send({ query: `query($n: Int = 100) { ${deep('$n')} }` });
    expectRefused(result, 400, 'QUERY_TOO_COMPLEX');
    expect(result.body.errors[0].message).toContain(String(costOf(`{ ${deep('100')} }`)));
  });

  it('a default the client overrides with a small value is answered', async () => {
    expectAnswered(await send({ query: `query($n: Int = 100) { ${deep('$n')} }`, variables: { n: 2 } }));
  });

  it('a JSON batch of operations each under the limit, together over it', async () => {
    const query = `{ statements(first: 100) { edges { node { text speaker { statements(first: 50) { edges { node { text } } } } } } } }`;
    const single = costOf(query);
    expect(single).toBeLessThanOrEqual(defaultLimits.maxCost);
    const size = defaultLimits.maxBatch;
    expect(single * size).toBeGreaterThan(defaultLimits.maxCost);
    const result = await send(Array.from({ length: size }, () => ({ query })));
    expect(result.status).toBeLessThan(500);
    const answers = result.body as any[];
    expect(answers).toHaveLength(size);
    const answered = answers.filter((answer) => answer.data && !answer.errors);
    const refused = answers.filter((answer) => answer.errors?.some(costRefusal));
    expect(answered.length + refused.length).toBe(size);
    expect(answered.length * single).toBeLessThanOrEqual(defaultLimits.maxCost);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0].errors[0].message).toMatch(/batch/);
  });

  it('many copies under aliases', async () => {
    const query = `{ ${Array.from({ length: defaultLimits.maxAliases }, (_, i) => `a${i}: statements(first: 100) { edges { node { speaker { statements(first: 50) { edges { node { text } } } } } } }`).join(' ')} }`;
    const result = await send({ query });
    expectRefused(result, 400, 'QUERY_TOO_COMPLEX');
    expect(result.body.errors.some(costRefusal)).toBe(true);
  });

  it('separate requests each get the whole budget', async () => {
    const query = `{ statements(first: 100) { edges { node { text speaker { statements(first: 50) { edges { node { text } } } } } } } }`;
    for (let i = 0; i < 3; i++) expectAnswered(await send({ query }));
  });
});

describe.each([
  ['compiled reads', true],
  ['the executor', false],
])(`the response size limit, through %s (${backendName})`, (_name, compiledReads) => {
  const LIMIT = 800; // the seed body is ~2 KB; ten headline answers ~1.2 KB
  let small: TestApp;
  beforeAll(async () => {
    small = await createTestApp({ hardening: { compiledReads, limits: { ...defaultLimits, maxResponseBytes: LIMIT } } });
  });
  afterAll(async () => small?.close());

  const body = '{ articles(first: 1) { edges { node { body } } } }';
  const headline = '{ articles(first: 1) { edges { node { headline } } } }';

  it('answers a response under the limit', async () => {
    expectAnswered(await outcome(await small.request({ query: headline })));
  });

  it('ends a response over the limit with RESPONSE_TOO_LARGE instead of the data', async () => {
    const result = await outcome(await small.request({ query: body }));
    expect(result.text.length).toBeLessThan(LIMIT);
    expect(result.body.data).toBeUndefined();
    expect(result.body.errors[0].extensions).toMatchObject({ code: 'RESPONSE_TOO_LARGE', requestId: result.headers.get('x-request-id') });
    expect(result.body.errors[0].message).toContain(String(LIMIT));
  });

  it('counts a batch together: the answers past the limit are replaced', async () => {
    const answer = await outcome(await small.request({ query: headline }));
    const copies = Math.ceil(LIMIT / answer.text.length) + 1;
    expect(copies).toBeLessThanOrEqual(defaultLimits.maxBatch);
    const result = await outcome(await small.request(Array.from({ length: copies }, () => ({ query: headline }))));
    expect(result.text.length).toBeLessThan(LIMIT + 1_000);
    const codes = (result.body as any[]).map((one) => one.errors?.[0]?.extensions?.code ?? 'answered');
    expect(codes[0]).toBe('answered');
    expect(codes.at(-1)).toBe('RESPONSE_TOO_LARGE');
  });
});
