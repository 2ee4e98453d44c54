import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../src/plugins/metrics.js';
import { type TestApp, createTestApp } from './support/app.js';
import { backendName } from './support/database.js';
import { logCapture } from './support/logs.js';

let app: TestApp;
const metrics = createMetrics();
const logs = logCapture();
let draining = false;
beforeAll(async () => {
  app = await createTestApp({ logger: logs.logger, metrics, draining: () => draining, hardening: { corsOrigins: ['https://newsroom.example'] } });
});
afterAll(() => app?.close());

const get = (path: string, headers: Record<string, string> = {}) => app.yoga.fetch(`http://newsgraph.test${path}`, { headers });

describe(`health, readiness and metrics (${backendName})`, () => {
  it('/health answers 200 while the process is alive', async () => {
    expect((await get('/health')).status).toBe(200);
  });

  it('/ready is 200 with the database migrated, 503 once draining', async () => {
    const ready = await get('/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    draining = true;
    try {
      const drainingResponse = await get('/ready');
      expect(drainingResponse.status).toBe(503);
      expect(await drainingResponse.json()).toMatchObject({ status: 'unavailable', reason: 'shutting down' });
    } finally {
      draining = false;
    }
  });

  it('/metrics counts requests and errors, and reports the live module through the hook', async () => {
    await app.gql('{ people { totalCount } }');
    await app.gql('{ people { nope } }');
    let subscribers = 3;
    metrics.observeLive({ subscribers: () => subscribers, listenConnected: () => true });
    const first = await (await get('/metrics')).text();
    expect(first).toMatch(/graphql_yoga_http_duration_bucket/);
    expect(first).toMatch(/graphql_envelop_error_result\{[^}]*phase="validate"[^}]*\} [1-9]/);
    expect(first).toMatch(/graphql_yoga_http_duration_count\{[^}]*statusCode="200"[^}]*\} [1-9]/);
    expect(first).toMatch(/^newsgraph_subscribers 3$/m);
    expect(first).toMatch(/^newsgraph_listen_connected 1$/m);
    expect(first).toMatch(/^process_resident_memory_bytes \d+/m);
    subscribers = 0;
    expect(await (await get('/metrics')).text()).toMatch(/^newsgraph_subscribers 0$/m);
  });
});

describe(`request ids and logs (${backendName})`, () => {
  it('every response carries an x-request-id, and its log line has the id, operation name and duration', async () => {
    const response = await app.request({ query: 'query PeopleCount { people { totalCount } }' });
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const line = logs.lines.find((l) => l.requestId === requestId && l.msg === 'request');
    expect(line).toMatchObject({ operationName: 'PeopleCount', status: 200, path: '/graphql', method: 'POST' });
    expect(typeof line.durationMs).toBe('number');
  });

  it("keeps a caller's harmless request id, and replaces a hostile one", async () => {
    const kept = await app.request({ query: '{ __typename }' }, { headers: { 'x-request-id': 'edge-1234.abc' } });
    expect(kept.headers.get('x-request-id')).toBe('edge-1234.abc');
    const replaced = await app.request({ query: '{ __typename }' }, { headers: { 'x-request-id': 'x\n{"level":60}' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('errors carry the request id in extensions, matching the log line', async () => {
    const response = await app.request({ query: '{ people(first: 500) { totalCount } }' });
    const body = await response.json();
    const requestId = response.headers.get('x-request-id');
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', requestId });
    expect(logs.lines.some((l) => l.requestId === requestId && l.msg === 'request')).toBe(true);
  });

  it('never logs the Authorization header, variables or the body', async () => {
    const secret = 'tok_5up3r5ecret';
    await app.request(
      { query: 'query($s: String) { people(filter: { search: $s }) { totalCount } }', variables: { s: `pw-${secret}` } },
      { headers: { authorization: `Bearer ${secret}` } },
    );
    expect(JSON.stringify(logs.lines)).not.toContain(secret);
  });
});

describe(`CORS (${backendName})`, () => {
  it('allows the configured origin and no other', async () => {
    const preflight = (origin: string) =>
      app.yoga.fetch('http://newsgraph.test/graphql', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    expect((await preflight('https://newsroom.example')).headers.get('access-control-allow-origin')).toBe('https://newsroom.example');
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
  });
});

describe(`masked errors in production (${backendName})`, () => {
  it('hide the cause from the client, and log it under the same request id', async () => {
    const capture = logCapture();
    const broken = await createTestApp({ logger: capture.logger, exposeErrors: false });
    // A database that has gone away under the app: the error is unexpected, so it is masked.
    await broken.close();
    const response = await broken.request({ query: '{ people { totalCount } }' });
    expect(response.status).toBeLessThan(600);
    const body = await response.json();
    const error = body.errors[0];
    const requestId = response.headers.get('x-request-id');
    expect(error.extensions.requestId).toBe(requestId);
    expect(JSON.stringify(body)).not.toMatch(/stack|closed|ended|node_modules/i);
    const logged = capture.lines.filter((l) => l.requestId === requestId);
    expect(logged.some((l) => l.level >= 50 && l.err)).toBe(true);
  });
});
