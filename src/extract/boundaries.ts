// Where a partial quote begins and ends. Annotators mark the reported content around a quoted phrase:
// sometimes just the phrase, sometimes the clause it completes ("which she called “a bad deal”"), or
// the whole sentence. The rules propose one span; this learned chooser (a log-linear model over a few
// candidate starts and ends, trained by src/extract/train-boundaries.ts) picks among the rules' span,
// the quote itself, the clause around it and the sentence. Features are hashed (tagger.ts's FNV-1a),
// so the weights hold numbers, not the training text's words.
import type { TextAnalysis } from './analysis.js';
import type { DraftStatement } from './statements.js';
import { hash } from './tagger.js';
import { sentenceAt, tokenIndexAt } from './text.js';
import type { TextSpan } from './types.js';

export interface BoundaryModel {
  /** hashed feature → weight */
  weights: Map<number, number>;
  /** how much better than the rules' span another must score to replace it */
  margin: number;
}

export interface SerializedBoundaryModel {
  margin: number;
  weights: Record<string, number>;
}

export function deserializeBoundaries(serialized: SerializedBoundaryModel): BoundaryModel {
  return { weights: new Map(Object.entries(serialized.weights).map(([feature, weight]) => [Number(feature), weight])), margin: serialized.margin };
}

export function serializeBoundaries(model: BoundaryModel): SerializedBoundaryModel {
  const weights: Record<string, number> = {};
  for (const [feature, weight] of [...model.weights].sort(([a], [b]) => a - b)) if (Math.abs(weight) >= 1e-3) weights[feature] = Math.round(weight * 1e3) / 1e3;
  return { margin: model.margin, weights };
}

/** The hashed form of a named feature ("s=quote&e=quote"). */
export const boundaryFeature = hash;

export interface BoundaryCandidate {
  span: TextSpan;
  /** hashed features */
  features: number[];
}

const CLAUSE_BREAKS = new Set([',', ';', ':', '—', '–', '(', ')']);
const WORD_BINS = [1, 2, 3, 5, 8, 12, 20];
const JOINERS = new Set(['and', 'but', 'or', 'while', 'as', 'after', 'before', 'because', 'since', 'which', 'who', 'that']);

function bin(value: number, edges: readonly number[]): number {
  let index = 0;
  while (index < edges.length && value >= edges[index]!) index++;
  return index;
}

/**
 * The spans a partial quote could take, the rules' own first, each with its features; none when the
 * statement is not a partial quote or holds no quote.
 */
export function boundaryCandidates(analysis: TextAnalysis, draft: DraftStatement): BoundaryCandidate[] {
  if (draft.kind !== 'PARTIAL_QUOTE') return [];
  const { tokens, quotes, sentences, isQuoted } = analysis;
  const inside = quotes.filter((quote) => quote.start >= draft.span.start - 1 && quote.end <= draft.span.end + 1);
  const firstQuote = inside[0];
  const lastQuote = inside[inside.length - 1];
  if (firstQuote === undefined || lastQuote === undefined) return [];
  const sentence = sentenceAt(sentences, firstQuote.start);
  if (sentence === undefined) return [];
  const openToken = tokenIndexAt(tokens, firstQuote.start);
  const closeToken = tokenIndexAt(tokens, lastQuote.end);

  const starts = new Map<number, string[]>();
  const ends = new Map<number, string[]>();
  const add = (into: Map<number, string[]>, offset: number | undefined, origin: string): void => {
    if (offset === undefined) return;
    into.set(offset, [...(into.get(offset) ?? []), origin]);
  };
  add(starts, draft.span.start, 'rules');
  add(starts, firstQuote.start, 'quote');
  add(starts, tokens[sentence.firstToken]?.start, 'sentence');
  for (let index = openToken - 1; index >= sentence.firstToken; index--) {
    const token = tokens[index]!;
    if (isQuoted(token.start)) continue;
    if (CLAUSE_BREAKS.has(token.text)) {
      add(starts, tokens[index + 1]?.start, 'clause');
      break;
    }
    if (token.lower === 'that') {
      add(starts, token.start, 'that');
      add(starts, tokens[index + 1]?.start, 'after-that');
      break;
    }
  }
  if (draft.cue !== null && draft.cue.end < openToken) add(starts, tokens[draft.cue.end]?.start, 'cue');

  add(ends, draft.span.end, 'rules');
  add(ends, lastQuote.end, 'quote');
  let sentenceEnd = sentence.endToken;
  while (sentenceEnd > closeToken && /^[.?!]$/.test(tokens[sentenceEnd - 1]!.text)) sentenceEnd--;
  add(ends, tokens[sentenceEnd - 1]?.end, 'sentence');
  for (let index = closeToken; index < sentence.endToken; index++) {
    const token = tokens[index]!;
    if (index > closeToken && !isQuoted(token.start) && (CLAUSE_BREAKS.has(token.text) || /^[.?!]$/.test(token.text))) {
      add(ends, tokens[index - 1]?.end, 'clause');
      break;
    }
  }

  const before = tokens[openToken - 1];
  const after = tokens[closeToken];
  const lastInner = analysis.body
    .slice(lastQuote.start, lastQuote.end)
    .replace(/["“”'’\s]+$/u, '')
    .slice(-1);
  const context = [
    `before=${before?.lower ?? '^'}`,
    `after=${after?.lower ?? '$'}`,
    `inner.last=${/[.?!,;:]/.test(lastInner) ? lastInner : 'word'}`,
    `quote.capitalised=${tokens[openToken + 1]?.capitalized ?? false}`,
    `cue=${draft.cue === null ? 'none' : draft.cue.end <= openToken ? 'before' : 'after'}`,
    `quotes=${Math.min(inside.length, 3)}`,
  ];
  const words = (from: number, to: number): number => {
    let count = 0;
    for (let index = from; index < to; index++) if (tokens[index]!.isWord) count++;
    return count;
  };
  // "a “bad deal” and asked them to …": a joined verb phrase after the quote is the reporter's
  const firstJoiner = (from: number, to: number): string => {
    for (let index = from; index < to; index++) {
      const token = tokens[index]!;
      if (isQuoted(token.start)) continue;
      if (JOINERS.has(token.lower)) return `${token.lower}${/(?:ed|s)$/.test(tokens[index + 1]?.lower ?? '') ? '+verb' : ''}`;
    }
    return 'none';
  };
  const candidates: BoundaryCandidate[] = [];
  const ordered = (map: Map<number, string[]>) =>
    [...map].sort(([a, originsA], [b, originsB]) => Number(originsB.includes('rules')) - Number(originsA.includes('rules')) || a - b);
  for (const [start, startOrigins] of ordered(starts)) {
    for (const [end, endOrigins] of ordered(ends)) {
      if (end <= start || start > firstQuote.start || end < lastQuote.end - 1) continue;
      const startToken = tokenIndexAt(tokens, start);
      const endToken = tokenIndexAt(tokens, end);
      const features: string[] = [];
      const leading = bin(words(startToken, Math.max(startToken, openToken)), WORD_BINS);
      const trailing = bin(words(Math.min(endToken, closeToken), endToken), WORD_BINS);
      for (const origin of startOrigins) {
        features.push(`s=${origin}`, `s=${origin}&lead=${leading}`, `s=${origin}&first=${tokens[startToken]?.lower ?? '-'}`);
        for (const item of context) features.push(`s=${origin}&${item}`);
      }
      const joiner = firstJoiner(Math.min(endToken, closeToken), endToken);
      for (const origin of endOrigins) {
        features.push(`e=${origin}`, `e=${origin}&trail=${trailing}`, `e=${origin}&next=${tokens[endToken]?.lower ?? '$'}`, `e=${origin}&joiner=${joiner}`);
        for (const item of context) features.push(`e=${origin}&${item}`);
      }
      for (const startOrigin of startOrigins) for (const endOrigin of endOrigins) features.push(`s=${startOrigin}&e=${endOrigin}`);
      features.push(`start.before=${tokens[startToken - 1]?.lower ?? '^'}`, `lead=${leading}&trail=${trailing}`);
      candidates.push({ span: { start, end }, features: features.map(boundaryFeature) });
    }
  }
  return candidates;
}

function score(model: BoundaryModel, features: readonly number[]): number {
  let total = 0;
  for (const feature of features) total += model.weights.get(feature) ?? 0;
  return total;
}

/** The draft with the span the model scores highest, the rules' span unless another beats it by the margin. */
export function chooseBoundary(model: BoundaryModel, analysis: TextAnalysis, draft: DraftStatement): DraftStatement {
  const candidates = boundaryCandidates(analysis, draft);
  if (candidates.length < 2) return draft;
  let best = candidates[0]!;
  // the rules' span is right more often than not: another replaces it only when clearly better
  let bestScore = score(model, best.features) + model.margin;
  for (const candidate of candidates.slice(1)) {
    const candidateScore = score(model, candidate.features);
    if (candidateScore > bestScore) {
      best = candidate;
      bestScore = candidateScore;
    }
  }
  if (best.span.start === draft.span.start && best.span.end === draft.span.end) return draft;
  const pieces =
    draft.pieces.length === 1 && draft.pieces[0]!.start === draft.span.start && draft.pieces[0]!.end === draft.span.end ? [best.span] : draft.pieces;
  return { ...draft, span: best.span, pieces };
}
