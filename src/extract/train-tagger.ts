// Trains the attribution tagger (src/extract/tagger.ts) from annotated articles: a structured
// perceptron with parameter averaging, deterministic for a given seed and input order.
import { type TextAnalysis, analyseText, paragraphTokenRanges } from './analysis.js';
import { nameTokenMask } from './learned.js';
import { findPeople } from './names.js';
import { type FeatureRows, TAG_COUNT, TAGS, type TaggerModel, decode, featuresAt, paragraphFeatures } from './tagger.js';
import type { TextSpan } from './types.js';

/** One gold attribution: its content, cue and source, each possibly discontinuous. */
export interface GoldAttribution {
  content: TextSpan[];
  cue: TextSpan[];
  source: TextSpan[];
}

export interface TrainingArticle {
  body: string;
  attributions: GoldAttribution[];
}

export interface TrainingOptions {
  epochs?: number;
  seed?: number;
  bits?: number;
  /** a word is a cue word when gold cues hold it at least this often ... */
  minCueCount?: number;
  /** ... and in at least this share of its occurrences */
  minCueShare?: number;
}

const TAG_INDEX = new Map<string, number>(TAGS.map((tag, index) => [tag, index]));

/** Gold tag of every token: content beats source and cue where annotations nest. */
export function goldTags(analysis: TextAnalysis, attributions: readonly GoldAttribution[]): number[] {
  const { tokens } = analysis;
  const kind = new Array<string>(tokens.length).fill('O');
  const spanId = new Int32Array(tokens.length).fill(-1);
  let nextId = 0;
  const paint = (segments: readonly TextSpan[], role: 'C' | 'S' | 'V'): void => {
    for (const segment of segments) {
      const id = nextId++;
      for (let index = 0; index < tokens.length; index++) {
        const token = tokens[index]!;
        if (token.end <= segment.start || token.start >= segment.end) continue;
        kind[index] = role;
        spanId[index] = id;
      }
    }
  };
  for (const attribution of attributions) {
    paint(attribution.cue, 'V');
    paint(attribution.source, 'S');
  }
  for (const attribution of attributions) paint(attribution.content, 'C');
  return kind.map((role, index) => {
    if (role === 'O') return 0;
    const begins = index === 0 || spanId[index - 1] !== spanId[index];
    return TAG_INDEX.get(`${begins ? 'B' : 'I'}-${role}`)!;
  });
}

/** Words that gold cues use often and reliably ("said", "according", "endorsed"). */
export function collectCueWords(
  articles: readonly { analysis: TextAnalysis; attributions: readonly GoldAttribution[] }[],
  minCount: number,
  minShare: number,
): string[] {
  const inCue = new Map<string, number>();
  const total = new Map<string, number>();
  for (const { analysis, attributions } of articles) {
    const cueTokens = new Set<number>();
    for (const attribution of attributions)
      for (const segment of attribution.cue)
        analysis.tokens.forEach((token, index) => {
          if (token.isWord && token.start < segment.end && token.end > segment.start) cueTokens.add(index);
        });
    analysis.tokens.forEach((token, index) => {
      if (!token.isWord) return;
      total.set(token.lower, (total.get(token.lower) ?? 0) + 1);
      if (cueTokens.has(index)) inCue.set(token.lower, (inCue.get(token.lower) ?? 0) + 1);
    });
  }
  return [...inCue]
    .filter(([word, count]) => count >= minCount && count / (total.get(word) ?? count) >= minShare)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([word]) => word);
}

/** mulberry32: a small seeded generator, so the shuffle order (and the weights) are reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

interface Sequence {
  features: FeatureRows;
  tags: number[];
}

export function trainTagger(articles: readonly TrainingArticle[], options: TrainingOptions = {}): TaggerModel {
  const { epochs = 8, seed = 1, bits = 17, minCueCount = 3, minCueShare = 0.2 } = options;
  const analysed = articles.map((article) => ({ analysis: analyseText(article.body), attributions: article.attributions }));
  const cueWords = new Set(collectCueWords(analysed, minCueCount, minCueShare));
  const sequences: Sequence[] = [];
  for (const { analysis, attributions } of analysed) {
    const tags = goldTags(analysis, attributions);
    const { ranges, sentenceOf } = paragraphTokenRanges(analysis);
    const inName = nameTokenMask(analysis.tokens.length, findPeople(analysis.body, analysis.tokens).mentions);
    for (const range of ranges) {
      const features = paragraphFeatures(
        { tokens: analysis.tokens, ...range, sentenceOf: (index) => sentenceOf[index]!, isQuoted: analysis.isQuoted, inName },
        { bits, cueWords },
      );
      sequences.push({ features, tags: tags.slice(range.first, range.end) });
    }
  }
  const size = (1 << bits) * TAG_COUNT;
  const weights = new Float32Array(size);
  const transitions = new Float32Array((TAG_COUNT + 1) * TAG_COUNT);
  // averaging: accumulated[i] holds sum over updates of (time * delta); average = w - accumulated / time
  const accumulated = new Float64Array(size);
  const accumulatedTransitions = new Float64Array(transitions.length);
  const next = random(seed);
  const order = sequences.map((_, index) => index);
  let time = 1;
  const update = (bucketFeatures: Uint32Array, tag: number, delta: number): void => {
    for (const bucket of bucketFeatures) {
      const index = bucket * TAG_COUNT + tag;
      weights[index]! += delta;
      accumulated[index]! += time * delta;
    }
  };
  const updateTransition = (previous: number, tag: number, delta: number): void => {
    const index = (previous + 1) * TAG_COUNT + tag;
    transitions[index]! += delta;
    accumulatedTransitions[index]! += time * delta;
  };
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let index = order.length - 1; index > 0; index--) {
      const other = Math.floor(next() * (index + 1));
      [order[index], order[other]] = [order[other]!, order[index]!];
    }
    for (const sequenceIndex of order) {
      const sequence = sequences[sequenceIndex]!;
      const predicted = decode(sequence.features, weights, transitions);
      for (let position = 0; position < predicted.length; position++) {
        const gold = sequence.tags[position]!;
        const guess = predicted[position]!;
        const previousGold = position === 0 ? -1 : sequence.tags[position - 1]!;
        const previousGuess = position === 0 ? -1 : predicted[position - 1]!;
        if (gold !== guess) {
          update(featuresAt(sequence.features, position), gold, 1);
          update(featuresAt(sequence.features, position), guess, -1);
        }
        if (gold !== guess || previousGold !== previousGuess) {
          updateTransition(previousGold, gold, 1);
          updateTransition(previousGuess, guess, -1);
        }
      }
      time++;
    }
  }
  for (let index = 0; index < size; index++) weights[index] = weights[index]! - accumulated[index]! / time;
  for (let index = 0; index < transitions.length; index++) transitions[index] = transitions[index]! - accumulatedTransitions[index]! / time;
  return { bits, weights, scale: 1, transitions, cueWords };
}
