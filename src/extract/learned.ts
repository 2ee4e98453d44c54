// Turns the learned tagger's labels into attributions: each run of Content tokens (runs split only
// by an interrupting attribution within one sentence are one content) with the Cue and Source runs
// nearest to it in its sentence.
import { type TextAnalysis, paragraphTokenRanges } from './analysis.js';
import type { NameMention } from './names.js';
import { type TaggedRun, type TaggerModel, decode, paragraphFeatures, runsOf } from './tagger.js';

export interface TaggedAttribution {
  /** token ranges of the content's fragments, in order */
  content: { first: number; end: number }[];
  cue: TaggedRun | null;
  source: TaggedRun | null;
}

/** How many tokens an interrupting attribution ("he said," / "Clinton told reporters") may take. */
const MAX_INTERRUPTION = 12;

export function tagAttributions(analysis: TextAnalysis, inName: Uint8Array, model: TaggerModel): TaggedAttribution[] {
  const { tokens } = analysis;
  const { ranges, sentenceOf } = paragraphTokenRanges(analysis);
  const result: TaggedAttribution[] = [];
  for (const range of ranges) {
    const features = paragraphFeatures({ tokens, ...range, sentenceOf: (index) => sentenceOf[index]!, isQuoted: analysis.isQuoted, inName }, model);
    const runs = runsOf(decode(features, model.weights, model.transitions, model.scale), range.first);
    const contents = groupContents(
      runs,
      (index) => tokens[index]!.isWord,
      (index) => sentenceOf[index]!,
    );
    const cues = runs.filter((run) => run.kind === 'V');
    const sources = runs.filter((run) => run.kind === 'S');
    for (const content of contents) {
      const first = content.fragments[0]!.first;
      const end = content.fragments[content.fragments.length - 1]!.end;
      const inSentences = (run: TaggedRun): boolean => sentenceOf[run.first] === sentenceOf[first] || sentenceOf[run.first] === sentenceOf[end - 1];
      const cue = content.inner.find((run) => run.kind === 'V') ?? nearest(cues, first, end, inSentences);
      const anchor = cue ?? { first, end };
      const source = content.inner.find((run) => run.kind === 'S') ?? nearest(sources, anchor.first, anchor.end, inSentences);
      result.push({ content: content.fragments, cue, source });
    }
  }
  return result;
}

export interface GroupedContent {
  /** token ranges of the content's fragments, in order */
  fragments: { first: number; end: number }[];
  /** the attribution runs that interrupt it */
  inner: TaggedRun[];
}

/**
 * The tagged contents of a paragraph: each Content run, or several joined when only attribution
 * tokens and punctuation of one sentence lie between them ("…, he said, …"). Across a sentence end,
 * the second run is a statement of its own, with its own cue.
 */
export function groupContents(runs: readonly TaggedRun[], isWord: (index: number) => boolean, sentenceOf: (index: number) => number): GroupedContent[] {
  const contents: GroupedContent[] = [];
  let pending: TaggedRun[] = [];
  for (const run of runs) {
    if (run.kind !== 'C') {
      pending.push(run);
      continue;
    }
    const last = contents[contents.length - 1];
    const previousEnd = last?.fragments[last.fragments.length - 1]?.end ?? -1;
    const interrupted =
      last !== undefined &&
      pending.some((other) => other.kind === 'V') &&
      run.first - previousEnd <= MAX_INTERRUPTION &&
      sentenceOf(run.first) === sentenceOf(previousEnd - 1) &&
      everyGapTokenIs(previousEnd, run.first, (index) => !isWord(index) || pending.some((other) => index >= other.first && index < other.end));
    if (interrupted) {
      last.fragments.push({ first: run.first, end: run.end });
      last.inner.push(...pending);
    } else contents.push({ fragments: [{ first: run.first, end: run.end }], inner: [] });
    pending = [];
  }
  return contents;
}

/**
 * The run of `runs` (in text order, disjoint) nearest to [first, end) that `accept`s: the last one
 * ending at or before `first` or the first one starting at or after `end`, found by binary search.
 */
function nearest(runs: readonly TaggedRun[], first: number, end: number, accept: (run: TaggedRun) => boolean): TaggedRun | null {
  let low = 0;
  let high = runs.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (runs[middle]!.end <= first) low = middle + 1;
    else high = middle;
  }
  const before = low > 0 ? runs[low - 1]! : undefined;
  let afterIndex = low;
  while (afterIndex < runs.length && runs[afterIndex]!.first < end) afterIndex++;
  const after = runs[afterIndex];
  const candidates = [before, after].filter((run): run is TaggedRun => run !== undefined && accept(run));
  const distance = (run: TaggedRun): number => (run.end <= first ? first - run.end : run.first - end);
  return candidates.sort((a, b) => distance(a) - distance(b))[0] ?? null;
}

function everyGapTokenIs(first: number, end: number, test: (index: number) => boolean): boolean {
  for (let index = first; index < end; index++) if (!test(index)) return false;
  return true;
}

/** 1 for every token inside one of the name finder's mentions: what the tagger reads as "a name". */
export function nameTokenMask(tokenCount: number, mentions: readonly NameMention[]): Uint8Array {
  const mask = new Uint8Array(tokenCount);
  for (const mention of mentions) mask.fill(1, mention.firstToken, mention.endToken);
  return mask;
}
