// Rules added to match the annotators' unit of content: scare quotes after a verb of wording,
// clause boundaries of partial quotes and paraphrases, and quotes that end in "?" or "!".
import { describe, expect, it } from 'vitest';
import { extract } from '../../src/extract/index.js';
import type { ExtractedStatement, Extraction } from '../../src/extract/types.js';

const run = (body: string): Extraction => extract({ body, publishedAt: new Date('2018-08-08T12:00:00Z') });
const spanText = (body: string, statement: ExtractedStatement): string => body.slice(statement.span.start, statement.span.end);

function statementWith(body: string, words: string): ExtractedStatement {
  const statement = run(body).statements.find((candidate) => body.slice(candidate.span.start, candidate.span.end).includes(words));
  if (statement === undefined) throw new Error(`no statement contains "${words}"`);
  return statement;
}

describe('short scare quotes', () => {
  it('after a verb of wording, the object and the label form a partial quote by the verb’s subject', () => {
    const body = 'Council leader Ada Brook has been steadily pounding Hale as a “smooth operator” in recent weeks.';
    const statement = statementWith(body, 'smooth operator');
    expect(statement.kind).toBe('PARTIAL_QUOTE');
    expect(spanText(body, statement)).toBe('Hale as a “smooth operator” in recent weeks');
    expect(statement.speakerName).toBe('Ada Brook');
  });

  it('joins labels linked by a connective into one statement', () => {
    const body = 'In a statement, President Anna Berg condemned the launch as “reckless” and a “grave threat”.';
    const statements = run(body).statements.filter((statement) => statement.kind !== 'PARAPHRASE');
    expect(statements).toHaveLength(1);
    expect(spanText(body, statements[0]!)).toBe('the launch as “reckless” and a “grave threat”');
    expect(statements[0]!.speakerName).toBe('Anna Berg');
  });

  it('takes in a free relative: what X called “…”', () => {
    const body = 'The senator attacked what Mayor Tom Ruiz called a “sham budget” on Friday.';
    expect(spanText(body, statementWith(body, 'sham budget'))).toBe('what Mayor Tom Ruiz called a “sham budget” on Friday');
  });

  it('leaves the reporter’s own scare quotes alone', () => {
    const body = 'The depot would be moved into a separate “holding fund.” The firm ran a “brewpub” too.';
    expect(run(body).statements).toHaveLength(0);
  });

  it('does not read a nickname inside a name as a quote', () => {
    const body = 'Rep. Samuel J. “Sonny” Vance threw open his family farm on Monday.';
    expect(run(body).statements).toHaveLength(0);
  });

  it('a verb closer to the quote than the verb of wording governs it', () => {
    const body = 'He has been called a fraud for selling “miracle” tonics.';
    expect(run(body).statements.filter((statement) => statement.kind !== 'PARAPHRASE')).toHaveLength(0);
  });
});

describe('partial quote boundaries', () => {
  it('stops before a coordinated verb phrase', () => {
    const body = 'Hale posted in the early hours that Brook was “shameful” and urged people to watch the video.';
    expect(spanText(body, statementWith(body, 'shameful'))).toBe('that Brook was “shameful”');
  });

  it('stops before a trailing participle of the reporter’s', () => {
    const body = 'Ms. Kim said the waiver was only “temporary,” meaning it did not cover her later fees.';
    expect(spanText(body, statementWith(body, 'temporary'))).toBe('the waiver was only “temporary,”');
  });

  it('a participle cue inside the content starts a second statement', () => {
    const body = 'Finch said she believes we must keep going, saying that “distance still matters” in rural towns.';
    const statements = run(body).statements;
    expect(statements.map((statement) => spanText(body, statement))).toEqual([
      'she believes we must keep going',
      'that “distance still matters” in rural towns',
    ]);
    expect(statements[1]!.speakerName).toBe('Finch');
  });

  it('a title in the sentence does not hide the attribution', () => {
    const body = 'On Tuesday’s episode of “The Morning Show,” Senator Jane Doe said she hoped to talk “straight to parents.”';
    const statement = statementWith(body, 'straight to parents');
    expect(spanText(body, statement)).toBe('she hoped to talk “straight to parents.”');
    expect(statement.speakerName).toBe('Jane Doe');
  });
});

describe('quotes that end in "?" or "!"', () => {
  it('keep the attribution that follows them', () => {
    const body = 'Paul Reyes spoke.\n\n“How many times must we see this?” Clinton said. “It is unbearable.”';
    const statement = statementWith(body, 'How many times');
    expect(statement.kind).toBe('DIRECT_QUOTE');
    expect(statement.speakerName).toBe('Clinton');
  });

  it('keep it when an adverbial follows the verb ("said of Apple in February")', () => {
    const body = 'Paul Reyes spoke.\n\n“Who do they think they are?” Clinton said of the company in February, when it refused to help the inquiry.';
    const statement = statementWith(body, 'Who do they think');
    expect(statement.kind).toBe('DIRECT_QUOTE');
    expect(statement.speakerName).toBe('Clinton');
    const asked = 'Paul Reyes spoke.\n\n“You think I am going to change?” Clinton asked reporters during a news conference last month.';
    expect(statementWith(asked, 'You think').speakerName).toBe('Clinton');
    // the adverbial is no paraphrase of hers
    expect(run(body).statements.some((candidate) => spanText(body, candidate).startsWith('of the company'))).toBe(false);
  });
});

describe('two partial quotes joined by "and" and a second reporting verb', () => {
  it('are two statements of the same speaker', () => {
    const body = 'Paul Reyes said he found the mayor “quite gracious” and called her lead in the polls “without precedent.”';
    const statements = run(body).statements;
    expect(statements.map((statement) => spanText(body, statement))).toEqual([
      'he found the mayor “quite gracious”',
      'her lead in the polls “without precedent.”',
    ]);
    expect(statements.map((statement) => [statement.kind, statement.speakerName])).toEqual([
      ['PARTIAL_QUOTE', 'Paul Reyes'],
      ['PARTIAL_QUOTE', 'Paul Reyes'],
    ]);
    expect(body.slice(statements[1]!.cue!.start, statements[1]!.cue!.end)).toBe('called');
  });
});

describe('reporting verbs beyond "said"', () => {
  it.each(['assured', 'mocked', 'retorted', 'reminded'])('"…," Okafor %s … attributes the quote', (verb) => {
    const body = `Paul Reyes spoke first.\n\n"The plan is not dead, friends," Okafor ${verb} the crowd.`;
    const statement = statementWith(body, 'The plan is not dead');
    expect(statement.kind).toBe('DIRECT_QUOTE');
    expect(statement.speakerLabel ?? statement.speakerName).toBe('Okafor');
  });
});

describe('a quoted paragraph introduced with a colon', () => {
  it('is the introducing speaker’s', () => {
    const body = 'Mayor Ann Lee described the plan this way:\n\n“Wherever we build, we try to leave the town better than we found it.”';
    expect(statementWith(body, 'Wherever we build').speakerName).toBe('Ann Lee');
  });

  it('but a quote after an unrelated sentence stays unattributed', () => {
    const body = 'Mayor Ann Lee opened a school in March.\n\n“Wherever we build, we try to leave the town better than we found it.”';
    const statement = statementWith(body, 'Wherever we build');
    expect([statement.speakerName, statement.speakerLabel]).toEqual([null, null]);
  });
});

describe('paraphrase boundaries', () => {
  it('an attribution in the middle of the sentence keeps the whole sentence as content', () => {
    const body = 'Much of that, Mark Jones concedes, could be reversed by the next council.';
    const statement = statementWith(body, 'Much of that');
    expect(statement.kind).toBe('PARAPHRASE');
    expect(spanText(body, statement)).toBe('Much of that, Mark Jones concedes, could be reversed by the next council');
    expect(statement.speakerName).toBe('Mark Jones');
  });

  it('splits at "and" + a new reporting verb', () => {
    const body = 'Governor Ann Lee said he would order a review of the defenses and warned against hackers from abroad.';
    expect(run(body).statements.map((statement) => spanText(body, statement))).toEqual([
      'he would order a review of the defenses',
      'against hackers from abroad',
    ]);
  });

  it('verbs of stance introduce paraphrases but never quotations', () => {
    const body = 'Senator Robert Hart wants the program to end next year.';
    const statement = statementWith(body, 'the program');
    expect(statement.kind).toBe('PARAPHRASE');
    expect(statement.speakerName).toBe('Robert Hart');
  });
});
