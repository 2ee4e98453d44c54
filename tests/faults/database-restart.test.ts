import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedArticles } from '../../seeds/index.js';
import { type App, createApp } from '../../src/app.js';
import { type Database, createDb } from '../../src/db/index.js';
import { seedAll } from '../../src/db/seed.js';
import { type ThrowawayCluster, createThrowawayCluster, postgresBinDir } from './cluster.js';

interface Sample {
  at: number;
  ms: number;
  status: number;
  code?: string;
}

/**
 * The database restarts under load: requests during the outage must fail fast with
 * SERVICE_UNAVAILABLE (503), and the service must recover by itself once the database is back.
 * Runs only with TEST_DATABASE_URL (the CI leg on PostgreSQL), against its OWN cluster.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL || !postgresBinDir())('database restart under load', () => {
  let cluster: ThrowawayCluster;
  let database: Database;
  let yoga: App;

  beforeAll(async () => {
    cluster = await createThrowawayCluster();
    database = await createDb({ databaseUrl: cluster.url, maxConnections: 4, connectTimeoutMs: 1_000, statementTimeoutMs: 5_000 });
    await database.migrate();
    await seedAll(database.db, seedArticles);
    yoga = createApp({ db: database.db });
  }, 120_000);

  afterAll(async () => {
    await database?.close().catch(() => {});
    cluster?.destroy();
  });

  async function query(): Promise<Omit<Sample, 'at'>> {
    const started = performance.now();
    const response = await yoga.fetch('http://newsgraph.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ people(first: 3) { totalCount edges { node { name statements(first: 2) { edges { node { text } } } } } } }' }),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    return { ms: performance.now() - started, status: response.status, code: body.errors?.[0]?.extensions?.code };
  }

  it('fails fast with 503 SERVICE_UNAVAILABLE during the outage, then recovers on its own', async () => {
    expect((await query()).status).toBe(200);
    const samples: Sample[] = [];
    let running = true;
    const t0 = performance.now();
    const workers = Array.from({ length: 4 }, async () => {
      while (running) {
        samples.push({ at: performance.now() - t0, ...(await query()) });
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    });

    await new Promise((resolve) => setTimeout(resolve, 300));
    await cluster.stop('fast');
    const downAt = performance.now() - t0;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await cluster.start();
    const upAt = performance.now() - t0;
    // Recovered: a streak of successes after the restart.
    let recoveredAt: number | undefined;
    while (performance.now() - t0 < upAt + 15_000) {
      const recent = samples.filter((s) => s.at > upAt).slice(-8);
      if (recent.length === 8 && recent.every((s) => s.status === 200)) {
        recoveredAt = recent[0]!.at;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    running = false;
    await Promise.all(workers);

    const outage = samples.filter((s) => s.at > downAt + 50 && s.at < upAt);
    const failures = samples.filter((s) => s.status !== 200);
    const slowest = Math.max(...outage.map((s) => s.ms));
    console.info(
      `database restart: ${samples.length} requests, ${outage.length} during the outage (slowest ${slowest.toFixed(0)} ms), ` +
        `recovered ${recoveredAt === undefined ? 'never' : `${(recoveredAt - upAt).toFixed(0)} ms`} after the database came back`,
    );

    expect(outage.length).toBeGreaterThan(10);
    // Every failure is the documented one: no 500, no masked error, no hang.
    for (const failure of failures) expect(failure, JSON.stringify(failure)).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(outage.filter((s) => s.status === 503).length).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(1_000);
    expect(recoveredAt, 'the service did not recover within 15 s').toBeDefined();
  }, 60_000);
});
