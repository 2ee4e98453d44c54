// Query.quotations is answered by the compiled reads, and its filter is checked once for both
// paths: the executor and the compiled SQL give the same page and refuse the same bad filters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestArticle } from '../src/ingest/index.js';
import { createMetrics } from '../src/plugins/metrics.js';
import { type TestApp, codeOf, createTestApp, globalId, readsByPath } from './support/app.js';
import { backendName } from './support/database.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ metrics: createMetrics() });
  for (const source of ['Wire', 'Daily']) {
    await ingestArticle(app.db, {
      url: `https://${source.toLowerCase()}.example.com/paths/${backendName}`,
      headline: `${source} paths`,
      source,
      publishedAt: new Date('2016-07-01T00:00:00Z'),
      body: 'Roundup.',
      statements: ['Anna Kowal', 'Ben Osei', 'Cara Lindqvist'].map((speakerName) => ({
        text: `${speakerName.split(' ')[0]} wants the bridge.`,
        kind: 'DIRECT_QUOTE' as const,
        speakerName,
      })),
    });
  }
});
afterAll(() => app?.close());

// `nodes` is executor-only, so a document that also asks for it is answered by the executor
const onExecutor = (query: string) => query.replace(/\}\s*$/, ' nodes(ids: []) { id } }');

describe(`Query.quotations on both read paths (${backendName})`, () => {
  const page = `query($filter: QuotationFilter, $after: String) { quotations(first: 2, after: $after, filter: $filter) {
    edges { cursor node { id text occurrenceCount speaker { name } } } pageInfo { hasNextPage endCursor } } }`;

  it('compiled and executor give the same pages', async () => {
    const before = await readsByPath(app);
    const compiled = await app.gql(page, { filter: { minOccurrences: 2 } });
    const executor = await app.gql(onExecutor(page), { filter: { minOccurrences: 2 } });
    expect(compiled.errors).toBeUndefined();
    expect(executor.errors).toBeUndefined();
    expect(compiled.data.quotations.edges).toHaveLength(2);
    expect(compiled.data.quotations.pageInfo.hasNextPage).toBe(true);
    expect(compiled.data.quotations).toEqual(executor.data.quotations);
    const after = compiled.data.quotations.pageInfo.endCursor;
    const second = await app.gql(page, { filter: { minOccurrences: 2 }, after });
    expect(second.data.quotations).toEqual((await app.gql(onExecutor(page), { filter: { minOccurrences: 2 }, after })).data.quotations);
    expect(second.data.quotations.edges.map((edge: any) => edge.node.occurrenceCount)).toEqual([2]);
    expect(await readsByPath(app)).toEqual({ compiled: before.compiled + 2, executor: before.executor + 2 });
  });

  it('a speaker filter selects the same quotation on both paths', async () => {
    const people = await app.gql('{ people(first: 50) { edges { node { id name } } } }');
    const ben = people.data.people.edges.find((edge: any) => edge.node.name === 'Ben Osei').node.id;
    const compiled = await app.gql(page, { filter: { speakerId: ben } });
    expect(compiled.data.quotations.edges.map((edge: any) => edge.node.speaker.name)).toEqual(['Ben Osei']);
    expect(compiled.data.quotations).toEqual((await app.gql(onExecutor(page), { filter: { speakerId: ben } })).data.quotations);
  });

  it.each([
    ['minOccurrences below 1', { minOccurrences: 0 }, 'filter.minOccurrences'],
    ['the ID of an article as the speaker', { speakerId: globalId('Article', 1) }, 'filter.speakerId'],
    ['no ID at all as the speaker', { speakerId: 'not an id' }, 'filter.speakerId'],
  ])('%s is BAD_USER_INPUT naming the field on both paths', async (_name, filter, field) => {
    for (const query of [page, onExecutor(page)]) {
      const result = await app.gql(query, { filter });
      expect(codeOf(result)).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.extensions?.field).toBe(field);
      expect(result.errors?.[0]?.message).toContain(field);
    }
  });
});
