import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { type Plugin, useReadinessCheck } from 'graphql-yoga';
import { type Db, MIGRATIONS_FOLDER, rowsOf } from '../db/index.js';

export interface ReadinessOptions {
  db: Db;
  /** True once shutdown has begun: load balancers should stop sending traffic. */
  draining?: () => boolean;
  /** A database that does not answer within this is as good as down. */
  timeoutMs?: number;
}

function expectedMigrations(): number {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

async function checkReady(db: Db, expected: number): Promise<string | null> {
  try {
    const result = await db.execute(sql`select count(*)::int as applied from drizzle.__drizzle_migrations`);
    const applied = Number(rowsOf<{ applied: number }>(result)[0]?.applied ?? 0);
    return applied >= expected ? null : `migrations pending (${applied} of ${expected} applied)`;
  } catch {
    return 'database unreachable or not migrated';
  }
}

/**
 * `/ready`: 200 when the database answers and every migration in drizzle/ is applied, else 503
 * with the reason (never the underlying error text). `/health` (alive) is yoga's own endpoint.
 */
export function useReadiness({ db, draining = () => false, timeoutMs = 2_000 }: ReadinessOptions): Plugin {
  const expected = expectedMigrations();
  return useReadinessCheck({
    endpoint: '/ready',
    async check({ fetchAPI }) {
      const reason = draining()
        ? 'shutting down'
        : await Promise.race([
            checkReady(db, expected),
            new Promise<string>((resolve) => setTimeout(resolve, timeoutMs, 'database did not answer in time').unref()),
          ]);
      return fetchAPI.Response.json(reason ? { status: 'unavailable', reason } : { status: 'ready' }, { status: reason ? 503 : 200 });
    },
  });
}
