// W5 (createStatement write throughput) and W6 (statementAdded fan-out): harnesses that run once the
// mutation and the subscription exist in schema.graphql.
import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { ROOT_DIR } from '../lib/systems.js';
import { globalId } from '../workloads/queries.js';

export function liveFeatures() {
  const schema = readFileSync(path.join(ROOT_DIR, 'schema.graphql'), 'utf8');
  return { createStatement: /\bcreateStatement\s*\(/.test(schema), statementAdded: /\bstatementAdded\b/.test(schema) };
}

async function gql(url: string, query: string, variables?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return (await res.json()) as { data?: any; errors?: { message: string }[] };
}

/** An editor token from the service's own CLI (`npm run token -- create --name bench`). */
export async function createToken(databaseUrl: string): Promise<string> {
  const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', 'token', '--', 'create', '--name', `bench-${Date.now()}`], {
    cwd: ROOT_DIR,
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  const token = /ngt_[A-Za-z0-9_-]+/.exec(stdout + stderr)?.[0];
  if (!token) throw new Error(`no token in the token CLI's output: ${(stdout + stderr).slice(0, 300)}`);
  return token;
}

const TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name } } }';
const named = (t: any): { name: string; kind: string; nonNull: boolean } => {
  const nonNull = t.kind === 'NON_NULL';
  while (t.ofType) t = t.ofType;
  return { name: t.name, kind: t.kind, nonNull };
};

/** One W5 write: an article and a speaker who already appears in it (so no new article-people link). */
export interface WriteArgs {
  n: number;
  articleId: number;
  speakerId: number;
  saidAt: string;
}

const w5Text = (n: number) => `We will not accept any deal on tariffs, bench-w5-${n}, said the official.`;

/**
 * Newsgraph's `createStatement` document and a variables factory, built from introspection: fields
 * filled by name (article, speaker, text, kind, said-at); fails with a clear reason on a required
 * field it cannot fill. Selects the new statement's id (as an editor would).
 */
export async function createStatementPlan(url: string) {
  const intro = await gql(url, `{ __schema { mutationType { fields { name args { name type { ${TYPE_REF} } } type { ${TYPE_REF} } } } } }`);
  const field = intro.data?.__schema?.mutationType?.fields?.find((f: any) => f.name === 'createStatement');
  if (!field) throw new Error('createStatement is not in the schema');
  const fill = async (typeName: string): Promise<(w: WriteArgs) => Record<string, unknown>> => {
    const t = await gql(url, `{ __type(name: "${typeName}") { inputFields { name type { ${TYPE_REF} } } } }`);
    const fields = t.data.__type.inputFields as { name: string; type: any }[];
    const fillers: [string, (w: WriteArgs) => unknown][] = [];
    for (const f of fields) {
      const { nonNull } = named(f.type);
      const k = f.name.toLowerCase();
      if (/^article(id)?$/.test(k)) fillers.push([f.name, (w) => globalId('Article', w.articleId)]);
      else if (/^(speaker|speakerid|person|personid)$/.test(k)) fillers.push([f.name, (w) => globalId('Person', w.speakerId)]);
      else if (k === 'text' || k === 'quote') fillers.push([f.name, (w) => w5Text(w.n)]);
      else if (k === 'kind') fillers.push([f.name, () => 'DIRECT_QUOTE']);
      else if (k === 'saidat') fillers.push([f.name, (w) => w.saidAt]);
      else if (nonNull) throw new Error(`createStatement needs "${f.name}", which the bench does not know how to fill`);
    }
    return (w) => Object.fromEntries(fillers.map(([name, fn]) => [name, fn(w)]));
  };
  const argDefs: string[] = [],
    argUses: string[] = [];
  const makers: [string, (w: WriteArgs) => unknown][] = [];
  for (const arg of field.args) {
    const t = named(arg.type);
    const typeText = (function render(x: any): string {
      return x.kind === 'NON_NULL' ? `${render(x.ofType)}!` : x.kind === 'LIST' ? `[${render(x.ofType)}]` : x.name;
    })(arg.type);
    argDefs.push(`$${arg.name}: ${typeText}`);
    argUses.push(`${arg.name}: $${arg.name}`);
    if (t.kind === 'INPUT_OBJECT') makers.push([arg.name, await fill(t.name)]);
    else if (t.nonNull) throw new Error(`createStatement's argument "${arg.name}" is not an input object`);
  }
  const payload = named(field.type).name;
  const p = await gql(url, `{ __type(name: "${payload}") { fields { name } } }`);
  const selection = p.data?.__type?.fields?.some((f: any) => f.name === 'statement') ? 'statement { id }' : '__typename';
  const document = `mutation W5(${argDefs.join(', ')}) { createStatement(${argUses.join(', ')}) { ${selection} } }`;
  return {
    document,
    variables: (w: WriteArgs) => Object.fromEntries(makers.map(([name, fn]) => [name, fn(w)])),
  };
}

/** PostGraphile's generated CRUD mutation for the same insert (amber preset; no auth in the peer). */
export const postgraphileCreateStatement = /* GraphQL */ `mutation W5($input: CreateStatementInput!) {
  createStatement(input: $input) { statement { rowId } }
}`;
export const postgraphileWriteVariables = (w: WriteArgs) => ({
  input: { statement: { articleId: w.articleId, speakerId: w.speakerId, kind: 'DIRECT_QUOTE', text: w5Text(w.n), saidAt: w.saidAt } },
});
/** The floor's POST /w5 body. */
export const floorWriteBody = (w: WriteArgs) =>
  JSON.stringify({ articleId: w.articleId, speakerId: w.speakerId, kind: 'DIRECT_QUOTE', text: w5Text(w.n), saidAt: w.saidAt });

/** W5's (article, speaker) pairs: random articles, each with a person already linked to it. */
export async function writeArgs(databaseUrl: string, articleIds: number[]): Promise<WriteArgs[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const pairs = await sql`select distinct on (article_id) article_id, person_id from article_people
      where article_id = any(${articleIds}::int[]) order by article_id, person_id`;
    const speakerOf = new Map(pairs.map((p) => [p.article_id as number, p.person_id as number]));
    return articleIds
      .filter((a) => speakerOf.has(a))
      .map((articleId, n) => ({ n, articleId, speakerId: speakerOf.get(articleId)!, saidAt: '2026-01-01T12:00:00.000Z' }));
  } finally {
    await sql.end();
  }
}

/** The subscription document: `statementAdded` with the statement's id and text, whatever its payload. */
export async function statementAddedDocument(url: string): Promise<string> {
  const intro = await gql(url, `{ __schema { subscriptionType { fields { name args { name type { ${TYPE_REF} } } type { ${TYPE_REF} } } } } }`);
  const field = intro.data?.__schema?.subscriptionType?.fields?.find((f: any) => f.name === 'statementAdded');
  if (!field) throw new Error('statementAdded is not in the schema');
  const required = field.args.filter((a: any) => a.type.kind === 'NON_NULL');
  if (required.length) throw new Error(`statementAdded needs arguments the bench does not fill: ${required.map((a: any) => a.name).join(', ')}`);
  const type = named(field.type).name;
  if (type === 'Statement') return 'subscription W6 { statementAdded { id text } }';
  const t = await gql(url, `{ __type(name: "${type}") { fields { name type { ${TYPE_REF} } } } }`);
  const sub = t.data.__type.fields.find((f: any) => named(f.type).name === 'Statement');
  if (!sub) throw new Error(`statementAdded returns ${type}, which has no Statement field`);
  return `subscription W6 { statementAdded { ${sub.name} { id text } } }`;
}

/** utime + stime of a process, ms (Linux /proc; NaN elsewhere). */
function cpuMsOf(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ = 100 on Linux
  } catch {
    return NaN;
  }
}

/** Markers of the warm-up inserts (the measured ones count from 0). */
const WARMUP_MARKER = 1_000_000;

/**
 * The first event one SSE and one graphql-ws subscriber received, parsed in full: a `next` whose
 * data answers the document (statementAdded's statement, with id and the inserted text).
 */
function checkSamples(samples: { sse?: string; ws?: string }, document: string, sse: boolean, ws: boolean): string[] {
  const problems: string[] = [];
  const statementOf = (payload: any) => {
    const added = payload?.data?.statementAdded;
    const field = /statementAdded \{ (\w+) \{/.exec(document)?.[1];
    return field ? added?.[field] : added;
  };
  const check = (transport: string, payload: unknown) => {
    const statement = statementOf(payload);
    if (typeof statement?.id !== 'string' || !/^Live statement bench-w6-\d+ on tariffs and trade\.$/.test(statement?.text ?? '')) {
      problems.push(`${transport}: unexpected event ${JSON.stringify(payload).slice(0, 200)}`);
    }
  };
  if (sse) {
    const data = samples.sse && /event: next\ndata: (.*)\n\n/.exec(samples.sse)?.[1];
    if (!data) problems.push(`SSE: no \`event: next\` frame in ${JSON.stringify(samples.sse?.slice(0, 200))}`);
    else check('SSE', JSON.parse(data));
  }
  if (ws) {
    const message = samples.ws ? JSON.parse(samples.ws) : null;
    if (message?.type !== 'next') problems.push(`graphql-ws: no \`next\` message in ${JSON.stringify(samples.ws?.slice(0, 200))}`);
    else check('graphql-ws', message.payload);
  }
  return problems;
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/**
 * W6: subscribers in a separate process; statements inserted at a steady rate straight into the
 * database (the trigger announces every insert, whoever makes it). Latency runs from just before the
 * INSERT is sent to receipt (so it includes the commit itself).
 */
export async function runFanout(opts: {
  url: string;
  databaseUrl: string;
  sse: number;
  ws: number;
  rate: number;
  seconds: number;
  articles: number;
  people: number;
  /** Seconds of inserts at the same rate before the measured ones, not counted (as the read workloads' warm-up). */
  warmupSeconds: number;
  /** The service's RSS, MB (for the growth while subscribers are connected). */
  rss?: () => number;
  /** The service's pid: its CPU time over the inserts and the drain is reported (serverCpuMs). */
  serverPid?: number;
}) {
  const document = await statementAddedDocument(opts.url);
  const rss = opts.rss ?? (() => NaN);
  const rssBefore = rss();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/live/clients.ts', opts.url, String(opts.sse), String(opts.ws), document], {
    cwd: ROOT_DIR,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const nextLine = () => new Promise<string>((resolve) => lines.once('line', resolve));
  const ready = await nextLine();
  const [, connected, failed] = ready.split(' ').map(Number);
  await new Promise((r) => setTimeout(r, 1000));
  const rssConnected = rss();
  const sql = postgres(opts.databaseUrl, { max: 4, onnotice: () => {} });
  // CPU of both sides over the measured inserts and the drain: which one is the bottleneck.
  const sent = new Map<number, number>();
  const total = opts.rate * opts.seconds;
  const warmup = Math.round(opts.rate * opts.warmupSeconds);
  const inserts: Promise<unknown>[] = [];
  /** Inserts `count` statements, markers from `first`, at the rate; returns when the last is sent. */
  const insertAtRate = async (first: number, count: number) => {
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const n = first + i;
      const wait = start + (i * 1000) / opts.rate - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sent.set(n, performance.timeOrigin + performance.now());
      const articleId = 1 + (n % opts.articles);
      // postgres.js queries are lazy: without execute() nothing is sent until awaited, and every INSERT
      // would wait for the Promise.all below (the whole run), its latency counted from here.
      inserts.push(
        sql`insert into statements (article_id, speaker_id, speaker_label, kind, text, said_at)
        values (${articleId}, ${1 + (n % opts.people)}, 'bench', 'DIRECT_QUOTE', ${`Live statement bench-w6-${n} on tariffs and trade.`}, now())`.execute(),
      );
    }
  };
  // Warm-up (markers from WARMUP_MARKER on), then the measured inserts (markers 0 … total-1).
  await insertAtRate(WARMUP_MARKER, warmup);
  await new Promise((r) => setTimeout(r, 1000 / opts.rate));
  const serverCpu0 = opts.serverPid ? cpuMsOf(opts.serverPid) : NaN;
  const clientCpu0 = cpuMsOf(child.pid!);
  const t0 = performance.now();
  await insertAtRate(0, total);
  await Promise.all(inserts);
  await sql.end();
  // Drain: wait until every delivery has arrived, or none has arrived for 5 s (at most 120 s).
  const expected = (warmup + total) * (opts.sse + opts.ws);
  const drainStart = Date.now();
  let last = -1,
    lastChange = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    child.stdin!.write('COUNT\n');
    const n = Number((await nextLine()).split(' ')[1]);
    if (n !== last) (last = n), (lastChange = Date.now());
    if (n >= expected || Date.now() - lastChange > 5000 || Date.now() - drainStart > 120_000) break;
  }
  const drainMs = Date.now() - drainStart;
  const serverCpuMs = opts.serverPid ? cpuMsOf(opts.serverPid) - serverCpu0 : NaN;
  const clientLoadCpuMs = cpuMsOf(child.pid!) - clientCpu0;
  const loadMs = performance.now() - t0;
  const rssAfter = rss();
  child.stdin!.write('STOP\n');
  const result = JSON.parse(await nextLine()) as {
    connected: number;
    failed: number;
    errors: number;
    cpuMs: number;
    receipts: Record<string, number>[];
    samples: { sse?: string; ws?: string };
  };
  const contentErrors = checkSamples(result.samples, document, opts.sse > 0, opts.ws > 0);
  await new Promise((r) => setTimeout(r, 2000));
  const rssClosed = rss();
  const latencies: number[] = [],
    sseLat: number[] = [],
    wsLat: number[] = [];
  // Per INSERT: its first receipt (commit, NOTIFY, read, execute) and its last (the fan-out after it).
  const firstAt = new Array<number>(total).fill(Infinity),
    lastAt = new Array<number>(total).fill(-Infinity);
  let lost = 0;
  result.receipts.forEach((r, client) => {
    for (let n = 0; n < total; n++) {
      const at = r[n];
      if (at == null) lost++;
      else {
        const ms = at - sent.get(n)!;
        latencies.push(ms);
        (client < opts.sse ? sseLat : wsLat).push(ms);
        firstAt[n] = Math.min(firstAt[n]!, ms);
        lastAt[n] = Math.max(lastAt[n]!, ms);
      }
    }
  });
  const warmLat: number[] = [];
  result.receipts.forEach((r) => {
    for (let n = WARMUP_MARKER; n < WARMUP_MARKER + warmup; n++) if (r[n] != null) warmLat.push(r[n]! - sent.get(n)!);
  });
  const received = [...firstAt.keys()].filter((n) => Number.isFinite(firstAt[n]!));
  const firstLat = received.map((n) => firstAt[n]!),
    spread = received.map((n) => lastAt[n]! - firstAt[n]!);
  if (process.env.BENCH_W6_DUMP) writeFileSync(process.env.BENCH_W6_DUMP, JSON.stringify({ first: firstAt, last: lastAt }));
  return {
    document,
    subscribers: opts.sse + opts.ws,
    connected,
    failedToConnect: failed,
    inserted: total,
    expectedDeliveries: total * (opts.sse + opts.ws),
    delivered: latencies.length,
    lost,
    rate: opts.rate,
    seconds: opts.seconds,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    max: latencies.length ? latencies.reduce((a, b) => Math.max(a, b), -Infinity) : NaN,
    sseP99: pct(sseLat, 99),
    warmup,
    /** Over the warm-up inserts (not counted above): the service's first events after start. */
    warmupP99: pct(warmLat, 99),
    /** What the first subscribers received, checked against the document (empty: as expected). */
    contentErrors,
    /** Per INSERT: latency of its first receipt, and the spread from first to last receipt. */
    firstP50: pct(firstLat, 50),
    firstP99: pct(firstLat, 99),
    spreadP50: pct(spread, 50),
    spreadP99: pct(spread, 99),
    wsP99: pct(wsLat, 99),
    streamErrors: result.errors,
    clientCpuMs: result.cpuMs,
    /** CPU over the inserts and the drain (loadMs of wall time), server and subscriber process. */
    loadMs,
    serverCpuMs,
    clientLoadCpuMs,
    drainMs,
    rssBeforeMB: rssBefore,
    rssConnectedMB: rssConnected,
    rssAfterMB: rssAfter,
    rssClosedMB: rssClosed,
  };
}
