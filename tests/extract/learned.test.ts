// How the tagger's runs become contents: an attribution interrupting one sentence joins its two
// halves; a sentence end does not (the second sentence is a statement of its own).
import { describe, expect, it } from 'vitest';
import { groupContents } from '../../src/extract/learned.js';
import type { TaggedRun } from '../../src/extract/tagger.js';

// tokens 0-9 are one sentence, 10-19 the next; every token is a word except 4 (a comma)
const sentenceOf = (index: number): number => (index < 10 ? 0 : 1);
const isWord = (index: number): boolean => index !== 4;

describe('groupContents', () => {
  it('joins the halves of a content interrupted by its attribution in one sentence', () => {
    const runs: TaggedRun[] = [
      { kind: 'C', first: 0, end: 3 },
      { kind: 'S', first: 3, end: 4 },
      { kind: 'V', first: 5, end: 6 },
      { kind: 'C', first: 6, end: 9 },
    ];
    const contents = groupContents(runs, isWord, sentenceOf);
    expect(contents).toEqual([
      {
        fragments: [
          { first: 0, end: 3 },
          { first: 6, end: 9 },
        ],
        inner: [runs[1], runs[2]],
      },
    ]);
  });

  it('keeps contents apart across a sentence end, even with a cue between them', () => {
    const runs: TaggedRun[] = [
      { kind: 'C', first: 2, end: 9 },
      { kind: 'V', first: 10, end: 11 },
      { kind: 'C', first: 11, end: 15 },
    ];
    expect(groupContents(runs, () => false, sentenceOf).map((content) => content.fragments)).toEqual([[{ first: 2, end: 9 }], [{ first: 11, end: 15 }]]);
  });

  it('keeps contents apart when words of neither cue nor source lie between them', () => {
    const runs: TaggedRun[] = [
      { kind: 'C', first: 0, end: 3 },
      { kind: 'V', first: 3, end: 4 },
      { kind: 'C', first: 6, end: 9 },
    ];
    expect(groupContents(runs, isWord, sentenceOf)).toHaveLength(2);
  });
});
