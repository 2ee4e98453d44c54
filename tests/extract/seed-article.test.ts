import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extract } from '../../src/extract/index.js';
import type { Extraction } from '../../src/extract/types.js';

const seedPath = fileURLToPath(new URL('../../seeds/cnn-2018-08-08-rand-paul-letter.txt', import.meta.url));
const body = readFileSync(seedPath, 'utf8');
const extraction: Extraction = extract({ body, publishedAt: new Date('2018-08-08T12:00:00Z'), source: 'CNN' });

/** The quote statement (DIRECT or PARTIAL) whose text contains `words`. */
function quoteWith(words: string) {
  const statement = extraction.statements.find((candidate) => candidate.kind !== 'PARAPHRASE' && candidate.text.includes(words));
  if (statement === undefined) throw new Error(`no quote contains "${words}"`);
  return statement;
}

describe('seed article: Rand Paul delivers a letter from Trump (CNN, 2018-08-08)', () => {
  it('finds the six people', () => {
    expect(extraction.people.map((person) => person.name).sort()).toEqual(
      ['Dmitry Peskov', 'Donald Trump', 'Hogan Gidley', 'John Brennan', 'Rand Paul', 'Vladimir Putin'].sort(),
    );
  });

  it('describes people as the text does', () => {
    const description = (name: string): string | null | undefined => extraction.people.find((person) => person.name === name)?.description;
    expect(description('Dmitry Peskov')).toBe("Putin's press secretary");
    expect(description('Hogan Gidley')).toBe('White House spokesman');
    expect(description('John Brennan')).toBe('former CIA Director');
  });

  it('attributes the tweet quote to Rand Paul', () => {
    const tweet = quoteWith('I was honored to deliver a letter');
    expect(tweet.kind).toBe('DIRECT_QUOTE');
    expect(tweet.speakerName).toBe('Rand Paul');
    expect(tweet.channel).toBe('tweet');
  });

  it('attributes both "…it read." letter quotes to the letter’s author, Donald Trump', () => {
    for (const words of ['Senator Paul would appreciate the opportunity', 'He is interested in legislative exchanges']) {
      const quote = quoteWith(words);
      expect(quote.speakerName).toBe('Donald Trump');
      expect(quote.channel).toBe('letter');
    }
  });

  it('attributes both statement quotes to Hogan Gidley', () => {
    for (const words of ['President Trump provided a letter of introduction', 'the president mentioned topics of interest']) {
      const quote = quoteWith(words);
      expect(quote.speakerName).toBe('Hogan Gidley');
      expect(quote.channel).toBe('statement');
    }
  });

  it('attributes the partial quotes', () => {
    const channels = quoteWith('diplomatic channels');
    expect(channels.kind).toBe('PARTIAL_QUOTE');
    expect(channels.speakerName).toBe('Dmitry Peskov');
    const engagement = quoteWith('emphasized the importance of further engagement.');
    expect(engagement.kind).toBe('PARTIAL_QUOTE');
    expect(engagement.speakerName).toBe('Rand Paul');
  });

  it('finds the Helsinki meeting last month', () => {
    const meeting = extraction.events.find((event) => event.location === 'Helsinki');
    expect(meeting).toMatchObject({ kind: 'meeting', startDate: '2018-07-01', endDate: '2018-07-31' });
    expect(meeting!.participants).toEqual(expect.arrayContaining(['Donald Trump', 'Vladimir Putin']));
  });

  it('dates the meeting planned for this fall as the season', () => {
    const fall = extraction.events.find((event) => event.startDate === '2018-09-01');
    expect(fall).toMatchObject({ kind: 'meeting', endDate: '2018-11-30' });
  });
});
