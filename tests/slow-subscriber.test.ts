import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { backendName } from './support/database.js';
import { type ProcessBackend, prepareProcessBackend } from './support/process-backend.js';
import { type ServerProcess, metricValue, startServerProcess } from './support/server-process.js';

// Big events (15 copies of the article body), so a reader that stops fills the sockets quickly.
const BODIES = Array.from({ length: 15 }, (_, i) => `b${i}: body`).join(' ');
const SUBSCRIPTION = `subscription { statementAdded { cursor statement { id article { ${BODIES} } } } }`;

/**
 * A subscriber that stops reading must not make the server buffer without bound: past
 * LIVE_MAX_BUFFERED waiting events and LIVE_STALL_TIMEOUT_MS without a read, the server drops
 * it (and says so in its log). Raw clients that never read, on SSE and on graphql-ws.
 */
describe(`a subscriber that stops reading (${backendName})`, () => {
  let backend: ProcessBackend;
  let server: ServerProcess;

  beforeAll(async () => {
    backend = await prepareProcessBackend();
    server = await startServerProcess({ ...backend.env, LIVE_MAX_BUFFERED: '200', LIVE_STALL_TIMEOUT_MS: '1000' });
  }, 120_000);

  afterAll(() => {
    server?.kill();
    backend?.destroy();
  });

  /** Stores `count` statements through the API: 15 aliased mutations per request (the alias limit holds over a batch), 10 requests at a time. */
  async function insertStatements(articleId: string, count: number) {
    const operation = `mutation($a: ID!) { ${Array.from({ length: 15 }, (_, i) => `s${i}: createStatement(input: { articleId: $a, text: "slow reader ${i}", kind: PARAPHRASE, speakerLabel: "a source" }) { statement { id } }`).join(' ')} }`;
    for (let done = 0; done < count; done += 150) {
      const results = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const response = await fetch(server.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${backend.token}` },
            body: JSON.stringify({ query: operation, variables: { a: articleId } }),
          });
          return (await response.json()) as { errors?: unknown };
        }),
      );
      expect(results.filter((r) => r.errors)).toEqual([]);
    }
  }

  /** An SSE subscription over a raw socket that reads nothing after sending the request. */
  function stalledSse(): Promise<Socket> {
    const body = JSON.stringify({ query: SUBSCRIPTION });
    return new Promise((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => {
        socket.write(
          `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        );
        resolve(socket); // no 'data' listener: the socket is never read
      });
      socket.on('error', reject);
    });
  }

  /** A graphql-ws subscription whose socket stops reading once subscribed. */
  async function stalledWebSocket() {
    const ws = new WebSocket(server.url.replace('http', 'ws'), 'graphql-transport-ws');
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('error', () => {});
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((resolve) => ws.once('message', resolve)); // connection_ack
    ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION } }));
    (ws as unknown as { _socket: Socket })._socket.pause(); // stop reading, as a stuck client would
    return { ws, closed };
  }

  it('drops SSE and WebSocket subscribers that stopped reading, with server memory bounded', async () => {
    const { data } = (await (
      await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ articles(first: 1) { edges { node { id } } } }' }),
      })
    ).json()) as any;
    const articleId = data.articles.edges[0].node.id as string;
    const base = server.url;
    expect(await metricValue(base, 'newsgraph_subscribers')).toBe(0);
    expect(await metricValue(base, 'newsgraph_listen_connected')).toBe(1);

    const sse = await stalledSse();
    const sseEnded = new Promise<void>((resolve) => sse.once('close', () => resolve()));
    const ws = await stalledWebSocket();
    await expect.poll(() => metricValue(base, 'newsgraph_subscribers'), { timeout: 10_000 }).toBe(2);
    const rssBefore = await metricValue(base, 'process_resident_memory_bytes');

    // Enough to fill both sockets and the per-subscriber buffers, then more until both are dropped.
    const started = Date.now();
    await insertStatements(articleId, 600);
    let inserted = 600;
    while ((await metricValue(base, 'newsgraph_subscribers')) > 0 && Date.now() - started < 60_000) {
      await insertStatements(articleId, 150);
      inserted += 150;
    }
    const rssAfter = await metricValue(base, 'process_resident_memory_bytes');
    const drops = server.lines.filter((l) => l.msg === 'disconnected a statementAdded subscriber that stopped reading');

    // The clients, reading again, find their connections closed by the server.
    sse.resume();
    ws.ws.resume?.();
    (ws.ws as unknown as { _socket: Socket })._socket.resume();
    await sseEnded;
    const wsClosed = await ws.closed;
    console.info(
      `slow subscribers (${backendName}): dropped after ${inserted} statements in ${Date.now() - started} ms; ` +
        `RSS ${(rssBefore / 1048576).toFixed(0)} -> ${(rssAfter / 1048576).toFixed(0)} MB; ws close ${JSON.stringify(wsClosed)}; log ${JSON.stringify(drops.map((d) => ({ buffered: d.buffered, stalledMs: d.stalledMs })))}`,
    );

    expect(await metricValue(base, 'newsgraph_subscribers')).toBe(0);
    expect(drops).toHaveLength(2);
    expect([1013, 1006]).toContain(wsClosed.code);
    // Bounded: what the server holds for a stuck reader does not grow with what is written.
    expect(rssAfter - rssBefore).toBeLessThan(150 * 1048576);
    // The server still serves a subscriber that reads.
    const alive = await fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ articles(first: 1) { totalCount } }' }),
    });
    expect(alive.status).toBe(200);
  }, 180_000);
});
