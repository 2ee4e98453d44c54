import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp, globalId } from '../support/app.js';
import { backendName } from '../support/database.js';
import { outcome, tableCounts } from './support.js';

/** Property: no filter or search input, however odd, gets a 5xx, an unknown code, or writes a row. */
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

const EXPECTED_CODES = ['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'QUERY_TOO_COMPLEX'];

const text = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom("' OR 1=1 --", '%', '_', '\\', '(a+)+$', '!():*&|<->', '"', '', ' ', 'paul', 'Helsinki', 'letter'),
  fc.string({ minLength: 150, maxLength: 400 }),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const id = fc.oneof(
  fc
    .constantFrom('Person', 'Article', 'Statement', 'Event', 'Nope')
    .chain((type) => fc.oneof(fc.integer({ min: -5, max: 2_147_483_647 }), fc.bigInt({ min: 0n, max: 10n ** 15n })).map((n) => globalId(type, String(n)))),
  fc.string({ maxLength: 30 }),
);
const dateTime = fc.oneof(
  fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.string({ maxLength: 30 }),
);
const date = fc.oneof(
  dateTime.map((d) => d.slice(0, 10)),
  fc.string({ maxLength: 12 }),
);
const pageSize = maybe(fc.oneof(fc.integer({ min: -10, max: 150 }), fc.integer()));

/** Removes the `undefined`s fast-check leaves, so they are not sent as explicit nulls. */
const defined = (value: Record<string, unknown>) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));

async function expectCalm(query: string, variables: Record<string, unknown>) {
  const result = await outcome(await app.request({ query, variables }));
  expect(result.status, result.text).toBeLessThan(500);
  for (const error of result.body?.errors ?? []) expect(EXPECTED_CODES, result.text).toContain(error.extensions?.code);
  return result;
}

const RUNS = 60;

describe(`fuzzing filter and search inputs (${backendName})`, () => {
  it('statements(filter) with any combination of fields', async () => {
    const filter = fc.record({
      search: maybe(text),
      kind: maybe(fc.constantFrom('DIRECT_QUOTE', 'PARTIAL_QUOTE', 'PARAPHRASE', 'RUMOUR')),
      speakerId: maybe(id),
      articleId: maybe(id),
      eventId: maybe(id),
      mentionsPersonId: maybe(id),
      saidAfter: maybe(dateTime),
      saidBefore: maybe(dateTime),
    });
    await fc.assert(
      fc.asyncProperty(filter, pageSize, async (f, first) => {
        await expectCalm('query($f: StatementFilter, $n: Int) { statements(filter: $f, first: $n) { totalCount edges { node { text } } } }', {
          f: defined(f),
          n: first,
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('people, events and articles filters', async () => {
    const input = fc.record({
      people: maybe(text),
      events: fc.record({ search: maybe(text), from: maybe(date), to: maybe(date) }),
      source: maybe(text),
      after: maybe(dateTime),
      before: maybe(dateTime),
    });
    await fc.assert(
      fc.asyncProperty(input, async (i) => {
        await expectCalm(
          `query($p: PersonFilter, $e: EventFilter, $a: ArticleFilter) {
            people(filter: $p) { totalCount } events(filter: $e) { totalCount } articles(filter: $a) { totalCount } }`,
          { p: defined({ search: i.people }), e: defined(i.events), a: defined({ source: i.source, publishedAfter: i.after, publishedBefore: i.before }) },
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('cursors and node IDs', async () => {
    const input = fc.record({
      cursor: fc.oneof(
        fc.string({ maxLength: 80 }),
        fc.base64String({ maxLength: 80 }),
        fc.json().map((j) => Buffer.from(j).toString('base64url')),
      ),
      id,
    });
    await fc.assert(
      fc.asyncProperty(input, async ({ cursor, id: nodeId }) => {
        await expectCalm(
          'query($c: String, $id: ID!) { statements(after: $c) { totalCount } people(before: $c, last: 2) { totalCount } node(id: $id) { id } }',
          {
            c: cursor,
            id: nodeId,
          },
        );
      }),
      { numRuns: RUNS },
    );
  });
});
