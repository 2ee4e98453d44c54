// The learned partial-quote boundary chooser: it picks among the rules' span, the quote itself, the
// clause and the sentence; the rules' span stays unless another scores better by the margin; the
// committed weights load; training is deterministic.
import { describe, expect, it } from 'vitest';
import { type BoundaryModel, boundaryFeature, deserializeBoundaries, serializeBoundaries } from '../../src/extract/boundaries.js';
import { defaultBoundaries, extract } from '../../src/extract/index.js';
import { boundaryExamples, trainBoundaryChooser } from '../../src/extract/train-boundaries.js';

const BODY = 'Mayor Ann Lowe described the budget as a “very positive step” during a visit to the depot on Tuesday. She spoke for ten minutes.';

const partialQuote = (boundaries: BoundaryModel | null) => {
  const statement = extract({ body: BODY }, [], { boundaries }).statements.find((candidate) => candidate.kind === 'PARTIAL_QUOTE');
  expect(statement, 'the rules find the partial quote').toBeDefined();
  return BODY.slice(statement!.span.start, statement!.span.end);
};

/** A model of named features' weights, hashed as the chooser reads them. */
const model = (named: Record<string, number>, margin = 1): BoundaryModel =>
  deserializeBoundaries({ margin, weights: Object.fromEntries(Object.entries(named).map(([name, weight]) => [boundaryFeature(name), weight])) });

describe('partial-quote boundaries', () => {
  it("keep the rules' span when no other candidate scores better by the margin", () => {
    expect(partialQuote(null)).toBe('the budget as a “very positive step”');
    expect(partialQuote(model({}))).toBe('the budget as a “very positive step”');
    expect(partialQuote(model({ 's=quote': 0.4, 'e=quote': 0.4 }))).toBe('the budget as a “very positive step”');
  });

  it('take the span the model scores best: the quote alone, or the sentence', () => {
    expect(partialQuote(model({ 's=quote': 2, 'e=quote': 2 }))).toBe('“very positive step”');
    expect(partialQuote(model({ 's=sentence': 2, 'e=sentence': 2 }))).toBe(
      'Mayor Ann Lowe described the budget as a “very positive step” during a visit to the depot on Tuesday',
    );
  });

  it('load from the committed weights and survive serialisation', () => {
    const committed = defaultBoundaries();
    expect(committed.weights.size).toBeGreaterThan(100);
    expect(committed.margin).toBeGreaterThan(0);
    const roundTripped = deserializeBoundaries(JSON.parse(JSON.stringify(serializeBoundaries(committed))));
    expect(partialQuote(roundTripped)).toBe(partialQuote(committed));
  });
});

describe('boundary training', () => {
  /** Texts written for this test, each quote annotated as the quote alone. */
  const annotated = (body: string) => {
    const contents = [...body.matchAll(/“[^”]*”/g)].map((match) => [{ start: match.index, end: match.index + match[0].length }]);
    return { body, attributions: contents.map((content) => ({ content, cue: [], source: [] })) };
  };
  const articles = [
    annotated(BODY),
    annotated('The senator called the bill a “disgrace to the chamber” on Monday after a long debate. Few agreed.'),
    annotated('Her rival described the deal as “a step backwards for workers” in a statement late on Friday.'),
  ];

  it('labels each partial quote with every candidate’s overlap with the annotated quotes', () => {
    const examples = boundaryExamples(articles);
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      expect(example.overlaps).toHaveLength(example.candidates.length);
      expect(Math.max(...example.overlaps)).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('is deterministic', () => {
    const first = JSON.stringify(serializeBoundaries(trainBoundaryChooser(articles)));
    expect(JSON.stringify(serializeBoundaries(trainBoundaryChooser(articles)))).toBe(first);
    expect(Object.keys(JSON.parse(first).weights).length).toBeGreaterThan(0);
  });

  it('learns what it is shown: trained on quotes annotated alone, it chooses the quote alone', () => {
    const trained = trainBoundaryChooser(articles, { epochs: 30, learningRate: 0.5, margin: 0.1 });
    expect(partialQuote(trained)).toBe('“very positive step”');
  });
});
