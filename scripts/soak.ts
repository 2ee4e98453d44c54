/**
 * Soak test (not part of CI): starts the real server on loopback, drives mixed traffic at it for a
 * set time, and reports errors and the server's RSS over time. Goal: 0 errors, flat memory.
 *
 *   npm run soak                         # 60 s on the embedded database
 *   SOAK_SECONDS=600 SOAK_CONCURRENCY=16 DATABASE_URL=postgres://... npm run soak
 *
 * Reads only for now: writes and subscriptions join the mix once the mutation and
 * `statementAdded` APIs have landed.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const seconds = Number(process.env.SOAK_SECONDS ?? 60);
const concurrency = Number(process.env.SOAK_CONCURRENCY ?? 8);
const sampleEvery = Number(process.env.SOAK_SAMPLE_SECONDS ?? 5);

const READS = [
  '{ people(first: 20) { totalCount edges { node { name aliases statements(first: 5) { edges { node { text saidAt } } } } } } }',
  '{ statements(first: 10, filter: { search: "letter engagement" }) { totalCount edges { cursor node { text speaker { name } } } } }',
  '{ events(first: 5) { edges { node { name startDate participants { edges { role node { name } } } } } } }',
  '{ articles(first: 1) { edges { node { headline statements(first: 50) { edges { node { kind text span { start end } } } } } } } }',
  'query($s: String) { people(filter: { search: $s }) { edges { node { id name } } } }',
];

async function main() {
  // The server logs its port at info level; its request lines are left to the soak's own counting.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { PGLITE_DIR: 'memory://', ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'production' },
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
  console.log(`soak: ${seconds}s, ${concurrency} clients, server pid ${child.pid} at ${base}`);

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

  const samples: { t: number; rssMb: number; requests: number }[] = [];
  const started = Date.now();
  const sampler = setInterval(async () => {
    const sample = { t: Math.round((Date.now() - started) / 1000), rssMb: Math.round(((await rss()) / 1048576) * 10) / 10, requests };
    samples.push(sample);
    console.log(`t=${String(sample.t).padStart(4)}s  rss=${sample.rssMb} MB  requests=${sample.requests}  errors=${[...errors.values()].reduce((a, b) => a + b, 0)}`);
  }, sampleEvery * 1000);

  samples.push({ t: 0, rssMb: Math.round(((await rss()) / 1048576) * 10) / 10, requests: 0 });
  await Promise.all(Array.from({ length: concurrency }, (_, n) => client(n)));
  clearInterval(sampler);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));

  const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
  // Warm-up growth (JIT, caches) is expected: compare the second half's samples.
  const settled = samples.slice(Math.floor(samples.length / 2));
  const growth = settled.length > 1 ? settled.at(-1)!.rssMb - settled[0]!.rssMb : 0;
  console.log(
    JSON.stringify({
      seconds,
      concurrency,
      requests,
      requestsPerSecond: Math.round(requests / seconds),
      errors: errorCount,
      errorKinds: Object.fromEntries(errors),
      rssMb: { first: samples[0]?.rssMb, last: samples.at(-1)?.rssMb, max: Math.max(...samples.map((s) => s.rssMb)), secondHalfGrowth: growth },
    }),
  );
  process.exit(errorCount === 0 ? 0 : 1);
}

await main();
