// npm run db:seed — loads the hand-modelled seed articles; running it twice changes nothing.
import { seedArticles } from '../seeds/index.js';
import { readConfigOrExit } from '../src/config.js';
import { seedAll } from '../src/db/seed.js';
import { openDatabaseOrExit, stopItFirst } from './cli-database.js';

const config = readConfigOrExit();
const database = await openDatabaseOrExit(config, { maxConnections: 1 }, () => `The embedded service seeds itself on its first start. ${stopItFirst}`);
await database.migrate();
const result = await seedAll(database.db, seedArticles);
console.log(`seed (${database.driver}): ${result.created} article(s) created, ${result.skipped} already present`);
await database.close();
