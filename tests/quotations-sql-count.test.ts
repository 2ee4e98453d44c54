// The new relations batch: quotations with their occurrences, speakers and articles, and people's
// mention counts, cost the same number of SQL statements for one row as for many.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestArticle } from '../src/ingest/index.js';
import { type TestApp, createTestApp } from './support/app.js';
import { backendName } from './support/database.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ hardening: { compiledReads: false } });
  // Five speakers, each quoted with the same words by three outlets.
  for (const source of ['Wire', 'Daily', 'Herald']) {
    await ingestArticle(app.db, {
      url: `https://${source.toLowerCase()}.example.com/count/${backendName}`,
      headline: `${source} roundup`,
      source,
      publishedAt: new Date('2016-07-01T00:00:00Z'),
      body: 'Roundup.',
      statements: ['Anna Kowal', 'Ben Osei', 'Cara Lindqvist', 'Dev Raman', 'Eli Moreau'].map((speakerName) => ({
        text: `${speakerName.split(' ')[0]} has a plan.`,
        kind: 'DIRECT_QUOTE' as const,
        speakerName,
      })),
    });
  }
});
afterAll(() => app?.close());

describe(`SQL statements for quotations and people's counts (${backendName})`, () => {
  const deep = `query($n: Int) { quotations(first: $n, filter: { minOccurrences: 3 }) { edges { node { text occurrenceCount speaker { name mentionCount firstSeenAt }
    occurrences(first: 5) { totalCount edges { node { text quotation { id } speaker { name } article { headline } } } } } } } }`;

  it('the same nested quotations query over 1 and over 5 quotations issues the same number of statements', async () => {
    const one = await app.countStatements(deep, { n: 1 });
    const many = await app.countStatements(deep, { n: 5 });
    expect(one.result.errors).toBeUndefined();
    expect(many.result.errors).toBeUndefined();
    expect(one.result.data.quotations.edges).toHaveLength(1);
    expect(many.result.data.quotations.edges).toHaveLength(5);
    for (const edge of many.result.data.quotations.edges) expect(edge.node.occurrences.edges).toHaveLength(3);
    expect(many.statements).toBe(one.statements);
    // The root page (the speakers, and the occurrences page with each one's speaker, article and
    // quotation, carried along), the speakers' stats, the occurrences' totalCount.
    expect(many.statements).toBe(3);
  });

  it('node(id) of a quotation plans its nested relations like the root list does', async () => {
    const listed = await app.countStatements('{ quotations(first: 1, filter: { minOccurrences: 3 }) { edges { node { id } } } }');
    const id = listed.result.data.quotations.edges[0].node.id;
    const query = `query($id: ID!) { node(id: $id) { ... on Quotation { text speaker { name } occurrences(first: 5) { edges { node { article { headline } } } } } } }`;
    const { result, statements } = await app.countStatements(query, { id });
    expect(result.errors).toBeUndefined();
    expect(result.data.node.occurrences.edges).toHaveLength(3);
    expect(result.data.node.speaker.name).toMatch(/ /);
    // the look-ahead plan carries the speaker and the occurrences with their articles in one statement
    expect(statements).toBe(1);
  });

  it('Person.mentionCount and firstSeenAt load for a whole page at once', async () => {
    const query = `query($n: Int) { people(first: $n) { edges { node { name mentionCount firstSeenAt } } } }`;
    const one = await app.countStatements(query, { n: 1 });
    const many = await app.countStatements(query, { n: 20 });
    expect(many.result.errors).toBeUndefined();
    expect(many.result.data.people.edges.length).toBeGreaterThan(5);
    expect(many.statements).toBe(one.statements);
    expect(many.statements).toBe(2);
  });
});
