// A learned attribution tagger: a first-order structured (averaged) perceptron that labels every
// token of a paragraph as outside, or the beginning/inside of an attribution's Content, Source or
// Cue. It is trained by scripts/train-extraction.ts on annotated news (PolNeAR's train split) and
// reaches what the hand rules cannot list: the long tail of reporting verbs ("endorsed", "wants",
// "criticized") and the clause a paraphrase spans. Features are hashed into a fixed table, so the
// weights are one compact array and the same code extracts features for training and inference.
import type { Token } from './text.js';

export const TAGS = ['O', 'B-C', 'I-C', 'B-S', 'I-S', 'B-V', 'I-V'] as const;
export type TagIndex = number;
export const TAG_COUNT = TAGS.length;
const OUTSIDE = 0;

/** Is `next` allowed after `previous`? An inside tag only continues its own kind. */
export function allowedTransition(previous: TagIndex, next: TagIndex): boolean {
  const tag = TAGS[next]!;
  if (!tag.startsWith('I-')) return true;
  const kind = tag.slice(2);
  return TAGS[previous] === `B-${kind}` || TAGS[previous] === `I-${kind}`;
}

export interface TaggerModel {
  /** log2 of the number of hashed feature buckets */
  bits: number;
  /** bucket-major weights: weights[bucket * TAG_COUNT + tag] */
  weights: Float32Array;
  /** transitions[(previous + 1) * TAG_COUNT + tag]; row 0 is the sequence start */
  transitions: Float32Array;
  /** words the training data uses as cue heads, most reliable first */
  cueWords: ReadonlySet<string>;
}

export interface SerializedTagger {
  version: 1;
  bits: number;
  scale: number;
  /** Int16 little-endian, base64 */
  weights: string;
  transitions: number[];
  cueWords: string[];
}

export function serializeTagger(model: TaggerModel): SerializedTagger {
  let largest = 0;
  for (const weight of model.weights) largest = Math.max(largest, Math.abs(weight));
  const scale = largest === 0 ? 1 : largest / 32767;
  const quantized = new Int16Array(model.weights.length);
  model.weights.forEach((weight, index) => (quantized[index] = Math.round(weight / scale)));
  return {
    version: 1,
    bits: model.bits,
    scale,
    weights: Buffer.from(quantized.buffer, quantized.byteOffset, quantized.byteLength).toString('base64'),
    transitions: [...model.transitions].map((value) => Math.round(value * 1e4) / 1e4),
    cueWords: [...model.cueWords],
  };
}

export function deserializeTagger(serialized: SerializedTagger): TaggerModel {
  const bytes = Buffer.from(serialized.weights, 'base64');
  const quantized = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const weights = new Float32Array(quantized.length);
  quantized.forEach((value, index) => (weights[index] = value * serialized.scale));
  return { bits: serialized.bits, weights, transitions: Float32Array.from(serialized.transitions), cueWords: new Set(serialized.cueWords) };
}

/** FNV-1a, 32 bit: stable across runs and platforms, so training and inference agree. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193);
  }
  return value >>> 0;
}

function shape(text: string): string {
  if (/^\p{Lu}+$/u.test(text) && text.length > 1) return 'XX';
  if (/^\p{Lu}/u.test(text)) return 'Xx';
  if (/^\p{Ll}/u.test(text)) return 'x';
  if (/^\p{N}/u.test(text)) return 'd';
  if (text === '"' || text === '“' || text === '”') return 'q';
  return text;
}

function distanceBucket(distance: number): string {
  if (distance <= 3) return String(distance);
  if (distance <= 6) return '4-6';
  if (distance <= 10) return '7-10';
  if (distance <= 20) return '11-20';
  return '>20';
}

/** What the features of one paragraph's tokens may read. */
export interface TaggerInput {
  tokens: readonly Token[];
  /** token index range of the paragraph [first, end) */
  first: number;
  end: number;
  /** sentence number of each token (any increasing numbering) */
  sentenceOf: (index: number) => number;
  isQuoted: (offset: number) => boolean;
  /** 1 for tokens inside a person's name as the name finder found it */
  inName: Uint8Array;
}

const PRONOUNS = new Set(['he', 'she', 'they', 'we', 'i', 'it', 'you']);

/**
 * The hashed feature buckets of every token of the paragraph. Context features look up to the
 * nearest cue word on either side within the sentence, plus the words that carry a clause
 * boundary ("that", a comma, a quote mark), so a token deep in a clause knows what governs it.
 */
export function paragraphFeatures(input: TaggerInput, model: Pick<TaggerModel, 'bits' | 'cueWords'>): Uint32Array[] {
  const { tokens, first, end } = input;
  const mask = (1 << model.bits) - 1;
  const lowers: string[] = [];
  for (let index = first; index < end; index++) lowers.push(tokens[index]!.lower);
  const word = (index: number): string => (index < first ? '<s>' : index >= end ? '</s>' : lowers[index - first]!);
  const count = end - first;
  // nearest cue word before / after each token in its sentence, and commas/"that" since it
  const previousCue = new Int32Array(count).fill(-1);
  const commasSinceCue = new Int32Array(count);
  const thatSinceCue = new Uint8Array(count);
  let cue = -1;
  let commas = 0;
  let sawThat = 0;
  for (let index = first; index < end; index++) {
    if (index > first && input.sentenceOf(index) !== input.sentenceOf(index - 1)) {
      cue = -1;
      commas = 0;
      sawThat = 0;
    }
    previousCue[index - first] = cue;
    commasSinceCue[index - first] = commas;
    thatSinceCue[index - first] = sawThat;
    const lower = lowers[index - first]!;
    if (model.cueWords.has(lower)) {
      cue = index;
      commas = 0;
      sawThat = 0;
    } else if (lower === ',') commas++;
    else if (lower === 'that' && cue >= 0 && index - cue <= 4) sawThat = 1;
  }
  const nextCue = new Int32Array(count).fill(-1);
  cue = -1;
  for (let index = end - 1; index >= first; index--) {
    if (index < end - 1 && input.sentenceOf(index) !== input.sentenceOf(index + 1)) cue = -1;
    nextCue[index - first] = cue;
    if (model.cueWords.has(lowers[index - first]!)) cue = index;
  }
  // inside-quote state of each token
  const quoted = new Uint8Array(count);
  for (let index = first; index < end; index++) quoted[index - first] = input.isQuoted(tokens[index]!.start) ? 1 : 0;

  const result: Uint32Array[] = [];
  const buckets: number[] = [];
  const add = (feature: string): void => {
    buckets.push(hash(feature) & mask);
  };
  for (let index = first; index < end; index++) {
    buckets.length = 0;
    const local = index - first;
    const token = tokens[index]!;
    const w0 = lowers[local]!;
    const sentence = input.sentenceOf(index);
    const sentenceStart = index === first || input.sentenceOf(index - 1) !== sentence;
    const sentenceEnd = index === end - 1 || input.sentenceOf(index + 1) !== sentence;
    const before = previousCue[local]!;
    const after = nextCue[local]!;
    add('b');
    add(`w=${w0}`);
    add(`w-1=${word(index - 1)}`);
    add(`w+1=${word(index + 1)}`);
    add(`w-2=${word(index - 2)}`);
    add(`w+2=${word(index + 2)}`);
    add(`w-1w=${word(index - 1)}|${w0}`);
    add(`ww+1=${w0}|${word(index + 1)}`);
    add(`s=${shape(token.text)}`);
    add(`s-1s=${index > first ? shape(tokens[index - 1]!.text) : '<s>'}|${shape(token.text)}`);
    add(`ss+1=${shape(token.text)}|${index + 1 < end ? shape(tokens[index + 1]!.text) : '</s>'}`);
    if (w0.length > 3) add(`suf=${w0.slice(-3)}`);
    add(`q=${quoted[local]}`);
    add(`q=${quoted[local]}|s=${shape(token.text)}`);
    if (local > 0) add(`q-1q=${quoted[local - 1]}${quoted[local]}`);
    if (local + 1 < count) add(`qq+1=${quoted[local]}${quoted[local + 1]}`);
    if (sentenceStart) add('sentence-start');
    if (sentenceEnd) add('sentence-end');
    if (sentence === input.sentenceOf(first)) add('first-sentence');
    const name = input.inName[index]!;
    add(`n=${name}`);
    add(`n-1n+1=${index > first ? input.inName[index - 1] : 2}${name}${index + 1 < end ? input.inName[index + 1] : 2}`);
    if (PRONOUNS.has(w0)) add('pronoun');
    if (before >= 0 && after >= 0) add('between-cues');
    if (before >= 0) {
      const distance = distanceBucket(index - before);
      add(`pc=${lowers[before - first]}`);
      add(`pcd=${distance}`);
      add(`pc=${lowers[before - first]}|${distance}`);
      add(`pcc=${Math.min(commasSinceCue[local]!, 2)}|that=${thatSinceCue[local]}`);
      add(`pc-1=${word(before - 1)}|pcd=${distance}`);
    } else add('pc=none');
    if (after >= 0) {
      const distance = distanceBucket(after - index);
      add(`nc=${lowers[after - first]}`);
      add(`ncd=${distance}`);
      add(`nc=${lowers[after - first]}|${distance}`);
      add(`nc+1=${word(after + 1)}|ncd=${distance}`);
    } else add('nc=none');
    if (model.cueWords.has(w0)) {
      add(`cue|w-1=${word(index - 1)}`);
      add(`cue|w+1=${word(index + 1)}`);
      add(`cue|s-1=${index > first ? shape(tokens[index - 1]!.text) : '<s>'}`);
    }
    result.push(Uint32Array.from(buckets));
  }
  return result;
}

/** Best tag sequence for one paragraph's features (Viterbi over the allowed transitions). */
export function decode(features: readonly Uint32Array[], weights: Float32Array, transitions: Float32Array): TagIndex[] {
  const length = features.length;
  if (length === 0) return [];
  const scores = new Float64Array(length * TAG_COUNT);
  const back = new Int8Array(length * TAG_COUNT);
  const emission = new Float64Array(TAG_COUNT);
  for (let position = 0; position < length; position++) {
    emission.fill(0);
    for (const bucket of features[position]!) {
      const offset = bucket * TAG_COUNT;
      for (let tag = 0; tag < TAG_COUNT; tag++) emission[tag]! += weights[offset + tag]!;
    }
    for (let tag = 0; tag < TAG_COUNT; tag++) {
      if (position === 0) {
        const allowed = !TAGS[tag]!.startsWith('I-');
        scores[tag] = allowed ? emission[tag]! + transitions[tag]! : -Infinity;
        back[tag] = -1;
        continue;
      }
      let best = -Infinity;
      let bestPrevious = OUTSIDE;
      for (let previous = 0; previous < TAG_COUNT; previous++) {
        if (!allowedTransition(previous, tag)) continue;
        const score = scores[(position - 1) * TAG_COUNT + previous]! + transitions[(previous + 1) * TAG_COUNT + tag]!;
        if (score > best) {
          best = score;
          bestPrevious = previous;
        }
      }
      scores[position * TAG_COUNT + tag] = best + emission[tag]!;
      back[position * TAG_COUNT + tag] = bestPrevious;
    }
  }
  let bestTag = OUTSIDE;
  for (let tag = 1; tag < TAG_COUNT; tag++) if (scores[(length - 1) * TAG_COUNT + tag]! > scores[(length - 1) * TAG_COUNT + bestTag]!) bestTag = tag;
  const tags: TagIndex[] = new Array(length);
  for (let position = length - 1; position >= 0; position--) {
    tags[position] = bestTag;
    bestTag = back[position * TAG_COUNT + bestTag]!;
  }
  return tags;
}

/** A run of tokens with one role, [first, end) in token indices. */
export interface TaggedRun {
  kind: 'C' | 'S' | 'V';
  first: number;
  end: number;
}

export function runsOf(tags: readonly TagIndex[], offset: number): TaggedRun[] {
  const runs: TaggedRun[] = [];
  tags.forEach((tag, position) => {
    const name = TAGS[tag]!;
    if (name === 'O') return;
    const kind = name.slice(2) as TaggedRun['kind'];
    const last = runs[runs.length - 1];
    if (name.startsWith('I-') && last !== undefined && last.kind === kind && last.end === offset + position) last.end++;
    else runs.push({ kind, first: offset + position, end: offset + position + 1 });
  });
  return runs;
}
