// A real hot standby of the test PostgreSQL server, made for one test file: pg_basebackup -R into
// a temporary directory, its own postgresql.conf and pg_hba.conf, started with pg_ctl as the
// `postgres` OS user on a free port, torn down (slot included) afterwards.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { freePort } from '../faults/cluster.js';

const run = promisify(execFile);

export interface Standby {
  port: number;
  /** The standby's URL for one database of the primary. */
  url(database: string): string;
  /** A superuser connection to one database on the standby (for pg_stat_statements, replay control). */
  sql(database: string): postgres.Sql;
  /** Waits until the standby has replayed everything the primary has written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

const SLOT_PREFIX = 'newsgraph_test_';

/** Commands run as the `postgres` OS user (PostgreSQL refuses to run as root). */
async function asPostgres(command: string, args: string[]) {
  const [file, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  return run(file, argv, { timeout: 120_000 });
}

function postgresIds(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** The primary accepts replication connections from loopback: added to its pg_hba.conf (and reloaded) if missing. */
async function allowReplication(admin: postgres.Sql) {
  const rules = await admin`
    select 1 from pg_hba_file_rules
    where type = 'host' and 'replication' = any(database) and address = '127.0.0.1' and auth_method = 'trust' and error is null`;
  if (rules.length > 0) return;
  const [{ hba_file: hbaFile }] = (await admin`select current_setting('hba_file') as hba_file`) as unknown as [{ hba_file: string }];
  await appendFile(
    hbaFile,
    '\n# Added by the Newsgraph tests (tests/support/replica.ts): a hot standby for the replica tests.\nhost replication all 127.0.0.1/32 trust\n',
  );
  await admin`select pg_reload_conf()`;
  await new Promise((resolve) => setTimeout(resolve, 500));
}

/** Slots of earlier runs whose process is gone (a crash skipped the teardown) keep WAL forever: drop them. */
async function dropAbandonedSlots(admin: postgres.Sql) {
  const slots = await admin<{ slot_name: string }[]>`select slot_name from pg_replication_slots where slot_name like ${`${SLOT_PREFIX}%`} and not active`;
  for (const { slot_name: slot } of slots) {
    const pid = Number(/^newsgraph_test_(\d+)_/.exec(slot)?.[1]);
    let alive = false;
    try {
      alive = Number.isFinite(pid) && process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive) await admin`select pg_drop_replication_slot(${slot})`.catch(() => {});
  }
}

export async function createStandby(primaryUrl: string): Promise<Standby> {
  const primary = new URL(primaryUrl);
  const admin = postgres(primaryUrl, { max: 1, onnotice: () => {} });
  let cleanUp = async () => {};
  try {
    await allowReplication(admin);
    await dropAbandonedSlots(admin);
    const settings = Object.fromEntries(
      (
        await admin<{ name: string; setting: string }[]>`
          select name, setting from pg_settings
          where name in ('max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction')`
      ).map((row) => [row.name, row.setting]),
    );
    const [{ bindir }] = (await admin`select setting as bindir from pg_config where name = 'BINDIR'`) as unknown as [{ bindir: string }];
    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'newsgraph-standby-'));
    const ids = postgresIds();
    if (ids) chownSync(dir, ids.uid, ids.gid);
    const data = path.join(dir, 'data');
    const slot = `${SLOT_PREFIX}${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const bin = (name: string) => path.join(bindir, name);
    cleanUp = async () => {
      await asPostgres(bin('pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      await admin`select pg_drop_replication_slot(${slot})`.catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    };
    await asPostgres(bin('pg_basebackup'), [
      '-h',
      primary.hostname,
      '-p',
      primary.port || '5432',
      '-U',
      decodeURIComponent(primary.username || 'postgres'),
      '-D',
      data,
      '-R',
      '-X',
      'stream',
      '-C',
      '-S',
      slot,
      '--checkpoint=fast',
      '-w',
    ]);
    // Its own configuration: the primary's may live elsewhere (Debian: /etc/postgresql) or name its port.
    // A hot standby needs these at least as large as on the primary.
    const conf = [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${dir}'`,
      'hot_standby = on',
      'hot_standby_feedback = on',
      `shared_preload_libraries = 'pg_stat_statements'`,
      'fsync = off',
      'ssl = off',
      'logging_collector = off',
      ...Object.entries(settings).map(([name, value]) => `${name} = ${value}`),
    ];
    const owned = (file: string, text: string) => {
      writeFileSync(file, text, { mode: 0o600 });
      if (ids) chownSync(file, ids.uid, ids.gid);
    };
    owned(path.join(data, 'postgresql.conf'), `${conf.join('\n')}\n`);
    owned(path.join(data, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
    const log = path.join(dir, 'standby.log');
    const pgCtl = (...args: string[]) => asPostgres(bin('pg_ctl'), ['-D', data, ...args]);
    const start = async () => {
      await pgCtl('-l', log, '-w', '-t', '60', 'start');
    };
    await start();

    const url = (database: string) => {
      const standbyUrl = new URL(primaryUrl);
      standbyUrl.port = String(port);
      standbyUrl.pathname = `/${database}`;
      return standbyUrl.toString();
    };
    const clients: postgres.Sql[] = [];
    const standby: Standby = {
      port,
      url,
      sql(database) {
        const client = postgres(url(database), { max: 1, onnotice: () => {} });
        clients.push(client);
        return client;
      },
      async caughtUp(timeoutMs = 30_000) {
        const [{ lsn }] = (await admin`select pg_current_wal_lsn()::text as lsn`) as unknown as [{ lsn: string }];
        const check = postgres(url('postgres'), { max: 1, onnotice: () => {} });
        try {
          for (const deadline = Date.now() + timeoutMs; ; ) {
            const [row] = await check`select pg_last_wal_replay_lsn() >= ${lsn}::pg_lsn as done`.catch(() => [{ done: false }]);
            if (row?.done) return;
            if (Date.now() > deadline) throw new Error(`the standby did not replay up to ${lsn} in ${timeoutMs} ms`);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        } finally {
          await check.end({ timeout: 1 });
        }
      },
      stop: async () => {
        await pgCtl('-m', 'fast', '-w', 'stop');
      },
      start,
      async destroy() {
        await Promise.all(clients.map((client) => client.end({ timeout: 1 }).catch(() => {})));
        await cleanUp();
        await admin.end({ timeout: 1 });
      },
    };
    await standby.caughtUp();
    return standby;
  } catch (error) {
    await cleanUp();
    await admin.end({ timeout: 1 });
    throw error;
  }
}
