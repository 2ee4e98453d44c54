import { createClient as createWsClient } from 'graphql-ws';
import { connect } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { rowsOf } from '../src/db/index.js';
import { type Metrics, createMetrics } from '../src/plugins/metrics.js';
import { defaultLimits } from '../src/plugins/settings.js';
import { backendName } from './support/database.js';
import { type LiveTestApp, createLiveTestApp } from './support/live.js';

/**
 * `newsgraph_subscribers` counts open streams, and every way a subscription ends gives its place
 * back: refused before its stream opens (406), the client leaving, a stalled reader cut off, the
 * socket closing. Both caps on open subscriptions answer with which cap was hit.
 */
const SUBSCRIPTION = 'subscription { statementAdded { cursor statement { text } } }';
const REPLAYING = 'subscription($after: String) { statementAdded(after: $after) { cursor statement { text article { body } } } }';

async function gauge(metrics: Metrics): Promise<number> {
  const metric = await metrics.registry.getSingleMetric('newsgraph_subscribers')!.get();
  return metric.values[0]!.value;
}

async function insertStatement(app: LiveTestApp, text: string, copies = 1) {
  const [article] = rowsOf<{ id: number }>(await app.db.execute(sql`select id from articles order by id limit 1`));
  await app.db.execute(
    sql`insert into statements (article_id, kind, text, said_at) select ${article!.id}, 'PARAPHRASE', case when ${copies}::int = 1 then ${text} else ${text} || ' ' || n end, now() from generate_series(1, ${copies}::int) n`,
  );
  await app.live.refresh();
}

/** A refusal is a plain GraphQL response, even to a client that asked for text/event-stream. */
async function errorBody(response: Response) {
  expect(response.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
  const text = await response.text();
  expect(text).not.toMatch(/^(event|data):/m);
  return JSON.parse(text);
}

const post = (url: string, accept: string, query = SUBSCRIPTION, signal?: AbortSignal, variables?: object) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify({ query, variables }), signal });

describe(`open subscriptions are counted while open, and released on every way out (${backendName})`, () => {
  let app: LiveTestApp;
  let metrics: Metrics;
  let url: string;
  let wsUrl: string;
  beforeAll(async () => {
    metrics = createMetrics();
    app = await createLiveTestApp({ metrics, live: { maxBuffered: 5, stallTimeoutMs: 300 } });
    ({ url, wsUrl } = await app.listen());
  });
  afterAll(async () => app?.close());

  const settled = async () => {
    await expect.poll(() => gauge(metrics), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => app.live.stats.subscribers(), { timeout: 10_000 }).toBe(0);
  };

  it('refusals with 406 (Accept: application/json, multipart/mixed) take no place and leave no feed behind', async () => {
    for (let i = 0; i < 50; i++) {
      const response = await post(url, i % 2 ? 'application/json' : 'multipart/mixed;deferSpec=20220824');
      await response.body?.cancel();
      expect([406, 200]).toContain(response.status);
    }
    await settled();
  });

  it.each([
    ['invalid', 'subscription { statementAdded { nope } }', undefined, 400, 'GRAPHQL_VALIDATION_FAILED'],
    [
      'over a limit',
      `subscription { statementAdded { ${Array.from({ length: 16 }, (_, i) => `a${i}: cursor`).join(' ')} } }`,
      undefined,
      400,
      'QUERY_TOO_COMPLEX',
    ],
    ['with a malformed cursor', REPLAYING, { after: 'not a cursor' }, 400, 'BAD_USER_INPUT'],
  ])('an SSE subscription refused before its stream (%s) gets a plain JSON error and its status', async (_name, query, variables, status, code) => {
    const refused = await post(url, 'text/event-stream', query, undefined, variables);
    expect(refused.status).toBe(status);
    expect((await errorBody(refused)).errors[0].extensions.code).toBe(code);
    await settled();
  });

  it('an SSE subscription counts once its stream is open, and not after the client aborts', async () => {
    const controller = new AbortController();
    const response = await post(url, 'text/event-stream', SUBSCRIPTION, controller.signal);
    expect(response.status).toBe(200);
    await expect.poll(() => gauge(metrics)).toBe(1);
    await insertStatement(app, 'Counted while open.');
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('Counted while open.')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    await settled();
  });

  it('an SSE subscription aborted at once, before its first event', async () => {
    for (let i = 0; i < 10; i++) {
      const controller = new AbortController();
      const response = await post(url, 'text/event-stream', SUBSCRIPTION, controller.signal);
      controller.abort();
      await response.body?.cancel().catch(() => {});
    }
    await settled();
  });

  it('a stalled SSE reader, cut off by the stall timeout', async () => {
    const { port } = new URL(url);
    const socket = connect(Number(port), '127.0.0.1');
    // A replaying subscription reads its own feed; this client never reads its socket.
    const body = JSON.stringify({
      query: REPLAYING.replace('body', Array.from({ length: 12 }, (_, i) => `b${i}: body`).join(' ')),
      variables: { after: null },
    });
    socket.write(
      `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    socket.pause();
    await expect.poll(() => gauge(metrics), { timeout: 10_000 }).toBe(1);
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    for (let i = 0; i < 100 && (await gauge(metrics)) > 0; i++) {
      await insertStatement(app, `Stalled reader ${i}.`, 20);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await settled();
    socket.destroy();
    await closed;
  });

  it('graphql-ws: open, completed by the client, errored, and the socket closed', async () => {
    const client = createWsClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
    const first = client.iterate({ query: SUBSCRIPTION });
    const second = client.iterate({ query: SUBSCRIPTION });
    const [a, b] = [first.next(), second.next()];
    await expect.poll(() => gauge(metrics), { timeout: 10_000 }).toBe(2);
    await insertStatement(app, 'Over the socket.');
    await Promise.all([a, b]);
    await first.return?.(); // the client completes one
    await expect.poll(() => gauge(metrics), { timeout: 10_000 }).toBe(1);
    // One that fails as it starts (a bad cursor) never counts.
    const failing = client.iterate({ query: 'subscription { statementAdded(after: "nonsense") { cursor } }' });
    expect(((await failing.next()).value as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(await gauge(metrics)).toBe(1);
    await client.dispose(); // the socket goes with the other
    await settled();
  });
});

describe(`caps on open subscriptions (${backendName})`, () => {
  let app: LiveTestApp;
  let metrics: Metrics;
  beforeAll(async () => {
    metrics = createMetrics();
    app = await createLiveTestApp({ metrics, hardening: { limits: { ...defaultLimits, maxSubscriptions: 4, maxSubscriptionsPerAddress: 2 } } });
  });
  afterAll(async () => app?.close());

  it('per address: the next SSE subscription gets 429, the next graphql-ws one the same error, naming the cap', async () => {
    const { url, wsUrl } = await app.listen();
    const controllers = [new AbortController(), new AbortController()];
    for (const controller of controllers) expect((await post(url, 'text/event-stream', SUBSCRIPTION, controller.signal)).status).toBe(200);
    await expect.poll(() => gauge(metrics)).toBe(2);

    const refused = await post(url, 'text/event-stream');
    expect(refused.status).toBe(429);
    const body = await errorBody(refused);
    expect(body.errors[0].extensions).toMatchObject({ code: 'TOO_MANY_REQUESTS', limit: 'maxSubscriptionsPerAddress' });
    expect(body.errors[0].message).toMatch(/MAX_SUBSCRIPTIONS_PER_ADDRESS/);

    const client = createWsClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const overSocket = client.iterate({ query: SUBSCRIPTION });
    const error = ((await overSocket.next()).value as any).errors;
    expect(JSON.stringify(error)).toMatch(/MAX_SUBSCRIPTIONS_PER_ADDRESS/);
    expect(error[0].extensions).toMatchObject({ code: 'TOO_MANY_REQUESTS', limit: 'maxSubscriptionsPerAddress' });

    for (const controller of controllers) controller.abort();
    await expect.poll(() => gauge(metrics), { timeout: 10_000 }).toBe(0);
    // Room again.
    const again = client.iterate({ query: SUBSCRIPTION });
    const next = again.next();
    await expect.poll(() => gauge(metrics), { timeout: 10_000 }).toBe(1);
    await insertStatement(app, 'Room again.');
    expect(((await next).value as any).data.statementAdded.statement.text).toBe('Room again.');
    await client.dispose();
    await expect.poll(() => gauge(metrics), { timeout: 10_000 }).toBe(0);
  });

  it('for the instance: past it, 503 naming MAX_SUBSCRIPTIONS', async () => {
    const instanceMetrics = createMetrics();
    const instance = await createLiveTestApp({
      metrics: instanceMetrics,
      hardening: { limits: { ...defaultLimits, maxSubscriptions: 3, maxSubscriptionsPerAddress: 100 } },
    });
    try {
      const { url, wsUrl } = await instance.listen();
      const controller = new AbortController();
      for (let i = 0; i < 2; i++) expect((await post(url, 'text/event-stream', SUBSCRIPTION, controller.signal)).status).toBe(200);
      const client = createWsClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
      const overSocket = client.iterate({ query: SUBSCRIPTION });
      const pending = overSocket.next();
      await expect.poll(() => gauge(instanceMetrics), { timeout: 10_000 }).toBe(3);
      const refused = await post(url, 'text/event-stream');
      expect(refused.status).toBe(503);
      const body = await errorBody(refused);
      expect(body.errors[0].extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', limit: 'maxSubscriptions' });
      expect(body.errors[0].message).toMatch(/MAX_SUBSCRIPTIONS\b/);
      controller.abort();
      await insertStatement(instance, 'Still delivered.');
      expect(((await pending).value as any).data.statementAdded.statement.text).toBe('Still delivered.');
      await client.dispose();
    } finally {
      await instance.close();
    }
  });
});
