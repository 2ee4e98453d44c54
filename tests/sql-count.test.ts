import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from './support/app.js';
import { backendName } from './support/database.js';

// The executor's loaders, which answer every shape the SQL compiler leaves alone (cursors,
// pageInfo, mentions...): compiled reads are off here; tests/compiled-reads.test.ts covers them.
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ hardening: { compiledReads: false } });
});
afterAll(() => app?.close());

// Relation fields resolved per level: people(root) -> statements, events, articles, mentionedIn;
// statements -> speaker, article, mentions, event; events -> participants.
const deepPeople = `query($n: Int, $search: String) { people(first: $n, filter: { search: $search }) { edges { node { name
  statements(first: 5) { totalCount edges { node { text speaker { name } article { headline } mentions { name } event { name } } } }
  events(first: 3) { edges { role node { name participants { edges { role node { name } } } } } }
  articles { edges { node { headline } } }
  mentionedIn(first: 2) { edges { node { text } } } } } } }`;

describe(`SQL statements per request depend on the query's shape, not its rows (${backendName})`, () => {
  it('the same nested query over 1 and over 6 people issues the same number of statements', async () => {
    // Rand Paul has a row at every level, so no level of the single-parent query comes back empty.
    const one = await app.countStatements(deepPeople, { n: 1, search: 'Rand Paul' });
    expect(one.result.data.people.edges[0].node.name).toBe('Rand Paul');
    const many = await app.countStatements(deepPeople, { n: 6 });
    expect(one.result.errors).toBeUndefined();
    expect(many.result.errors).toBeUndefined();
    expect(many.result.data.people.edges).toHaveLength(6);
    expect(many.statements).toBe(one.statements);
    // One per relation field at most: root + 4 person relations + totalCount + 4 statement
    // relations + participants = 11 (fewer where a level comes back empty).
    expect(many.statements).toBeLessThanOrEqual(11);
  });

  it('the article page (W1 shape) is a handful of statements, whatever the statement count', async () => {
    const { result, statements } = await app.countStatements(`{ articles(first: 1) { edges { node { headline
      statements(first: 100) { edges { node { text kind span { start end } speaker { name aliases } } } }
      people(first: 20) { edges { node { name } } }
      events(first: 20) { edges { node { name participants { edges { role node { name } } } } } } } } } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data.articles.edges[0].node.statements.edges.length).toBeGreaterThan(10);
    // Look-ahead nests statements with speakers, people, and events with participants into the
    // articles statement itself.
    expect(statements).toBe(1);
  });

  it('levels the look-ahead does not nest are batched into one LATERAL statement per field', async () => {
    // The root page carries each statement's speaker; the speakers' own statements are a level the
    // look-ahead does not nest (below a to-one field), so they load for all speakers at once.
    const deeper = `{ statements(first: 50) { edges { node { text speaker { name
      statements(first: 2) { edges { node { text } } } } } } } }`;
    const { result, sql, statements } = await app.countStatements(deeper);
    expect(result.errors).toBeUndefined();
    expect(statements).toBe(2);
    const lateral = sql.filter((q) => /cross join lateral/i.test(q));
    expect(lateral.length).toBeGreaterThan(0);
    // Every nested page query covers all parents at once, so none repeats.
    expect(new Set(lateral).size).toBe(lateral.length);
  });
});
