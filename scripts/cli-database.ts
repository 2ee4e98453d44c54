// How the CLIs open the database: an embedded directory another process owns is refused (src/db/lock.ts),
// and the CLI says by whom and what to do instead, in one line, with exit code 2.
import type { Config } from '../src/config.js';
import { type Database, type DbOptions, createDb } from '../src/db/index.js';
import { DataDirectoryInUseError } from '../src/db/lock.js';

export async function openDatabaseOrExit(
  config: Config,
  options: Omit<DbOptions, 'databaseUrl' | 'pgliteDir'>,
  /** What to do instead, given the owner's GraphQL URL when it serves one. */
  whenOwned: (url: string | undefined) => string,
): Promise<Database> {
  try {
    return await createDb({ databaseUrl: config.DATABASE_URL, pgliteDir: config.PGLITE_DIR, ...options });
  } catch (error) {
    if (error instanceof DataDirectoryInUseError) {
      console.error(`${error.message}.\n${whenOwned(error.owner.url)}`);
    } else {
      console.error(`cannot open the database: ${(error as Error).message}`);
    }
    process.exit(2);
  }
}

export const stopItFirst = 'Stop it first (Ctrl-C or SIGTERM), then run this again; or give this run its own PGLITE_DIR.';
