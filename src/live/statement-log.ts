import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../db/index.js';
import { type LogPosition, compareLogPositions } from './cursor.js';

/** What subscribers filter on: ids only, read after the commit (so mentions are there). */
export interface StatementAddedMessage {
  at: LogPosition;
  statementId: number;
  articleId: number;
  speakerId: number | null;
  eventId: number | null;
  mentionIds: number[];
}

export interface LogPage {
  messages: StatementAddedMessage[];
  /** Where the page ends, deleted statements included: the next read starts here. */
  end: LogPosition | null;
  /** The page was full: read again straight away. */
  full: boolean;
}

// Nothing passes the oldest transaction of this database still in flight: it may yet commit a
// lower position. Only this database's: `pg_snapshot_xmin` alone spans the whole server, so any
// other application's idle-in-transaction session would hold back every subscriber. A session
// writes only its own database, so the in-flight ids that matter are those of this database's
// sessions (and prepared transactions); with none, everything before the next id is settled.
// One that ends between the snapshot and the look at the sessions is left out, which is safe only
// because the log is read in a later statement, whose snapshot then sees it as ended.
export const horizon = sql`coalesce(
  (select min(x) from pg_snapshot_xip(pg_current_snapshot()) x where xid(x) in (
    select backend_xid from pg_stat_activity where datname = current_database() and backend_xid is not null
    union all select transaction from pg_prepared_xacts where database = current_database())),
  pg_snapshot_xmax(pg_current_snapshot()))`;

/** The horizon now: every entry below it is committed (or rolled back) for a statement started after this one. */
export async function readHorizon(db: Db): Promise<string> {
  const [row] = rowsOf<{ horizon: string }>(await db.execute(sql`select ${horizon}::text as horizon`));
  return row!.horizon;
}

/** Log entries after `after` that no in-flight transaction can precede any more, in log order. */
export async function readStatementLog(db: Db, after: LogPosition, limit = 200): Promise<LogPage> {
  const settled = await readHorizon(db);
  const rows = rowsOf<{
    xid: string;
    position: string | number;
    statement_id: number | null;
    article_id: number | null;
    speaker_id: number | null;
    event_id: number | null;
    mention_ids: string | null;
  }>(
    await db.execute(sql`
      select e.xid::text as xid, e.position::text as position, s.id as statement_id, s.article_id, s.speaker_id, s.event_id,
        (select string_agg(m.person_id::text, ',' order by m.person_id) from statement_mentions m where m.statement_id = s.id) as mention_ids
      from statement_events e
      left join statements s on s.id = e.statement_id
      where e.xid < ${settled}::xid8
        and (e.xid, e.position) > (${after.xid.toString()}::xid8, ${after.position}::bigint)
      order by e.xid, e.position
      limit ${limit}`),
  );
  const messages: StatementAddedMessage[] = [];
  for (const row of rows) {
    if (row.statement_id == null) continue; // deleted since: nothing to deliver
    messages.push({
      at: { xid: BigInt(row.xid), position: Number(row.position) },
      statementId: Number(row.statement_id),
      articleId: Number(row.article_id),
      speakerId: row.speaker_id == null ? null : Number(row.speaker_id),
      eventId: row.event_id == null ? null : Number(row.event_id),
      mentionIds: row.mention_ids ? row.mention_ids.split(',').map(Number) : [],
    });
  }
  const last = rows.at(-1);
  return {
    messages,
    end: last ? { xid: BigInt(last.xid), position: Number(last.position) } : null,
    full: rows.length === limit,
  };
}

/** The place just before anything not yet readable: "from now on". */
export async function currentLogHorizon(db: Db): Promise<LogPosition> {
  return { xid: BigInt(await readHorizon(db)), position: 0 };
}

/** Whether committed entries are waiting behind an older in-flight transaction. */
export async function hasWaitingEntries(db: Db): Promise<boolean> {
  const [row] = rowsOf<{ waiting: boolean }>(
    // max(xid) is one step down the (xid, position) index; `exists (... where xid >= horizon)` was
    // planned as a sequential scan of the whole log, run after every NOTIFY.
    await db.execute(sql`select coalesce((select max(xid) from statement_events) >= ${horizon}, false) as waiting`),
  );
  return Boolean(row?.waiting);
}

/** Where the log has been pruned up to (null: never pruned). Entries up to it are gone, none after. */
export async function prunedUpTo(db: Db): Promise<LogPosition | null> {
  const [row] = rowsOf<{ xid: string; position: string | number }>(
    await db.execute(sql`select xid::text as xid, position::text as position from statement_log_pruned`),
  );
  return row ? { xid: BigInt(row.xid), position: Number(row.position) } : null;
}

/** Whether entries after `after` may have been pruned: replaying from it would silently miss them. */
export async function isExpired(db: Db, after: LogPosition): Promise<boolean> {
  const pruned = await prunedUpTo(db);
  return pruned != null && compareLogPositions(after, pruned) < 0;
}

/**
 * Deletes up to `batch` of the oldest log entries written before `cutoff`, as a prefix in log
 * order (so "everything up to the mark is gone, nothing after it" holds), and moves the mark in the
 * same transaction. Only entries below the horizon: a transaction in flight may still commit
 * entries before them. Short and small: row locks on `batch` rows, no table lock. Resolves to the
 * number deleted; 0 when another instance is pruning right now.
 */
export async function pruneStatementLog(db: Db, cutoff: Date, batch = 1_000): Promise<number> {
  return db.transaction(async (tx) => {
    const [lock] = rowsOf<{ ok: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(7202) as ok`));
    if (!lock?.ok) return 0;
    const head = rowsOf<{ xid: string; position: string | number; old: boolean }>(
      await tx.execute(sql`
        select e.xid::text as xid, e.position::text as position, e.created_at < ${cutoff.toISOString()}::timestamptz as old
        from statement_events e
        where e.xid < ${horizon}
        order by e.xid, e.position
        limit ${batch}`),
    );
    const young = head.findIndex((row) => !row.old);
    const prefix = young < 0 ? head : head.slice(0, young);
    const last = prefix.at(-1);
    if (!last) return 0;
    const rows = rowsOf<{ position: string }>(
      await tx.execute(sql`
        delete from statement_events
        where (xid, position) <= (${last.xid}::xid8, ${last.position}::bigint)
        returning position`),
    );
    await tx.execute(sql`
      insert into statement_log_pruned (id, xid, position, pruned_at) values (true, ${last.xid}::xid8, ${last.position}::bigint, now())
      on conflict (id) do update set xid = excluded.xid, position = excluded.position, pruned_at = excluded.pruned_at`);
    return rows.length;
  });
}
