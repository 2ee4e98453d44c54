// One process owns an embedded data directory. While the service runs on it, every other opener is
// refused with who owns it and what to do instead (exit code 2); `ingest --url` goes through the
// service's API, and what it stored is still there after a restart.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, rowsOf } from '../src/db/index.js';
import { DataDirectoryInUseError } from '../src/db/lock.js';
import { type ServerProcess, runToExit, startServerProcess } from './support/server-process.js';

const ROOT = path.resolve(import.meta.dirname, '..');
let work: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'newsgraph-lock-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A pid that is certainly not running any more. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

function runScript(script: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'scripts', script), ...args],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent', ...env }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('the lock itself', () => {
  it('a second open of a directory is refused while the first is open, and allowed once it is closed', async () => {
    const dir = path.join(work, 'in-process');
    const first = await createDb({ pgliteDir: dir });
    await expect(createDb({ pgliteDir: dir })).rejects.toBeInstanceOf(DataDirectoryInUseError);
    const lock = JSON.parse(readFileSync(`${dir}.lock`, 'utf8'));
    expect(lock.pid).toBe(process.pid);
    await first.close();
    expect(existsSync(`${dir}.lock`)).toBe(false);
    const again = await createDb({ pgliteDir: dir });
    await again.close();
  }, 60_000);

  it('a stale lock (its process is gone) is taken over; a live one is not', async () => {
    const dir = path.join(work, 'stale');
    writeFileSync(`${dir}.lock`, JSON.stringify({ pid: await deadPid(), command: 'crashed', since: new Date().toISOString() }));
    const database = await createDb({ pgliteDir: dir });
    expect(JSON.parse(readFileSync(`${dir}.lock`, 'utf8')).pid).toBe(process.pid);
    await database.close();

    // The parent of this test (alive, and not this process) holds it:
    writeFileSync(`${dir}.lock`, JSON.stringify({ pid: process.ppid, command: 'scripts/ingest.ts', since: new Date().toISOString() }));
    const refusal = await createDb({ pgliteDir: dir }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(DataDirectoryInUseError);
    expect((refusal as Error).message).toBe(`the embedded database ${dir} is in use by another process (pid ${process.ppid}, scripts/ingest.ts)`);
    rmSync(`${dir}.lock`);
  }, 60_000);
});

describe('while the embedded service runs on a directory', () => {
  let dir: string;
  let server: ServerProcess;
  let devToken: string;
  let article: string;

  beforeAll(async () => {
    dir = path.join(work, 'served');
    server = await startServerProcess({ PGLITE_DIR: dir, NODE_ENV: 'development' }); // development: the first start prints its token
    devToken = server.plain.join('\n').match(/ngt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/)![0];
    article = path.join(work, 'article.txt');
    writeFileSync(
      article,
      `URL: https://lock.example.com/one\nHeadline: Bridge opens\nSource: Wire\nPublished: 2024-06-05T08:00:00Z\n\nMayor Anna Schmidt opened the bridge on Friday. "It is a great day," Schmidt said.\n`,
    );
  }, 120_000);
  afterAll(() => server?.kill());

  const owner = () => `the embedded database ${dir} is in use by the Newsgraph service (pid ${server.child.pid}, http://localhost:${server.port}/graphql)`;

  it('token, db:migrate and db:seed are refused, naming the service and what to do instead', async () => {
    const env = { PGLITE_DIR: dir };
    const [token, migrate, seed] = await Promise.all([
      runScript('token.ts', ['create', '--name', 'alice'], env),
      runScript('migrate.ts', [], env),
      runScript('seed.ts', [], env),
    ]);
    for (const result of [token, migrate, seed]) {
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.split('\n')[0]).toBe(`${owner()}.`);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    }
    expect(token.stderr).toContain('createEditorToken(input: { name: "alice" })');
    expect(token.stderr).toContain(`sent to http://localhost:${server.port}/graphql`);
  }, 180_000);

  it('ingest without --url is refused and names --url; with --url it stores through the service', async () => {
    const refused = await runScript('ingest.ts', [article], { PGLITE_DIR: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(owner());
    expect(refused.stderr).toContain(`npm run ingest -- --url http://localhost:${server.port}/graphql --token <editor token> <files>`);

    const sent = await runScript('ingest.ts', ['--url', server.url, '--token', devToken, article], { PGLITE_DIR: dir });
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toMatch(/^ingested 1 of 1 inputs, 0 failed, /m);
    const read = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ articles(first: 20) { edges { node { url statements { totalCount } } } } }' }),
    });
    const urls = ((await read.json()) as any).data.articles.edges.map((e: any) => e.node.url);
    expect(urls).toContain('https://lock.example.com/one');

    const badToken = await runScript('ingest.ts', ['--url', server.url, '--token', 'ngt_0000000000000000_' + 'x'.repeat(43), article], {});
    expect(badToken.code).toBe(1);
    expect(badToken.stdout).toMatch(/^ingested 0 of 1 inputs, 1 failed, /m);
    expect(badToken.stdout).toContain('The editor token is not valid.');
  }, 180_000);

  it('a second service on the directory exits 1 with one line; after the first stops, what it stored is all there', async () => {
    const second = await runToExit({ PGLITE_DIR: dir });
    expect(second.code).toBe(1);
    const errors = second.lines.filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0].msg).toBe(`${owner()}: stop it first, or give this one its own PGLITE_DIR`);

    server.signal('SIGTERM');
    expect((await server.exited).code).toBe(0);
    expect(existsSync(`${dir}.lock`)).toBe(false);
    const database = await createDb({ pgliteDir: dir });
    try {
      const rows = rowsOf<{ url: string }>(await database.db.execute(sql`select url from articles where url = 'https://lock.example.com/one'`));
      expect(rows).toHaveLength(1);
    } finally {
      await database.close();
    }
  }, 180_000);
});
