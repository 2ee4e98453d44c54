import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { type Database, createDb } from '../../src/db/index.js';

/**
 * A fresh, empty database for one test file: in-memory PGlite by default, or a throwaway
 * database on the server named by TEST_DATABASE_URL (so files can run in parallel). `url` is that
 * database's URL on PostgreSQL, for server processes a test starts on it; null on PGlite.
 */
export async function createTestDatabase(
  onQuery?: (query: string, params: unknown[]) => void,
): Promise<Database & { url: string | null; drop(): Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const database = await createDb({ pgliteDir: 'memory://', onQuery });
    return { ...database, url: null, drop: () => database.close() };
  }
  const name = `newsgraph_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await createDb({ databaseUrl: url.toString(), onQuery, maxConnections: 5 });
  return {
    ...database,
    url: url.toString(),
    async drop() {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export const backendName = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';
