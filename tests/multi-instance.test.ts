import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { seedArticles } from '../seeds/index.js';
import { createToken } from '../src/auth/tokens.js';
import { rowsOf } from '../src/db/index.js';
import { seedAll } from '../src/db/seed.js';
import { createTestDatabase } from './support/database.js';
import { SseReader } from './support/live.js';

type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;

/** One service process on the test database; resolves once it logs its port. */
function startInstance(databaseUrl: string): Promise<{ process: ChildProcess; url: string; wsUrl: string; log: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance did not start:\n${log.join('')}`)), 60_000);
    child.stderr!.on('data', (chunk) => log.push(String(chunk)));
    child.stdout!.on('data', (chunk) => {
      log.push(String(chunk));
      for (const line of String(chunk).split('\n')) {
        if (!line.includes('Newsgraph is listening')) continue;
        const { port } = JSON.parse(line) as { port: number };
        clearTimeout(timer);
        resolve({ process: child, url: `http://127.0.0.1:${port}/graphql`, wsUrl: `ws://127.0.0.1:${port}/graphql`, log });
      }
    });
    child.on('exit', (code) => reject(new Error(`instance exited (${code}):\n${log.join('')}`)));
  });
}

const SUBSCRIPTION = `subscription($filter: StatementAddedFilter) { statementAdded(filter: $filter) { cursor statement { id text speaker { name } article { headline } } } }`;

describe.skipIf(!process.env.TEST_DATABASE_URL)('two instances on one PostgreSQL', () => {
  let database: TestDatabase;
  let databaseUrl: string;
  let a: Awaited<ReturnType<typeof startInstance>>;
  let b: Awaited<ReturnType<typeof startInstance>>;
  let token: string;
  let articleId: number;

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.migrate();
    await seedAll(database.db, seedArticles);
    databaseUrl = database.url!;
    token = (await createToken(database.db, 'multi-instance')).token;
    articleId = rowsOf<{ id: number }>(await database.db.execute(sql`select id from articles limit 1`))[0]!.id;
    [a, b] = await Promise.all([startInstance(databaseUrl), startInstance(databaseUrl)]);
  }, 120_000);

  afterAll(async () => {
    for (const instance of [a, b]) {
      if (!instance || instance.process.exitCode !== null) continue;
      const exited = new Promise((resolve) => instance.process.once('exit', resolve));
      instance.process.kill('SIGTERM');
      await exited;
    }
    await database?.drop();
  }, 60_000);

  async function sseOn(instance: typeof a) {
    const controller = new AbortController();
    const response = await fetch(instance.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: SUBSCRIPTION }),
      signal: controller.signal,
    });
    const reader = new SseReader(response.body!);
    return { next: () => reader.nextEvent(20_000), close: () => (controller.abort(), reader.cancel()) };
  }

  function wsOn(instance: typeof a) {
    const client = createWsClient({ url: instance.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const iterator = client.iterate({ query: SUBSCRIPTION });
    return {
      next: async () => (await iterator.next()).value as any,
      close: async () => {
        await iterator.return?.();
        await client.dispose();
      },
    };
  }

  it('a mutation on A reaches subscribers on B (WebSocket) and on A (SSE)', async () => {
    const onB = wsOn(b);
    const onA = await sseOn(a);
    const firstB = onB.next();
    const firstA = onA.next();
    await new Promise((r) => setTimeout(r, 300)); // both subscriptions registered
    const response = await fetch(a.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: `mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { id } } }`,
        variables: {
          input: { articleId: Buffer.from(`Article:${articleId}`).toString('base64url'), text: 'Written on A', kind: 'PARAPHRASE', speakerLabel: 'a source' },
        },
      }),
    });
    const created = (await response.json()) as any;
    expect(created.errors).toBeUndefined();
    const id = created.data.createStatement.statement.id;
    expect((await firstB).data.statementAdded.statement).toMatchObject({ id, text: 'Written on A' });
    expect((await firstA).data.statementAdded.statement).toMatchObject({ id, text: 'Written on A' });
    await onB.close();
    await onA.close();
  });

  it('a row inserted with psql reaches subscribers on both instances', async () => {
    const onA = wsOn(a);
    const onB = await sseOn(b);
    const firstA = onA.next();
    const firstB = onB.next();
    await new Promise((r) => setTimeout(r, 300));
    const text = `Inserted with psql ${Date.now()}`;
    await promisify(execFile)('psql', [
      databaseUrl,
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      `insert into statements (article_id, kind, text, said_at) values (${articleId}, 'DIRECT_QUOTE', '${text}', now())`,
    ]);
    for (const event of [await firstA, await firstB]) {
      expect(event.data.statementAdded.statement.text).toBe(text);
      expect(event.data.statementAdded.statement.article.headline).toBeTruthy();
    }
    await onA.close();
    await onB.close();
  });
});
