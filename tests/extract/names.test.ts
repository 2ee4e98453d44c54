// Names are found by their shape and what the text does with them, not by a list of English given
// names: every shape a newsroom meets, in texts written for these tests.
import { describe, expect, it } from 'vitest';
import { extract } from '../../src/extract/index.js';
import type { Extraction } from '../../src/extract/types.js';

const run = (body: string): Extraction => extract({ body, publishedAt: new Date('2026-12-01T12:00:00Z') });
const names = (result: Extraction): string[] => result.people.map((person) => person.name).sort();
const speakerOf = (result: Extraction, words: string): string | null =>
  result.statements.find((statement) => statement.text.includes(words))?.speakerName ?? null;

describe('name shapes', () => {
  it('a given name that is also a common noun stays part of the name mid-sentence', () => {
    const result = run('"We have had better conventions," said Texas delegate Bill Eastland. Later, delegate Beau Correll walked out.');
    expect(names(result)).toEqual(['Beau Correll', 'Bill Eastland']);
    expect(speakerOf(result, 'better conventions')).toBe('Bill Eastland');
  });

  it('but a role or a slogan before a surname does not become a given name', () => {
    const result = run('Donald Trump spoke in Ohio. The rally was organised by Team Trump, and he thanked candidate Trump backers.');
    expect(names(result)).toEqual(['Donald Trump']);
  });

  it('a given name no list knows, introduced with a role, is one person under her full name', () => {
    const result = run('Priya Natarajan, the city\'s planning director, said the bridge would open in 2028. "We are ready," she said.');
    expect(names(result)).toEqual(['Priya Natarajan']);
    expect(speakerOf(result, 'bridge would open')).toBe('Priya Natarajan');
    expect(speakerOf(result, 'We are ready')).toBe('Priya Natarajan');
  });

  it('a full name is found when the text later uses the surname as a speaker', () => {
    const result = run('Oluwaseun Adeyemi runs the clinic. Adeyemi said the waiting list had doubled.');
    expect(names(result)).toEqual(['Oluwaseun Adeyemi']);
    expect(speakerOf(result, 'waiting list')).toBe('Oluwaseun Adeyemi');
  });

  it('diacritics, hyphens and apostrophes', () => {
    const result = run(
      "Jean-Luc Mélenchon called the vote a disgrace. Siobhán O'Connor-Murphy, a teacher, said the school was closing. O'Connor-Murphy said parents were angry.",
    );
    expect(names(result)).toEqual(['Jean-Luc Mélenchon', "Siobhán O'Connor-Murphy"]);
    expect(speakerOf(result, 'parents were angry')).toBe("Siobhán O'Connor-Murphy");
  });

  it('particles, also when the surname alone opens with them', () => {
    const result = run('European Commission President Ursula von der Leyen spoke on Monday. "We will not wait," von der Leyen told reporters.');
    expect(names(result)).toEqual(['Ursula von der Leyen']);
    const person = result.people[0]!;
    expect(person.aliases).toContain('von der Leyen');
    expect(speakerOf(result, 'We will not wait')).toBe('Ursula von der Leyen');
  });

  it('initials keep their periods', () => {
    const result = run('Former Indian President A. P. J. Abdul Kalam once said that dreams matter. Kalam was a scientist.');
    expect(names(result)).toEqual(['A. P. J. Abdul Kalam']);
    expect(result.people[0]!.aliases).toContain('Kalam');
  });

  it('family name first: later mentions by either part join the person', () => {
    const result = run(
      'Vietnamese Prime Minister Nguyen Xuan Phuc said trade would grow. Phuc added that talks would continue. South Korean opposition leader Lee Jae-myung said he would run. "I am ready," Lee said.',
    );
    expect(names(result)).toEqual(['Lee Jae-myung', 'Nguyen Xuan Phuc']);
    expect(speakerOf(result, 'talks would continue')).toBe('Nguyen Xuan Phuc');
    expect(speakerOf(result, 'I am ready')).toBe('Lee Jae-myung');
  });

  it('titles are not part of the name but give a form of it', () => {
    const result = run('Mayor Tom Baker said he was pleased. Sen. Ted Cruz disagreed, saying the poll was wrong.');
    expect(names(result)).toEqual(['Ted Cruz', 'Tom Baker']);
    expect(result.people.find((person) => person.name === 'Tom Baker')!.aliases).toContain('Mayor Baker');
  });

  it('the end of an organisation’s name after "of" is nobody, but a titled name after "of" is a person', () => {
    const result = run(
      'The Department of Harbor Safety said Tuesday that the pier would close. Secretary of Transport Ada Brook said repairs would start soon.',
    );
    expect(names(result)).toEqual(['Ada Brook']);
    expect(result.statements.find((statement) => statement.text.includes('pier'))?.speakerLabel).toBe('The Department of Harbor Safety');
  });
});

describe('headlines', () => {
  it('a title-case headline line makes no people of its own, but names the body introduced', () => {
    const body = 'Donald Trump Leads Ted Cruz In New Poll\n\nDonald Trump said on Tuesday that he was winning. Sen. Ted Cruz disagreed.';
    const result = run(body);
    expect(names(result)).toEqual(['Donald Trump', 'Ted Cruz']);
    const trump = result.people.find((person) => person.name === 'Donald Trump')!;
    expect(trump.mentions.map((span) => body.slice(span.start, span.end))).toContain('Donald Trump');
    expect(trump.mentions.some((span) => span.start === 0)).toBe(true); // the headline's mention, attached to the body's person
  });

  it('capitalised headline words the body never corroborates are nobody', () => {
    const result = run('Bridge Plan Wins Big Council Vote\n\nThe council approved the plan on Monday.');
    expect(result.people).toEqual([]);
  });

  it('an ordinary first line full of names is not taken for a headline', () => {
    const result = run('Hillary Clinton met Bernie Sanders on Monday.\n\n"It went well," she said.');
    expect(names(result)).toEqual(['Bernie Sanders', 'Hillary Clinton']);
    expect(speakerOf(result, 'It went well')).toBe('Hillary Clinton');
  });
});

describe('statement text is the article’s own words', () => {
  it('no cue object: "told reporters he would …"', () => {
    const result = run('Donald Trump told reporters he would win the state.');
    expect(result.statements.map((statement) => statement.text)).toEqual(['he would win the state']);
  });

  it('no leading "that"', () => {
    const body = 'Ursula von der Leyen said on Tuesday that the bloc was ready.';
    const [statement] = run(body).statements;
    expect(statement!.text).toBe('the bloc was ready');
    expect(body.slice(statement!.span.start, statement!.span.end)).toBe('the bloc was ready');
  });
});
