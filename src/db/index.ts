import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type postgres from 'postgres';
import * as schema from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

export interface Database {
  db: Db;
  driver: 'pglite' | 'postgres';
  /** Runs a callback for every NOTIFY on `channel`; resolves to an unsubscribe function. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface DbOptions {
  /** PostgreSQL URL; without it the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory (`memory://` for in-memory). */
  pgliteDir?: string | undefined;
  /** Called with the text of every SQL statement issued through drizzle (tests count them). */
  onQuery?: (query: string) => void;
  /** postgres.js pool size. */
  maxConnections?: number;
}

export async function createDb(options: DbOptions): Promise<Database> {
  const logger = options.onQuery ? { logQuery: (query: string) => options.onQuery!(query) } : undefined;
  return options.databaseUrl
    ? createPostgresDb(options.databaseUrl, logger, options.maxConnections)
    : createPgliteDb(options.pgliteDir ?? './data', logger);
}

type Logger = { logQuery(query: string, params: unknown[]): void } | undefined;

async function createPgliteDb(dataDir: string, logger: Logger): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  if (!dataDir.includes('://')) mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
  const client: PGlite = await PGlite.create(dataDir);
  const db = drizzle({ client, schema, logger });
  return {
    db: db as unknown as Db,
    driver: 'pglite',
    async listen(channel, onNotify) {
      const unlisten = await client.listen(channel, onNotify);
      return unlisten;
    },
    migrate: () => migrate(db, { migrationsFolder: MIGRATIONS_FOLDER }),
    close: () => client.close(),
  };
}

async function createPostgresDb(url: string, logger: Logger, max = 10): Promise<Database> {
  const { default: postgresClient } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const client: postgres.Sql = postgresClient(url, { max, onnotice: () => {} });
  const db = drizzle({ client, schema, logger });
  return {
    db: db as unknown as Db,
    driver: 'postgres',
    async listen(channel, onNotify) {
      const { unlisten } = await client.listen(channel, onNotify);
      return unlisten;
    },
    async migrate() {
      // Several instances may start at once against one database: migrate one at a time, holding
      // a session advisory lock on a dedicated single connection.
      const lockClient = postgresClient(url, { max: 1, onnotice: () => {} });
      try {
        await lockClient`select pg_advisory_lock(7201)`;
        await migrate(drizzle({ client: lockClient, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await lockClient.end({ timeout: 5 });
      }
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/** True when the schema has been migrated (used by readiness and the first-start seed). */
export async function isMigrated(db: Db): Promise<boolean> {
  const result = await db.execute(sql`select to_regclass('public.statements') is not null as ok`);
  return Boolean(rowsOf<{ ok: boolean }>(result)[0]?.ok);
}

/** drizzle's `execute` returns an array on postgres.js and `{ rows }` on PGlite. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}
