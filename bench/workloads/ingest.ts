// W7 "bulk ingest": articles/s of `npm run ingest` (extraction on) over a folder of generated
// articles, into a fresh PostgreSQL database and a fresh PGlite directory; and the floor: a COPY
// of the rows that ingest stored, into another fresh database (no extraction, no resolution: the
// physical limit of the database path).
//
//   node --import tsx bench/workloads/ingest.ts [--articles 200] [--batch 50]
//
// `npm run bench` runs it too, as W7 (bench/run.ts, `ingestWorkload`).
//
// The articles are the S corpus's own (bench/corpus: real English words, Zipf-distributed people),
// written out as .txt files with header lines, so their people and statements come from the extractor.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { createDb } from '../../src/db/index.js';
import { ensureCorpus } from '../corpus/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

// Tables in foreign-key order.
const TABLES = ['articles', 'people', 'events', 'quotations', 'statements', 'article_people', 'article_events', 'event_participants', 'statement_mentions'];

/** One column of a row in COPY's text format. */
const copyText = (value: string | null): string =>
  value === null ? '\\N' : value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

export interface IngestRun {
  /** The whole process: start-up, migration check and the extractor's lexicon load included. */
  seconds: number;
  /** The ingest's own articles/s, from its summary line. */
  rate: number;
  summary: string;
}

export interface IngestMeasurement {
  articles: number;
  batch: number;
  postgres: IngestRun;
  pglite: IngestRun;
  floorSeconds: number;
  floorRows: number;
}

function ingest(dir: string, batch: number, env: Record<string, string>): Promise<IngestRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'scripts/ingest.ts'), '--batch', String(batch), dir],
      { cwd: ROOT, env: { ...process.env, ...env, LOG_LEVEL: 'silent' }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => {
        if (error) return reject(new Error(`ingest failed: ${error.message}\n${stdout.slice(-2000)}`));
        const summary = stdout.slice(stdout.lastIndexOf('\ningested ') + 1);
        const rate = Number(/\(([\d.]+) articles\/s/.exec(summary)?.[1] ?? Number.NaN);
        resolve({ seconds: (performance.now() - started) / 1000, rate, summary });
      },
    );
  });
}

/** W7: `npm run ingest` of `articles` generated articles into fresh PostgreSQL and PGlite databases, and the COPY floor. */
export async function ingestWorkload(options: { baseUrl: string; articles: number; batch: number }): Promise<IngestMeasurement> {
  const { baseUrl, articles: count, batch } = options;
  const dbUrl = (name: string) => Object.assign(new URL(baseUrl), { pathname: `/${name}` }).toString();
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  const fresh = async (name: string) => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
    const database = await createDb({ databaseUrl: dbUrl(name), maxConnections: 1 });
    await database.migrate();
    await database.close();
  };
  const dir = await mkdtemp(path.join(tmpdir(), 'newsgraph-w7-'));
  try {
    const corpus = await ensureCorpus(baseUrl, 'S', 42, { log: () => {} });
    const source = postgres(corpus.url, { max: 1, onnotice: () => {} });
    const rows = await source`select id, url, headline, source, published_at, body from articles order by id limit ${count}`;
    await source.end();
    for (const a of rows) {
      const header = `URL: ${a.url}\nHeadline: ${a.headline}\nSource: ${a.source}\nPublished: ${new Date(a.published_at).toISOString()}\n\n`;
      await writeFile(path.join(dir, `${String(a.id).padStart(6, '0')}.txt`), header + a.body);
    }

    // PostgreSQL: a fresh database, migrated first so the timed run is the ingest only.
    await fresh('newsgraph_bench_w7');
    const pg = await ingest(dir, batch, { DATABASE_URL: dbUrl('newsgraph_bench_w7') });
    console.error(`W7 PostgreSQL: ${pg.summary.split('\n')[0]}`);

    // PGlite: a fresh directory (migrated by a first, empty run).
    const pgliteDir = path.join(dir, '.pglite');
    await mkdtemp(path.join(dir, '.empty-')).then((empty) => ingest(empty, batch, { DATABASE_URL: '', PGLITE_DIR: pgliteDir }).catch(() => {}));
    const lite = await ingest(dir, batch, { DATABASE_URL: '', PGLITE_DIR: pgliteDir });
    console.error(`W7 PGlite: ${lite.summary.split('\n')[0]}`);

    await fresh('newsgraph_bench_w7_floor');
    // The floor: what the PostgreSQL run stored, written with one COPY per table into a fresh database
    // (triggers on, as ingest has them). Only the writes are timed. The rows are read with a plain
    // SELECT of each column as text (PostgreSQL's own text form, which COPY's text format takes): a
    // postgres.js `copy … to stdout` readable sometimes never ends (porsager/postgres#917), and the
    // floor used to stall for good on it.
    const from = postgres(dbUrl('newsgraph_bench_w7'), { max: 1, onnotice: () => {} });
    const to = postgres(dbUrl('newsgraph_bench_w7_floor'), { max: 1, onnotice: () => {} });
    const dumps: { table: string; list: string; data: Buffer }[] = [];
    for (const table of TABLES) {
      const columns = (
        await from`select column_name from information_schema.columns where table_schema = 'public' and table_name = ${table} and is_generated = 'NEVER' order by ordinal_position`
      ).map((c) => `"${c.column_name}"`);
      const rows = await from.unsafe(`select ${columns.map((column) => `${column}::text`).join(', ')} from ${table}`).values();
      const data = Buffer.from(rows.map((row) => `${(row as (string | null)[]).map(copyText).join('\t')}\n`).join(''));
      dumps.push({ table, list: columns.join(', '), data });
    }
    await from.end({ timeout: 1 });
    const started = performance.now();
    for (const { table, list, data } of dumps) {
      const writer = await to.unsafe(`copy ${table} (${list}) from stdin`).writable();
      await pipeline(Readable.from([data]), writer);
    }
    const floorSeconds = (performance.now() - started) / 1000;
    let copied = 0;
    for (const { table } of dumps) copied += Number((await to.unsafe(`select count(*)::int as n from ${table}`))[0]!.n);
    await to.end({ timeout: 1 });

    return { articles: count, batch, postgres: pg, pglite: lite, floorSeconds, floorRows: copied };
  } finally {
    await admin.unsafe('drop database if exists newsgraph_bench_w7 with (force)').catch(() => {});
    await admin.unsafe('drop database if exists newsgraph_bench_w7_floor with (force)').catch(() => {});
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The W7 table, as results/ingest.md and latest.md show it. */
export function ingestTable(m: IngestMeasurement): string[] {
  const rate = (s: number) => (m.articles / s).toFixed(1);
  return [
    `W7 bulk ingest, ${m.articles} generated articles (S corpus, seed 42), --batch ${m.batch}, EXTRACT_WORKERS=${process.env.EXTRACT_WORKERS ?? 'default'}`,
    '',
    '| system | seconds (process, incl. start) | articles/s (process) | articles/s (ingest, its summary) |',
    '| --- | ---: | ---: | ---: |',
    `| npm run ingest, PostgreSQL | ${m.postgres.seconds.toFixed(1)} | ${rate(m.postgres.seconds)} | ${m.postgres.rate.toFixed(1)} |`,
    `| npm run ingest, PGlite | ${m.pglite.seconds.toFixed(1)} | ${rate(m.pglite.seconds)} | ${m.pglite.rate.toFixed(1)} |`,
    `| floor: COPY of the stored rows (${m.floorRows} rows), PostgreSQL | ${m.floorSeconds.toFixed(2)} | ${rate(m.floorSeconds)} | |`,
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { articles: { type: 'string', default: '200' }, batch: { type: 'string', default: '50' } } });
  const m = await ingestWorkload({
    baseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    articles: Number(values.articles),
    batch: Number(values.batch),
  });
  console.log(ingestTable(m).join('\n'));
  console.log(`\nPostgreSQL run:\n${m.postgres.summary}\nPGlite run:\n${m.pglite.summary}`);
}
