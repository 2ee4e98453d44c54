import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import seed from '../seeds/cnn-2018-08-08-rand-paul-letter.js';
import { type TestApp, createTestApp } from './support/app.js';
import { backendName } from './support/database.js';

const body = readFileSync(new URL(`../seeds/${seed.bodyFile}`, import.meta.url), 'utf8');

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

const EXTRACT = `query($input: ExtractInput!) { extract(input: $input) {
  people { name aliases description mentions { start end } match { id name } }
  statements { text kind span { start end } cue { start end } speakerSpan { start end } speakerName speakerLabel channel mentions }
  events { name kind startDate endDate location participants span { start end } } } }`;

describe(`Query.extract over HTTP (${backendName})`, () => {
  it("finds the seed article's six people, matched to the stored ones, and who said its quotes", async () => {
    const { data, errors } = await app.gql(EXTRACT, { input: { body, publishedAt: '2018-08-08T00:00:00Z', source: 'CNN' } });
    expect(errors).toBeUndefined();
    const extraction = data.extract;
    const names = extraction.people.map((p: any) => p.name).sort();
    expect(names).toEqual(seed.people.map((p) => p.name).sort());
    for (const person of extraction.people) {
      expect(person.match?.name, `${person.name} matched to the stored person`).toBe(person.name);
      for (const m of person.mentions) expect(body.slice(m.start, m.end).length).toBeGreaterThan(0);
    }
    // Every quote the hand-made seed attributes to a person is found with the same speaker.
    const seededQuotes = seed.statements.filter((s) => s.kind !== 'PARAPHRASE' && s.speaker);
    for (const quote of seededQuotes) {
      const start = body.indexOf(quote.quote);
      const found = extraction.statements.find((s: any) => s.span.start <= start + 2 && s.span.end >= start + quote.quote.length - 2);
      const speaker = seed.people.find((p) => p.slug === quote.speaker)!.name;
      expect(found?.speakerName, `speaker of "${quote.quote.slice(0, 40)}"`).toBe(speaker);
    }
    const tweet = extraction.statements.find((s: any) => s.text.startsWith('"I was honored') || s.text.startsWith('I was honored'));
    expect(tweet.kind).toBe('DIRECT_QUOTE');
  });

  it('is a dry run: nothing is stored', async () => {
    const before = await app.gql(`{ articles { totalCount } statements { totalCount } people { totalCount } }`);
    await app.gql(EXTRACT, { input: { body: '"We will win," said Jane Roe, the mayor of Springfield.' } });
    const after = await app.gql(`{ articles { totalCount } statements { totalCount } people { totalCount } }`);
    expect(after.data).toEqual(before.data);
  });

  it('finds people the database does not know yet, with no match', async () => {
    const { data } = await app.gql(EXTRACT, { input: { body: '"We will win," said Jane Roe, the mayor of Springfield, on Tuesday.' } });
    const roe = data.extract.people.find((p: any) => p.name === 'Jane Roe');
    expect(roe).toBeTruthy();
    expect(roe.match).toBeNull();
    expect(data.extract.statements[0]).toMatchObject({ kind: 'DIRECT_QUOTE', speakerName: 'Jane Roe' });
  });

  it('rejects an empty body with BAD_USER_INPUT', async () => {
    const result = await app.gql(EXTRACT, { input: { body: '   ' } });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
