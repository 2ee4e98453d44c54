// npm run db:migrate — applies drizzle/ migrations to DATABASE_URL, or to the embedded PGlite.
import { readConfig } from '../src/config.js';
import { createDb } from '../src/db/index.js';

const config = readConfig();
const database = await createDb({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR, maxConnections: 1 });
await database.migrate();
console.log(`migrated (${database.driver})`);
await database.close();
