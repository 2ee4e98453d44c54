import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ServerProcess, runToExit, startServerProcess } from './support/server-process.js';

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
    server = await startServerProcess({ PGLITE_DIR: path.join(dir, 'data'), LOG_LEVEL: 'info', DEV_TOKEN_FILE: path.join(dir, 'token') }, [
      'npm',
      'start',
      '--silent',
    ]);
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

    // In production the first start's development token goes only into DEV_TOKEN_FILE, mode 0600.
    const token = readFileSync(path.join(dir, 'token'), 'utf8').trim();
    expect(token).toMatch(/^ngt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(statSync(path.join(dir, 'token')).mode & 0o777).toBe(0o600);
    expect(server.plain.join('\n')).not.toContain('ngt_');

    const subscription = 'subscription { statementAdded { statement { text } } }';
    const sse = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: subscription }),
    });
    expect(sse.status).toBe(200);
    const ws = createClient({ url: server.url.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const viaWs = new Promise<string>((resolve, reject) => {
      ws.subscribe<{ statementAdded: { statement: { text: string } } }>(
        { query: subscription },
        {
          next: (value) => resolve(value.data!.statementAdded.statement.text),
          error: reject,
          complete: () => {},
        },
      );
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

describe('a start that cannot go on: one line and an exit code a supervisor can trust', () => {
  it('a busy port: one structured error line "port N is in use", exit 1 within a second of it, nothing from the WebSocket server', async () => {
    const blocker = createNetServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const result = await runToExit({ PORT: String(port) });
      expect(result.code).toBe(1);
      const errors = result.lines.filter((l) => l.level >= 50);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ msg: `port ${port} is in use`, code: 'EADDRINUSE', port });
      expect(result.stderr).toBe('');
      expect(result.plain.join('\n')).not.toMatch(/WebSocket|EADDRINUSE/);
      expect(result.exitAfterErrorMs).toBeLessThan(1_000);
    } finally {
      blocker.close();
    }
  }, 120_000);

  it('bad settings: exit 2 with one line per bad variable on stderr and no stack trace', async () => {
    const one = await runToExit({ PORT: 'abc' });
    expect(one.code).toBe(2);
    expect(one.stderr).toBe('invalid configuration: PORT must be a number (got "abc")\n');
    expect(one.lines).toEqual([]);

    const two = await runToExit({ PORT: '70000', STATEMENT_EVENTS_RETENTION: 'forever', DATABASE_URL: 'not a url' });
    expect(two.code).toBe(2);
    const lines = two.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines).toContain('invalid configuration: PORT must be at most 65535 (got "70000")');
    expect(lines).toContain('invalid configuration: DATABASE_URL must be a URL'); // never echoed: it may hold a password
    expect(lines.find((l) => l.includes('STATEMENT_EVENTS_RETENTION'))).toMatch(/must be a duration .*\(got "forever"\)$/);
    expect(two.stderr).not.toMatch(/^\s+at /m);
  }, 120_000);
});

describe('npm run dev', () => {
  it('pretty-prints the log (pino-pretty), where the service itself writes JSON lines', async () => {
    const child = spawn('npm', ['run', 'dev', '--silent'], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', PGLITE_DIR: 'memory://', DATABASE_URL: '', LOG_LEVEL: 'info', NODE_ENV: 'development' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const lines: string[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line: ${lines.join('\n')}`)), 90_000);
        createInterface({ input: child.stdout! }).on('line', (line) => {
          lines.push(line);
          if (line.includes('Newsgraph is listening')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const listening = lines.find((l) => l.includes('Newsgraph is listening'))!;
      // pino-pretty's form: "[time] INFO (newsgraph/pid): message", with the fields on lines of their own.
      expect(listening).toMatch(/^\[[\d:.]+\] INFO \(newsgraph\/\d+\): Newsgraph is listening$/);
      expect(lines.some((l) => l.trimStart().startsWith('{"level"'))).toBe(false);
      expect(lines.join('\n')).toMatch(/^\s+url: "http:\/\/localhost:\d+\/graphql"$/m);
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
    }
  }, 120_000);
});
