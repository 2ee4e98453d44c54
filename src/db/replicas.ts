// Read-only work on PostgreSQL streaming replicas (hot standbys), the primary for everything else.
// A replica serves reads while it answers and its data is no older than `maxLagMs`; a read that
// must see a given commit goes to a replica that has replayed it, or to the primary.
import type postgres from 'postgres';
import type { Db } from './index.js';

export type ReadBalance = 'round-robin' | 'least-outstanding';

/** `up`: in rotation. Every other state keeps the replica out until a probe finds it healthy. */
export type ReplicaState = 'unknown' | 'up' | 'lagging' | 'down' | 'not_standby';

export interface ReplicaStatus {
  name: string;
  state: ReplicaState;
  /** How old its data is, as far as the probes can tell (null before the first answer). */
  lagMs: number | null;
  replayLsn: string | null;
  /** Queries running on it now. */
  outstanding: number;
}

export interface ReadTarget {
  /** `primary`, or the replica's name (host:port). */
  name: string;
  db: Db;
}

export interface ReadRouter {
  /** The database for one read-only operation; `minLsn`: it must show every commit up to there. */
  route(minLsn: bigint | null): Promise<ReadTarget>;
  /** The primary's WAL position now (after a commit: at or past that commit). */
  primaryLsn(): Promise<string>;
  replicas(): ReplicaStatus[];
  /** Read operations routed so far, per target. */
  reads(): Record<string, number>;
  /** Probes every replica once now (tests; start-up). */
  probe(): Promise<void>;
  close(): Promise<void>;
}

export interface Replica {
  name: string;
  db: Db;
  /** The raw client, for probes (kept out of drizzle's query log). */
  client: postgres.Sql;
  /** Queries running on it now (counted by the pool wrapper). */
  outstanding(): number;
  /** Calls `listener` with the error of every query on it that fails. */
  onQueryFailed(listener: (error: unknown) => void): void;
}

export interface ReadRouterOptions {
  primary: Db;
  primaryClient: postgres.Sql;
  replicas: Replica[];
  balance?: ReadBalance;
  maxLagMs?: number;
  probeIntervalMs?: number;
  logger?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

const LSN = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i;

/** A WAL position ("16/B374D848") as a number, or null when it is not one. */
export function parseLsn(text: string): bigint | null {
  const match = LSN.exec(text.trim());
  return match ? (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`) : null;
}

/** postgres.js / Node socket codes meaning "the database is not there right now". */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** postgres.js / socket codes and SQLSTATEs (08: connection, 57P0x: shutting down) meaning the server is away. */
export function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08') || /^57P0\d$/.test(code));
}

/** Primary WAL positions seen by the probes, oldest first: a replica's lag is the age of the first it lacks. */
class WalSamples {
  private samples: { lsn: bigint; at: number }[] = [];
  add(lsn: bigint, at: number) {
    const last = this.samples.at(-1);
    if (last && last.lsn === lsn) return; // nothing written since: the older sample says more
    this.samples.push({ lsn, at });
    if (this.samples.length > 10_000) this.samples.shift();
  }
  /** Milliseconds since the primary had WAL the replica has not replayed (0: it has all we saw). */
  lagOf(replayed: bigint, now: number): number {
    const first = this.samples.find((s) => s.lsn > replayed);
    return first ? now - first.at : 0;
  }
  /** Drops samples every replica has passed. */
  trim(replayed: bigint) {
    while (this.samples.length > 1 && this.samples[0]!.lsn <= replayed) this.samples.shift();
  }
}

export function createReadRouter(options: ReadRouterOptions): ReadRouter {
  const maxLagMs = options.maxLagMs ?? 5_000;
  const probeIntervalMs = options.probeIntervalMs ?? 1_000;
  const probeTimeoutMs = Math.max(1_000, probeIntervalMs);
  const balance = options.balance ?? 'round-robin';
  const primary: ReadTarget = { name: 'primary', db: options.primary };
  const wal = new WalSamples();
  const states = options.replicas.map((replica) => ({
    replica,
    state: 'unknown' as ReplicaState,
    lagMs: null as number | null,
    replayed: null as bigint | null,
    replayLsn: null as string | null,
  }));
  type Entry = (typeof states)[number];
  const reads: Record<string, number> = { primary: 0 };
  for (const { replica } of states) reads[replica.name] = 0;
  let turn = 0;
  let closed = false;

  function setState(entry: Entry, state: ReplicaState, detail: object = {}) {
    if (entry.state === state) return;
    const previous = entry.state;
    entry.state = state;
    if (state === 'up') options.logger?.info({ replica: entry.replica.name, previous, ...detail }, 'replica joined the read rotation');
    else if (previous === 'up' || previous === 'unknown') {
      options.logger?.warn({ replica: entry.replica.name, state, ...detail }, 'replica left the read rotation');
    }
  }

  function replayedAt(entry: Entry, lsn: string | null) {
    entry.replayLsn = lsn;
    entry.replayed = lsn == null ? null : parseLsn(lsn);
  }

  /** A query on a replica that fails as if the server were gone takes it out at once. */
  function noticeFailure(entry: Entry, error: unknown) {
    if (isConnectionFailure(error)) setState(entry, 'down', { reason: (error as Error).message });
  }

  const withTimeout = <T>(work: Promise<T>): Promise<T> =>
    Promise.race([
      work,
      new Promise<T>((_, reject) => setTimeout(() => reject(Object.assign(new Error('probe timed out'), { code: 'CONNECT_TIMEOUT' })), probeTimeoutMs).unref()),
    ]);

  async function probeReplica(entry: Entry) {
    try {
      const [row] = await withTimeout(
        entry.replica.client.unsafe<{ standby: boolean; replay: string | null }[]>(
          'select pg_is_in_recovery() as standby, pg_last_wal_replay_lsn()::text as replay',
        ),
      );
      if (!row?.standby) {
        // A promoted or wrongly configured server no longer follows the primary: its data may be anything.
        replayedAt(entry, null);
        entry.lagMs = null;
        return setState(entry, 'not_standby');
      }
      replayedAt(entry, row.replay);
      entry.lagMs = entry.replayed == null ? null : wal.lagOf(entry.replayed, Date.now());
      if (entry.lagMs == null || entry.lagMs > maxLagMs) setState(entry, 'lagging', { lagMs: entry.lagMs });
      else setState(entry, 'up');
    } catch (error) {
      setState(entry, 'down', { reason: (error as Error).message });
    }
  }

  async function probe() {
    try {
      const [row] = await withTimeout(options.primaryClient.unsafe<{ lsn: string }[]>('select pg_current_wal_lsn()::text as lsn'));
      wal.add(parseLsn(row!.lsn)!, Date.now());
    } catch {
      // The primary is away: lag is measured against what it had written when last seen.
    }
    await Promise.all(states.map(probeReplica));
    const slowest = states.reduce<bigint | null>((min, s) => (s.replayed == null ? min : min == null || s.replayed < min ? s.replayed : min), null);
    if (slowest != null && states.every((s) => s.replayed != null)) wal.trim(slowest);
  }

  let probing: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (!probing && !closed) probing = probe().finally(() => (probing = null));
  }, probeIntervalMs);
  timer.unref();

  for (const entry of states) entry.replica.onQueryFailed((error) => noticeFailure(entry, error));

  function pick(candidates: Entry[]): Entry {
    turn = (turn + 1) % 1_000_000_007;
    if (balance === 'round-robin') return candidates[turn % candidates.length]!;
    // Least outstanding; ties rotate, so an idle set of replicas still shares the load.
    let best = candidates[turn % candidates.length]!;
    for (const entry of candidates) if (entry.replica.outstanding() < best.replica.outstanding()) best = entry;
    return best;
  }

  /** Asks the replica where its replay stands now (the probe's answer may be a second old). */
  async function hasReplayed(entry: Entry, minLsn: bigint): Promise<boolean> {
    try {
      const [row] = await entry.replica.client.unsafe<{ replay: string | null }[]>('select pg_last_wal_replay_lsn()::text as replay');
      replayedAt(entry, row?.replay ?? null);
    } catch (error) {
      noticeFailure(entry, error);
      return false;
    }
    return entry.replayed != null && entry.replayed >= minLsn;
  }

  async function route(minLsn: bigint | null): Promise<ReadTarget> {
    const up = states.filter((s) => s.state === 'up');
    let chosen: Entry | undefined;
    if (up.length > 0 && minLsn == null) chosen = pick(up);
    else if (up.length > 0 && minLsn != null) {
      const caughtUp = up.filter((s) => s.replayed != null && s.replayed >= minLsn);
      if (caughtUp.length > 0) chosen = pick(caughtUp);
      else {
        const candidate = pick(up);
        if (await hasReplayed(candidate, minLsn)) chosen = candidate;
      }
    }
    const target = chosen ? { name: chosen.replica.name, db: chosen.replica.db } : primary;
    reads[target.name] = (reads[target.name] ?? 0) + 1;
    return target;
  }

  return {
    route,
    async primaryLsn() {
      const [row] = await options.primaryClient.unsafe<{ lsn: string }[]>('select pg_current_wal_lsn()::text as lsn');
      return row!.lsn;
    },
    replicas: () => states.map((s) => ({ name: s.replica.name, state: s.state, lagMs: s.lagMs, replayLsn: s.replayLsn, outstanding: s.replica.outstanding() })),
    reads: () => ({ ...reads }),
    async probe() {
      await probing;
      await probe();
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await probing;
    },
  };
}

/** A replica's name for logs and metrics: host:port, never its credentials; numbered if repeated. */
export function replicaNames(urls: string[]): string[] {
  const names = urls.map((url) => {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}`;
  });
  return names.map((name, i) => (names.indexOf(name) === i && names.lastIndexOf(name) === i ? name : `${name}#${i + 1}`));
}
