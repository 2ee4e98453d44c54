import { rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seedArticles } from '../seeds/index.js';
import { createApp } from './app.js';
import { readConfigOrExit } from './config.js';
import { type Database, createDb } from './db/index.js';
import { DataDirectoryInUseError } from './db/lock.js';
import { seedAll } from './db/seed.js';
import { ensureDevelopmentToken } from './auth/tokens.js';
import { createExtractorPool } from './extract-pool.js';
import { createEntityChanges } from './live/entity-changes.js';
import { createLiveStatements } from './live/live-statements.js';
import { attachWebSocketServer } from './live/websocket.js';
import { createLogger } from './plugins/logging.js';
import { frontendSettingsFromConfig } from './plugins/frontend.js';
import { createMetrics } from './plugins/metrics.js';
import { settingsFromConfig } from './plugins/settings.js';
import { gracefulShutdown } from './shutdown.js';

const config = readConfigOrExit();
/** Instances read the change log every few seconds: ten minutes of it is far more than any needs. */
const ENTITY_CHANGES_RETENTION_MS = 10 * 60_000;
const log = createLogger({ name: 'newsgraph', level: config.LOG_LEVEL });

/**
 * The service cannot start: one error line, then an exit code a supervisor can trust (1), within
 * a second. What was opened is closed first (an embedded directory's lock is released with it).
 */
async function failToStart(fields: object, message: string, opened: (() => Promise<void>)[] = []): Promise<never> {
  log.error(fields, message);
  const cleanup = (async () => {
    for (const close of opened) await close().catch(() => {});
  })();
  await Promise.race([cleanup, new Promise((resolve) => setTimeout(resolve, 500).unref())]);
  process.exit(1);
}

// Assigned or the process has exited (failToStart never returns).
let database!: Database;
try {
  database = await createDb({
    databaseUrl: config.DATABASE_URL,
    pgliteDir: config.PGLITE_DIR,
    maxConnections: config.DB_POOL_MAX,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    readUrls: config.DATABASE_READ_URL,
    readBalance: config.DB_READ_BALANCE,
    replicaMaxLagMs: config.DB_REPLICA_MAX_LAG_MS,
    replicaProbeMs: config.DB_REPLICA_PROBE_MS,
    listenUrl: config.DATABASE_LISTEN_URL,
    logger: log,
    owner: 'the Newsgraph service',
  });
} catch (error) {
  if (error instanceof DataDirectoryInUseError) {
    await failToStart({ directory: error.directory, owner: error.owner }, `${error.message}: stop it first, or give this one its own PGLITE_DIR`);
  }
  await failToStart({ err: error }, 'cannot open the database');
}
try {
  await database.migrate();
  if (database.driver === 'pglite') {
    // The embedded default is a self-contained demo: it carries the seed article from the first start.
    const seeded = await seedAll(database.db, seedArticles);
    if (seeded.created > 0) log.info(seeded, 'seeded the embedded database');
    // Stored hashed like any token, so this is the only time it can be shown. In production only on
    // request (DEV_TOKEN_FILE), and then only into that file: stdout is what a log collector reads.
    const tokenFile = config.DEV_TOKEN_FILE;
    const devToken = config.NODE_ENV !== 'production' || tokenFile ? await ensureDevelopmentToken(database.db) : null;
    if (devToken && tokenFile) {
      await rm(tokenFile, { force: true }); // a file that is there already would keep its mode
      await writeFile(tokenFile, `${devToken}\n`, { mode: 0o600, flag: 'wx' });
      log.warn({ file: tokenFile }, 'created a development editor token; it is in the file named here (mode 0600), in no log line');
    } else if (devToken) {
      // A plain line on stdout, outside the structured log: tokens never go into log lines.
      process.stdout.write(`\nDevelopment editor token (shown only now; send "Authorization: Bearer <token>" to write):\n  ${devToken}\n\n`);
      log.warn('created a development editor token; it was printed once to stdout, outside the log');
    }
  }
} catch (error) {
  await failToStart({ err: error }, 'cannot prepare the database (migrations)', [() => database.close()]);
}

// New statements, from this instance or any other writer, announced by the database (src/live/).
const live = createLiveStatements({
  database,
  logger: log,
  retentionMs: config.STATEMENT_EVENTS_RETENTION,
  maxBuffered: config.LIVE_MAX_BUFFERED,
  stallTimeoutMs: config.LIVE_STALL_TIMEOUT_MS,
});
await live.start().catch((error: unknown) => failToStart({ err: error }, 'cannot start the live statement feed', [() => database.close()]));

// What every write touched, for the response cache; pruned by every instance either way.
const entityChanges = createEntityChanges({ database, logger: log, retentionMs: ENTITY_CHANGES_RETENTION_MS });
await entityChanges
  .start({ follow: config.RESPONSE_CACHE === 'on' })
  .catch((error: unknown) => failToStart({ err: error }, 'cannot start the entity change feed', [() => live.stop(), () => database.close()]));

// createApp reports the live module on it (open subscriptions are counted by their transports).
const metrics = createMetrics();
if (database.reads) metrics.observeReads(database.reads);

// Extraction runs in worker threads: a long article never stalls /health or other requests.
const extractor = createExtractorPool({ size: config.EXTRACT_WORKERS });

let stopping = false;
let yoga!: ReturnType<typeof createApp>;
try {
  yoga = createApp({
    db: database.db,
    reads: database.reads,
    live,
    entityChanges,
    extractor,
    exposeErrors: config.NODE_ENV === 'development',
    logger: log,
    metrics,
    hardening: settingsFromConfig(config),
    frontend: frontendSettingsFromConfig(config),
    draining: () => stopping,
  });
} catch (error) {
  // A persisted-documents manifest that does not load or fit the schema (src/plugins/persisted.ts).
  await failToStart({ err: error }, (error as Error).message, [() => live.stop(), () => entityChanges.stop(), () => database.close()]);
}
const server = createServer(yoga);
try {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  const where = { code, port: config.PORT, host: config.HOST };
  const message =
    code === 'EADDRINUSE'
      ? `port ${config.PORT} is in use`
      : code === 'EACCES'
        ? `port ${config.PORT} needs privileges this process does not have`
        : code === 'EADDRNOTAVAIL'
          ? `HOST ${config.HOST} is not an address of this machine`
          : `cannot listen on ${config.HOST}:${config.PORT}: ${(error as Error).message}`;
  await failToStart(where, message, [() => live.stop(), () => entityChanges.stop(), () => database.close()]);
}
// Attached once listening: a failed listen is reported above, once, not also by the WebSocket server.
// a socket holds resources before it subscribes: one address opens at most as many as it may subscribe
const webSocket = attachWebSocketServer(server, yoga, {
  logger: log,
  maxPayloadBytes: config.MAX_BODY_BYTES,
  maxSocketsPerAddress: config.MAX_SUBSCRIPTIONS_PER_ADDRESS,
});
const { port } = server.address() as AddressInfo;
const url = `http://localhost:${port}/graphql`;
database.describeOwner({ url, port });
log.info({ driver: database.driver, port, url, replicas: database.reads?.replicas().map((replica) => replica.name) }, 'Newsgraph is listening');

async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  const timeoutMs = config.SHUTDOWN_TIMEOUT_MS;
  // Last resort if something hangs past the graceful path's own deadline.
  setTimeout(() => process.exit(1), timeoutMs + 5_000).unref();
  const code = await gracefulShutdown({
    server,
    logger: log,
    disposeApp: async () => {
      await webSocket.close();
      await live.stop();
      await entityChanges.stop();
      await yoga.dispose();
      await extractor.close();
    },
    closeDatabase: () => database.close(),
    timeoutMs,
  });
  process.exit(code);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
