import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READ_WORKLOADS, globalId, newsgraphQueries, newsgraphRelationFields, newsgraphVariables } from '../bench/workloads/queries.js';
import { type TestApp, createTestApp } from './support/app.js';
import { backendName } from './support/database.js';

// The benchmark's W1-W4 query texts (bench/workloads/queries.ts), run against the seeded test app:
// they must answer without errors and stay within one SQL statement per relation field. Not timed.
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

async function firstRowId(type: 'Article' | 'Person'): Promise<number> {
  const field = type === 'Article' ? 'articles' : 'people';
  const { data } = await app.gql(`{ ${field}(first: 1${type === 'Person' ? ', filter: { search: "Rand Paul" }' : ''}) { edges { node { id } } } }`);
  return Number(Buffer.from(data[field].edges[0].node.id, 'base64url').toString('utf8').split(':')[1]);
}

describe(`bench workload queries: SQL statements per request (${backendName})`, () => {
  it('W1 article page: at most one statement per relation field', async () => {
    const id = await firstRowId('Article');
    const { result, statements } = await app.countStatements(newsgraphQueries.W1, newsgraphVariables('W1', id));
    expect(result.errors).toBeUndefined();
    expect(result.data.node.id).toBe(globalId('Article', id));
    expect(result.data.node.statements.edges.length).toBeGreaterThan(10);
    expect(result.data.node.events.edges.length).toBeGreaterThan(0);
    // node(id) looks ahead: the article with its statements+speakers, people and
    // events+participants, in one statement
    expect(statements).toBe(1);
    expect(statements).toBeLessThanOrEqual(newsgraphRelationFields.W1.length);
  });

  it('W2 person page: at most one statement per relation field', async () => {
    const id = await firstRowId('Person');
    const { result, statements } = await app.countStatements(newsgraphQueries.W2, newsgraphVariables('W2', id));
    expect(result.errors).toBeUndefined();
    expect(result.data.node.name).toBe('Rand Paul');
    expect(result.data.node.statements.edges.length).toBeGreaterThan(0);
    expect(result.data.node.events.edges.length).toBeGreaterThan(0);
    // the person with statements+articles and events+participants, in one statement
    expect(statements).toBe(1);
    expect(statements).toBeLessThanOrEqual(newsgraphRelationFields.W2.length);
  });

  it('W3 front page: at most one statement per relation field', async () => {
    const { result, statements } = await app.countStatements(newsgraphQueries.W3, newsgraphVariables('W3', null));
    expect(result.errors).toBeUndefined();
    expect(result.data.articles.edges.length).toBeGreaterThan(0);
    // articles with their people, statements and speakers nested in one statement
    expect(statements).toBe(1);
    expect(statements).toBeLessThanOrEqual(newsgraphRelationFields.W3.length);
  });

  it('W4 full-text search: at most one statement per relation field', async () => {
    const { result, statements } = await app.countStatements(newsgraphQueries.W4, newsgraphVariables('W4', 'letter'));
    expect(result.errors).toBeUndefined();
    expect(result.data.statements.edges.length).toBeGreaterThan(0);
    // statements with their speakers
    expect(statements).toBe(1);
    expect(statements).toBeLessThanOrEqual(newsgraphRelationFields.W4.length);
  });

  it('covers every read workload', () => {
    expect(Object.keys(newsgraphQueries).sort()).toEqual([...READ_WORKLOADS].sort());
  });
});
