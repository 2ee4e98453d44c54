// Issue #19 §1: hostile bodies that made the extractor's time grow much faster than the text.
// Linear rules take ~10x as long for 10x the text; n·log n a little more. The ratio between 20k and
// 200k characters, measured in this one process (so a busy machine slows both sides alike), must
// stay under 15x. No absolute time is asserted.
import { describe, expect, it } from 'vitest';
import { extract } from '../../src/extract/index.js';

const SMALL = 20_000;
const LARGE = 200_000;
const MAX_RATIO = 15;

/** `unit` repeated to exactly `length` characters. */
const repeated = (unit: string) => (length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/** Two letters-only words unique to `i` ("Qab Qcd"): every sentence names someone new. */
function uniqueName(i: number): string {
  const word = (n: number) => {
    let out = '';
    do {
      out += String.fromCharCode(97 + (n % 26));
      n = Math.floor(n / 26);
    } while (n > 0);
    return `Q${out}`;
  };
  return `${word(i)} ${word(i * 7 + 3)}`;
}

function uniqueSenators(length: number): string {
  const sentences: string[] = [];
  let size = 0;
  for (let i = 0; size < length; i++) {
    const sentence = `Senator ${uniqueName(i)} said. `;
    sentences.push(sentence);
    size += sentence.length;
  }
  return sentences.join('').slice(0, length);
}

const inputs: [name: string, body: (length: number) => string][] = [
  ['"he said and " repeated (one run-on sentence)', repeated('he said and ')],
  ['"Abc " repeated (many capitalised words)', repeated('Abc ')],
  ['unique "Senator Qx Qy said." sentences', uniqueSenators],
  ['"<a>\\"" repeated', repeated('<a>"')],
];

const publishedAt = new Date('2026-12-03T12:00:00Z');

function timeOf(body: string): number {
  const started = performance.now();
  extract({ body, publishedAt, source: 'Test', headline: 'Complexity' });
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('extractor time grows (near) linearly with hostile bodies', () => {
  it.each(inputs)('%s: 200k characters take under 15x the time of 20k', { timeout: 600_000 }, (_name, make) => {
    timeOf(make(2_000)); // warm up: the lexicon loads, the code is compiled
    const small = median([timeOf(make(SMALL)), timeOf(make(SMALL)), timeOf(make(SMALL))]);
    const large = timeOf(make(LARGE));
    const ratio = large / small;
    console.log(`${_name}: 20k ${small.toFixed(0)} ms, 200k ${large.toFixed(0)} ms, ratio ${ratio.toFixed(1)}x`);
    expect(ratio, `20k took ${small.toFixed(0)} ms, 200k ${large.toFixed(0)} ms`).toBeLessThan(MAX_RATIO);
  });
});
