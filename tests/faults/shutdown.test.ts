import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { startServerProcess } from '../support/server-process.js';

/** The real server process (src/server.ts) on a free port, its JSON log lines collected. */
async function startServer(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', PGLITE_DIR: 'memory://', DATABASE_URL: '', LOG_LEVEL: 'info', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: any[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line);
        lines.push(entry);
        if (entry.msg === 'Newsgraph is listening') {
          clearTimeout(timer);
          resolve(entry.port);
        }
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.once('exit', (code) => resolve({ code, at: Date.now() })));
  return { child, port, lines, exited };
}

let running: ChildProcess | undefined;
afterEach(() => {
  if (running && running.exitCode === null) running.kill('SIGKILL');
});

describe('graceful shutdown of the real server', () => {
  it('on SIGTERM: refuses new connections, finishes the request in flight, exits 0 promptly', async () => {
    const server = await startServer();
    running = server.child;
    const body = JSON.stringify({ query: '{ people(first: 100) { totalCount edges { node { name } } } }' });

    // A request whose body is only half sent when SIGTERM arrives: it is in flight.
    const inFlight = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/graphql',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 20));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(async () => {
          // New connections are refused by now...
          const refused = await fetch(`http://127.0.0.1:${server.port}/health`).then(
            () => false,
            () => true,
          );
          expect(refused).toBe(true);
          // ...but the request already in flight is still served.
          req.end(body.slice(20));
        }, 500);
      }, 200);
    });

    const signalledAt = Date.now();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).data.people.totalCount).toBeGreaterThan(0);

    const { code, at } = await server.exited;
    expect(code).toBe(0);
    expect(at - signalledAt).toBeLessThan(10_000);
    expect(server.lines.some((l) => l.msg === 'shutting down')).toBe(true);
    expect(server.lines.some((l) => l.msg === 'shut down')).toBe(true);
  }, 90_000);

  it('an idle keep-alive connection does not hold the process open', async () => {
    const server = await startServer();
    running = server.child;
    const agent = new (await import('node:http')).Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      request({ host: '127.0.0.1', port: server.port, path: '/health', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
        .on('error', reject)
        .end();
    });
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    const { code, at } = await server.exited;
    agent.destroy();
    expect(code).toBe(0);
    expect(at - signalledAt).toBeLessThan(5_000);
  }, 90_000);

  it('prints the first-start development token once to stdout, outside the structured log', async () => {
    // In development: in production it is made only into DEV_TOKEN_FILE (tests/hostile/dev-token.test.ts).
    const server = await startServerProcess({ LOG_LEVEL: 'trace', NODE_ENV: 'development' });
    running = server.child;
    const token = server.plain.join('\n').match(/ngt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/)?.[0];
    expect(token).toBeDefined();
    expect(server.lines.some((l) => l.msg.includes('development editor token'))).toBe(true);
    const created = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation { createPerson(input: { name: "Token Tester" }) { person { name } } }' }),
    });
    expect(((await created.json()) as any).data.createPerson.person.name).toBe('Token Tester');
    server.child.kill('SIGTERM');
    await server.exited;
    // Not in any log line, at any level, start-up to shut-down.
    expect(JSON.stringify(server.lines)).not.toContain('ngt_');
  }, 90_000);
});
