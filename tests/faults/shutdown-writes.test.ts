import { createClient as createWsClient } from 'graphql-ws';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { rowsOf } from '../../src/db/index.js';
import { backendName } from '../support/database.js';
import { SseReader } from '../support/live.js';
import { type ProcessBackend, prepareProcessBackend } from '../support/process-backend.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const CREATE = `mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { id text } } }`;
const SUBSCRIPTION = `subscription { statementAdded { cursor statement { id text } } }`;

/**
 * SIGTERM while editors write and readers subscribe, against the real server process: every
 * write the server acknowledged is in the database afterwards, open subscriptions end with a
 * final message, and the process exits 0 in bounded time.
 */
describe(`graceful shutdown with writes and subscriptions (${backendName})`, () => {
  let backend: ProcessBackend;
  let server: ServerProcess;

  beforeAll(async () => {
    backend = await prepareProcessBackend();
    server = await startServerProcess(backend.env);
  }, 120_000);

  afterAll(() => {
    if (process.env.DEBUG_SHUTDOWN) console.error(server?.lines.filter((l) => l.msg !== 'request').slice(-30), server?.lines.length);
    server?.kill();
    backend?.destroy();
  });

  it('stores every acknowledged write and completes SSE and graphql-ws subscriptions', async () => {
    const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${backend.token}` };
    const articles = await (
      await fetch(server.url, { method: 'POST', headers, body: JSON.stringify({ query: '{ articles(first: 1) { edges { node { id } } } }' }) })
    ).json();
    const articleId = (articles as any).data.articles.edges[0].node.id as string;
    const create = (text: string) =>
      fetch(server.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: CREATE, variables: { input: { articleId, text, kind: 'PARAPHRASE', speakerLabel: 'a source' } } }),
      });

    // An SSE subscriber and a graphql-ws subscriber, both live before the burst.
    const sseResponse = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: SUBSCRIPTION }),
    });
    expect(sseResponse.status).toBe(200);
    const sse = new SseReader(sseResponse.body!);
    const wsEvents: string[] = [];
    let wsEnd: { how: 'complete' | 'error'; code?: number } | undefined;
    let wsClose: { code: number; reason: string } | undefined;
    const ws = createWsClient({
      url: server.url.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {},
      on: { closed: (event) => (wsClose = { code: (event as CloseEvent).code, reason: (event as CloseEvent).reason }) },
    });
    let wsSubscribed!: () => void;
    const wsFirst = new Promise<void>((resolve) => (wsSubscribed = resolve));
    ws.subscribe(
      { query: SUBSCRIPTION },
      {
        next: (value) => {
          wsEvents.push((value.data as any).statementAdded.statement.id);
          wsSubscribed();
        },
        error: (error) => (wsEnd = { how: 'error', code: (error as CloseEvent)?.code }),
        complete: () => (wsEnd ??= { how: 'complete' }),
      },
    );
    // Both are subscribed once both have seen a statement: write warm-ups until they have.
    const acknowledged: string[] = [];
    const sseEvents: any[] = [];
    let wsReady = false;
    void wsFirst.then(() => (wsReady = true));
    for (let i = 0; sseEvents.length === 0 || !wsReady; i++) {
      expect(i, 'the subscribers never saw a statement').toBeLessThan(50);
      const body = (await (await create(`shutdown-burst warm-up ${i}`)).json()) as any;
      acknowledged.push(body.data.createStatement.statement.id);
      if (sseEvents.length === 0 && !(await sse.nothingWithin(200))) sseEvents.push(await sse.nextEvent(1_000));
      else await new Promise((r) => setTimeout(r, 100));
    }

    // The burst: 8 writers until the server stops answering; SIGTERM once 100 are acknowledged.
    const failures = new Map<string, number>();
    let signalledAt = 0;
    const writer = async (w: number) => {
      for (let i = 0; ; i++) {
        try {
          const response = await create(`shutdown-burst ${w}-${i}`);
          const body = (await response.json()) as any;
          const id = body.data?.createStatement?.statement?.id;
          if (response.status === 200 && id) acknowledged.push(id);
          else failures.set(`HTTP ${response.status} ${body.errors?.[0]?.extensions?.code}`, (failures.get(`HTTP ${response.status}`) ?? 0) + 1);
        } catch (error) {
          const cause = ((error as Error).cause as { code?: string } | undefined)?.code ?? (error as Error).message;
          failures.set(cause, (failures.get(cause) ?? 0) + 1);
          if (signalledAt) return; // the server is going away: this writer is done
        }
        if (process.env.DEBUG_SHUTDOWN && i % 20 === 0) console.error('writer', w, i, acknowledged.length, [...failures]);
        if (acknowledged.length >= 100 && !signalledAt) {
          signalledAt = Date.now();
          server.child.kill('SIGTERM');
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
    const { code, at } = await server.exited;

    // The SSE stream ends cleanly: its last event is `complete`, then the body ends.
    for (;;) {
      try {
        sseEvents.push(await sse.nextEvent(15_000));
      } catch (error) {
        expect((error as Error).message).toBe('SSE stream ended');
        break;
      }
    }
    await expect.poll(() => wsClose, { timeout: 5_000 }).toBeDefined();
    await ws.dispose();

    // Every acknowledged write is stored; what was not acknowledged may or may not be.
    const database = await backend.open();
    const stored = new Set(
      rowsOf<{ id: number }>(await database.db.execute(sql`select id from statements where text like 'shutdown-burst %'`)).map((r) => Number(r.id)),
    );
    await database.close();
    const rawId = (id: string) => Number(Buffer.from(id, 'base64url').toString('utf8').split(':')[1]);
    const missing = acknowledged.filter((id) => !stored.has(rawId(id)));
    const sseIds = sseEvents.filter((e) => e.data).map((e) => e.data.statementAdded.statement.id as string);
    console.info(
      `shutdown (${backendName}): ${acknowledged.length} writes acknowledged, ${stored.size} stored ` +
        `(${stored.size - acknowledged.length + missing.length} unacknowledged but stored), failures ${JSON.stringify(Object.fromEntries(failures))}; ` +
        `SSE got ${sseIds.length} events then ${JSON.stringify(sseEvents.at(-1))}, graphql-ws ${wsEvents.length} then ${JSON.stringify(wsEnd)} ` +
        `close ${JSON.stringify(wsClose)}; exit ${code} after ${at - signalledAt} ms`,
    );

    expect(signalledAt).toBeGreaterThan(0);
    expect(missing).toEqual([]);
    expect(sseEvents.at(-1)).toEqual({ complete: true });
    expect(new Set(sseIds).size).toBe(sseIds.length);
    for (const id of sseIds) expect(stored.has(rawId(id))).toBe(true);
    expect(new Set(wsEvents).size).toBe(wsEvents.length);
    // graphql-ws: the server closes the socket with 1001 ("Going away"), the protocol's final word.
    expect(wsClose?.code).toBe(1001);
    expect(code).toBe(0);
    expect(at - signalledAt).toBeLessThan(10_000);
  }, 120_000);
});
