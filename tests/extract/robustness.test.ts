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
    const body =
      'Rep. Adam Schiff spoke on Tuesday.\n\nThe administration may be reluctant to act, Schiff said. "The other factor is the appearance of bias in the election."';
    const statement = statementWith(run(body), 'The other factor');
    expect(statement.speakerName).toBe('Adam Schiff');
  });

  it('a quote after reporter text continues the earlier quote of the paragraph', () => {
    const body =
      '"We have had problems with intrusions," President Barack Obama said. He did not suggest retaliation. "Our goal is to set norms for everyone."';
    const result = run(body);
    const statement = statementWith(result, 'We have had problems');
    expect(statement.speakerName).toBe('Barack Obama');
    expect(spanText(body, statement).endsWith('"Our goal is to set norms for everyone.')).toBe(true);
    expect(statement.spans).toHaveLength(2);
  });

  it('a stray partial quote takes the speaker of the statement before it in the paragraph', () => {
    const body =
      'Gen. Carter Ham spoke on Friday.\n\nIn contrast, Ham described Clinton as “a lifetime politician” who “has never accomplished a real job in her life.”';
    const statement = statementWith(run(body), 'has never accomplished');
    expect(statement.speakerName).toBe('Carter Ham');
  });

  it('a later quote in a sentence keeps the speaker the sentence gave ("…," Sanders said, going on to say that …)', () => {
    const body =
      'Sen. Bernie Sanders spoke on MSNBC.\n\n"We have come so far in this country," Sanders said, going on to say that the country has spent "hundreds of years fighting against racism and sexism and all that stuff."';
    const statement = statementWith(run(body), 'hundreds of years');
    expect(statement.speakerName).toBe('Bernie Sanders');
  });
});

describe('attribution shapes', () => {
  it('", X said, <participle> …" does not stop the sentence from being attributed', () => {
    const body =
      'Sen. Elizabeth Warren questioned the bank chief.\n\n“You squeezed employees to the breaking point” to drive up the stock price, she said, referencing the bank’s drive to “cross-sell” accounts.';
    const statement = statementWith(run(body), 'You squeezed employees');
    expect(statement.speakerName).toBe('Elizabeth Warren');
    expect(spanText(body, statement)).toBe('“You squeezed employees to the breaking point” to drive up the stock price');
  });

  it('", saying …" after a main clause goes to the clause subject, not to its object', () => {
    const body =
      'During a speech earlier in the day, Donald Trump attacked Hillary Clinton for her support of the war, saying "She is trigger-happy and very unstable."';
    const statement = statementWith(run(body), 'trigger-happy');
    expect(statement.speakerName).toBe('Donald Trump');
  });

  it('an attribution after a quote inside the sentence, with a later quote it does not interrupt', () => {
    const body =
      'Rep. Jim Jordan sat on the panel.\n\nMills "got an immunity agreement," Jordan said, and still "got to sit in on the interview with the FBI."';
    const statement = statementWith(run(body), 'got an immunity agreement');
    expect(statement.speakerName).toBe('Jim Jordan');
    expect(spanText(body, statement)).toBe('Mills "got an immunity agreement," Jordan said, and still "got to sit in on the interview with the FBI."');
  });

  it('"A," she said, but <a clause of the reporter> … "B" does not join B to A', () => {
    const body =
      'Mary Jones watched the speech.\n\n“You winning?” she said, but Kevin was drifting off again as the speaker went on about “how the system is rigged.”';
    const statement = statementWith(run(body), 'You winning?');
    expect(spanText(body, statement)).toBe('“You winning?”');
  });

  it('"A," he said, but "B" still continues the quote', () => {
    const body =
      'Laurence Tribe was his teacher.\n\n"You know, I love Larry," Barack Obama said, but "when it comes to energy, Larry has a history of representing the industry."';
    const statement = statementWith(run(body), 'I love Larry');
    expect(spanText(body, statement).endsWith('representing the industry.')).toBe(true);
    expect(statement.spans).toHaveLength(2);
  });

  it('a partial quote ends before a trailing participle clause the lexicon reads as an adjective', () => {
    const body = 'Donald Trump questioned whether the moderators will be "fair" to him, engaging in what analysts described as old tactics.';
    const statement = statementWith(run(body), 'fair');
    expect(spanText(body, statement).endsWith('"fair" to him')).toBe(true);
  });

  it('a progressive "is calling" keeps "is" out of the speaker label', () => {
    const body = 'Gary Johnson’s doctor is calling the candidate “extremely physically fit.”';
    const statement = statementWith(run(body), 'extremely physically fit');
    expect(statement.speakerLabel ?? statement.speakerName).not.toMatch(/\bis$/);
  });
});

describe('labels and names', () => {
  it('a clause is not kept as a speaker label', () => {
    const body = 'If she did, party procedures give the chair of the DNC authority to call a “special meeting” to vote on a replacement nominee.';
    for (const statement of run(body).statements) expect(statement.speakerLabel ?? '').not.toMatch(/procedures give/);
  });

  it('a noun-phrase label is kept ("a 15-count complaint by Vermont")', () => {
    const body =
      'A civil complaint filed by the federal Securities and Exchange Commission said the developers engaged in a "massive eight-year fraudulent scheme" in Vermont.';
    const statement = statementWith(run(body), 'massive eight-year');
    expect(statement.speakerLabel).toBe('A civil complaint filed by the federal Securities and Exchange Commission');
  });

  it('a pronoun contraction ("I\'ll") is not a person', () => {
    const result = run('"I\'ll tell you, there is an issue," Bernie Sanders said on Friday.');
    expect(result.people.map((person) => person.name)).not.toContain("I'll");
  });

  it('"she" goes to the last speaker whose gender is unknown when no woman was named since', () => {
    const body =
      'Hillary Clinton was on television.\n\n“I would,” Melanie said to the TV. “I would, Donald.”\n\nThe article closes with a clear implication.\n\n“You winning?” she said.';
    const statement = statementWith(run(body), 'You winning?');
    expect(statement.speakerName).toBe('Melanie');
  });
});
