// Issue #19 §1 (the service's side): extraction runs in worker threads, within one time budget per
// request, counted in the query cost (aliases too), with one body cap for `extract`,
// `ingestArticle` and the ingest CLI; `ingestArticle` extracts before its transaction, not inside.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/auth/tokens.js';
import { rowsOf } from '../../src/db/index.js';
import { type Extractor, MAX_EXTRACT_BODY, createExtractorPool, createInProcessExtractor } from '../../src/extract-pool.js';
import { InputError, ingestBulkArticle } from '../../src/ingest/bulk.js';
import { type TestApp, createTestApp } from '../support/app.js';
import { backendName } from '../support/database.js';
import { expectRefused, outcome, tableCounts } from './support.js';

const BUDGET_MS = 500;
let app: TestApp;
let pool: Extractor;
let token: string;
/** Whether a transaction of this database was open while the extractor ran, per call. */
const openTransactionDuringExtraction: boolean[] = [];

beforeAll(async () => {
  pool = createExtractorPool({ size: 1 });
  // The pool, watched: while it extracts, is any transaction of this database open?
  const watched: Extractor = {
    async extract(input, knownPeople, options) {
      const [row] = rowsOf<{ n: number }>(
        await app.db.execute(sql`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and state like 'idle in transaction%'`),
      );
      openTransactionDuringExtraction.push(Number(row?.n) > 0);
      return pool.extract(input, knownPeople, options);
    },
    close: () => pool.close(),
  };
  app = await createTestApp({ extractor: watched, hardening: { limits: { maxExtractionMs: BUDGET_MS } as never } });
  ({ token } = await createToken(app.db, 'extraction tester'));
}, 120_000);
afterAll(async () => {
  await pool?.close();
  await app?.close();
});

const EXTRACT = `query($input: ExtractInput!) { extract(input: $input) { people { name } statements { text speakerName } } }`;
/** One run-on sentence, for the cost tests (what it costs depends on its length only). */
const runOn = (length: number) => 'he said and '.repeat(Math.ceil(length / 12)).slice(0, length);
const SHORT = 'Senator Jane Roe said the vote was close. "We will win," Roe said.';
/** Thousands of attributed statements: seconds of honest work at 200k, far past the budget (a short one takes milliseconds). */
const manyStatements = (length: number) => `${SHORT} `.repeat(Math.ceil(length / (SHORT.length + 1))).slice(0, length);

const post = async (body: unknown, headers: Record<string, string> = {}) =>
  outcome(
    await app.yoga.fetch('http://newsgraph.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      body: JSON.stringify(body),
    }),
  );

describe(`extraction off the event loop, within a budget (${backendName})`, () => {
  it('extracts a short text in a worker', async () => {
    const result = await post({ query: EXTRACT, variables: { input: { body: SHORT } } });
    expect(result.body.errors, result.text).toBeUndefined();
    expect(result.body.data.extract.people.map((p: any) => p.name)).toContain('Jane Roe');
  }, 60_000);

  it('/health and other requests answer while a long extraction runs', async () => {
    const order: string[] = [];
    const long = post({ query: EXTRACT, variables: { input: { body: manyStatements(MAX_EXTRACT_BODY) } } }).then((r) => (order.push('extract'), r));
    await new Promise((resolve) => setTimeout(resolve, 200)); // the extraction has started
    const health = await app.yoga.fetch('http://newsgraph.test/health');
    order.push('health');
    const people = await post({ query: '{ people { totalCount } }' });
    order.push('people');
    expect(health.status).toBe(200);
    expect(people.body.data.people.totalCount).toBeGreaterThan(0);
    await long;
    expect(order).toEqual(['health', 'people', 'extract']);
  }, 120_000);

  it('stops an extraction past the request budget with QUERY_TOO_COMPLEX, and the next one runs', async () => {
    const result = await post({ query: EXTRACT, variables: { input: { body: manyStatements(MAX_EXTRACT_BODY) } } });
    expect(result.status).toBe(200);
    expect(result.body.data).toBeNull();
    expect(result.body.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'extractionTime' });
    expect(result.body.errors[0].message).toMatch(/longer than/);
    const next = await post({ query: EXTRACT, variables: { input: { body: SHORT } } });
    expect(next.body.data.extract.people.map((p: any) => p.name)).toContain('Jane Roe');
  }, 120_000);

  it('aliases share one budget: once one has used it up, the next is refused though it alone would fit', async () => {
    const query = `query($long: String!, $short: String!) {
      long: extract(input: { body: $long }) { people { name } }
      short: extract(input: { body: $short }) { people { name } } }`;
    const calls = openTransactionDuringExtraction.length;
    const result = await post({ query, variables: { long: manyStatements(MAX_EXTRACT_BODY), short: SHORT } });
    // `extract` is non-null: the first error ends the response, and the short one never reaches a worker.
    expect(
      result.body.errors?.map((e: any) => [e.path[0], e.extensions.limit]),
      result.text.slice(0, 500),
    ).toEqual([['long', 'extractionTime']]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(openTransactionDuringExtraction.length - calls).toBe(1);
    // Alone, in a request of its own, the short one is extracted.
    const alone = await post({ query: EXTRACT, variables: { input: { body: SHORT } } });
    expect(alone.body.data.extract.people.map((p: any) => p.name)).toContain('Jane Roe');
    expect(openTransactionDuringExtraction.length - calls).toBe(2);
  }, 120_000);
});

describe(`extract in the query cost (${backendName})`, () => {
  it('counts the body of every alias, refusing fifteen 20k extractions before running any', async () => {
    const aliases = Array.from({ length: 15 }, (_, i) => `e${i}: extract(input: { body: $body }) { people { name } }`).join('\n');
    const result = await post({ query: `query($body: String!) { ${aliases} }`, variables: { body: runOn(20_000) } });
    expectRefused(result, 400, 'QUERY_TOO_COMPLEX');
    expect(result.body.errors[0].extensions.limit).toBe('cost');
  });

  it('counts an inline body and a whole input variable alike', async () => {
    const inline = `{ a: extract(input: { body: "${runOn(MAX_EXTRACT_BODY / 2)}" }) { people { name } } b: extract(input: { body: "${runOn(MAX_EXTRACT_BODY / 2)}" }) { people { name } } }`;
    // The request body limit is 512 KiB: two 100k bodies fit.
    const tooMuch = await post({ query: inline.replace(/\{ a:/, `{ c: extract(input: { body: "${runOn(60_000)}" }) { people { name } } a:`) });
    expectRefused(tooMuch, 400, 'QUERY_TOO_COMPLEX');
    const asVariables = await post({
      query: `query($a: ExtractInput!, $b: ExtractInput!) { a: extract(input: $a) { people { name } } b: extract(input: $b) { people { name } } }`,
      variables: { a: { body: runOn(150_000) }, b: { body: runOn(150_000) } },
    });
    expectRefused(asVariables, 400, 'QUERY_TOO_COMPLEX');
  });
});

describe(`one body cap for every extraction (${backendName})`, () => {
  const INGEST = `mutation($input: IngestArticleInput!) { ingestArticle(input: $input) { created statements { id } } }`;
  const article = (body: string) => ({
    url: `https://news.example.com/hostile/${backendName}/${Date.now()}-${Math.random()}`,
    headline: 'Long',
    source: 'Wire',
    publishedAt: '2026-12-03T00:00:00.000Z',
    body,
  });

  it('extract refuses a body over the cap', async () => {
    const result = await post({ query: EXTRACT, variables: { input: { body: 'a'.repeat(MAX_EXTRACT_BODY + 1) } } });
    expect(result.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.body' });
  });

  it('ingestArticle refuses to extract a body over the cap, and stores nothing', async () => {
    const before = await tableCounts(app.db);
    const result = await post(
      { query: INGEST, variables: { input: article(`${SHORT} `.repeat(Math.ceil((MAX_EXTRACT_BODY + 1_000) / (SHORT.length + 1)))) } },
      { authorization: `Bearer ${token}` },
    );
    expect(result.body.errors?.[0]?.extensions, result.text.slice(0, 500)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.body' });
    expect(await tableCounts(app.db)).toEqual(before);
  });

  it('ingestArticle without a token is refused before anything is extracted', async () => {
    const calls = openTransactionDuringExtraction.length;
    const result = await post({ query: INGEST, variables: { input: article(SHORT) } });
    expect(result.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(openTransactionDuringExtraction.length).toBe(calls);
  });

  it('ingestArticle extracts with no transaction open', async () => {
    const calls = openTransactionDuringExtraction.length;
    const result = await post({ query: INGEST, variables: { input: article(SHORT) } }, { authorization: `Bearer ${token}` });
    expect(result.body.errors, result.text).toBeUndefined();
    expect(result.body.data.ingestArticle.created).toBe(true);
    expect(openTransactionDuringExtraction.slice(calls)).toEqual([false]);
  });

  it('the ingest CLI refuses to extract a body over the cap (and stores one under it)', async () => {
    const input = { ...article(`${SHORT} `.repeat(Math.ceil((MAX_EXTRACT_BODY + 1_000) / (SHORT.length + 1)))), publishedAt: new Date() };
    await expect(ingestBulkArticle(app.db, { input, extract: true })).rejects.toThrow(InputError);
    await expect(ingestBulkArticle(app.db, { input, extract: true })).rejects.toThrow(/at most 200000 characters/);
    const stored = await ingestBulkArticle(app.db, { input: { ...input, body: SHORT }, extract: true });
    expect(stored.created).toBe(true);
  });
});

describe('the pool on its own', () => {
  it('refuses when too many extractions wait, and recovers after a stopped one', async () => {
    const small = createExtractorPool({ size: 1, maxQueued: 2 });
    try {
      // Both wait while the worker starts up; a third finds the queue full.
      const first = small.extract({ body: manyStatements(MAX_EXTRACT_BODY) }, [], { timeoutMs: 500 });
      const second = small.extract({ body: SHORT }, []);
      await expect(small.extract({ body: SHORT }, [])).rejects.toMatchObject({ reason: 'busy' });
      await expect(first).rejects.toMatchObject({ reason: 'timeout' });
      expect((await second).people.map((p) => p.name)).toContain('Jane Roe');
    } finally {
      await small.close();
    }
  }, 60_000);

  it('gives the same result as extracting on this thread', async () => {
    const small = createExtractorPool({ size: 1 });
    try {
      const input = { body: SHORT, publishedAt: new Date('2026-01-01T00:00:00Z') };
      expect(await small.extract(input, [{ id: 7, name: 'Jane Roe', aliases: ['Roe'] }])).toEqual(
        await createInProcessExtractor().extract(input, [{ id: 7, name: 'Jane Roe', aliases: ['Roe'] }]),
      );
    } finally {
      await small.close();
    }
  }, 60_000);
});
