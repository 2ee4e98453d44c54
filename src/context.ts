import type { Db } from './db/index.js';
import { type Loaders, createLoaders } from './loaders.js';

export interface Context {
  db: Db;
  loaders: Loaders;
}

/** A fresh context (and so fresh loaders) for every request: nothing cached leaks between users. */
export function createContext(db: Db): Context {
  return { db, loaders: createLoaders(db) };
}
