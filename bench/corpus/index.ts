// The benchmark databases: one per corpus size, migrated with the service's own migrations and loaded
// once; reused while the size, seed and generator version match.
import postgres from 'postgres';
import { createDb } from '../../src/db/index.js';
import { type LoadStats, type Size, loadCorpus, planFor } from './generate.js';

/** Bump when the generator's output changes, so stale databases are rebuilt. */
// 2: link rows carry their targets' sort keys (drizzle/0004); 3: search tiers (drizzle/0005)
export const GENERATOR_VERSION = 3;

export function databaseUrl(baseUrl: string, size: Size): string {
  const url = new URL(baseUrl);
  // BENCH_CORPUS_PREFIX: a branch whose migrations differ keeps off the shared corpus databases.
  url.pathname = `/${process.env.BENCH_CORPUS_PREFIX ?? 'newsgraph_bench'}_${size.toLowerCase()}`;
  return url.toString();
}

export interface Corpus extends LoadStats {
  size: Size;
  seed: number;
  url: string;
  reused: boolean;
  /** Highest ids after the load: rows above them were written by W5/W6 and are removed on reuse. */
  maxStatementId: number;
}

const PEER_SQL = `
create schema if not exists bench_meta;
create table if not exists bench_meta.corpus (size text, seed int, version int, stats jsonb, loaded_at timestamptz default now());
-- PostGraphile has no full-text search of its own: the conventional way is a set-returning function.
create schema if not exists bench_pg;
create or replace function bench_pg.search_statements(query text) returns setof public.statements
  language sql stable as $$
    select s.* from public.statements s
    where s.search @@ websearch_to_tsquery('english', query)
    order by ts_rank(s.search, websearch_to_tsquery('english', query)) desc, s.id desc
  $$;
`;

export async function ensureCorpus(baseUrl: string, size: Size, seed: number, opts: { reload?: boolean; log?: (m: string) => void } = {}): Promise<Corpus> {
  const log = opts.log ?? console.log;
  const url = databaseUrl(baseUrl, size);
  const name = new URL(url).pathname.slice(1);
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    const exists = (await admin`select 1 from pg_database where datname = ${name}`).length > 0;
    if (exists && !opts.reload) {
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const meta = await sql`select stats from bench_meta.corpus where size = ${size} and seed = ${seed} and version = ${GENERATOR_VERSION}`.catch(() => []);
        if (meta.length) {
          const stats = meta[0]!.stats as LoadStats;
          // Remove what earlier write workloads added.
          const removed = await sql`delete from statements where id > ${stats.statements}`;
          if (removed.count) {
            log(`  removed ${removed.count} statements written by an earlier run`);
            // Their dead rows sit at the newest end of every id-ordered index until vacuumed.
            await sql.unsafe('vacuum analyze').simple();
          }
          await sql.unsafe(PEER_SQL).simple();
          log(`  reusing ${name} (${stats.statements} statements, seed ${seed})`);
          return { ...stats, size, seed, url, reused: true, maxStatementId: stats.statements };
        }
      } finally {
        await sql.end();
      }
    }
    if (exists) await admin.unsafe(`drop database ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  log(`  created ${name}; applying the service's migrations`);
  const database = await createDb({ databaseUrl: url, maxConnections: 1 });
  await database.migrate();
  await database.close();
  const sql = postgres(url, { max: 10, onnotice: () => {} });
  try {
    const stats = await loadCorpus(sql, planFor(size, seed), log);
    await sql.unsafe(PEER_SQL).simple();
    await sql`insert into bench_meta.corpus (size, seed, version, stats) values (${size}, ${seed}, ${GENERATOR_VERSION}, ${sql.json(stats as never)})`;
    log(
      `  ${size}: ${stats.articles} articles, ${stats.statements} statements, ${stats.people} people, ${stats.events} events in ${stats.seconds.toFixed(1)}s`,
    );
    return { ...stats, size, seed, url, reused: false, maxStatementId: stats.statements };
  } finally {
    await sql.end();
  }
}
