import { createServer } from 'node:http';
import pino from 'pino';
import { seedArticles } from '../seeds/index.js';
import { createApp } from './app.js';
import { readConfig } from './config.js';
import { createDb } from './db/index.js';
import { seedAll } from './db/seed.js';

const log = pino({ name: 'newsgraph' });
const config = readConfig();

const database = await createDb({
  databaseUrl: config.DATABASE_URL,
  pgliteDir: config.PGLITE_DIR,
  maxConnections: config.DB_POOL_MAX,
});
await database.migrate();
if (database.driver === 'pglite') {
  // The embedded default is a self-contained demo: it carries the seed article from the first start.
  const seeded = await seedAll(database.db, seedArticles);
  if (seeded.created > 0) log.info(seeded, 'seeded the embedded database');
}

const yoga = createApp({ db: database.db, exposeErrors: config.NODE_ENV === 'development' });
const server = createServer(yoga);
server.listen(config.PORT, config.HOST, () => {
  log.info({ driver: database.driver, url: `http://localhost:${config.PORT}/graphql` }, 'Newsgraph is listening');
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  const forced = setTimeout(() => process.exit(1), 10_000).unref();
  server.close();
  server.closeIdleConnections();
  await new Promise((resolve) => server.once('close', resolve));
  await database.close();
  clearTimeout(forced);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
