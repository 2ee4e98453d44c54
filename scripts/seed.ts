// npm run db:seed — loads the hand-modelled seed articles; running it twice changes nothing.
import { seedArticles } from '../seeds/index.js';
import { readConfig } from '../src/config.js';
import { createDb } from '../src/db/index.js';
import { seedAll } from '../src/db/seed.js';

const config = readConfig();
const database = await createDb({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR, maxConnections: 1 });
await database.migrate();
const result = await seedAll(database.db, seedArticles);
console.log(`seed (${database.driver}): ${result.created} article(s) created, ${result.skipped} already present`);
await database.close();
