import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createServer } from 'node:http';
import { seedArticles } from '../../seeds/index.js';
import { type AppDeps, createApp } from '../../src/app.js';
import { createToken } from '../../src/auth/tokens.js';
import { seedAll } from '../../src/db/seed.js';
import { createLiveStatements } from '../../src/live/live-statements.js';
import { type WebSocketOptions, attachWebSocketServer } from '../../src/live/websocket.js';
import type { Metrics } from '../../src/plugins/metrics.js';
import type { GraphQLResponse } from './app.js';
import { createTestDatabase } from './database.js';

/**
 * The service with writes and live statements: a started feed, an editor token, helpers for
 * mutations and SSE subscriptions, and (on demand) a real port for WebSocket clients.
 */
export async function createLiveTestApp(
  options: {
    seed?: boolean;
    onQuery?: (query: string) => void;
    logger?: Logger;
    hardening?: AppDeps['hardening'];
    metrics?: Metrics;
    live?: { maxBuffered?: number; stallTimeoutMs?: number };
  } = {},
) {
  const database = await createTestDatabase(options.onQuery);
  await database.migrate();
  if (options.seed ?? true) await seedAll(database.db, seedArticles);
  // A long safety poll: tests see NOTIFY-driven delivery, not the fallback.
  const live = createLiveStatements({ database, safetyPollMs: 60_000, ...options.live });
  await live.start();
  const { token } = await createToken(database.db, 'tester');
  const yoga = createApp({ db: database.db, live, logger: options.logger, hardening: options.hardening, metrics: options.metrics });
  const closers: (() => Promise<void>)[] = [];

  /** A GraphQL operation over HTTP; mutations carry the editor token unless `token` says otherwise. */
  async function gql<T = any>(query: string, variables?: Record<string, unknown>, auth: { token?: string | null } = {}): Promise<GraphQLResponse<T>> {
    const bearer = auth.token === undefined ? token : auth.token;
    const response = await yoga.fetch('http://newsgraph.test/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as object) };
  }

  /** Subscribes over SSE (yoga's default transport) and hands out the `data` of each event. */
  async function subscribe(query: string, variables?: Record<string, unknown>) {
    const controller = new AbortController();
    const response = await yoga.fetch('http://newsgraph.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query, variables }),
      signal: controller.signal,
    });
    // Refused before its stream opened: a plain GraphQL response, handed out as its one payload.
    const refusal = response.headers.get('content-type')?.startsWith('text/event-stream') ? undefined : await response.json();
    const stream = new SseReader(refusal ? new Response('').body! : response.body!);
    const subscription = {
      status: response.status,
      headers: response.headers,
      /** The next `next` event's payload ({ data } or { errors }). */
      next: (timeoutMs = 15_000) => (refusal ? Promise.resolve(refusal) : stream.nextEvent(timeoutMs)),
      /** Resolves to true when no event comes within `ms` (for "nothing else arrives"). */
      nothingWithin: (ms: number) => stream.nothingWithin(ms),
      close: async () => {
        controller.abort();
        await stream.cancel();
      },
    };
    closers.push(subscription.close);
    return subscription;
  }

  /** A real HTTP server with the WebSocket endpoint, for graphql-ws clients. */
  async function listen(webSocket: WebSocketOptions = {}) {
    const server = createServer(yoga);
    const ws = attachWebSocketServer(server, yoga, { logger: options.logger, ...webSocket });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    closers.push(async () => {
      await ws.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
    return { url: `http://127.0.0.1:${port}/graphql`, wsUrl: `ws://127.0.0.1:${port}/graphql` };
  }

  return {
    yoga,
    database,
    db: database.db,
    live,
    token,
    gql,
    subscribe,
    listen,
    async close() {
      for (const close of closers.reverse()) await close().catch(() => {});
      await live.stop();
      await database.drop();
    },
  };
}

export type LiveTestApp = Awaited<ReturnType<typeof createLiveTestApp>>;

/** Reads `event: next` messages off a text/event-stream body. */
export class SseReader {
  private reader: ReadableStreamDefaultReader<Uint8Array>;
  private decoder = new TextDecoder();
  private buffer = '';
  private events: any[] = [];
  private pending: Promise<boolean> | null = null;

  constructor(body: ReadableStream<Uint8Array>) {
    this.reader = body.getReader();
  }

  private async pull(): Promise<boolean> {
    const { value, done } = await this.reader.read();
    if (done) return false;
    this.buffer += this.decoder.decode(value, { stream: true });
    let end;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (event === 'next' || (!event && data)) this.events.push(JSON.parse(data));
      if (event === 'complete') this.events.push({ complete: true });
    }
    return true;
  }

  private pullOnce() {
    return (this.pending ??= this.pull().finally(() => (this.pending = null)));
  }

  async nextEvent(timeoutMs: number): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no SSE event in time');
      const more = await Promise.race([this.pullOnce(), new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), left))]);
      if (more === false) throw new Error('SSE stream ended');
    }
    return this.events.shift();
  }

  async nothingWithin(ms: number): Promise<boolean> {
    try {
      const event = await this.nextEvent(ms);
      this.events.unshift(event);
      return false;
    } catch {
      return true;
    }
  }

  async cancel() {
    await this.reader.cancel().catch(() => {});
  }
}
