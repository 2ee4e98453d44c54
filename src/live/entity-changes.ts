import { sql } from 'drizzle-orm';
import { type Database, type Db, rowsOf } from '../db/index.js';
import { horizon, readHorizon } from './statement-log.js';
import type { LiveLogger } from './live-statements.js';
import { createPruner } from './pruner.js';

export const ENTITY_CHANGED_CHANNEL = 'entity_changed';

/** A row a committed write touched: its GraphQL type and row id (drizzle/0011). */
export interface EntityChange {
  typename: string;
  id: number;
}

/** What was announced: these entities changed, or `all` when this instance may have missed some. */
export type EntityChanges = EntityChange[] | 'all';

export interface EntityChangesOptions {
  database: Pick<Database, 'db' | 'listen'>;
  logger?: LiveLogger;
  /** Re-read the log this often even without a NOTIFY. */
  safetyPollMs?: number;
  /** Entries older than this are pruned in the background (unset: never). */
  retentionMs?: number;
  pruneIntervalMs?: number;
  pruneBatch?: number;
}

export type EntityChangeFeed = ReturnType<typeof createEntityChanges>;

const PAGE = 5_000;

/**
 * The instance's reader of `entity_changes`: every write to any table a read answer is built
 * from, by any instance or plain SQL. NOTIFY only says "look"; `catchUp()` reads everything
 * committed before it was called, so a caller that awaits it has seen every write acknowledged
 * before its request began (a response cache checks this before serving a stored answer).
 *
 * The cursor is a transaction id: entries of transactions below the horizon (none in flight
 * before it) are read once; entries above it are committed ones already visible, read again until
 * the horizon passes them and applied only once (`appliedAbove`).
 */
export function createEntityChanges(options: EntityChangesOptions) {
  const { db } = options.database;
  const listeners = new Set<(changes: EntityChanges) => void>();
  let cursor: bigint | null = null;
  const appliedAbove = new Map<number, bigint>();
  let stopped = false;
  let unlisten: (() => Promise<void>) | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  const pruner = createPruner({
    pruneBatch: (cutoff, batch) => pruneEntityChanges(db, cutoff, batch),
    retentionMs: options.retentionMs,
    intervalMs: options.pruneIntervalMs,
    batch: options.pruneBatch ?? 5_000,
    what: 'the entity change log',
    logger: options.logger,
  });
  let reading: Promise<void> | null = null;
  let queued: Promise<void> | null = null;

  const announce = (changes: EntityChanges) => {
    for (const listener of listeners) listener(changes);
  };

  async function read() {
    const settled = BigInt(await readHorizon(db));
    const from = cursor!;
    let after = { xid: from, position: 0 };
    let pruned: bigint | null = null;
    for (;;) {
      // The prune mark comes with the entries, in one snapshot: entries a prune took before they
      // were read are then always seen as missing.
      const rows = rowsOf<{ xid: string | null; position: string | number | null; typename: string | null; entity_id: number | null; pruned: string | null }>(
        await db.execute(sql`
          (select xid::text as xid, position::text as position, typename, entity_id, null::text as pruned from entity_changes
           where (xid, position) > (${after.xid.toString()}::xid8, ${after.position}::bigint)
           order by xid, position limit ${PAGE})
          union all (select null, null, null, null, xid::text from entity_changes_pruned)`),
      );
      const changes: EntityChange[] = [];
      let last: { xid: bigint; position: number } | undefined;
      let count = 0;
      for (const row of rows) {
        if (row.pruned !== null) {
          pruned = BigInt(row.pruned);
          continue;
        }
        count++;
        last = { xid: BigInt(row.xid!), position: Number(row.position) };
        if (appliedAbove.has(last.position)) continue;
        if (last.xid >= settled) appliedAbove.set(last.position, last.xid);
        changes.push({ typename: row.typename!, id: Number(row.entity_id) });
      }
      if (changes.length) announce(changes);
      if (!last || count < PAGE) break;
      after = last;
    }
    if (pruned !== null && pruned >= from) announce('all');
    cursor = settled;
    for (const [position, xid] of appliedAbove) if (xid < settled) appliedAbove.delete(position);
  }

  /** One read at a time; a caller arriving while one runs waits for the next (it may have begun too early). */
  function catchUp(): Promise<void> {
    if (stopped || cursor === null) return Promise.resolve();
    if (!reading) {
      reading = read().finally(() => {
        reading = null;
      });
      return reading;
    }
    queued ??= reading
      .catch(() => {})
      .then(() => {
        queued = null;
        return catchUp();
      });
    return queued;
  }

  const catchUpInBackground = () =>
    void catchUp().catch((error: unknown) => options.logger?.warn({ err: error }, 'reading the entity change log failed; retrying'));

  return {
    /** Called with what changed, in commit order per read; `all` when some may have been missed. */
    onChanges(listener: (changes: EntityChanges) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    catchUp,
    /** `follow: false` only prunes (no instance may leave the log to grow, cache or not). */
    async start({ follow = true }: { follow?: boolean } = {}) {
      pruner.start();
      if (!follow) return;
      cursor = BigInt(await readHorizon(db));
      // After a reconnection the NOTIFYs sent meanwhile are gone; the log still has their entries.
      unlisten = await options.database.listen(ENTITY_CHANGED_CHANNEL, catchUpInBackground, catchUpInBackground);
      pollTimer = setInterval(catchUpInBackground, options.safetyPollMs ?? 5_000);
      pollTimer.unref();
    },
    /** Prunes what is past retention now (tests; it also runs on its own). */
    prune: () => pruner.run(),
    async stop() {
      stopped = true;
      clearInterval(pollTimer);
      const pruned = pruner.stop();
      await unlisten?.().catch(() => {});
      await reading?.catch(() => {});
      await pruned;
    },
  };
}

/**
 * Deletes up to `batch` of the oldest entries older than `cutoff`, as a prefix in log order below
 * the horizon, and moves the mark with them; 0 when nothing is old enough or another instance is
 * pruning now.
 */
export async function pruneEntityChanges(db: Db, cutoff: Date, batch: number): Promise<number> {
  return db.transaction(async (tx) => {
    const [lock] = rowsOf<{ ok: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(7203) as ok`));
    if (!lock?.ok) return 0;
    const head = rowsOf<{ xid: string; position: string | number; old: boolean }>(
      await tx.execute(sql`
        select xid::text as xid, position::text as position, created_at < ${cutoff.toISOString()}::timestamptz as old
        from entity_changes where xid < ${horizon} order by xid, position limit ${batch}`),
    );
    const young = head.findIndex((row) => !row.old);
    const last = (young < 0 ? head : head.slice(0, young)).at(-1);
    if (!last) return 0;
    const deleted = rowsOf<{ position: string }>(
      await tx.execute(sql`
        delete from entity_changes where (xid, position) <= (${last.xid}::xid8, ${last.position}::bigint) returning position`),
    );
    await tx.execute(sql`
      insert into entity_changes_pruned (id, xid, position) values (true, ${last.xid}::xid8, ${last.position}::bigint)
      on conflict (id) do update set xid = excluded.xid, position = excluded.position`);
    return deleted.length;
  });
}
