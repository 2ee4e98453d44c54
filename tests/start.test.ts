import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ServerProcess, startServerProcess } from './support/server-process.js';

/**
 * The README's first command, as a newcomer runs it: `npm start` bundles src/ into dist/
 * (scripts/build.mjs: the packages too, but for a few left to Node) and serves the embedded default.
 * Every other test runs the TypeScript sources; this one runs what `npm start` runs, so a package
 * that does not survive bundling fails here, not on a newcomer's machine.
 */
describe('npm start (the bundle, on the embedded default)', () => {
  let dir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'newsgraph-start-'));
    server = await startServerProcess({ PGLITE_DIR: path.join(dir, 'data'), LOG_LEVEL: 'info' }, ['npm', 'start', '--silent']);
  }, 120_000);

  afterAll(() => {
    server?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the seeded article, GraphiQL, and statements live over SSE and WebSocket; SIGTERM shuts it down cleanly', async () => {
    const post = async (query: string, variables?: object, token?: string) =>
      (await (
        await fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query, variables }),
        })
      ).json()) as any;

    const read = await post('{ articles(first: 5) { edges { node { id headline } } } }');
    const article = read.data.articles.edges.find((e: any) => /Rand Paul/.test(e.node.headline))?.node;
    expect(article, JSON.stringify(read)).toBeDefined();

    // GraphiQL's assets are a lazy chunk of the bundle, loaded on the first page view.
    const page = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Newsgraph');

    // The development token is printed once on the first start.
    const token = server.plain.join('\n').match(/ngt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/)?.[0];
    expect(token).toBeDefined();

    const subscription = 'subscription { statementAdded { statement { text } } }';
    const sse = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: subscription }),
    });
    expect(sse.status).toBe(200);
    const ws = createClient({ url: server.url.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const viaWs = new Promise<string>((resolve, reject) => {
      ws.subscribe<{ statementAdded: { statement: { text: string } } }>({ query: subscription }, {
        next: (value) => resolve(value.data!.statementAdded.statement.text),
        error: reject,
        complete: () => {},
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 500)); // both subscribed

    const text = `Said through the bundle ${Date.now()}`;
    const created = await post(
      'mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { id } } }',
      { input: { articleId: article.id, text, kind: 'PARAPHRASE', speakerLabel: 'a source' } },
      token,
    );
    expect(created.errors).toBeUndefined();

    const reader = sse.body!.getReader();
    let received = '';
    while (!received.includes(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      received += new TextDecoder().decode(value);
    }
    expect(received).toContain(`"text":"${text}"`);
    expect(await viaWs).toBe(text);
    await reader.cancel();
    await ws.dispose();

    // As a terminal or a process manager stops it: SIGTERM to the process group (npm does not pass
    // it on to the service); the service drains and closes.
    server.signal('SIGTERM');
    await expect.poll(() => server.lines.map((l) => l.msg), { timeout: 10_000 }).toContain('shut down');
    expect(server.lines.filter((l) => l.level >= 50)).toEqual([]);
  }, 120_000);
});
