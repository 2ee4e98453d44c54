// The read router's choices, against scripted servers (tests/replica.test.ts runs it on a real standby).
import type postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/index.js';
import { type ReadRouter, type Replica, createReadRouter, parseLsn, replicaNames } from '../src/db/replicas.js';

type ServerState = { lsn: string; standby?: boolean; down?: boolean };

/** A server answering the router's probes from mutable state. */
function scriptedServer(state: ServerState) {
  const client = {
    unsafe: async (query: string) => {
      if (state.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      if (query.includes('pg_current_wal_lsn')) return [{ lsn: state.lsn }];
      return [{ standby: state.standby ?? true, replay: state.lsn }];
    },
  } as unknown as postgres.Sql;
  return client;
}

function replica(name: string, state: ServerState, outstanding = () => 0) {
  const failures: ((error: unknown) => void)[] = [];
  const entry: Replica & { fail(error: unknown): void } = {
    name,
    db: { name } as unknown as Db,
    client: scriptedServer(state),
    outstanding,
    onQueryFailed: (listener) => void failures.push(listener),
    fail: (error) => failures.forEach((listener) => listener(error)),
  };
  return entry;
}

const primaryDb = { name: 'primary' } as unknown as Db;
let router: ReadRouter | undefined;
afterEach(() => router?.close());

async function targets(count: number, minLsn: bigint | null = null) {
  const names: string[] = [];
  for (let i = 0; i < count; i++) names.push((await router!.route(minLsn)).name);
  return names;
}

describe('read router', () => {
  it('parses WAL positions and refuses anything else', () => {
    expect(parseLsn('0/16B3748')).toBe(0x16b3748n);
    expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) | 0xb374d848n);
    expect(parseLsn('16/B374D848')! > parseLsn('15/FFFFFFFF')!).toBe(true);
    for (const bad of ['', '0', '0/', '/1', 'g/1', '0/123456789', '1/2/3', "0/1'; drop table x"]) expect(parseLsn(bad)).toBeNull();
  });

  it('names replicas by host:port without credentials, numbering repeats', () => {
    expect(replicaNames(['postgres://u:secret@a:5433/db', 'postgres://b/db', 'postgres://c@a:5433/other'])).toEqual(['a:5433#1', 'b:5432', 'a:5433#3']);
  });

  it('round robin over the replicas in rotation; the primary when none is', async () => {
    const primary = { lsn: '0/100' };
    const a: ServerState = { lsn: '0/100' };
    const b: ServerState = { lsn: '0/100' };
    router = createReadRouter({
      primary: primaryDb,
      primaryClient: scriptedServer(primary),
      replicas: [replica('a', a), replica('b', b)],
      probeIntervalMs: 60_000,
    });
    await router.probe();
    expect((await targets(4)).sort()).toEqual(['a', 'a', 'b', 'b']);
    a.down = true;
    b.standby = false; // promoted: no longer follows the primary
    await router.probe();
    expect(router.replicas().map((r) => r.state)).toEqual(['down', 'not_standby']);
    expect(await targets(2)).toEqual(['primary', 'primary']);
    expect(router.reads()).toEqual({ primary: 2, a: 2, b: 2 });
  });

  it('least outstanding: the replica with fewer queries in flight', async () => {
    let busy = 3;
    router = createReadRouter({
      primary: primaryDb,
      primaryClient: scriptedServer({ lsn: '0/1' }),
      replicas: [replica('busy', { lsn: '0/1' }, () => busy), replica('idle', { lsn: '0/1' }, () => 1)],
      balance: 'least-outstanding',
      probeIntervalMs: 60_000,
    });
    await router.probe();
    expect(await targets(3)).toEqual(['idle', 'idle', 'idle']);
    busy = 0;
    expect(await targets(2)).toEqual(['busy', 'busy']);
  });

  it('a replica lagging past maxLagMs leaves the rotation and rejoins once caught up', async () => {
    const primary = { lsn: '0/100' };
    const a = { lsn: '0/100' };
    router = createReadRouter({
      primary: primaryDb,
      primaryClient: scriptedServer(primary),
      replicas: [replica('a', a)],
      maxLagMs: 100,
      probeIntervalMs: 60_000,
    });
    await router.probe();
    expect(router.replicas()[0]!.state).toBe('up');
    primary.lsn = '0/200'; // written on the primary; the replica stays at 0/100
    await router.probe();
    expect(router.replicas()[0]!.state).toBe('up'); // behind, but not for long yet
    await new Promise((resolve) => setTimeout(resolve, 150));
    await router.probe();
    expect(router.replicas()[0]).toMatchObject({ state: 'lagging', replayLsn: '0/100' });
    expect(router.replicas()[0]!.lagMs).toBeGreaterThanOrEqual(100);
    expect(await targets(1)).toEqual(['primary']);
    a.lsn = '0/200';
    await router.probe();
    expect(router.replicas()[0]).toMatchObject({ state: 'up', lagMs: 0 });
  });

  it('an idle primary does not make a replica look behind', async () => {
    router = createReadRouter({
      primary: primaryDb,
      primaryClient: scriptedServer({ lsn: '0/100' }),
      replicas: [replica('a', { lsn: '0/100' })],
      maxLagMs: 10,
      probeIntervalMs: 60_000,
    });
    await router.probe();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await router.probe();
    expect(router.replicas()[0]).toMatchObject({ state: 'up', lagMs: 0 });
  });

  it('with a minimum LSN: a replica that replayed it, else the primary', async () => {
    const a = { lsn: '0/100' };
    router = createReadRouter({ primary: primaryDb, primaryClient: scriptedServer({ lsn: '0/200' }), replicas: [replica('a', a)], probeIntervalMs: 60_000 });
    await router.probe();
    expect(await targets(1, parseLsn('0/200'))).toEqual(['primary']);
    expect(await targets(1, parseLsn('0/100'))).toEqual(['a']);
    a.lsn = '0/200'; // replayed since the last probe: asked at that moment
    expect(await targets(1, parseLsn('0/200'))).toEqual(['a']);
  });

  it('a query failing for a lost connection takes the replica out before the next probe', async () => {
    const a = replica('a', { lsn: '0/1' });
    router = createReadRouter({ primary: primaryDb, primaryClient: scriptedServer({ lsn: '0/1' }), replicas: [a], probeIntervalMs: 60_000 });
    await router.probe();
    a.fail(Object.assign(new Error('canceling statement due to user request'), { code: '57014' }));
    expect(await targets(1)).toEqual(['a']); // a cancelled query says nothing about the server
    a.fail(Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' }));
    expect(router.replicas()[0]!.state).toBe('down');
    expect(await targets(1)).toEqual(['primary']);
  });
});
