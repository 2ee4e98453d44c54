import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationSpend } from '../../src/plugins/cost.js';
import { defaultLimits } from '../../src/plugins/settings.js';
import { type TestApp, createTestApp } from '../support/app.js';
import { backendName } from '../support/database.js';
import { expectAnswered, expectRefused, outcome } from './support.js';

/**
 * Every limit that adds up is spent by a JSON batch as a whole, as cost is
 * (tests/hostile/cost-shapes.test.ts): MAX_BATCH operations each just under the aliases, tokens or
 * directives limit must not pass together. Depth does not add up: each operation nests only as
 * deep as itself.
 */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
  personId = (await outcome(await app.request({ query: '{ people(first: 1) { edges { node { id } } } }' }))).body.data.people.edges[0].node.id;
});
afterAll(async () => app?.close());

const send = async (body: unknown) => outcome(await app.request(body));

const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: people(first: 1) { totalCount }`).join(' ')} }`;
const directed = (n: number) => `{ ${'__typename @include(if: true) '.repeat(n)}}`;
let personId = '';
/** A query of exactly `n` tokens: `{ nodes(ids: [...]) { __typename } }` has 12 and each id adds one. */
const tokened = (n: number) => `{ nodes(ids: [${Array.from({ length: n - 12 }, () => JSON.stringify(personId)).join(' ')}]) { __typename } }`;

const shapes = [
  { limit: 'aliases', max: defaultLimits.maxAliases, query: aliased, word: /Aliases limit/ },
  { limit: 'directives', max: defaultLimits.maxDirectives, query: directed, word: /Directives limit/ },
  { limit: 'tokens', max: defaultLimits.maxTokens, query: tokened, word: /Token limit/ },
] as const;

describe('what an operation spends, counted as the parser and GraphQL Armor count it', () => {
  it('tokens: exactly the count graphql-js stops parsing at', () => {
    personId = 'UGVyc29uOjE';
    for (const query of [tokened(40), aliased(3), directed(4), `# a comment\nquery($n: Int = 100) { people(first: $n) { edges { node { name } } } }`]) {
      const tokens = operationSpend(parse(query), undefined).tokens;
      expect(() => parse(query, { maxTokens: tokens })).not.toThrow();
      expect(() => parse(query, { maxTokens: tokens - 1 })).toThrow(/tokens/);
    }
    expect(operationSpend(parse(tokened(40)), undefined).tokens).toBe(40);
  });

  it('aliases and directives: those of the named operation and of its fragments at every spread, not __typename', () => {
    const document = parse(`
      query A @include(if: true) { x: people { ...F } y: people { ...F } t: __typename }
      query B { z: people { totalCount } }
      fragment F on PersonConnection @skip(if: false) { n: totalCount edges { node { __typename } } }`);
    expect(operationSpend(document, 'A')).toMatchObject({ aliases: 4, directives: 3 });
    expect(operationSpend(document, 'B')).toMatchObject({ aliases: 1, directives: 0 });
  });
});

describe.each(shapes)(`the $limit limit over a JSON batch (${backendName})`, ({ limit, max, query, word }) => {
  const refusal = (answer: any) => answer.errors?.some((e: any) => e.extensions?.code === 'QUERY_TOO_COMPLEX' && e.extensions.limit === limit);

  it('one operation over the limit is refused', async () => {
    const result = await send({ query: query(max + 1) });
    expectRefused(result, 400, 'QUERY_TOO_COMPLEX');
    expect(refusal(result.body), result.text).toBe(true);
  });

  it('operations each under the limit, together over it: the later ones are refused, naming the limit', async () => {
    const each = Math.floor(max / 2) + 1; // two fit no more
    const size = Math.min(defaultLimits.maxBatch, 4);
    const result = await send(Array.from({ length: size }, () => ({ query: query(each) })));
    expect(result.status, result.text).toBeLessThan(500);
    const answers = result.body as any[];
    expect(answers).toHaveLength(size);
    expect(answers[0].errors, JSON.stringify(answers[0])).toBeUndefined();
    for (const answer of answers.slice(1)) {
      expect(refusal(answer), JSON.stringify(answer)).toBe(true);
      expect(answer.data).toBeUndefined();
      expect(answer.errors[0].message).toMatch(word);
      expect(answer.errors[0].message).toContain(`limit of ${max} exceeded by the batch`);
      expect(answer.errors[0].message).toContain(`the batch's earlier operations ${operationSpend(parse(query(each)), undefined)[limit]}`);
    }
  });

  it('a batch within the limit together is answered in full', async () => {
    const each = Math.floor(max / 3);
    const result = await send(Array.from({ length: 3 }, () => ({ query: query(each) })));
    for (const answer of result.body as any[]) expect(answer.errors, JSON.stringify(answer)).toBeUndefined();
  });

  it('separate requests each get the whole budget', async () => {
    for (let i = 0; i < 3; i++) expectAnswered(await send({ query: query(max) }));
  });
});

describe(`limits that do not add up (${backendName})`, () => {
  it('depth: a batch of operations each as deep as the limit allows is answered', async () => {
    const deep =
      '{ people(first: 1) { edges { node { statements(first: 1) { edges { node { speaker { statements(first: 1) { edges { node { speaker { name } } } } } } } } } } } }';
    const result = await send(Array.from({ length: 3 }, () => ({ query: deep })));
    for (const answer of result.body as any[]) expect(answer.errors, JSON.stringify(answer)).toBeUndefined();
  });
});
