// Bundles the service into dist/ (a few hundred ms): `npm start` runs plain JavaScript instead of
// compiling TypeScript on every start. Packages stay external; lazy imports become their own chunks,
// so what is loaded on first use (the extractor's dictionaries) is not loaded at start-up.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });

await build({
  entryPoints: ['src/main.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
