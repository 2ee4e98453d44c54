import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPersonPage } from '../../examples/client/src/person-page.js';
import { type TestApp, createTestApp } from '../support/app.js';
import { backendName } from '../support/database.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

describe(`examples/client's typed person page runs against the API (${backendName})`, () => {
  it('loads a person with statements through HTTP', async () => {
    const found = await app.gql('{ people(filter: { search: "Rand Paul" }) { edges { node { id } } } }');
    const id = found.data.people.edges[0].node.id;
    const page = await loadPersonPage('http://newsgraph.test/graphql', { id, first: 2 }, { fetch: app.yoga.fetch as typeof fetch });
    expect(page?.name).toBe('Rand Paul');
    expect(page?.statements).toHaveLength(2);
    expect(page?.total).toBeGreaterThanOrEqual(2);
    expect(page?.statements[0]).toMatch(/^\d{4}-\d\d-\d\dT.* (QUOTE|PARAPHRASE|[A-Z_]+): .+ \(.+\)$/);
  });
});
