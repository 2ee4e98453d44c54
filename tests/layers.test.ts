// The layering rule: domain (src/domain, src/extract: no GraphQL, no database) → db (src/db, src/ingest,
// src/live) → read (src/read, the per-request context) → schema (Pothos) → plugins and app → server.
// A file imports only its own layer or lower ones. The exceptions below were there when the rule came in; the list may only shrink (the
// test fails on a new upward import, and on an exception that no longer exists, so it stays true).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const RANKS: [prefix: string, rank: number][] = [
  ['src/domain/', 0],
  ['src/extract/', 0],
  ['src/errors.ts', 0],
  ['src/clock.ts', 0],
  ['src/paths.ts', 0],
  // The live page's script runs in the browser: it knows the API, not the service (checked below).
  ['src/web/', 0],
  ['src/db/', 1],
  ['src/ingest/', 1],
  ['src/live/', 1],
  ['src/extract-pool.ts', 1],
  ['src/read/', 2],
  ['src/auth/', 2],
  ['src/context.ts', 2],
  ['src/builder.ts', 3],
  ['src/schema/', 3],
  ['src/plugins/', 4],
  ['src/app.ts', 4],
  ['src/config.ts', 4],
  ['src/shutdown.ts', 4],
  ['src/server.ts', 5],
  ['src/main.ts', 5],
];

/** Upward imports that predate the rule: `from -> to`. */
const KNOWN_EXCEPTIONS = new Set<string>([
  'src/live/websocket.ts -> src/app.ts',
  'src/live/websocket.ts -> src/plugins/input.ts',
  'src/live/websocket.ts -> src/plugins/logging.ts',
  'src/live/websocket.ts -> src/plugins/settings.ts',
  'src/schema/live.ts -> src/plugins/errors.ts',
]);

const DOMAIN = ['src/domain/', 'src/extract/'];
/** Besides itself, the domain may use the coded errors (GraphQLError carries `extensions.code`). */
const DOMAIN_MAY_IMPORT = [...DOMAIN, 'src/errors.ts'];

function rankOf(path: string): number | null {
  const entry = RANKS.find(([prefix]) => path === prefix || path.startsWith(prefix));
  return entry === undefined ? null : entry[1];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((match) => match[1]!);
}

function resolveImport(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  return relative('.', join(file, '..', specifier)).replace(/\.js$/, '.ts');
}

describe('layers', () => {
  const files = sourceFiles('src').map((file) => relative('.', file));

  it('every source file has a layer', () => {
    expect(files.filter((file) => rankOf(file) === null)).toEqual([]);
  });

  it('nothing imports upward (beyond the exceptions that predate the rule)', () => {
    const upward: string[] = [];
    for (const file of files) {
      for (const specifier of importsOf(file)) {
        const target = resolveImport(file, specifier);
        if (target === null || !target.startsWith('src/')) continue;
        const from = rankOf(file);
        const to = rankOf(target);
        if (from !== null && to !== null && to > from) upward.push(`${file} -> ${target}`);
      }
    }
    expect(upward.filter((edge) => !KNOWN_EXCEPTIONS.has(edge))).toEqual([]);
    expect([...KNOWN_EXCEPTIONS].filter((edge) => !upward.includes(edge))).toEqual([]);
  });

  it('the domain (src/domain, src/extract) knows nothing of GraphQL, the database or the service', () => {
    const offending = files
      .filter((file) => DOMAIN.some((dir) => file.startsWith(dir)))
      .flatMap((file) => importsOf(file).map((specifier) => ({ file, specifier, target: resolveImport(file, specifier) })))
      .filter(
        ({ specifier, target }) =>
          /^(?:graphql|@pothos|graphql-yoga|drizzle-orm|postgres|@electric-sql)/.test(specifier) ||
          (target !== null && !DOMAIN_MAY_IMPORT.some((dir) => target.startsWith(dir))),
      )
      .map(({ file, specifier }) => `${file}: ${specifier}`);
    expect(offending).toEqual([]);
  });

  it("the live page's script (src/web) imports only itself and graphql-sse's client", () => {
    const offending = files
      .filter((file) => file.startsWith('src/web/'))
      .flatMap((file) => importsOf(file).map((specifier) => ({ file, specifier, target: resolveImport(file, specifier) })))
      .filter(({ specifier, target }) => (target === null ? specifier !== 'graphql-sse' : !target.startsWith('src/web/')))
      .map(({ file, specifier }) => `${file}: ${specifier}`);
    expect(offending).toEqual([]);
  });
});
