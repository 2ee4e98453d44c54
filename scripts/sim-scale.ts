/**
 * Scale simulation (loopback only, bounded; not part of CI): SIM_INSTANCES service processes on one
 * PostgreSQL primary, SIM_SUBSCRIBERS `statementAdded` subscribers on each (half SSE, half
 * graphql-ws), statements written with plain SQL at SIM_RATE per second for SIM_SECONDS. Reports
 * delivery latency (commit to receipt), lost and duplicate deliveries, and what the primary spent:
 * the CPU of its backends for the run's database, and its transactions (each of our reads is one)
 * per event and per instance. docs/scaling.md extrapolates from these numbers.
 *
 *   npm run sim:scale
 *   SIM_INSTANCES=10 SIM_SUBSCRIBERS=100 SIM_RATE=10 SIM_SECONDS=30 SIM_DATABASE_URL=postgres://... npm run sim:scale
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createClient as createWsClient } from 'graphql-ws';
import postgres from 'postgres';
import WebSocket from 'ws';
import { seedArticles } from '../seeds/index.js';
import { createDb } from '../src/db/index.js';
import { seedAll } from '../src/db/seed.js';

const instanceCount = Number(process.env.SIM_INSTANCES ?? 10);
const subscribersPerInstance = Number(process.env.SIM_SUBSCRIBERS ?? 100);
const rate = Number(process.env.SIM_RATE ?? 10);
const seconds = Number(process.env.SIM_SECONDS ?? 30);
const serverUrl = process.env.SIM_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SUBSCRIPTION = 'subscription { statementAdded { statement { id text } } }';
const TICKS_PER_SECOND = 100; // Linux USER_HZ

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
if (!['127.0.0.1', 'localhost', '::1'].includes(new URL(serverUrl).hostname)) throw new Error('sim:scale runs on loopback only');

const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
const dbName = `newsgraph_sim_${process.pid}`;
await admin.unsafe(`create database ${dbName}`);
const dbUrl = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();
const children: ChildProcess[] = [];

async function cleanup() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => {});
  await admin.end({ timeout: 1 });
}

function startInstance(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--enable-source-maps', 'dist/main.js'], {
    env: {
      ...process.env,
      DATABASE_URL: dbUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      DB_POOL_MAX: '4',
      WEB_CONCURRENCY: '1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('an instance did not start in 120 s')), 120_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('Newsgraph is listening')) return;
      clearTimeout(timer);
      resolve({ url: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}/graphql`, child });
    });
    child.once('exit', (code) => reject(new Error(`an instance exited (${code})`)));
  });
}

type Received = Map<number, number>; // sequence number -> receipt time
const subscribers: { received: Received; duplicates: number; close(): void }[] = [];

function onEvent(subscriber: (typeof subscribers)[number], payload: any) {
  const text: string | undefined = payload?.data?.statementAdded?.statement?.text;
  const seq = Number(/^sim (\d+)$/.exec(text ?? '')?.[1]);
  if (!Number.isInteger(seq)) return;
  if (subscriber.received.has(seq)) subscriber.duplicates++;
  else subscriber.received.set(seq, Date.now());
}

async function sseSubscriber(url: string) {
  const controller = new AbortController();
  const subscriber = { received: new Map() as Received, duplicates: 0, close: () => controller.abort() };
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query: SUBSCRIPTION }),
    signal: controller.signal,
  });
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body!) {
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .join('');
        if (/^event: next$/m.test(block) && data) onEvent(subscriber, JSON.parse(data));
      }
    }
  })().catch(() => {});
  subscribers.push(subscriber);
}

function wsSubscriber(url: string) {
  const client = createWsClient({ url: url.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
  const subscriber = { received: new Map() as Received, duplicates: 0, close: () => void client.dispose() };
  client.subscribe({ query: SUBSCRIPTION }, { next: (payload) => onEvent(subscriber, payload), error: () => {}, complete: () => {} });
  subscribers.push(subscriber);
}

/** utime + stime of the primary's backends serving the run's database, in seconds. */
async function backendCpuSeconds(pids: Set<number>): Promise<number> {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited
    }
  }
  return ticks / TICKS_PER_SECOND;
}
const backendPids = async () => new Set((await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${dbName}`).map((r) => r.pid));
const committed = async () => Number((await admin`select xact_commit from pg_stat_database where datname = ${dbName}`)[0]!.xact_commit);

try {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  const setup = await createDb({ databaseUrl: dbUrl, maxConnections: 1 });
  await setup.migrate();
  await seedAll(setup.db, seedArticles);
  await setup.close();
  const writer = postgres(dbUrl, { max: 1, onnotice: () => {} });
  const [{ id: articleId }] = (await writer`select id from articles order by id limit 1`) as unknown as [{ id: number }];

  console.log(`starting ${instanceCount} instances...`);
  const instances = await Promise.all(Array.from({ length: instanceCount }, startInstance));
  console.log(`subscribing ${subscribersPerInstance} per instance (${instanceCount * subscribersPerInstance} in all)...`);
  for (const { url } of instances) {
    const opening: Promise<void>[] = [];
    for (let i = 0; i < subscribersPerInstance; i++) {
      if (i % 2 === 0) opening.push(sseSubscriber(url));
      else wsSubscriber(url);
    }
    await Promise.all(opening);
  }
  await sleep(3_000); // every subscription registered, the primary's counters flushed

  const pids = await backendPids();
  const connections = pids.size - 1; // the writer's left out
  const cpuBefore = await backendCpuSeconds(pids);
  const xactBefore = await committed();
  const events = rate * seconds;
  const committedAt: number[] = [];
  const started = Date.now();
  console.log(`writing ${events} statements at ${rate}/s...`);
  for (let seq = 0; seq < events; seq++) {
    const due = started + (seq * 1000) / rate;
    if (due > Date.now()) await sleep(due - Date.now());
    await writer`insert into statements (article_id, kind, text, said_at) values (${articleId}, 'PARAPHRASE', ${`sim ${seq}`}, now())`;
    committedAt[seq] = Date.now();
  }
  const expected = events * subscribers.length;
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(200)) {
    if (subscribers.reduce((n, s) => n + s.received.size, 0) >= expected) break;
  }
  const runSeconds = (Date.now() - started) / 1000;
  for (const pid of await backendPids()) pids.add(pid);
  const cpu = (await backendCpuSeconds(pids)) - cpuBefore;

  const latencies: number[] = [];
  let lost = 0;
  let duplicates = 0;
  for (const subscriber of subscribers) {
    duplicates += subscriber.duplicates;
    for (let seq = 0; seq < events; seq++) {
      const at = subscriber.received.get(seq);
      if (at === undefined) lost++;
      else latencies.push(at - committedAt[seq]!);
    }
    subscriber.close();
  }
  // The instances' backends report their counters as they exit.
  await writer.end();
  for (const { child } of instances) child.kill('SIGTERM');
  await Promise.all(instances.map(({ child }) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
  await sleep(1_500);
  const reads = (await committed()) - xactBefore - events; // the writer's own inserts left out

  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN;
  const report = {
    instances: instanceCount,
    subscribers: subscribers.length,
    events,
    ratePerSecond: rate,
    deliveries: latencies.length,
    lost,
    duplicates,
    deliveryMs: { p50: pct(50), p99: pct(99), max: latencies.at(-1) ?? Number.NaN },
    runSeconds: Number(runSeconds.toFixed(1)),
    primary: {
      connectionsPerInstance: Number((connections / instanceCount).toFixed(1)),
      backendCpuSeconds: Number(cpu.toFixed(2)),
      backendCpuPercentOfOneCore: Number(((100 * cpu) / runSeconds).toFixed(1)),
      backendCpuMsPerEventPerInstance: Number(((1000 * cpu) / events / instanceCount).toFixed(2)),
      transactionsPerEvent: Number((reads / events).toFixed(2)),
      transactionsPerEventPerInstance: Number((reads / events / instanceCount).toFixed(2)),
    },
  };
  console.log(JSON.stringify(report, null, 2));
  process.exitCode = lost === 0 && duplicates === 0 ? 0 : 1;
} finally {
  await cleanup();
}
