import { describe, expect, it } from 'vitest';
import { extract } from '../../src/extract/index.js';
import type { ExtractedStatement, Extraction } from '../../src/extract/types.js';

const run = (body: string): Extraction => extract({ body, publishedAt: new Date('2018-08-08T12:00:00Z') });

/** The statement whose text contains `words`. */
function statementWith(extraction: Extraction, words: string): ExtractedStatement {
  const statement = extraction.statements.find((candidate) => candidate.text.includes(words));
  if (statement === undefined) throw new Error(`no statement contains "${words}": ${JSON.stringify(extraction.statements.map((s) => s.text))}`);
  return statement;
}

describe('quote shapes', () => {
  it('X said: "..."', () => {
    const result = run('Senator Jane Doe said: "We will pass the bill."');
    const statement = statementWith(result, 'We will pass the bill.');
    expect(statement.kind).toBe('DIRECT_QUOTE');
    expect(statement.speakerName).toBe('Jane Doe');
  });

  it('"...," X said', () => {
    const body = '"The plan is dead," Gov. Tom Miller said on Monday.';
    const statement = statementWith(run(body), 'The plan is dead');
    expect(statement.text).toBe('The plan is dead'); // the comma closes the fragment before its attribution
    expect(statement.kind).toBe('DIRECT_QUOTE');
    expect(statement.speakerName).toBe('Tom Miller');
    expect(body.slice(statement.span.start, statement.span.end)).toBe('"The plan is dead,"');
    expect(body.slice(statement.cue!.start, statement.cue!.end)).toBe('said');
  });

  it('"...," said X, with an appositive', () => {
    const statement = statementWith(
      run('“It could truly take years,” said David Wasserman, an editor at the Cook Political Report.'),
      'It could truly take years',
    );
    expect(statement.speakerName).toBe('David Wasserman');
  });

  it('interrupted quote "A," he said, "B." is one statement spanning both quotes', () => {
    const body = 'Mary Smith spoke first.\n\n“We are ready,” she said, “and we will win.”';
    const result = run(body);
    const statement = statementWith(result, 'We are ready');
    // the article's own words, fragment by fragment: no punctuation of ours between them
    expect(statement.text).toBe('We are ready … and we will win.');
    expect(statement.spans.map((span) => body.slice(span.start, span.end))).toEqual(['We are ready,', 'and we will win.']);
    // the span is the fragments' overall range (what ingest stores), the outer quotation marks outside it
    expect(body.slice(statement.span.start, statement.span.end)).toBe('We are ready,” she said, “and we will win.');
    expect(statement.speakerName).toBe('Mary Smith');
  });

  it('a quote after "X said, <a clause of the reporter\'s>" is not the same quote going on', () => {
    const body = '“We cut eleven tracks in a barn,” Dana Kiel said, mentioning the record is “nearly mixed.”';
    const first = statementWith(run(body), 'eleven tracks');
    expect(first.text).toBe('We cut eleven tracks in a barn');
    expect(first.spans).toHaveLength(1);
  });

  it('a quote after "X said." in the same paragraph continues the statement', () => {
    const body = '"Are we there? Probably not," Ms. Moore said. "Will we get there? Absolutely."';
    const result = run(body);
    expect(result.statements.filter((statement) => statement.kind === 'DIRECT_QUOTE')).toHaveLength(1);
    expect(statementWith(result, 'Absolutely.').speakerName).toBe('Moore');
  });

  it('a quote running over several paragraphs is one statement', () => {
    const body = 'Tim Kaine described the plan.\n\n“It starts with jobs.\n\n“It ends with schools,” Kaine said.';
    const statement = statementWith(run(body), 'It starts with jobs.');
    expect(statement.text).toBe('It starts with jobs. … It ends with schools');
    expect(statement.spans).toHaveLength(2);
    expect(statement.speakerName).toBe('Tim Kaine');
  });

  it('a quote paragraph with no attribution after a quote goes on with that quotation', () => {
    const body = '“The bridge will open in May,” Mayor Ana Ruiz said on Monday.\n\n“After that, the ferry stops.”\n\nThe council meets in June.';
    const result = run(body);
    const statement = statementWith(result, 'The bridge will open in May');
    expect(statement.text).toBe('The bridge will open in May … After that, the ferry stops.');
    expect(statement.spans.map((span) => body.slice(span.start, span.end))).toEqual(['The bridge will open in May,', 'After that, the ferry stops.']);
    expect(statement.speakerName).toBe('Ana Ruiz');
    expect(result.statements.filter((candidate) => candidate.kind !== 'PARAPHRASE')).toHaveLength(1);
  });

  it('"…, adding: …" and "…, saying the …" start a statement of their own', () => {
    const colon = run('Mayor Ana Ruiz said no talks with the harbor board were set, adding: "Should they ask, my door stays open."');
    expect(statementWith(colon, 'no talks').text).toBe('no talks with the harbor board were set');
    expect(statementWith(colon, 'my door stays open').kind).toBe('DIRECT_QUOTE');
    const bare = run('Mayor Ana Ruiz said the levy came too late, saying the new dike plan is "a patch on a flood."');
    expect(statementWith(bare, 'the levy').text).toBe('the levy came too late');
    expect(statementWith(bare, 'a patch on').text).toBe('the new dike plan is "a patch on a flood."');
    expect(statementWith(bare, 'a patch on').speakerName).toBe('Ana Ruiz');
  });

  it('a title between the cue and "that" is no quotation: what follows is the paraphrase', () => {
    for (const title of ['“Morning Harbor”', "''Morning Harbor''"]) {
      const body = `Rosa Lind said on WKRP's ${title} on Sunday that the ferry fares would rise.`;
      const statement = statementWith(run(body), 'the ferry fares would rise');
      expect(statement.kind).toBe('PARAPHRASE');
      expect(statement.text).toBe('the ferry fares would rise');
      expect(statement.speakerName).toBe('Rosa Lind');
    }
  });

  it('a partial quote embedded in the reporter sentence', () => {
    const body = 'Rand Paul said the letter "emphasized the importance of further engagement."';
    const statement = statementWith(run(body), 'emphasized the importance');
    expect(statement.kind).toBe('PARTIAL_QUOTE');
    expect(statement.speakerName).toBe('Rand Paul');
    expect(body.slice(statement.span.start, statement.span.end)).toBe('the letter "emphasized the importance of further engagement."');
  });

  it('a quote followed by "..., he said, adding that ..." keeps the second part separate', () => {
    const result = run('Victor Hale spoke.\n\n“You’re right,” he said, adding that “much of it is silly.”');
    expect(statementWith(result, 'You’re right').text).toBe('You’re right');
    const second = statementWith(result, 'much of it is silly');
    expect(second.speakerName).toBe('Victor Hale');
  });
});

describe('attributions whose verb no lexicon lists', () => {
  const speakerFor = (body: string, words: string): string | null => statementWith(run(body), words).speakerName;

  it('"…," X shot back.  — a name and its verb right after the quote it cut off', () => {
    const body = 'Mayor Dana Ortiz defended the budget. "We cut what we could," Ortiz shot back with a grin. "Nothing else was left."';
    const statement = statementWith(run(body), 'We cut what we could');
    expect(statement.speakerName).toBe('Dana Ortiz');
    expect(statement.text).toContain('Nothing else was left'); // the quote it interrupts goes on
  });

  it('X shot back, "…"  and  As X, an appositive, put it: "…"', () => {
    expect(speakerFor('After the council vote, Dana Ortiz shot back, "This is a budget for everyone."', 'budget for everyone')).toBe('Dana Ortiz');
    const body = 'The harbor plan drew criticism. As Dana Ortiz, the county clerk, put it: "Nobody asked the fishermen what they wanted."';
    expect(speakerFor(body, 'Nobody asked the fishermen')).toBe('Dana Ortiz');
  });

  it('a sentence ending in a colon introduces the quote that follows it', () => {
    const continued = 'Dana Ortiz spoke for an hour at the hall.\n\nOrtiz continued:\n\n"We will rebuild the pier and we will do it this year."';
    expect(speakerFor(continued, 'rebuild the pier')).toBe('Dana Ortiz');
    const inverted = 'Dana Ortiz was blunt.\n\nStated Ortiz:\n\n"The pier will be rebuilt this year, whatever it costs us."';
    expect(speakerFor(inverted, 'whatever it costs')).toBe('Dana Ortiz');
    expect(speakerFor('Turnout was low in the harbor wards - Dana Ortiz: "Nobody came out to vote in the rain."', 'Nobody came out')).toBe('Dana Ortiz');
  });

  it('a dashed byline after the quote signs it', () => {
    expect(speakerFor('"We will rebuild the pier before the storms come back."\n\n- Dana Ortiz, Harbor Town.', 'rebuild the pier')).toBe('Dana Ortiz');
  });

  it('"…," the reporter\'s comment, said X  — the name after the cue speaks', () => {
    const body = '"The pier was never safe," since the inspections had been skipped for years, said Dana Ortiz, the county clerk.';
    expect(speakerFor(body, 'The pier was never safe')).toBe('Dana Ortiz');
  });

  it('"…?" X pressed.  — a question and its asker are one sentence, whatever the verb', () => {
    const body = 'Dana Ortiz chaired the hearing. "Would the pier hold?" Ortiz pressed. "Nobody could say."';
    const statement = statementWith(run(body), 'Would the pier hold');
    expect(statement.speakerName).toBe('Dana Ortiz');
    expect(statement.text).toContain('Nobody could say');
  });

  it('"…," as X said  and  "…," recalled X', () => {
    const body = 'Dana Ortiz ran the count. The ferry vote "is too close to call tonight," as Ortiz said on the radio on Monday.';
    expect(speakerFor(body, 'too close to call')).toBe('Dana Ortiz');
    expect(speakerFor('"An awful lot of people said no," recalled Dana Ortiz, the former clerk.', 'An awful lot')).toBe('Dana Ortiz');
  });

  it('"…" comment, said X, a long description.  and  …, explained X, "…"', () => {
    const body =
      '"The count can be checked, but it seems unlikely" that the vote will change, said Dana Ortiz, deputy clerk for the harbor district of the county in its 2019 count.';
    expect(speakerFor(body, 'The count can be checked')).toBe('Dana Ortiz');
    expect(speakerFor('Because of how the wards were drawn, explained Dana Ortiz, "the count will take a week."', 'take a week')).toBe('Dana Ortiz');
  });

  it('a described name before its verb introduces the quote', () => {
    const statement = 'Harbor Town clerk Dana Ortiz issued the following statement:\n\n"Our prayers are with the families."';
    expect(speakerFor(statement, 'Our prayers')).toBe('Dana Ortiz');
    const echoed = 'Residents were divided. 17-year-old Dana Ortiz echoed:\n\n"We need the pier back before summer comes."';
    expect(speakerFor(echoed, 'We need the pier')).toBe('Dana Ortiz');
  });

  it("but a quote followed by the reporter's own clause gets no invented speaker", () => {
    const body = '"Is the pier safe?" Nobody knows yet.';
    expect(statementWith(run(body), 'Is the pier safe').speakerName).toBeNull();
    const title = '"Harbor Lights," Broadway\'s longest-running show, closed in May after a decade of full houses.';
    expect(run(title).statements.filter((statement) => statement.speakerName !== null)).toEqual([]);
  });
});

describe('paraphrase', () => {
  it('X said that ... is a PARAPHRASE with the clause as content', () => {
    const body = 'Hillary Clinton said that the economy was growing.';
    const statement = statementWith(run(body), 'economy');
    expect(statement.kind).toBe('PARAPHRASE');
    expect(statement.text).toBe('the economy was growing'); // what was said, without its "that"
    expect(statement.speakerName).toBe('Hillary Clinton');
  });

  it('..., according to X', () => {
    const statement = statementWith(run('The vote was delayed, according to a campaign aide.'), 'The vote was delayed');
    expect(statement.kind).toBe('PARAPHRASE');
    expect(statement.speakerLabel).toBe('a campaign aide');
  });
});

describe('speakers', () => {
  it('a participle cue after the main clause takes its subject, a modifier after "the" being no verb', () => {
    const body = 'The retired surgeon Omar Haddad has given no details about his plan, saying only that he was "refining a few things."';
    expect(statementWith(run(body), 'refining a few things').speakerName).toBe('Omar Haddad');
  });

  it('the subject of a cue in a subordinate clause is the one after its conjunction', () => {
    const after = run('The ferry was halted last week after the Harbor Gazette reported that its license had lapsed.');
    expect(statementWith(after, 'its license had lapsed').speakerLabel).toBe('the Harbor Gazette');
    const as = run('As the Valley Times revealed, the county agreed to sell the old mill.');
    expect(statementWith(as, 'the county agreed').speakerLabel).toBe('the Valley Times');
    // a comma between the conjunction and the cue: the clause is an adverbial, the subject comes after it
    const adverbial = run('After the vote, Mayor Ines Okafor said the mill would be sold.');
    expect(statementWith(adverbial, 'the mill would be sold').speakerName).toBe('Ines Okafor');
  });

  it('resolves he and she to the most recent person of that gender', () => {
    const body = 'Hillary Clinton met Bernie Sanders on Monday.\n\n"It went well," she said.\n\n"We agree on a lot," he said.';
    const result = run(body);
    expect(statementWith(result, 'It went well').speakerName).toBe('Hillary Clinton');
    expect(statementWith(result, 'We agree on a lot').speakerName).toBe('Bernie Sanders');
  });

  it('a quote paragraph after a paraphrase goes on with its named speaker, not with an unnamed one', () => {
    const named = run('Dana Ortiz said the pier would close for the winter.\n\n"We had no choice, and the fishermen know it."');
    expect(statementWith(named, 'We had no choice').speakerName).toBe('Dana Ortiz');
    const unnamed = run('The harbor board said the pier would close for the winter.\n\n"We had no choice, and the fishermen know it."');
    expect(statementWith(unnamed, 'We had no choice').speakerName).toBeNull();
  });

  it('resolves a descriptor to the person holding that role', () => {
    const body = 'Senator Rand Paul visited Moscow.\n\n"It was productive," the senator said.';
    expect(statementWith(run(body), 'It was productive').speakerName).toBe('Rand Paul');
  });

  it('keeps non-person sources as labels', () => {
    const result = run('"We have no comment," a source told CNN.\n\n"The talks continue," the White House said.');
    const source = statementWith(result, 'no comment');
    expect(source.speakerName).toBeNull();
    expect(source.speakerLabel).toBe('a source');
    expect(source.channel).toBe('CNN');
    expect(statementWith(result, 'The talks continue').speakerLabel).toBe('the White House');
  });

  it('groups name forms into one person', () => {
    const body = 'Republican Senator Rand Paul arrived. Senator Paul met officials.\n\n"Good day," Paul said.';
    const result = run(body);
    const people = result.people.filter((person) => person.name === 'Rand Paul');
    expect(people).toHaveLength(1);
    expect(people[0]!.aliases).toEqual(expect.arrayContaining(['Paul', 'Senator Paul']));
    expect(people[0]!.description).toBe('Republican Senator');
    expect(people[0]!.mentions).toHaveLength(3);
    expect(statementWith(result, 'Good day').speakerName).toBe('Rand Paul');
  });

  it('matches known people by name or alias', () => {
    const result = extract({ body: '"We will see," said Ted Cruz.' }, [{ id: 42, name: 'Rafael Edward Cruz', aliases: ['Ted Cruz'] }]);
    expect(result.people.find((person) => person.matchId === 42)).toBeDefined();
  });

  it('reads channels from the cue', () => {
    const result = run('Donald Trump tweeted: "Big day!"\n\n"We are done," Mike Pence said in a statement.');
    expect(statementWith(result, 'Big day').channel).toBe('tweet');
    expect(statementWith(result, 'We are done').channel).toBe('statement');
  });

  it('lists the people a statement mentions', () => {
    const statement = statementWith(run('Mike Pence met Donald Trump.\n\n"Donald Trump will win," Pence said.'), 'will win');
    expect(statement.mentions).toEqual(['Donald Trump']);
  });
});
