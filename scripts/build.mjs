// Bundles the service and the live page's script into dist/ (a few hundred ms): `npm start` runs plain JavaScript instead of
// compiling TypeScript on every start, and one bundle instead of resolving and linking hundreds of
// package modules (~0.5 s of a start). Lazy imports become their own chunks, so what is loaded on
// first use (the extractor, GraphiQL's assets) is not loaded at start-up.
// `npm start` skips the build when dist/ is newer than everything it is made of; `--force` builds anyway.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

// The extractor's worker thread is an entry of its own: dist/extract/worker.js (src/extract-pool.ts).
const ENTRIES = { main: 'src/main.ts', 'extract/worker': 'src/extract/worker.ts' };
const OUT = 'dist';
/** What the bundle is made of: a change to any of these means building again. */
const INPUTS = ['src', 'seeds', 'package-lock.json', 'node_modules/.package-lock.json', 'scripts/build.mjs'];
/**
 * Packages left to Node: PGlite loads its WASM and data files next to its own module; GraphiQL's
 * assets, the extractor's NLP libraries and pino (its transports run in worker threads that load
 * its files) are large or load files themselves; ws's optional native helpers may be absent.
 */
const EXTERNAL = [
  '@electric-sql/pglite',
  '@electric-sql/pglite/*',
  '@graphql-yoga/render-graphiql',
  'compromise',
  'compromise/*',
  'chrono-node',
  'pino',
  'pino/*',
  'thread-stream',
  'bufferutil',
  'utf-8-validate',
];

function newest(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(target).map((name) => newest(path.join(target, name))));
}

const built = existsSync(path.join(OUT, 'main.js')) ? statSync(path.join(OUT, 'main.js')).mtimeMs : 0;
if (!process.argv.includes('--force') && built > Math.max(...INPUTS.map(newest))) process.exit(0);

const { build } = await import('esbuild');
rmSync(OUT, { recursive: true, force: true });
await build({
  entryPoints: ENTRIES,
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  // CommonJS packages in an ES module bundle still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  // Stack traces point into src/ (npm start runs with --enable-source-maps); the sources themselves
  // are in the checkout, not copied into the maps, which keeps them quick to load.
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
});
// The live page's script (GET /live, src/plugins/live-page.ts): for the browser, with its one package
// (graphql-sse's client) inside, so the page loads nothing from anywhere but the service.
await build({
  entryPoints: { live: 'src/web/live.ts' },
  outdir: path.join(OUT, 'web'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox110', 'safari16'],
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
});
