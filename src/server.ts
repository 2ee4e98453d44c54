import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { seedArticles } from '../seeds/index.js';
import { createApp } from './app.js';
import { readConfig } from './config.js';
import { createDb } from './db/index.js';
import { seedAll } from './db/seed.js';
import { ensureDevelopmentToken } from './auth/tokens.js';
import { createLiveStatements } from './live/live-statements.js';
import { attachWebSocketServer } from './live/websocket.js';
import { createMetrics } from './plugins/metrics.js';
import { settingsFromConfig } from './plugins/settings.js';
import { gracefulShutdown } from './shutdown.js';

const config = readConfig();
const log = pino({ name: 'newsgraph', level: config.LOG_LEVEL });

const database = await createDb({
  databaseUrl: config.DATABASE_URL,
  pgliteDir: config.PGLITE_DIR,
  maxConnections: config.DB_POOL_MAX,
  statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
  connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
});
await database.migrate();
if (database.driver === 'pglite') {
  // The embedded default is a self-contained demo: it carries the seed article from the first start.
  const seeded = await seedAll(database.db, seedArticles);
  if (seeded.created > 0) log.info(seeded, 'seeded the embedded database');
  // Stored hashed like any token, so this is the only time it can be shown.
  const devToken = await ensureDevelopmentToken(database.db);
  if (devToken) {
    // A plain line on stdout, outside the structured log: tokens never go into log lines.
    process.stdout.write(`\nDevelopment editor token (shown only now; send "Authorization: Bearer <token>" to write):\n  ${devToken}\n\n`);
    log.warn('created a development editor token; it was printed once to stdout, outside the log');
  }
}

// New statements, from this instance or any other writer, announced by the database (src/live/).
const live = createLiveStatements({
  database,
  logger: log,
  maxBuffered: config.LIVE_MAX_BUFFERED,
  stallTimeoutMs: config.LIVE_STALL_TIMEOUT_MS,
});
await live.start();

// createApp reports the live module on it (open subscriptions are counted by their transports).
const metrics = createMetrics();

let stopping = false;
const yoga = createApp({
  db: database.db,
  live,
  exposeErrors: config.NODE_ENV === 'development',
  logger: log,
  metrics,
  hardening: settingsFromConfig(config),
  draining: () => stopping,
});
const server = createServer(yoga);
const webSocket = attachWebSocketServer(server, yoga);
server.listen(config.PORT, config.HOST, () => {
  const { port } = server.address() as AddressInfo;
  log.info({ driver: database.driver, port, url: `http://localhost:${port}/graphql` }, 'Newsgraph is listening');
});

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
      await yoga.dispose();
    },
    closeDatabase: () => database.close(),
    timeoutMs,
  });
  process.exit(code);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
