import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from './support/app.js';
import { backendName } from './support/database.js';

describe(`every response carries x-request-id (${backendName})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => app?.close());

  it.each(['/health', '/ready', '/graphql?query=%7B__typename%7D', '/nowhere'])('%s', async (path) => {
    const response = await app.yoga.fetch(`http://newsgraph.test${path}`);
    await response.text();
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("keeps a caller's own id on /health", async () => {
    const response = await app.yoga.fetch('http://newsgraph.test/health', { headers: { 'x-request-id': 'probe-42' } });
    expect(response.headers.get('x-request-id')).toBe('probe-42');
  });
});
