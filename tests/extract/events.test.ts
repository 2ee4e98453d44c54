import { describe, expect, it } from 'vitest';
import { extract } from '../../src/extract/index.js';
import type { ExtractedEvent } from '../../src/extract/types.js';

const published = new Date('2026-12-02T15:00:00Z'); // a Wednesday
const eventsOf = (body: string, publishedAt: Date | null = published) => extract({ body, publishedAt }).events;
const only = (body: string): ExtractedEvent => {
  const events = eventsOf(body);
  expect(events, JSON.stringify(events)).toHaveLength(1);
  return events[0]!;
};

describe('event names come from the text', () => {
  it('keeps the modifiers and the complement of the event word', () => {
    const vote = only('Elena Vargas said the council vote on the bridge plan would be held on Monday.');
    expect(vote).toMatchObject({ name: 'council vote on the bridge plan', kind: 'vote' });
  });

  it('stops the name before the verb that follows it', () => {
    expect(only('The city council vote on the bridge plan took place on Monday, Mayor Elena Vargas said.').name).toBe('city council vote on the bridge plan');
    expect(only('A protest against the pipeline brought thousands to Bismarck.').name).toBe('protest against the pipeline');
  });

  it('names an event verb by its noun and its object', () => {
    expect(only('Senator Rand Paul met Russian officials in Moscow on Monday.').name).toBe('meeting with Russian officials');
    expect(only('President Donald Trump met with Russian President Vladimir Putin in Helsinki last week.').name).toBe(
      'meeting with Russian President Vladimir Putin',
    );
    expect(only('Angela Merkel visited Moscow yesterday for talks.').name).toBe('visit to Moscow');
  });

  it('keeps a year that modifies the event, and lowercases a sentence-initial event word', () => {
    expect(only('Voters were angry after the 2016 election.').name).toBe('2016 election');
    expect(only('Talks between Iran and the United States resumed in Vienna.').name).toBe('talks between Iran');
  });

  it('takes "the meeting" that says nothing new as the meeting already named', () => {
    const events = eventsOf('Senator Rand Paul met Russian officials in Moscow on Monday. "The talks were productive," Paul said after the meeting.');
    expect(events.map((event) => event.name)).toEqual(['meeting with Russian officials']);
  });

  it('never names an event after the people in it', () => {
    for (const event of eventsOf('Elena Vargas said the council vote on the bridge plan would be held on Monday. Vargas met Priya Natarajan on Tuesday.')) {
      expect(event.name).not.toMatch(/:/);
    }
  });
});

describe('event participants are the people involved', () => {
  it('leaves out someone who only reports on the event', () => {
    const vote = only('Elena Vargas said the council vote on the bridge plan would be held on Monday.');
    expect(vote.participants).toEqual([]);
  });

  it('keeps a speaker whose own words put them in it ("he delivered")', () => {
    const letter = only('Senator Rand Paul announced on Wednesday that he delivered a letter from Donald Trump to Vladimir Putin.');
    expect(letter.kind).toBe('letter delivery');
    expect(letter.participants).toEqual(expect.arrayContaining(['Rand Paul', 'Donald Trump', 'Vladimir Putin']));
  });

  it('keeps the people the sentence names as taking part', () => {
    const meeting = only('President Donald Trump met with Russian President Vladimir Putin in Helsinki last week.');
    expect(meeting.participants.sort()).toEqual(['Donald Trump', 'Vladimir Putin']);
    expect(meeting.location).toBe('Helsinki');
  });
});

describe('event dates resolve against the publication date', () => {
  it('"on Monday" is the Monday before publication', () => {
    expect(only('Senator Rand Paul met Russian officials in Moscow on Monday.')).toMatchObject({ startDate: '2026-11-30', endDate: '2026-11-30' });
  });

  it('a weekday after the publication weekday is still the one before it', () => {
    expect(only('Donald Trump held a rally in Tampa on Friday.')).toMatchObject({ startDate: '2026-11-27', endDate: '2026-11-27' });
  });

  it('"yesterday", "last week" and explicit dates', () => {
    expect(only('Angela Merkel visited Moscow yesterday for talks.')).toMatchObject({ startDate: '2026-12-01', endDate: '2026-12-01' });
    expect(only('President Donald Trump met with Vladimir Putin in Helsinki last week.')).toMatchObject({ startDate: '2026-11-23', endDate: '2026-11-29' });
    expect(only('Thousands joined a protest against the pipeline in Bismarck on Nov. 28, 2025.')).toMatchObject({
      startDate: '2025-11-28',
      endDate: '2025-11-28',
    });
  });

  it('a weekday the text looks ahead to is the next one', () => {
    expect(only('The council will hold a vote on Friday.')).toMatchObject({ startDate: '2026-12-04' });
  });

  it('no publication date, no resolved date', () => {
    const [undated] = eventsOf('Senator Rand Paul met Russian officials in Moscow on Monday.', null);
    expect(undated).toMatchObject({ startDate: null, endDate: null });
  });
});
