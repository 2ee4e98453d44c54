// npm run bench -- [--sizes S,M] [--duration 10] [--connections 10] [--warmup 3]
//                  [--workloads W1,W2,W3,W4,W5,W6,W7] [--systems newsgraph,postgraphile,floor]
//                  [--baseline <commit or directory>]
//                  [--w7-articles 1000]
//                  [--seed 42] [--reload] [--profile] [--no-embedded] [--response-cache]
// See bench/README.md.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { type Corpus, ensureCorpus } from './corpus/index.js';
import { type Size, rng, zipf } from './corpus/generate.js';
import { NOUNS } from './corpus/words.js';
import { measureEmbedded } from './lib/embedded.js';
import { type ExplainFinding, explainAll } from './lib/explain.js';
import { CountingProxy } from './lib/pgproxy.js';
import { type ProfileSummary, summariseProfiles } from './lib/profile.js';
import { BENCH_DIR, NODE22, ROOT_DIR, type RunningSystem, startSystem } from './lib/systems.js';
import {
  createStatementPlan,
  createToken,
  floorWriteBody,
  liveFeatures,
  postgraphileCreateStatement,
  postgraphileWriteVariables,
  runFanout,
  writeArgs,
} from './live/writes.js';
import { type SystemName, canonical, firstDifference, isNewsgraph } from './workloads/canonical.js';
import { type IngestMeasurement, ingestTable, ingestWorkload } from './workloads/ingest.js';
import {
  READ_WORKLOADS,
  type ReadWorkload,
  WORKLOAD_TITLES,
  floorPath,
  newsgraphQueries,
  newsgraphRelationFields,
  newsgraphVariables,
  postgraphileQueries,
  postgraphileVariables,
} from './workloads/queries.js';

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] && !argv[i + 1]!.startsWith('--') ? argv[i + 1]! : dflt;
};
const flag = (name: string) => argv.includes(`--${name}`);
/** An older Newsgraph (a commit, or a directory holding one) run beside this checkout as `baseline`. */
const baselineSpec = opt('baseline', process.env.BENCH_NEWSGRAPH_DIR ?? '');
const options = {
  sizes: opt('sizes', 'S,M')
    .split(',')
    .map((s) => s.trim().toUpperCase()) as Size[],
  duration: Number(opt('duration', '10')),
  connections: Number(opt('connections', '10')),
  warmup: Number(opt('warmup', '3')),
  workloads: opt('workloads', 'W1,W2,W3,W4,W5,W6,W7')
    .split(',')
    .map((s) => s.trim().toUpperCase()),
  systems: opt('systems', baselineSpec ? 'newsgraph,baseline,postgraphile,floor' : 'newsgraph,postgraphile,floor')
    .split(',')
    .map((s) => s.trim()) as SystemName[],
  seed: Number(opt('seed', '42')),
  reload: flag('reload'),
  profile: flag('profile'),
  embedded: !flag('no-embedded'),
  /** Also W1-W3 on Newsgraph with RESPONSE_CACHE=on: its own table, never in the comparison. */
  responseCache: flag('response-cache'),
  w6Sse: Number(opt('w6-sse', '1000')),
  w6Ws: Number(opt('w6-ws', '200')),
  w6Rates: opt('w6-rate', '20').split(',').map(Number),
  w6Seconds: Number(opt('w6-seconds', '10')),
  w7Articles: Number(opt('w7-articles', '1000')),
  baseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
};
const readWorkloads = READ_WORKLOADS.filter((w) => options.workloads.includes(w));
const PORTS: Record<SystemName, number> = { newsgraph: 4610, postgraphile: 4620, floor: 4630, baseline: 4640 };
const CACHED_PORT = 4611;
const COUNT_REQUESTS = 10;
const ITEMS = 400;

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const RESULTS = path.join(BENCH_DIR, 'results');
const WORK = path.join(tmpdir(), `newsgraph-bench-${stamp}`);
mkdirSync(RESULTS, { recursive: true });
mkdirSync(WORK, { recursive: true });
const log = (m: string) => console.log(m);

/**
 * The baseline's tree: a directory as given, or a commit exported with `git archive` into the work
 * directory, sharing this checkout's node_modules (an older commit with other dependencies needs a
 * directory with its own `npm ci`).
 */
function baselineTree(spec: string): { dir: string; label: string } | null {
  if (!spec) return null;
  if (existsSync(spec) && statSync(spec).isDirectory()) return { dir: path.resolve(spec), label: path.resolve(spec) };
  const commit = execFileSync('git', ['-C', ROOT_DIR, 'rev-parse', '--short', `${spec}^{commit}`], { encoding: 'utf8' }).trim();
  const dir = path.join(WORK, `baseline-${commit}`);
  mkdirSync(dir, { recursive: true });
  execFileSync('sh', ['-c', `git -C "${ROOT_DIR}" archive ${commit} | tar -x -C "${dir}"`]);
  symlinkSync(path.join(ROOT_DIR, 'node_modules'), path.join(dir, 'node_modules'));
  return { dir, label: `commit ${commit}` };
}
const baseline = options.systems.includes('baseline') ? baselineTree(baselineSpec) : null;
if (options.systems.includes('baseline') && baseline === null) throw new Error('--systems baseline needs --baseline <commit or directory>');
const start = (name: SystemName, opts: Omit<Parameters<typeof startSystem>[1], 'baselineDir'>) => startSystem(name, { ...opts, baselineDir: baseline?.dir });

// ---------------------------------------------------------------- machine
function machine() {
  const sh = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  const pkg = (name: string) => {
    try {
      return JSON.parse(readFileSync(path.join(BENCH_DIR, 'node_modules', name, 'package.json'), 'utf8')).version as string;
    } catch {
      return 'not installed';
    }
  };
  return {
    nproc: sh('nproc', []),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGB: Math.round(Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) / 1024 / 1024),
    node: process.version,
    node22: sh(NODE22, ['--version']),
    postgraphile: pkg('postgraphile'),
    autocannon: pkg('autocannon'),
  };
}

// ---------------------------------------------------------------- request items
interface Items {
  args: Record<ReadWorkload, (number | string | null)[]>;
}

async function buildItems(corpus: Corpus): Promise<Items> {
  const r = rng(options.seed * 7919 + corpus.articles);
  const articleIds = Array.from({ length: ITEMS }, () => r.int(1, corpus.articles));
  // Person pages: half follow popularity (the speaker of a random statement), half are uniform.
  const sql = postgres(corpus.url, { max: 1, onnotice: () => {} });
  const statementIds = Array.from({ length: ITEMS / 2 }, () => r.int(1, corpus.statements));
  const speakers = await sql`select coalesce(speaker_id, 1) as id from unnest(${statementIds}::int[]) with ordinality as x(sid, n)
    join statements s on s.id = x.sid order by x.n`;
  await sql.end();
  const personIds = [...speakers.map((s) => s.id as number), ...Array.from({ length: ITEMS / 2 }, () => r.int(1, corpus.people))];
  for (let i = personIds.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [personIds[i], personIds[j]] = [personIds[j]!, personIds[i]!];
  }
  // Searches: one or two topic words, from frequent to rare.
  const rank = zipf(NOUNS.length, 0.6);
  const terms = Array.from({ length: ITEMS }, () => {
    const a = NOUNS[Math.min(NOUNS.length - 1, 5 + rank(r))]!;
    return r.next() < 0.5 ? a : `${a} ${NOUNS[Math.min(NOUNS.length - 1, rank(r))]!}`;
  });
  return { args: { W1: articleIds, W2: personIds, W3: [null], W4: terms } };
}

function requestFor(system: SystemName, w: ReadWorkload, arg: number | string | null): { method: 'GET' | 'POST'; item: string } {
  if (system === 'floor') return { method: 'GET', item: floorPath(w, arg) };
  const query = isNewsgraph(system) ? newsgraphQueries[w] : postgraphileQueries[w];
  const variables = isNewsgraph(system) ? newsgraphVariables(w, arg) : postgraphileVariables(w, arg);
  return { method: 'POST', item: JSON.stringify({ query, variables }) };
}

async function send(sys: RunningSystem, w: ReadWorkload, arg: number | string | null): Promise<unknown> {
  const { method, item } = requestFor(sys.name, w, arg);
  const res =
    method === 'GET'
      ? await fetch(sys.url + item)
      : await fetch(sys.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: item });
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [{ message: `HTTP ${res.status}: ${text.slice(0, 200)}` }] };
  }
}

// ---------------------------------------------------------------- load
interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  graphqlErrors: number;
  non2xx: number;
  timeouts: number;
}

function runLoad(job: { url: string; method: 'GET' | 'POST'; items: string[]; headers?: Record<string, string>; checkErrors: boolean }): Promise<LoadResult> {
  const file = path.join(WORK, `job-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ ...job, duration: options.duration, warmup: options.warmup, connections: options.connections }));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(BENCH_DIR, 'lib/load-worker.mjs'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`load worker exited ${code}`))));
  });
}

// ---------------------------------------------------------------- results
interface Row {
  size: Size;
  workload: string;
  system: SystemName;
  load?: LoadResult;
  sqlPerRequest?: number;
  rssMB?: number;
  peakMB?: number;
  loadavg?: number;
  note?: string;
}
const rows: Row[] = [];
/** W1-W3 with RESPONSE_CACHE=on; `hitRatio` over the warm-up and the timed run. */
const cachedRows: { size: Size; workload: ReadWorkload; load: LoadResult; hitRatio: number; rssMB: number }[] = [];
const checks: { size: Size; workload: ReadWorkload; system: SystemName; compared: number; equal: number; difference?: string }[] = [];
const explains: { size: Size; system: SystemName; workload: ReadWorkload; findings: ExplainFinding[] }[] = [];
const live: Record<string, unknown> = {};
const corpora: Corpus[] = [];
const profiles: Record<string, ProfileSummary[]> = {};

async function benchSize(size: Size) {
  log(`\n## ${size}`);
  const corpus = await ensureCorpus(options.baseUrl, size, options.seed, { reload: options.reload, log });
  corpora.push(corpus);
  const items = await buildItems(corpus);
  const dbHost = new URL(corpus.url);

  // 1. Correctness and SQL statements per request, through the counting proxy.
  const proxy = new CountingProxy({ host: dbHost.hostname, port: Number(dbHost.port || 5432) });
  const proxyPort = await proxy.listen();
  const viaProxy = new URL(corpus.url);
  viaProxy.host = `127.0.0.1:${proxyPort}`;
  const started: RunningSystem[] = [];
  try {
    for (const name of options.systems) {
      started.push(await start(name, { databaseUrl: viaProxy.toString(), port: PORTS[name], logFile: path.join(WORK, `${name}-${size}-check.log`) }));
    }
    for (const w of readWorkloads) {
      const samples = items.args[w].slice(0, w === 'W3' ? 1 : 8);
      const answers = new Map<SystemName, unknown[]>();
      for (const sys of started) answers.set(sys.name, []);
      for (const arg of samples) {
        for (const sys of started) {
          const c = canonical(sys.name, w, await send(sys, w, arg));
          answers.get(sys.name)!.push(c.ok ? c.value : { error: c.error });
        }
      }
      const reference = started.find((s) => s.name === 'floor')?.name ?? started[0]!.name;
      for (const sys of started) {
        let equal = 0,
          difference: string | undefined;
        answers.get(sys.name)!.forEach((v, i) => {
          const d = firstDifference(v, answers.get(reference)![i]);
          if (!d) equal++;
          else difference ??= `${w} arg ${JSON.stringify(samples[i])}: ${d}`;
        });
        checks.push({ size, workload: w, system: sys.name, compared: samples.length, equal, difference });
        if (difference) log(`  ! ${sys.name} ${w} differs from ${reference}: ${difference}`);
        // SQL statements per request: sequential requests, counted at the wire.
        await send(sys, w, items.args[w][0]!);
        proxy.reset();
        const n = w === 'W3' ? COUNT_REQUESTS : Math.min(COUNT_REQUESTS, items.args[w].length);
        for (let i = 0; i < n; i++) await send(sys, w, items.args[w][i % items.args[w].length]!);
        const perRequest = proxy.executed / n;
        rows.push({ size, workload: w, system: sys.name, sqlPerRequest: perRequest });
        explains.push({ size, system: sys.name, workload: w, findings: await explainAll(corpus.url, proxy.queries()) });
      }
      log(
        `  checked ${w}: ${started.map((s) => `${s.name} ${checks.filter((c) => c.size === size && c.workload === w && c.system === s.name)[0]?.equal}/${samples.length} equal`).join(', ')}`,
      );
    }
  } finally {
    for (const sys of started) await sys.stop();
    await proxy.close();
  }

  // 2. Timed runs, straight to the database. All systems are up at once (idle ones cost nothing) and
  // take turns workload by workload, the order rotating, so machine noise spreads over all of them.
  const running: RunningSystem[] = [];
  const profileDirs = new Map<SystemName, string>();
  try {
    for (const name of options.systems) {
      const profileDir = options.profile ? path.join(RESULTS, 'profiles', stamp, `${name}-${size}`) : undefined;
      if (profileDir) mkdirSync(profileDir, { recursive: true }), profileDirs.set(name, profileDir);
      running.push(await start(name, { databaseUrl: corpus.url, port: PORTS[name], logFile: path.join(WORK, `${name}-${size}.log`), profileDir }));
    }
    const turn = (k: number) => running.map((_, i) => running[(i + k) % running.length]!);
    for (const [k, w] of readWorkloads.entries()) {
      for (const sys of turn(k)) {
        const name = sys.name;
        const reqs = items.args[w].map((arg) => requestFor(name, w, arg));
        const load = await runLoad({
          url: sys.url,
          method: reqs[0]!.method,
          items: reqs.map((r) => r.item),
          headers: reqs[0]!.method === 'POST' ? { 'content-type': 'application/json', accept: 'application/json' } : {},
          checkErrors: name !== 'floor',
        });
        const mem = sys.memory();
        const row = rows.find((r) => r.size === size && r.workload === w && r.system === name);
        Object.assign(row ?? rows[rows.push({ size, workload: w, system: name }) - 1]!, { load, rssMB: mem.rssMB, peakMB: mem.peakMB, loadavg: loadavg()[0] });
        log(
          `  ${w} ${name.padEnd(12)} ${load.rps.toFixed(0).padStart(6)} req/s  p50 ${load.p50} ms  p99 ${load.p99} ms  errors ${load.errors}  rss ${mem.rssMB.toFixed(0)} MB  load ${loadavg()[0]!.toFixed(1)}`,
        );
      }
    }
    if (options.responseCache && options.systems.includes('newsgraph')) await cachedReads(size, corpus, items);
    if (options.workloads.includes('W5')) await writeWorkload(running, corpus, items);
    const ng = running.find((s) => s.name === 'newsgraph');
    // W6 does not depend on the corpus size: at the first size only.
    if (ng && options.workloads.includes('W6') && size === options.sizes[0]) for (const rate of options.w6Rates) await fanoutWorkload(ng, corpus, rate);
  } finally {
    for (const sys of running) await sys.stop();
  }
  for (const [name, dir] of profileDirs) profiles[`${name}-${size}`] = summariseProfiles(dir);
}

/** newsgraph_reads_total by path, from /metrics. */
async function readsByPath(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  return Object.fromEntries([...text.matchAll(/^newsgraph_reads_total\{path="(\w+)"\} (\S+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
}

/** W1-W3 on a second Newsgraph with the response cache on (the same items, so the same keys repeat). */
async function cachedReads(size: Size, corpus: Corpus, items: Items) {
  const sys = await startSystem('newsgraph', {
    databaseUrl: corpus.url,
    port: CACHED_PORT,
    logFile: path.join(WORK, `newsgraph-cached-${size}.log`),
    env: { RESPONSE_CACHE: 'on' },
  });
  try {
    for (const w of readWorkloads.filter((x) => ['W1', 'W2', 'W3'].includes(x))) {
      const reqs = items.args[w].map((arg) => requestFor('newsgraph', w, arg));
      const before = await readsByPath(sys.url);
      const load = await runLoad({
        url: sys.url,
        method: 'POST',
        items: reqs.map((r) => r.item),
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        checkErrors: true,
      });
      const after = await readsByPath(sys.url);
      const delta = (path: string) => (after[path] ?? 0) - (before[path] ?? 0);
      const total = delta('cache') + delta('compiled') + delta('executor');
      const hitRatio = total ? delta('cache') / total : Number.NaN;
      cachedRows.push({ size, workload: w, load, hitRatio, rssMB: sys.memory().rssMB });
      log(
        `  ${w} newsgraph+cache ${load.rps.toFixed(0).padStart(6)} req/s  p50 ${load.p50} ms  p99 ${load.p99} ms  hit ratio ${(hitRatio * 100).toFixed(1)} %  errors ${load.errors}`,
      );
    }
  } finally {
    await sys.stop();
  }
}

/** W5: createStatement (Newsgraph, with an editor token), PostGraphile's CRUD create, the floor's POST /w5. */
async function writeWorkload(running: RunningSystem[], corpus: Corpus, items: Items) {
  const size = corpus.size;
  const ng = running.find((s) => s.name === 'newsgraph');
  if (ng && !liveFeatures().createStatement) {
    live[`W5-${size}`] = { status: 'pending', reason: 'createStatement is not in schema.graphql yet' };
    return;
  }
  const args = await writeArgs(corpus.url, items.args.W1 as number[]);
  for (const sys of running) {
    try {
      let job: { method: 'GET' | 'POST'; url: string; items: string[]; headers: Record<string, string> };
      if (isNewsgraph(sys.name)) {
        const token = await createToken(corpus.url);
        const plan = await createStatementPlan(sys.url);
        live[`W5-${size}`] = { status: 'measured', document: plan.document };
        job = {
          method: 'POST',
          url: sys.url,
          items: args.map((w) => JSON.stringify({ query: plan.document, variables: plan.variables(w) })),
          headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
        };
      } else if (sys.name === 'postgraphile') {
        job = {
          method: 'POST',
          url: sys.url,
          items: args.map((w) => JSON.stringify({ query: postgraphileCreateStatement, variables: postgraphileWriteVariables(w) })),
          headers: { 'content-type': 'application/json', accept: 'application/json' },
        };
      } else {
        job = { method: 'POST', url: `${sys.url}/w5`, items: args.map(floorWriteBody), headers: { 'content-type': 'application/json' } };
      }
      const probe = await fetch(job.url, { method: 'POST', headers: job.headers, body: job.items[0] });
      const probeText = await probe.text();
      if (!probe.ok || probeText.includes('"errors":[')) throw new Error(`the first write failed: HTTP ${probe.status} ${probeText.slice(0, 300)}`);
      const load = await runLoad({ ...job, checkErrors: true });
      const mem = sys.memory();
      rows.push({ size, workload: 'W5', system: sys.name, load, rssMB: mem.rssMB, peakMB: mem.peakMB, loadavg: loadavg()[0] });
      log(`  W5 ${sys.name.padEnd(12)} ${load.rps.toFixed(0).padStart(6)} req/s  p50 ${load.p50} ms  p99 ${load.p99} ms  errors ${load.errors}`);
    } catch (e) {
      rows.push({ size, workload: 'W5', system: sys.name, note: (e as Error).message });
      log(`  W5 ${sys.name} failed: ${(e as Error).message}`);
    }
  }
}

/** W6: statementAdded to SSE + graphql-ws subscribers while statements are inserted at a steady rate. */
async function fanoutWorkload(sys: RunningSystem, corpus: Corpus, rate: number) {
  const key = `W6-${corpus.size}-${rate}`;
  if (!liveFeatures().statementAdded) {
    live[key] = { status: 'pending', reason: 'statementAdded is not in schema.graphql yet' };
    return;
  }
  try {
    const result = await runFanout({
      url: sys.url,
      databaseUrl: corpus.url,
      sse: options.w6Sse,
      ws: options.w6Ws,
      rate,
      seconds: options.w6Seconds,
      warmupSeconds: options.warmup,
      articles: corpus.articles,
      people: corpus.people,
      rss: () => sys.memory().rssMB,
      serverPid: sys.pid,
    });
    live[key] = { status: 'measured', ...result };
    log(
      `  W6 ${result.connected}/${result.subscribers} subscribers, ${result.rate}/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms (first receipt p99 ${result.firstP99.toFixed(1)}, spread p99 ${result.spreadP99.toFixed(1)}), lost ${result.lost}, warm-up p99 ${result.warmupP99.toFixed(1)} ms, content ${result.contentErrors.length ? result.contentErrors.join('; ') : 'checked'}, ` +
        `RSS ${result.rssBeforeMB.toFixed(0)} → ${result.rssConnectedMB.toFixed(0)} → ${result.rssAfterMB.toFixed(0)} MB, drain ${result.drainMs} ms, client CPU ${result.clientCpuMs.toFixed(0)} ms; ` +
        `over ${(result.loadMs / 1000).toFixed(1)} s of inserts and drain: server CPU ${result.serverCpuMs.toFixed(0)} ms, subscriber process CPU ${result.clientLoadCpuMs.toFixed(0)} ms`,
    );
  } catch (e) {
    live[key] = { status: 'failed', reason: (e as Error).message };
    log(`  W6 failed: ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------- report
const f0 = (x: number | undefined) => (x == null || Number.isNaN(x) ? '–' : x.toFixed(0));
const f1 = (x: number | undefined) => (x == null || Number.isNaN(x) ? '–' : x.toFixed(1));
const f2 = (x: number | undefined) => (x == null || Number.isNaN(x) ? '–' : x.toFixed(2));
const pass = (ok: boolean | undefined) => (ok == null ? '–' : ok ? '✅' : '❌');

function report(info: ReturnType<typeof machine>, pgVersion: string, embedded: Awaited<ReturnType<typeof measureEmbedded>> | null) {
  const out: string[] = [];
  const find = (size: Size, w: string, s: SystemName) => rows.find((r) => r.size === size && r.workload === w && r.system === s);
  out.push(`# Newsgraph benchmark — ${new Date().toISOString()}`, '');
  out.push(
    `Machine: ${info.nproc} shared cores (\`nproc\`), ${info.cpu}, ${info.memoryGB} GB; Node ${info.node} (Newsgraph, floor, load), ` +
      `Node ${info.node22} (PostGraphile ${info.postgraphile}, v5); ${pgVersion}; autocannon ${info.autocannon}. ` +
      `Load: ${options.connections} connections, ${options.duration} s per run after ${options.warmup} s warm-up, from a separate process; ` +
      `everything (PostgreSQL, server, load) shares the same cores.`,
    '',
  );
  out.push(
    'Corpus: ' +
      corpora
        .map(
          (c) =>
            `${c.size} = ${c.articles} articles, ${c.statements} statements, ${c.people} people, ${c.events} events${c.reused ? '' : ` (loaded in ${c.seconds.toFixed(0)} s)`}`,
        )
        .join('; ') +
      '.',
    '',
  );
  out.push('| size | workload | system | req/s | p50 ms | p99 ms | SQL/req | errors | RSS MB (peak) | answers = floor | load avg |');
  out.push('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |');
  const order = (r: Row) => options.sizes.indexOf(r.size) * 100 + Number(r.workload.slice(1)) * 10 + options.systems.indexOf(r.system);
  for (const r of [...rows].sort((a, b) => order(a) - order(b))) {
    const chk = checks.find((c) => c.size === r.size && c.workload === r.workload && c.system === r.system);
    if (r.note && !r.load) {
      out.push(
        `| ${r.size} | ${r.workload} ${WORKLOAD_TITLES[r.workload as ReadWorkload] ?? ''} | ${r.system} | failed: ${r.note.replace(/\|/g, '/').slice(0, 200)} | | | | | | | |`,
      );
      continue;
    }
    out.push(
      `| ${r.size} | ${r.workload} ${WORKLOAD_TITLES[r.workload as ReadWorkload] ?? ''} | ${r.system} | ${f0(r.load?.rps)} | ${f1(r.load?.p50)} | ${f1(r.load?.p99)} | ${f1(r.sqlPerRequest)} | ${r.load ? r.load.errors : '–'} | ${f0(r.rssMB)} (${f0(r.peakMB)}) | ${chk ? `${chk.equal}/${chk.compared}` : '–'} | ${f1(r.loadavg)} |`,
    );
  }
  if (cachedRows.length) {
    out.push(
      '',
      '## Newsgraph with RESPONSE_CACHE=on (not part of the comparison)',
      '',
      `The same items as above, so keys repeat (${ITEMS} articles for W1, ${ITEMS} person pages for W2, one front page for W3); hit ratio over warm-up and run. Without writes nothing is invalidated: this is the ceiling, not a newsroom's mix.`,
      '',
      '| size | workload | req/s cache off | req/s cache on | p50 ms off / on | p99 ms off / on | hit ratio | errors | RSS MB on |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const c of cachedRows) {
      const off = find(c.size, c.workload, 'newsgraph')?.load;
      out.push(
        `| ${c.size} | ${c.workload} ${WORKLOAD_TITLES[c.workload] ?? ''} | ${f0(off?.rps)} | ${f0(c.load.rps)} | ${f1(off?.p50)} / ${f1(c.load.p50)} | ${f1(off?.p99)} / ${f1(c.load.p99)} | ${f1(c.hitRatio * 100)} % | ${c.load.errors} | ${f0(c.rssMB)} |`,
      );
    }
  }
  if (baseline) {
    out.push(
      '',
      `## This checkout against the baseline (${baseline.label}), side by side`,
      '',
      'Both over the same database in the same run; the baseline ran the migrations of this checkout, so a change made in the database (a trigger, an index) is on both sides.',
      '',
      '| size | workload | req/s newsgraph / baseline | ratio | p99 ms newsgraph / baseline | ratio to PostGraphile newsgraph / baseline |',
      '| --- | --- | ---: | ---: | ---: | ---: |',
    );
    for (const size of options.sizes)
      for (const w of [...readWorkloads, 'W5']) {
        const n = find(size, w, 'newsgraph')?.load,
          b = find(size, w, 'baseline')?.load,
          p = find(size, w, 'postgraphile')?.load;
        if (n && b)
          out.push(
            `| ${size} | ${w} ${WORKLOAD_TITLES[w as ReadWorkload] ?? ''} | ${f0(n.rps)} / ${f0(b.rps)} | ${f2(n.rps / b.rps)} × | ${f1(n.p99)} / ${f1(b.p99)} | ${p ? `${f2(n.rps / p.rps)} / ${f2(b.rps / p.rps)}` : '–'} |`,
          );
      }
  }
  out.push('', '## Targets (ratios from this run)', '', '| size | target | measured | |', '| --- | --- | --- | --- |');
  for (const size of options.sizes) {
    for (const w of ['W1', 'W2', 'W3'] as ReadWorkload[]) {
      const n = find(size, w, 'newsgraph')?.load,
        p = find(size, w, 'postgraphile')?.load;
      if (n && p)
        out.push(
          `| ${size} | ${w} req/s ≥ 1.25 × PostGraphile, p99 no worse | ${f2(n.rps / p.rps)} ×, p99 ${f1(n.p99)} vs ${f1(p.p99)} ms | ${pass(n.rps >= 1.25 * p.rps && n.p99 <= p.p99)} |`,
        );
    }
    const n1 = find(size, 'W1', 'newsgraph')?.load,
      fl = find(size, 'W1', 'floor')?.load;
    if (n1 && fl) out.push(`| ${size} | W1 req/s ≥ 0.5 × floor | ${f2(n1.rps / fl.rps)} × | ${pass(n1.rps >= 0.5 * fl.rps)} |`);
    const n5 = find(size, 'W5', 'newsgraph')?.load,
      p5 = find(size, 'W5', 'postgraphile')?.load,
      f5 = find(size, 'W5', 'floor')?.load;
    if (n5 && (p5 || f5))
      out.push(
        `| ${size} | W5 writes (no target; for reference) | ${p5 ? `${f2(n5.rps / p5.rps)} × PostGraphile` : ''}${p5 && f5 ? ', ' : ''}${f5 ? `${f2(n5.rps / f5.rps)} × floor` : ''}; p99 ${f1(n5.p99)}${p5 ? ` vs ${f1(p5.p99)}` : ''}${f5 ? ` vs ${f1(f5.p99)}` : ''} ms | – |`,
      );
    for (const w of readWorkloads) {
      const s = find(size, w, 'newsgraph')?.sqlPerRequest;
      if (s != null)
        out.push(
          `| ${size} | ${w} SQL/req ≤ relation fields (${newsgraphRelationFields[w].length}: ${newsgraphRelationFields[w].join(', ')}) | ${f1(s)} | ${pass(s <= newsgraphRelationFields[w].length)} |`,
        );
    }
  }
  if (options.sizes.length > 1) {
    const first = options.sizes[0]!,
      last = options.sizes.at(-1)!;
    out.push(
      '',
      `## Growth (Newsgraph p50, ms)`,
      '',
      `| workload | ${options.sizes.join(' | ')} | ${last}/${first} | target | |`,
      `| --- | ${options.sizes.map(() => '---:').join(' | ')} | ---: | --- | --- |`,
    );
    for (const w of ['W1', 'W2', 'W4'] as ReadWorkload[]) {
      if (!readWorkloads.includes(w)) continue;
      const ps = options.sizes.map((s) => find(s, w, 'newsgraph')?.load?.p50);
      const ratio = ps.at(-1)! / ps[0]!;
      const limit = w === 'W4' ? 3 : 1.5;
      // autocannon reports whole milliseconds; a 1 ms p50 is "under 1.5 ms".
      out.push(`| ${w} | ${ps.map(f1).join(' | ')} | ${f2(ratio)} | ≤ ${limit} × at ${last === 'L' ? 'L' : `${last} (L not run)`} | ${pass(ratio <= limit)} |`);
    }
  }
  out.push('', '## EXPLAIN of the statements each system sent (largest size run)', '');
  const largest = options.sizes.at(-1)!;
  out.push(
    '| system | workload | statements | sequential scans of corpus tables | sorts of > 1,000 rows (no index serves the order) |',
    '| --- | --- | ---: | --- | --- |',
  );
  for (const e of explains.filter((x) => x.size === largest)) {
    const seq = e.findings.flatMap((f) => f.seqScans);
    const errs = e.findings.filter((f) => f.error).length;
    const sorts = [...new Set(e.findings.flatMap((f) => f.bigSorts))];
    out.push(
      `| ${e.system} | ${e.workload} | ${e.findings.length} | ${seq.length ? `❌ ${[...new Set(seq)].join(', ')}` : '✅ none'}${errs ? ` (${errs} not explained)` : ''} | ${sorts.length ? `⚠️ ${sorts.join('; ')}` : 'none'} |`,
    );
  }
  out.push('', '## Live workloads', '');
  for (const [key, v] of Object.entries(live)) {
    const x = v as any;
    const [k, size] = key.split('-') as ['W5' | 'W6', string, string?];
    if (x.status !== 'measured') out.push(`- ${size} ${k} ${WORKLOAD_TITLES[k]}: **${x.status}** — ${x.reason}`);
    else if (k === 'W6') {
      out.push(
        `- ${size} W6 ${WORKLOAD_TITLES.W6}: ${x.connected}/${x.subscribers} subscribers connected (${options.w6Sse} SSE + ${options.w6Ws} graphql-ws), ` +
          `${x.inserted} INSERTs at ${x.rate}/s after ${x.warmup} not counted (warm-up p99 ${f1(x.warmupP99)} ms); ` +
          `${x.contentErrors?.length ? `**content check failed: ${x.contentErrors.join('; ')}**` : 'first SSE and graphql-ws events checked in full'}; INSERT→receipt p50 ${f1(x.p50)} ms, p99 ${f1(x.p99)} ms (SSE ${f1(x.sseP99)}, graphql-ws ${f1(x.wsP99)}), max ${f0(x.max)} ms; ` +
          `per INSERT, first receipt p50 ${f1(x.firstP50)} / p99 ${f1(x.firstP99)} ms and first-to-last spread p50 ${f1(x.spreadP50)} / p99 ${f1(x.spreadP99)} ms ` +
          `(target p99 ≤ 100 ms ${pass(x.p99 <= 100)}); delivered ${x.delivered}/${x.expectedDeliveries}, lost ${x.lost} (target 0 ${pass(x.lost === 0)}); ` +
          `drained ${f1(x.drainMs / 1000)} s after the last INSERT; service RSS ${f0(x.rssBeforeMB)} MB → ${f0(x.rssConnectedMB)} MB subscribed → ${f0(x.rssAfterMB)} MB after the inserts → ${f0(x.rssClosedMB)} MB 2 s after the clients left; ` +
          `subscriber process CPU ${f1(x.clientCpuMs / 1000)} s; over the ${f1(x.loadMs / 1000)} s of inserts and drain, CPU: service ${f1(x.serverCpuMs / 1000)} s, subscriber process ${f1(x.clientLoadCpuMs / 1000)} s`,
      );
    } else out.push(`- ${size} W5 ${WORKLOAD_TITLES.W5}: see the table; Newsgraph's document: \`${x.document}\``);
  }
  if (ingestRun) out.push('', '## W7 bulk ingest (`npm run ingest`, extraction on)', '', ...ingestTable(ingestRun));
  if (embedded) {
    out.push('', '## Embedded default (`npm start`, PGlite)', '');
    out.push(`- first start (creates, migrates, seeds): ${f0(embedded.firstStartMs)} ms to the first answered query`);
    out.push(`- second start (data directory exists): ${f0(embedded.secondStartMs)} ms — target ≤ 3000 ms ${pass(embedded.secondStartMs <= 3000)}`);
    out.push(
      `- idle RSS: ${f0(embedded.largestProcessRssMB)} MB for the service process, ${f0(embedded.idleRssMB)} MB for the whole \`npm start\` tree (npm + service) — target ≤ 400 MB ${pass(embedded.largestProcessRssMB <= 400)}`,
    );
  }
  if (Object.keys(profiles).length) {
    out.push('', '## CPU profiles (self time by package)', '');
    for (const [key, list] of Object.entries(profiles)) {
      for (const p of list)
        out.push(
          `- ${key}: ${p.packages
            .slice(0, 8)
            .map((x) => `${x.name} ${(x.share * 100).toFixed(0)}%`)
            .join(', ')}`,
        );
    }
  }
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------- main
const info = machine();
const admin = postgres(options.baseUrl, { max: 1, onnotice: () => {} });
const [{ version: pgVersion }] = (await admin`select split_part(version(), ' on ', 1) as version`) as unknown as [{ version: string }];
await admin.end();
log(`Newsgraph bench: sizes ${options.sizes.join(',')}, ${options.duration} s × ${options.connections} connections, workloads ${options.workloads.join(',')}`);
log(`machine: ${info.nproc} cores, ${info.cpu}, Node ${info.node}, PostGraphile ${info.postgraphile} on Node ${info.node22}, ${pgVersion}`);

// Only W7 asked for: no systems to start.
if (options.workloads.some((w) => w !== 'W7')) for (const size of options.sizes) await benchSize(size);
// W7 does not depend on the corpus size: generated articles into fresh databases (bench/workloads/ingest.ts).
let ingestRun: IngestMeasurement | null = null;
if (options.workloads.includes('W7')) {
  log('\n## W7 bulk ingest');
  ingestRun = await ingestWorkload({ baseUrl: options.baseUrl, articles: options.w7Articles, batch: 50 });
  log(`  PostgreSQL ${ingestRun.postgres.rate.toFixed(1)} articles/s, PGlite ${ingestRun.pglite.rate.toFixed(1)} articles/s (the ingest's own rate)`);
}
let embedded: Awaited<ReturnType<typeof measureEmbedded>> | null = null;
if (options.embedded) {
  log('\n## embedded default');
  embedded = await measureEmbedded(4640);
  log(`  second start ${f0(embedded.secondStartMs)} ms, idle RSS ${f0(embedded.largestProcessRssMB)} MB (tree ${f0(embedded.idleRssMB)} MB)`);
}

const table = report(info, pgVersion, embedded);
writeFileSync(
  path.join(RESULTS, `${stamp}.json`),
  JSON.stringify({ options, machine: info, pgVersion, corpora, rows, cachedRows, checks, explains, live, ingest: ingestRun, embedded, profiles }, null, 2),
);
writeFileSync(path.join(RESULTS, 'latest.md'), table);
console.log('\n' + table);
console.log(`results: bench/results/${stamp}.json, bench/results/latest.md; logs in ${WORK}`);
void ROOT_DIR;
