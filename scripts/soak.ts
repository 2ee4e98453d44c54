/**
 * Soak test (not part of CI): starts the real server on loopback, drives mixed traffic at it for a
 * set time, and reports errors and the server's RSS over time. Goal: 0 errors, flat memory.
 *
 *   npm run soak                         # 60 s on the embedded database
 *   SOAK_SECONDS=600 SOAK_CONCURRENCY=16 DATABASE_URL=postgres://... npm run soak
 *
 * The mix: SOAK_CONCURRENCY readers, SOAK_WRITERS clients storing statements with
 * `createStatement` (an editor token made through the token module for the run), and
 * SOAK_SUBSCRIBERS `statementAdded` subscribers, alternately SSE and graphql-ws, each checked at
 * the end for having received every statement written, once and in order.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { seedArticles } from '../seeds/index.js';
import { createToken, revokeToken } from '../src/auth/tokens.js';
import { createDb } from '../src/db/index.js';
import { seedAll } from '../src/db/seed.js';

const seconds = Number(process.env.SOAK_SECONDS ?? 60);
const concurrency = Number(process.env.SOAK_CONCURRENCY ?? 8);
const sampleEvery = Number(process.env.SOAK_SAMPLE_SECONDS ?? 5);
const writers = Number(process.env.SOAK_WRITERS ?? 2);
const subscriberCount = Number(process.env.SOAK_SUBSCRIBERS ?? 4);
const SUBSCRIPTION = 'subscription { statementAdded { cursor statement { id text speaker { name } article { headline } } } }';

/** The database for the run, with an editor token: a temporary PGlite directory unless DATABASE_URL is set. */
async function prepareDatabase() {
  const url = process.env.DATABASE_URL || undefined;
  const dir = url ? undefined : mkdtempSync(path.join(tmpdir(), 'newsgraph-soak-'));
  const options = url ? { databaseUrl: url, maxConnections: 1 } : { pgliteDir: dir! };
  const name = `soak-${process.pid}-${Date.now()}`;
  const setup = await createDb(options);
  await setup.migrate();
  await seedAll(setup.db, seedArticles);
  const { token } = await createToken(setup.db, name);
  await setup.close(); // PGlite: the server process opens the directory next
  return {
    env: url ? { DATABASE_URL: url } : { PGLITE_DIR: dir! },
    token,
    async cleanup() {
      if (dir) return rmSync(dir, { recursive: true, force: true });
      const db = await createDb(options);
      await revokeToken(db.db, name);
      await db.close();
    },
  };
}

const READS = [
  '{ people(first: 20) { totalCount edges { node { name aliases statements(first: 5) { edges { node { text saidAt } } } } } } }',
  '{ statements(first: 10, filter: { search: "letter engagement" }) { totalCount edges { cursor node { text speaker { name } } } } }',
  '{ events(first: 5) { edges { node { name startDate participants { edges { role node { name } } } } } } }',
  '{ articles(first: 1) { edges { node { headline statements(first: 50) { edges { node { kind text span { start end } } } } } } } }',
  'query($s: String) { people(filter: { search: $s }) { edges { node { id name } } } }',
];

async function main() {
  // The server logs its port at info level; its request lines are left to the soak's own counting.
  const database = await prepareDatabase();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, ...database.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line);
        if (entry.msg === 'Newsgraph is listening') resolve(entry.port);
      } catch {
        // not JSON
      }
    });
  });
  const base = `http://127.0.0.1:${port}`;
  console.log(`soak: ${seconds}s, ${concurrency} readers, ${writers} writers, ${subscriberCount} subscribers, server pid ${child.pid} at ${base}`);

  const rss = async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    return Number(/^process_resident_memory_bytes (\d+)/m.exec(text)?.[1] ?? Number.NaN);
  };

  let requests = 0;
  const errors = new Map<string, number>();
  const fail = (what: string) => errors.set(what, (errors.get(what) ?? 0) + 1);
  const deadline = Date.now() + seconds * 1000;

  const client = async (n: number) => {
    let i = n;
    while (Date.now() < deadline) {
      const query = READS[i++ % READS.length]!;
      try {
        const response = await fetch(`${base}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
          body: JSON.stringify({ query, variables: { s: ['paul', 'trump', 'putin', 'x'][i % 4] } }),
        });
        const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
        if (response.status !== 200) fail(`HTTP ${response.status}`);
        else if (body.errors) fail(body.errors[0]?.extensions?.code ?? 'error');
      } catch (error) {
        fail((error as Error).message);
      }
      requests++;
    }
  };

  // Subscribers first, so each must see every statement the writers store.
  const received: string[][] = [];
  const closers: (() => void)[] = [];
  for (let n = 0; n < subscriberCount; n++) {
    const ids: string[] = [];
    received.push(ids);
    if (n % 2 === 0) {
      const controller = new AbortController();
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: SUBSCRIPTION }),
        signal: controller.signal,
      });
      closers.push(() => controller.abort());
      void (async () => {
        const decoder = new TextDecoder();
        let buffer = '';
        try {
          for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
            buffer += decoder.decode(chunk, { stream: true });
            let end;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const data = /^data: (.+)$/m.exec(block)?.[1];
              if (!/^event: next$/m.test(block) || !data) continue;
              const payload = JSON.parse(data);
              if (payload.errors) fail(`SSE ${payload.errors[0]?.extensions?.code}`);
              else ids.push(payload.data.statementAdded.statement.id);
            }
          }
        } catch (error) {
          if (!controller.signal.aborted) fail(`SSE ${(error as Error).message}`);
        }
      })();
    } else {
      const client = createWsClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
      client.subscribe(
        { query: SUBSCRIPTION },
        {
          next: (value) => (value.errors ? fail(`WS ${value.errors[0]?.extensions?.code}`) : ids.push((value.data as any).statementAdded.statement.id)),
          error: (error) => fail(`WS ${(error as { code?: number }).code ?? (error as Error).message}`),
          complete: () => {},
        },
      );
      closers.push(() => void client.dispose());
    }
  }
  const metric = async (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await (await fetch(`${base}/metrics`)).text())?.[1]);
  while ((await metric('newsgraph_subscribers')) < subscriberCount) await new Promise((r) => setTimeout(r, 50));

  const articleId = (
    (await (
      await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ articles(first: 1) { edges { node { id } } } }' }),
      })
    ).json()) as any
  ).data.articles.edges[0].node.id as string;
  const written: string[] = [];
  const writer = async (n: number) => {
    for (let i = 0; Date.now() < deadline; i++) {
      try {
        const response = await fetch(`${base}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${database.token}` },
          body: JSON.stringify({
            query: 'mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { id } } }',
            variables: { input: { articleId, text: `soak ${n}-${i}`, kind: 'PARAPHRASE', speakerLabel: 'a soak writer' } },
          }),
        });
        const body = (await response.json()) as any;
        if (response.status !== 200) fail(`write HTTP ${response.status}`);
        else if (body.errors) fail(`write ${body.errors[0]?.extensions?.code ?? 'error'}`);
        else written.push(body.data.createStatement.statement.id);
      } catch (error) {
        fail(`write ${(error as Error).message}`);
      }
      requests++;
    }
  };

  const samples: { t: number; rssMb: number; requests: number }[] = [];
  const started = Date.now();
  const sampler = setInterval(async () => {
    const sample = { t: Math.round((Date.now() - started) / 1000), rssMb: Math.round(((await rss()) / 1048576) * 10) / 10, requests };
    samples.push(sample);
    console.log(
      `t=${String(sample.t).padStart(4)}s  rss=${sample.rssMb} MB  requests=${sample.requests}  written=${written.length}  ` +
        `delivered=${Math.min(...received.map((r) => r.length))}  errors=${[...errors.values()].reduce((a, b) => a + b, 0)}`,
    );
  }, sampleEvery * 1000);

  samples.push({ t: 0, rssMb: Math.round(((await rss()) / 1048576) * 10) / 10, requests: 0 });
  await Promise.all([...Array.from({ length: concurrency }, (_, n) => client(n)), ...Array.from({ length: writers }, (_, n) => writer(n))]);
  clearInterval(sampler);
  // Every subscriber gets every statement written, once; their order is commit order, which for
  // concurrent writers need not be the order the answers came back in, so compare as sets.
  const settleBy = Date.now() + 30_000;
  while (received.some((ids) => ids.length < written.length) && Date.now() < settleBy) await new Promise((r) => setTimeout(r, 100));
  const writtenSet = new Set(written);
  const delivery = received.map((ids) => ({
    received: ids.length,
    missing: written.filter((id) => !ids.includes(id)).length,
    duplicates: ids.length - new Set(ids).size,
    unexpected: ids.filter((id) => !writtenSet.has(id)).length,
  }));
  for (const d of delivery) if (d.missing || d.duplicates || d.unexpected) fail('delivery');
  for (const close of closers) close();
  child.kill('SIGTERM');
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (exitCode !== 0) fail(`server exit ${exitCode}`);
  await database.cleanup();

  const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
  // Warm-up growth (JIT, caches) is expected: compare the second half's samples.
  const settled = samples.slice(Math.floor(samples.length / 2));
  const growth = settled.length > 1 ? settled.at(-1)!.rssMb - settled[0]!.rssMb : 0;
  console.log(
    JSON.stringify({
      seconds,
      concurrency,
      requests,
      writes: written.length,
      subscribers: delivery,
      requestsPerSecond: Math.round(requests / seconds),
      errors: errorCount,
      errorKinds: Object.fromEntries(errors),
      rssMb: { first: samples[0]?.rssMb, last: samples.at(-1)?.rssMb, max: Math.max(...samples.map((s) => s.rssMb)), secondHalfGrowth: growth },
    }),
  );
  process.exit(errorCount === 0 ? 0 : 1);
}

await main();
