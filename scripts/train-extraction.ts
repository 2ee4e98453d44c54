// Trains the extractor's learned parts from a PolNeAR-format directory and writes the compact weights
// that the extractor loads (committed): the attribution tagger (src/extract/model/tagger.json) and the
// partial-quote boundary chooser (src/extract/model/boundaries.json, next to the tagger's file).
//
//   npm run train:extraction -- ../shared/polnear/train [--out <file>] [--epochs n] [--seed n] [--bits n]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { serializeBoundaries } from '../src/extract/boundaries.js';
import { serializeTagger } from '../src/extract/tagger.js';
import { trainBoundaryChooser } from '../src/extract/train-boundaries.js';
import { trainTagger } from '../src/extract/train-tagger.js';
import { loadArticles, trainingArticles } from './lib/polnear.js';

export const DEFAULT_MODEL_PATH = 'src/extract/model/tagger.json';

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

function main(): void {
  const args = process.argv.slice(2);
  const valued = new Set(['--out', '--epochs', '--seed', '--bits']);
  const dir = args.find((arg, index) => !arg.startsWith('--') && !valued.has(args[index - 1] ?? ''));
  if (dir === undefined) {
    console.error('usage: npm run train:extraction -- <polnear-dir> [--out <file>] [--epochs n] [--seed n] [--bits n]');
    process.exit(2);
  }
  const out = option(args, '--out') ?? DEFAULT_MODEL_PATH;
  const epochs = Number(option(args, '--epochs') ?? 8);
  const seed = Number(option(args, '--seed') ?? 1);
  const bits = Number(option(args, '--bits') ?? 17);
  const started = performance.now();
  const articles = loadArticles(dir);
  const training = trainingArticles(articles);
  const model = trainTagger(training, { epochs, seed, bits });
  const serialized = JSON.stringify(serializeTagger(model));
  const boundaries = serializeBoundaries(trainBoundaryChooser(training));
  const boundariesOut = join(dirname(out), 'boundaries.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, serialized);
  writeFileSync(boundariesOut, `${JSON.stringify(boundaries, null, 0)}\n`);
  console.log(
    `trained on ${articles.length} articles in ${((performance.now() - started) / 1000).toFixed(1)} s: ${model.cueWords.size} cue words, ${(serialized.length / 1e6).toFixed(2)} MB -> ${out}; ${Object.keys(boundaries.weights).length} boundary weights -> ${boundariesOut}`,
  );
}

main();
