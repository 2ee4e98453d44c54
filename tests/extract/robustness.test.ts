// Rules added to make speakers and quote spans hold up on unseen articles (see bench/results/extraction.md).
import { describe, expect, it } from 'vitest';
import { extract } from '../../src/extract/index.js';
import type { ExtractedStatement, Extraction } from '../../src/extract/types.js';

const run = (body: string): Extraction => extract({ body, publishedAt: new Date('2016-09-20T12:00:00Z') });

function statementWith(extraction: Extraction, words: string): ExtractedStatement {
  const statement = extraction.statements.find((candidate) => candidate.text.includes(words));
  if (statement === undefined) throw new Error(`no statement contains "${words}": ${JSON.stringify(extraction.statements.map((s) => s.text))}`);
  return statement;
}

const spanText = (body: string, statement: ExtractedStatement): string => body.slice(statement.span.start, statement.span.end);

describe('speakers of quotes without an attribution of their own', () => {
  it('a quote after a paraphrase in the same paragraph takes its speaker', () => {
    const body = 'Rep. Dana Whitfield spoke on Tuesday.\n\nThe agency may be slow to respond, Whitfield said. "The other factor is the cost of the new ferry."';
    const statement = statementWith(run(body), 'The other factor');
    expect(statement.speakerName).toBe('Dana Whitfield');
  });

  it('a quote after reporter text continues the earlier quote of the paragraph', () => {
    const body = '"We have had problems with flooding," Governor Lena Ortiz said. She did not name a date. "Our goal is to set rules for every county."';
    const result = run(body);
    const statement = statementWith(result, 'We have had problems');
    expect(statement.speakerName).toBe('Lena Ortiz');
    expect(spanText(body, statement).endsWith('"Our goal is to set rules for every county.')).toBe(true);
    expect(statement.spans).toHaveLength(2);
  });

  it('a stray partial quote takes the speaker of the statement before it in the paragraph', () => {
    const body =
      'Gen. Paul Okafor spoke on Friday.\n\nIn contrast, Okafor described the mayor as “a career official” who “has never run a business in his life.”';
    const statement = statementWith(run(body), 'has never run');
    expect(statement.speakerName).toBe('Paul Okafor');
  });

  it('a later quote in a sentence keeps the speaker the sentence gave ("…," Brandt said, going on to say that …)', () => {
    const body =
      'Sen. Ruth Brandt spoke on local radio.\n\n"We have come a long way in this valley," Brandt said, going on to say that the valley has spent "decades of effort on roads and schools and clean water."';
    const statement = statementWith(run(body), 'decades of effort');
    expect(statement.speakerName).toBe('Ruth Brandt');
  });
});

describe('attribution shapes', () => {
  it('", X said, <participle> …" does not stop the sentence from being attributed', () => {
    const body =
      'Sen. Mara Quist questioned the airline chief.\n\n“You pushed your pilots past their limits” to cut the fuel bill, she said, referencing the airline’s plan to “double-book” crews.';
    const statement = statementWith(run(body), 'You pushed your pilots');
    expect(statement.speakerName).toBe('Mara Quist');
    expect(spanText(body, statement)).toBe('“You pushed your pilots past their limits” to cut the fuel bill');
  });

  it('", saying …" after a main clause goes to the clause subject, not to its object', () => {
    const body =
      'During a rally earlier in the day, Victor Hale attacked Nora Finch for her support of the toll, saying "She is careless and very unreliable."';
    const statement = statementWith(run(body), 'careless');
    expect(statement.speakerName).toBe('Victor Hale');
  });

  it('an attribution after a quote inside the sentence, with a later quote it does not interrupt', () => {
    const body = 'Rep. Tom Becker sat on the panel.\n\nReyes "got a special deal," Becker said, and still "was allowed into the meeting with the auditors."';
    const statement = statementWith(run(body), 'got a special deal');
    expect(statement.speakerName).toBe('Tom Becker');
    expect(spanText(body, statement)).toBe('Reyes "got a special deal," Becker said, and still "was allowed into the meeting with the auditors."');
  });

  it('"A," she said, but <a clause of the reporter> … "B" does not join B to A', () => {
    const body = 'Mary Jones watched the speech.\n\n“You awake?” she said, but Kevin was dozing again as the speaker went on about “how the budget is broken.”';
    const statement = statementWith(run(body), 'You awake?');
    expect(spanText(body, statement)).toBe('“You awake?”');
  });

  it('"A," he said, but "B" still continues the quote', () => {
    const body =
      'Walter Grimm was her teacher.\n\n"You know, I admire Walter," Irene Sato said, but "when it comes to water, Walter has a history of siding with the growers."';
    const statement = statementWith(run(body), 'I admire Walter');
    expect(spanText(body, statement).endsWith('siding with the growers.')).toBe(true);
    expect(statement.spans).toHaveLength(2);
  });

  it('a partial quote ends before a trailing participle clause the lexicon reads as an adjective', () => {
    const body = 'Victor Hale doubted that the referees would stay "neutral" for the final, engaging in what critics called old habits.';
    const statement = statementWith(run(body), 'neutral');
    expect(spanText(body, statement).endsWith('"neutral" for the final')).toBe(true);
  });

  it('a progressive "is calling" keeps "is" out of the speaker label', () => {
    const body = 'Oscar Lund’s coach is calling the runner “remarkably healthy.”';
    const statement = statementWith(run(body), 'remarkably healthy');
    expect(statement.speakerLabel ?? statement.speakerName).not.toMatch(/\bis$/);
  });
});

describe('labels and names', () => {
  it('a clause is not kept as a speaker label', () => {
    const body = 'If he did, club rules give the head of the board power to call a “special session” to vote on a new treasurer.';
    for (const statement of run(body).statements) expect(statement.speakerLabel ?? '').not.toMatch(/rules give/);
  });

  it('a noun-phrase label is kept ("a complaint filed by the state")', () => {
    const body = 'A lawsuit brought by the regional Trade Practices Board said the builders engaged in a "sprawling six-year billing scheme" in Maine.';
    const statement = statementWith(run(body), 'sprawling six-year');
    expect(statement.speakerLabel).toBe('A lawsuit brought by the regional Trade Practices Board');
  });

  it('a pronoun contraction ("I\'ll") is not a person', () => {
    const result = run('"I\'ll tell you, there is a problem," Ruth Brandt said on Friday.');
    expect(result.people.map((person) => person.name)).not.toContain("I'll");
  });

  it('"she" goes to the last speaker whose gender is unknown when no woman was named since', () => {
    const body =
      'Nora Finch was on television.\n\n“I might,” Melanie told the screen. “I might, Victor.”\n\nThe column closes with a plain hint.\n\n“You awake?” she said.';
    const statement = statementWith(run(body), 'You awake?');
    expect(statement.speakerName).toBe('Melanie');
  });
});
