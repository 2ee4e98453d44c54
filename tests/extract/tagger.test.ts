// The learned attribution tagger: the committed weights load and reproduce their recorded scores on
// a fixture written for these tests, where they find paraphrases the rules alone miss; training is
// deterministic.
import { describe, expect, it } from 'vitest';
import { scoreArticles } from '../../scripts/eval-extraction.js';
import { trainingArticles } from '../../scripts/lib/polnear.js';
import { defaultTagger, extract } from '../../src/extract/index.js';
import { deserializeTagger, serializeTagger } from '../../src/extract/tagger.js';
import { trainTagger } from '../../src/extract/train-tagger.js';

import { fixtureArticles } from '../fixtures/attribution.js';

const FIXTURE = fixtureArticles();

describe('committed weights', () => {
  // After a deliberate change of the weights or the extractor: npx vitest run tests/extract/tagger.test.ts -u
  it('load and reproduce the scores recorded for them on the fixture', async () => {
    const actual = Object.fromEntries(Object.entries(scoreArticles(FIXTURE, {})).map(([metric, value]) => [metric, Math.round(value * 1e6) / 1e6]));
    await expect(`${JSON.stringify(actual, null, 2)}\n`).toMatchFileSnapshot('../fixtures/attribution-scores.json');
  });

  it('add paraphrases the rules alone miss', () => {
    const withTagger = scoreArticles(FIXTURE, { tagger: defaultTagger(), boundaries: null });
    const rulesOnly = scoreArticles(FIXTURE, { tagger: null, boundaries: null });
    expect(withTagger.paraphraseR).toBeGreaterThan(rulesOnly.paraphraseR);
  });

  it('survive serialisation: the decoded model tags as the trained one does', () => {
    const articles = trainingArticles(FIXTURE);
    const model = trainTagger(articles, { epochs: 3, bits: 12, minCueCount: 1 });
    const roundTripped = deserializeTagger(JSON.parse(JSON.stringify(serializeTagger(model))));
    const body = articles[0]!.body;
    const kinds = (tagger: typeof model) =>
      extract({ body }, [], { tagger }).statements.map((statement) => `${statement.kind}:${statement.span.start}-${statement.span.end}`);
    expect(kinds(roundTripped)).toEqual(kinds(model));
  });
});

describe('training', () => {
  it('is deterministic for a seed', () => {
    const articles = trainingArticles(FIXTURE);
    const first = JSON.stringify(serializeTagger(trainTagger(articles, { epochs: 2, bits: 12, minCueCount: 1, seed: 7 })));
    const second = JSON.stringify(serializeTagger(trainTagger(articles, { epochs: 2, bits: 12, minCueCount: 1, seed: 7 })));
    expect(second).toBe(first);
  });

  it('learns cue words from the gold cues', () => {
    const model = trainTagger(trainingArticles(FIXTURE), { epochs: 1, bits: 12, minCueCount: 1 });
    expect([...model.cueWords]).toEqual(expect.arrayContaining(['said', 'argued', 'believe']));
    expect(model.cueWords.has('bridge')).toBe(false);
  });
});
