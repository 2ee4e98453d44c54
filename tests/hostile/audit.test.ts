import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../support/app.js';
import { backendName } from '../support/database.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

describe(`GraphQL over HTTP conformance: the graphql-http server audit (${backendName})`, () => {
  // Built lazily: the audit list takes the fetch function, which needs the app.
  const audits = serverAudits({
    url: 'http://newsgraph.test/graphql',
    fetchFn: (input: string, init?: RequestInit) => app.yoga.fetch(new Request(input, init)),
  });
  const required = audits.filter((audit) => audit.name.startsWith('MUST') || audit.name.startsWith('SHOULD'));

  it('has MUST and SHOULD audits to run', () => {
    expect(required.length).toBeGreaterThan(20);
  });

  it.each(required.map((audit) => [audit.name, audit] as const))('%s', async (_name, audit) => {
    const result = await audit.fn();
    expect(result.status, 'reason' in result ? `${result.reason} ${JSON.stringify((result as any).response?.status ?? '')}` : '').toBe('ok');
  });
});
