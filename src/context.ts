import { type Credentials, type TokenCheck, checkCredentials, readCredentials } from './auth/tokens.js';
import { type Clock, systemClock } from './clock.js';
import type { Db } from './db/index.js';
import { type Extractor, budgetedExtraction, createInProcessExtractor } from './extract-pool.js';
import type { LiveStatements } from './live/live-statements.js';
import { type Loaders, createLoaders } from './read/loaders.js';

export interface Context {
  /** The primary; in a query operation with read replicas, the database chosen for it (src/plugins/read-routing.ts). */
  db: Db;
  /** Replaced after every write (and per subscription event) so nothing stale is served. */
  loaders: Loaders;
  clock: Clock;
  /** The new-statement feed; absent when the app runs without one (subscriptions then refuse). */
  live: LiveStatements | undefined;
  /** The bearer token's check, made at most once per request and only when a field asks. */
  auth: () => Promise<TokenCheck>;
  /** The bearer token as sent (read and hashed once, when first asked), for a write that checks it in its own SQL statement. */
  credentials: () => Credentials;
  /** Cuts this request's connection (a subscriber that stopped reading); absent without one. */
  disconnect: (() => void) | undefined;
  /** Runs the extractor within this request's extraction budget (src/extract-pool.ts). */
  extract: ReturnType<typeof budgetedExtraction>;
}

export interface ContextOptions {
  clock?: Clock | undefined;
  live?: LiveStatements | undefined;
  authorization?: string | null | undefined;
  disconnect?: (() => void) | undefined;
  /** The worker pool; without one the extractor runs on the calling thread. */
  extractor?: Extractor | undefined;
  /** The time all of one request's extractions may take together. */
  extractionBudgetMs?: number | undefined;
}

/** A fresh context (and so fresh loaders) for every request: nothing cached leaks between users. */
export function createContext(db: Db, options: ContextOptions = {}): Context {
  let credentials: Credentials | undefined;
  let check: Promise<TokenCheck> | undefined;
  const readOnce = () => (credentials ??= readCredentials(options.authorization));
  return {
    db,
    loaders: createLoaders(db),
    clock: options.clock ?? systemClock,
    live: options.live,
    auth: () => (check ??= checkCredentials(db, readOnce())),
    credentials: readOnce,
    disconnect: options.disconnect,
    extract: budgetedExtraction(options.extractor ?? createInProcessExtractor(), options.extractionBudgetMs ?? 10_000),
  };
}
