// W7 "bulk ingest": articles/s of `npm run ingest` (extraction on) over a folder of generated
// articles, into a fresh PostgreSQL database and a fresh PGlite directory; and the floor: a COPY
// of the rows that ingest stored, into another fresh database (no extraction, no resolution: the
// physical limit of the database path).
//
//   node --import tsx bench/workloads/ingest.ts [--articles 200] [--batch 50]
//
// The articles are the S corpus's own (bench/corpus: real English words, Zipf-distributed people),
// written out as .txt files with header lines, so their people and statements come from the extractor.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { createDb } from '../../src/db/index.js';
import { ensureCorpus } from '../corpus/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({ options: { articles: { type: 'string', default: '200' }, batch: { type: 'string', default: '50' } } });
const count = Number(values.articles);
const baseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

// Tables in foreign-key order.
const TABLES = ['articles', 'people', 'events', 'quotations', 'statements', 'article_people', 'article_events', 'event_participants', 'statement_mentions'];

const dbUrl = (name: string) => Object.assign(new URL(baseUrl), { pathname: `/${name}` }).toString();

function ingest(dir: string, env: Record<string, string>): Promise<{ seconds: number; summary: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'scripts/ingest.ts'), '--batch', values.batch!, dir],
      { cwd: ROOT, env: { ...process.env, ...env, LOG_LEVEL: 'silent' }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => {
        if (error) return reject(new Error(`ingest failed: ${error.message}\n${stdout.slice(-2000)}`));
        const summary = stdout.slice(stdout.lastIndexOf('\ningested ') + 1);
        resolve({ seconds: (performance.now() - started) / 1000, summary });
      },
    );
  });
}

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
  const pg = await ingest(dir, { DATABASE_URL: dbUrl('newsgraph_bench_w7') });

  // PGlite: a fresh directory (migrated by a first, empty run).
  const pgliteDir = path.join(dir, '.pglite');
  await mkdtemp(path.join(dir, '.empty-')).then((empty) => ingest(empty, { DATABASE_URL: '', PGLITE_DIR: pgliteDir }).catch(() => {}));
  const lite = await ingest(dir, { DATABASE_URL: '', PGLITE_DIR: pgliteDir });

  // The floor: COPY of what the PostgreSQL run stored, table by table, into a fresh database (triggers on, as ingest has them).
  await fresh('newsgraph_bench_w7_floor');
  const from = postgres(dbUrl('newsgraph_bench_w7'), { max: 1, onnotice: () => {} });
  const to = postgres(dbUrl('newsgraph_bench_w7_floor'), { max: 1, onnotice: () => {} });
  const started = performance.now();
  let copied = 0;
  for (const table of TABLES) {
    const columns = (
      await from`select column_name from information_schema.columns where table_schema = 'public' and table_name = ${table} and is_generated = 'NEVER' order by ordinal_position`
    ).map((c) => `"${c.column_name}"`);
    const list = columns.join(', ');
    const reader = await from.unsafe(`copy ${table} (${list}) to stdout`).readable();
    const writer = await to.unsafe(`copy ${table} (${list}) from stdin`).writable();
    await new Promise<void>((resolve, reject) => reader.pipe(writer).on('finish', resolve).on('error', reject));
    copied += Number((await to.unsafe(`select count(*)::int as n from ${table}`))[0]!.n);
  }
  const floorSeconds = (performance.now() - started) / 1000;
  await from.end();
  await to.end();

  const rate = (s: number) => (count / s).toFixed(1);
  console.log(
    `W7 bulk ingest, ${count} generated articles (S corpus, seed 42), --batch ${values.batch}, EXTRACT_WORKERS=${process.env.EXTRACT_WORKERS ?? 'default'}`,
  );
  console.log('| system | seconds (process, incl. start) | articles/s |');
  console.log('| --- | ---: | ---: |');
  console.log(`| npm run ingest, PostgreSQL | ${pg.seconds.toFixed(1)} | ${rate(pg.seconds)} |`);
  console.log(`| npm run ingest, PGlite | ${lite.seconds.toFixed(1)} | ${rate(lite.seconds)} |`);
  console.log(`| floor: COPY of the stored rows (${copied} rows), PostgreSQL | ${floorSeconds.toFixed(2)} | ${rate(floorSeconds)} |`);
  console.log(`\nPostgreSQL run:\n${pg.summary}\nPGlite run:\n${lite.summary}`);
} finally {
  await admin.unsafe('drop database if exists newsgraph_bench_w7 with (force)').catch(() => {});
  await admin.unsafe('drop database if exists newsgraph_bench_w7_floor with (force)').catch(() => {});
  await admin.end();
  await rm(dir, { recursive: true, force: true });
}
