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

/** allowedTransition as a table, for the decoder's inner loop. */
const ALLOWED = Uint8Array.from({ length: TAGS.length * TAGS.length }, (_, index) =>
  allowedTransition(Math.floor(index / TAGS.length), index % TAGS.length) ? 1 : 0,
);
const MAY_START = Uint8Array.from(TAGS, (tag) => (tag.startsWith('I-') ? 0 : 1));

export interface TaggerModel {
  /** log2 of the number of hashed feature buckets */
  bits: number;
  /** bucket-major weights: weights[bucket * TAG_COUNT + tag] * scale (Int16 as committed: half the memory to walk) */
  weights: Float32Array | Int16Array;
  scale: number;
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
  for (const weight of model.weights) largest = Math.max(largest, Math.abs(weight * model.scale));
  const scale = largest === 0 ? 1 : largest / 32767;
  const quantized = new Int16Array(model.weights.length);
  model.weights.forEach((weight, index) => (quantized[index] = Math.round((weight * model.scale) / scale)));
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
  return {
    bits: serialized.bits,
    weights: quantized,
    scale: serialized.scale,
    transitions: Float32Array.from(serialized.transitions),
    cueWords: new Set(serialized.cueWords),
  };
}

const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a, 32 bit, continued from `state`: mix(mix(FNV_OFFSET, a), b) is the hash of a + b. */
function mix(state: number, text: string): number {
  let value = state;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193);
  }
  return value >>> 0;
}

/** Stable across runs and platforms, so training and inference agree. */
export function hash(text: string): number {
  return mix(FNV_OFFSET, text);
}

function wordShape(text: string): string {
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

/** The hash states of every feature's constant prefix (the feature strings are "name=value"). */
const PREFIX = {
  bias: hash('b'),
  w: hash('w='),
  wPrevious: hash('w-1='),
  wNext: hash('w+1='),
  wPrevious2: hash('w-2='),
  wNext2: hash('w+2='),
  wPreviousW: hash('w-1w='),
  wwNext: hash('ww+1='),
  s: hash('s='),
  sPreviousS: hash('s-1s='),
  ssNext: hash('ss+1='),
  suffix: hash('suf='),
  q: hash('q='),
  qPreviousQ: hash('q-1q='),
  qqNext: hash('qq+1='),
  sentenceStart: hash('sentence-start'),
  sentenceEnd: hash('sentence-end'),
  firstSentence: hash('first-sentence'),
  n: hash('n='),
  nContext: hash('n-1n+1='),
  pronoun: hash('pronoun'),
  betweenCues: hash('between-cues'),
  pc: hash('pc='),
  pcd: hash('pcd='),
  pcc: hash('pcc='),
  pcPrevious: hash('pc-1='),
  pcNone: hash('pc=none'),
  nc: hash('nc='),
  ncd: hash('ncd='),
  ncNext: hash('nc+1='),
  ncNone: hash('nc=none'),
  cuePrevious: hash('cue|w-1='),
  cueNext: hash('cue|w+1='),
  cueShape: hash('cue|s-1='),
};

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

/** Hashed feature buckets of a paragraph's tokens, in one buffer: token i's are buckets[offsets[i]..offsets[i + 1]). */
export interface FeatureRows {
  length: number;
  buckets: Uint32Array;
  offsets: Uint32Array;
}

/** The features paragraphFeatures adds for one token are at most this many. */
const MAX_FEATURES_PER_TOKEN = 40;

/** Token `index`'s feature buckets, as a view into the paragraph's buffer. */
export function featuresAt(rows: FeatureRows, index: number): Uint32Array {
  return rows.buckets.subarray(rows.offsets[index]!, rows.offsets[index + 1]!);
}

/** Each feature is hash(`name=value…`), computed by continuing the hash of its constant prefix. */
function feature(prefix: number, value: string, second?: string, third?: string): number {
  let state = mix(prefix, value);
  if (second !== undefined) state = mix(state, second);
  if (third !== undefined) state = mix(state, third);
  return state;
}

/**
 * The hashed feature buckets of every token of the paragraph. Context features look up to the
 * nearest cue word on either side within the sentence, plus the words that carry a clause
 * boundary ("that", a comma, a quote mark), so a token deep in a clause knows what governs it.
 */
export function paragraphFeatures(input: TaggerInput, model: Pick<TaggerModel, 'bits' | 'cueWords'>): FeatureRows {
  const { tokens, first, end } = input;
  const mask = (1 << model.bits) - 1;
  const count = end - first;
  const lowers: string[] = new Array(count);
  const shapes: string[] = new Array(count);
  const sentences = new Int32Array(count);
  const isCue = new Uint8Array(count);
  // most words recur in a paragraph: their shapes are worked out once
  const shapeCache = new Map<string, string>();
  for (let local = 0; local < count; local++) {
    const token = tokens[first + local]!;
    lowers[local] = token.lower;
    let tokenShape = shapeCache.get(token.text);
    if (tokenShape === undefined) {
      tokenShape = wordShape(token.text);
      shapeCache.set(token.text, tokenShape);
    }
    shapes[local] = tokenShape;
    sentences[local] = input.sentenceOf(first + local);
    isCue[local] = model.cueWords.has(token.lower) ? 1 : 0;
  }
  const word = (index: number): string => (index < first ? '<s>' : index >= end ? '</s>' : lowers[index - first]!);
  // nearest cue word before / after each token in its sentence, and commas/"that" since it
  const previousCue = new Int32Array(count).fill(-1);
  const commasSinceCue = new Int32Array(count);
  const thatSinceCue = new Uint8Array(count);
  let cue = -1;
  let commas = 0;
  let sawThat = 0;
  for (let local = 0; local < count; local++) {
    if (local > 0 && sentences[local] !== sentences[local - 1]) {
      cue = -1;
      commas = 0;
      sawThat = 0;
    }
    previousCue[local] = cue;
    commasSinceCue[local] = commas;
    thatSinceCue[local] = sawThat;
    const lower = lowers[local]!;
    if (isCue[local] === 1) {
      cue = first + local;
      commas = 0;
      sawThat = 0;
    } else if (lower === ',') commas++;
    else if (lower === 'that' && cue >= 0 && first + local - cue <= 4) sawThat = 1;
  }
  const nextCue = new Int32Array(count).fill(-1);
  cue = -1;
  for (let local = count - 1; local >= 0; local--) {
    if (local < count - 1 && sentences[local] !== sentences[local + 1]) cue = -1;
    nextCue[local] = cue;
    if (isCue[local] === 1) cue = first + local;
  }
  // inside-quote state of each token
  const quoted = new Uint8Array(count);
  for (let local = 0; local < count; local++) quoted[local] = input.isQuoted(tokens[first + local]!.start) ? 1 : 0;

  const shapeAt = (index: number, outside: string): string => (index < first || index >= end ? outside : shapes[index - first]!);
  const buckets = new Uint32Array(count * MAX_FEATURES_PER_TOKEN);
  const offsets = new Uint32Array(count + 1);
  let filled = 0;
  const add = (state: number): void => {
    buckets[filled++] = state & mask;
  };
  const firstSentence = sentences[0];
  for (let local = 0; local < count; local++) {
    offsets[local] = filled;
    const index = first + local;
    const w0 = lowers[local]!;
    const s0 = shapes[local]!;
    const q0 = quoted[local] === 1 ? '1' : '0';
    const sentence = sentences[local];
    const sentenceStart = local === 0 || sentences[local - 1] !== sentence;
    const sentenceEnd = local === count - 1 || sentences[local + 1] !== sentence;
    const before = previousCue[local]!;
    const after = nextCue[local]!;
    add(PREFIX.bias);
    add(feature(PREFIX.w, w0));
    add(feature(PREFIX.wPrevious, word(index - 1)));
    add(feature(PREFIX.wNext, word(index + 1)));
    add(feature(PREFIX.wPrevious2, word(index - 2)));
    add(feature(PREFIX.wNext2, word(index + 2)));
    add(feature(PREFIX.wPreviousW, word(index - 1), '|', w0));
    add(feature(PREFIX.wwNext, w0, '|', word(index + 1)));
    add(feature(PREFIX.s, s0));
    add(feature(PREFIX.sPreviousS, shapeAt(index - 1, '<s>'), '|', s0));
    add(feature(PREFIX.ssNext, s0, '|', shapeAt(index + 1, '</s>')));
    if (w0.length > 3) add(feature(PREFIX.suffix, w0.slice(-3)));
    add(feature(PREFIX.q, q0));
    add(feature(PREFIX.q, q0, '|s=', s0));
    if (local > 0) add(feature(PREFIX.qPreviousQ, quoted[local - 1] === 1 ? '1' : '0', q0));
    if (local + 1 < count) add(feature(PREFIX.qqNext, q0, quoted[local + 1] === 1 ? '1' : '0'));
    if (sentenceStart) add(PREFIX.sentenceStart);
    if (sentenceEnd) add(PREFIX.sentenceEnd);
    if (sentence === firstSentence) add(PREFIX.firstSentence);
    const name = input.inName[index]!;
    add(feature(PREFIX.n, String(name)));
    add(feature(PREFIX.nContext, String(index > first ? input.inName[index - 1] : 2), String(name), String(index + 1 < end ? input.inName[index + 1] : 2)));
    if (PRONOUNS.has(w0)) add(PREFIX.pronoun);
    if (before >= 0 && after >= 0) add(PREFIX.betweenCues);
    if (before >= 0) {
      const distance = distanceBucket(index - before);
      const cueWord = lowers[before - first]!;
      add(feature(PREFIX.pc, cueWord));
      add(feature(PREFIX.pcd, distance));
      add(feature(PREFIX.pc, cueWord, '|', distance));
      add(feature(PREFIX.pcc, String(Math.min(commasSinceCue[local]!, 2)), '|that=', String(thatSinceCue[local])));
      add(feature(PREFIX.pcPrevious, word(before - 1), '|pcd=', distance));
    } else add(PREFIX.pcNone);
    if (after >= 0) {
      const distance = distanceBucket(after - index);
      const cueWord = lowers[after - first]!;
      add(feature(PREFIX.nc, cueWord));
      add(feature(PREFIX.ncd, distance));
      add(feature(PREFIX.nc, cueWord, '|', distance));
      add(feature(PREFIX.ncNext, word(after + 1), '|ncd=', distance));
    } else add(PREFIX.ncNone);
    if (isCue[local] === 1) {
      add(feature(PREFIX.cuePrevious, word(index - 1)));
      add(feature(PREFIX.cueNext, word(index + 1)));
      add(feature(PREFIX.cueShape, shapeAt(index - 1, '<s>')));
    }
  }
  offsets[count] = filled;
  return { length: count, buckets: buckets.subarray(0, filled), offsets };
}

/** Best tag sequence for one paragraph's features (Viterbi over the allowed transitions). */
export function decode(features: FeatureRows, weights: Float32Array | Int16Array, transitions: Float32Array, scale = 1): TagIndex[] {
  const { length, buckets, offsets } = features;
  if (length === 0) return [];
  const scores = new Float64Array(length * TAG_COUNT);
  const back = new Int8Array(length * TAG_COUNT);
  const emission = new Float64Array(TAG_COUNT);
  for (let position = 0; position < length; position++) {
    emission.fill(0);
    const stop = offsets[position + 1]!;
    for (let slot = offsets[position]!; slot < stop; slot++) {
      const offset = buckets[slot]! * TAG_COUNT;
      for (let tag = 0; tag < TAG_COUNT; tag++) emission[tag]! += weights[offset + tag]!;
    }
    if (scale !== 1) for (let tag = 0; tag < TAG_COUNT; tag++) emission[tag]! *= scale;
    for (let tag = 0; tag < TAG_COUNT; tag++) {
      if (position === 0) {
        scores[tag] = MAY_START[tag] === 1 ? emission[tag]! + transitions[tag]! : -Infinity;
        back[tag] = -1;
        continue;
      }
      let best = -Infinity;
      let bestPrevious = OUTSIDE;
      for (let previous = 0; previous < TAG_COUNT; previous++) {
        if (ALLOWED[previous * TAG_COUNT + tag] === 0) continue;
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
