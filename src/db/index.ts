import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type postgres from 'postgres';
import { type PostgresListener, createPostgresListener } from './listener.js';
import { type ReadBalance, type ReadRouter, type Replica, createReadRouter, replicaNames } from './replicas.js';
import { lockDataDirectory } from './lock.js';
import { projectPath } from '../paths.js';
import * as schema from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export const MIGRATIONS_FOLDER = projectPath('drizzle');

export interface Database {
  db: Db;
  driver: 'pglite' | 'postgres';
  /**
   * Runs a callback for every NOTIFY on `channel`; resolves to an unsubscribe function.
   * `onListen` runs once listening and again after every reconnection (NOTIFYs sent while the
   * connection was down are lost: catch up from the database there).
   */
  listen(channel: string, onNotify: (payload: string) => void, onListen?: () => void): Promise<() => Promise<void>>;
  /** Whether the LISTEN connection is up (PGlite: always, it is in-process). */
  listenConnected(): boolean;
  /** Where read-only operations go, when there are read replicas (src/db/replicas.ts). */
  reads?: ReadRouter | undefined;
  migrate(): Promise<void>;
  /** Embedded: records the URL this process serves in the directory's lock, for whoever is refused. */
  describeOwner(details: { url: string; port: number }): void;
  close(): Promise<void>;
}

export interface DbOptions {
  /** PostgreSQL URL; without it the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory (`memory://` for in-memory). */
  pgliteDir?: string | undefined;
  /** Called with the text of every SQL statement issued through drizzle (tests count them). */
  onQuery?: (query: string, params: unknown[]) => void;
  /** postgres.js pool size. */
  maxConnections?: number;
  /** PostgreSQL server only: cancel any statement running longer than this (0: no limit). */
  statementTimeoutMs?: number;
  /** PostgreSQL server only: give up connecting after this, so an outage fails requests fast. */
  connectTimeoutMs?: number;
  /** Streaming replicas of `databaseUrl` for read-only operations (src/db/replicas.ts). */
  readUrls?: string[] | undefined;
  readBalance?: ReadBalance | undefined;
  /** A replica whose data is older than this leaves the read rotation. */
  replicaMaxLagMs?: number | undefined;
  replicaProbeMs?: number | undefined;
  /** Where LISTEN (and the migration lock) connect when `databaseUrl` goes through a transaction pooler (PgBouncer). */
  listenUrl?: string | undefined;
  /** Replicas leaving and rejoining the rotation. */
  logger?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void } | undefined;
  /** Embedded only: who holds the data directory, as a refused opener is told (default: the script's name). */
  owner?: string;
}

export async function createDb(options: DbOptions): Promise<Database> {
  const logger = options.onQuery ? { logQuery: (query: string, params: unknown[]) => options.onQuery!(query, params) } : undefined;
  if (options.readUrls?.length && !options.databaseUrl) throw new Error('Read replicas (DATABASE_READ_URL) need a PostgreSQL primary (DATABASE_URL).');
  return options.databaseUrl
    ? createPostgresDb(options.databaseUrl, logger, options.maxConnections, options)
    : createPgliteDb(options.pgliteDir ?? './data', logger, options.owner ?? path.basename(process.argv[1] ?? 'node'));
}

type Logger = { logQuery(query: string, params: unknown[]): void } | undefined;

async function createPgliteDb(dataDir: string, logger: Logger, owner: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const onDisk = !dataDir.includes('://');
  if (onDisk) mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
  // Before PGlite touches the directory: a second opener must not even read it.
  const lock = onDisk ? lockDataDirectory(dataDir, owner) : undefined;
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  let client: PGlite;
  try {
    client = await PGlite.create(dataDir, { extensions: { pg_trgm } });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db = drizzle({ client, schema, logger });
  return {
    db: db as unknown as Db,
    driver: 'pglite',
    async listen(channel, onNotify, onListen) {
      const unlisten = await client.listen(channel, onNotify);
      onListen?.();
      return unlisten;
    },
    listenConnected: () => true,
    migrate: () => migrate(db, { migrationsFolder: MIGRATIONS_FOLDER }),
    describeOwner: (details) => lock?.describe(details),
    async close() {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

async function createPostgresDb(url: string, logger: Logger, max = 10, options: DbOptions = {}): Promise<Database> {
  const { default: postgresClient } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const pool = (poolUrl: string) =>
    postgresClient(poolUrl, {
      max,
      onnotice: () => {},
      connect_timeout: (options.connectTimeoutMs ?? 2_000) / 1000,
      // postgres.js backs off up to 20 s between reconnects, and queued queries wait it out: during
      // an outage requests would hang. Retry soon instead, so each request fails (or succeeds) fast.
      backoff: () => 0.1,
      connection: { statement_timeout: options.statementTimeoutMs ?? 5_000 },
    });
  const client: postgres.Sql = pool(url);
  const db = drizzle({ client: preparingEverything(client), schema, logger }) as unknown as Db;
  const names = replicaNames(options.readUrls ?? []);
  const replicas = (options.readUrls ?? []).map((replicaUrl, i): Replica => {
    const counted = countingQueries(pool(replicaUrl));
    return { name: names[i]!, db: drizzle({ client: preparingEverything(counted.client), schema, logger }) as unknown as Db, ...counted };
  });
  const reads =
    replicas.length > 0
      ? createReadRouter({
          primary: db,
          primaryClient: client,
          replicas,
          balance: options.readBalance,
          maxLagMs: options.replicaMaxLagMs,
          probeIntervalMs: options.replicaProbeMs,
          logger: options.logger,
        })
      : undefined;
  // Replicas that answer are in the rotation from the first request on.
  await reads?.probe();
  // Its own connection, opened on the first listen: scripts that never listen do not pay for it.
  // Always the primary (a standby delivers no NOTIFY), and direct (a transaction pooler breaks LISTEN).
  let listener: PostgresListener | undefined;
  return {
    db,
    driver: 'postgres',
    reads,
    listen(channel, onNotify, onListen) {
      listener ??= createPostgresListener(options.listenUrl ?? url);
      return listener.listen(channel, onNotify, onListen);
    },
    listenConnected: () => listener?.connected() ?? false,
    describeOwner: () => {},
    async migrate() {
      // Several instances may start at once against one database: migrate one at a time, holding
      // a session advisory lock on a dedicated single connection (direct, like LISTEN: a
      // transaction pooler would hand the locked session to someone else).
      const lockClient = postgresClient(options.listenUrl ?? url, { max: 1, onnotice: () => {} });
      try {
        await lockClient`select pg_advisory_lock(7201)`;
        await migrate(drizzle({ client: lockClient, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await lockClient.end({ timeout: 5 });
      }
    },
    async close() {
      await reads?.close();
      await listener?.close();
      await Promise.all([client, ...replicas.map((r) => r.client)].map((c) => c.end({ timeout: 5 })));
    },
  };
}

/**
 * Counts the queries in flight on a pool (for least-outstanding balancing) and reports failures.
 * postgres.js runs a query on its first `then`, a microtask after it is built, so options set
 * right after (drizzle's `.values()`) still apply.
 */
function countingQueries(client: postgres.Sql) {
  let outstanding = 0;
  const listeners: ((error: unknown) => void)[] = [];
  const counted = new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'unsafe') return Reflect.get(target, property, receiver);
      return (...args: Parameters<postgres.Sql['unsafe']>) => {
        const query = target.unsafe(...args);
        outstanding++;
        query.then(
          () => outstanding--,
          (error: unknown) => {
            outstanding--;
            for (const listener of listeners) listener(error);
          },
        );
        return query;
      };
    },
  });
  return {
    client: counted,
    outstanding: () => outstanding,
    onQueryFailed: (listener: (error: unknown) => void) => void listeners.push(listener),
  };
}

/**
 * drizzle sends every query it was not asked to `.prepare()` as an unnamed statement, which
 * PostgreSQL parses and plans on every execution; postgres.js can prepare each text once per
 * connection instead (its default for its own queries). The number of texts is bounded by the
 * query shapes the code builds, and postgres.js drops them with the connection (max_lifetime).
 */
function preparingEverything(client: postgres.Sql): postgres.Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (query: string, params?: unknown[], options?: object) => target.unsafe(query, params as never, { ...options, prepare: true });
      }
      if (property === 'begin') {
        // A transaction's queries go through its own client, handed to the callback.
        return (...args: unknown[]) => {
          const callback = args.at(-1) as (tx: postgres.TransactionSql) => unknown;
          return (target.begin as (...a: unknown[]) => unknown)(...args.slice(0, -1), (tx: postgres.TransactionSql) =>
            callback(preparingEverything(tx as unknown as postgres.Sql) as unknown as postgres.TransactionSql),
          );
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
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
