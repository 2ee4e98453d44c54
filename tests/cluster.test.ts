import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './support/database.js';

type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;

// `npm start`'s entry with WEB_CONCURRENCY=2: two node:cluster workers share the port, both answer,
// and SIGTERM to the primary drains both and exits 0. PostgreSQL only (PGlite is one process's).
describe.skipIf(!process.env.TEST_DATABASE_URL)('WEB_CONCURRENCY workers (src/main.ts)', () => {
  let database: TestDatabase;
  let databaseUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.migrate();
    databaseUrl = database.url!;
  });
  afterAll(() => database?.drop());

  it('forks two workers that both serve, and stops them all on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, DATABASE_URL: databaseUrl, WEB_CONCURRENCY: '2', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Record<string, unknown>[] = [];
    child.stdout!.on('data', (chunk) => {
      for (const line of String(chunk).split('\n')) if (line.startsWith('{')) lines.push(JSON.parse(line));
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const listening = () => lines.filter((l) => l.msg === 'Newsgraph is listening');
    for (let i = 0; i < 600 && listening().length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(listening().length).toBe(2);
    const port = listening()[0]!.port as number;
    expect(new Set(listening().map((l) => l.pid)).size).toBe(2);

    for (let i = 0; i < 30; i++) {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify({ query: '{ people { totalCount } }' }),
      });
      expect((await response.json()).data.people.totalCount).toBe(0);
    }
    const servedBy = new Set(lines.filter((l) => l.msg === 'request').map((l) => l.pid));
    expect(servedBy.size).toBe(2);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines.filter((l) => l.msg === 'shut down').length).toBe(2);
  }, 90_000);
});
