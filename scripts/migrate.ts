// npm run db:migrate — applies drizzle/ migrations to DATABASE_URL, or to the embedded PGlite.
import { readConfigOrExit } from '../src/config.js';
import { openDatabaseOrExit, stopItFirst } from './cli-database.js';

const config = readConfigOrExit();
const database = await openDatabaseOrExit(config, { maxConnections: 1 }, () => `The service migrates the database itself when it starts. ${stopItFirst}`);
await database.migrate();
console.log(`migrated (${database.driver})`);
await database.close();
