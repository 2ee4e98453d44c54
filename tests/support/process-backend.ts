import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedArticles } from '../../seeds/index.js';
import { createToken } from '../../src/auth/tokens.js';
import { type Database, createDb } from '../../src/db/index.js';
import { seedAll } from '../../src/db/seed.js';
import { type ThrowawayCluster, createThrowawayCluster } from '../faults/cluster.js';

/**
 * A database for a real server process, prepared from the test (migrated, seeded, an editor
 * token made through the token module) and readable again after the process is gone: a PGlite
 * directory on the embedded leg, a throwaway cluster (never the shared server) on the
 * PostgreSQL leg (TEST_DATABASE_URL set).
 */
export async function prepareProcessBackend() {
  let cluster: ThrowawayCluster | undefined;
  let dir: string | undefined;
  let env: Record<string, string>;
  let options: Parameters<typeof createDb>[0];
  if (process.env.TEST_DATABASE_URL) {
    cluster = await createThrowawayCluster();
    env = { DATABASE_URL: cluster.url };
    options = { databaseUrl: cluster.url, maxConnections: 2 };
  } else {
    dir = mkdtempSync(path.join(tmpdir(), 'newsgraph-pglite-'));
    env = { PGLITE_DIR: dir };
    options = { pgliteDir: dir };
  }
  const setup = await createDb(options);
  await setup.migrate();
  await seedAll(setup.db, seedArticles);
  const { token } = await createToken(setup.db, 'process-test');
  // PGlite is single-process: the server opens the directory only after the test lets go of it.
  await setup.close();
  return {
    driver: cluster ? ('postgres' as const) : ('pglite' as const),
    cluster,
    env,
    token,
    /** The same database from the test (for PGlite: only while no server process holds it). */
    open: (): Promise<Database> => createDb(options),
    destroy() {
      cluster?.destroy();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type ProcessBackend = Awaited<ReturnType<typeof prepareProcessBackend>>;
