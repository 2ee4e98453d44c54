// One person, one row: names found in different articles resolve to one stored person, and what
// is not a person (headline fragments, organisations, unresolvable surnames) stays a label.
// Inputs are shaped as the extractor hands them to the ingest core (`extracted: true`), so these
// tests pin resolution itself; the last ones go through ingestArticle with the extractor.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/index.js';
import { type IngestInput, type IngestStatement, ingestArticle } from '../src/ingest/index.js';
import { codeOf, fieldOf, globalId } from './support/app.js';
import { backendName } from './support/database.js';
import { type LiveTestApp, createLiveTestApp } from './support/live.js';

let app: LiveTestApp;
beforeAll(async () => {
  app = await createLiveTestApp({ seed: false });
});
afterAll(() => app?.close());

let counter = 0;
const spansOf = (body: string, name: string) => {
  const spans: { start: number; end: number }[] = [];
  for (let at = body.indexOf(name); at >= 0; at = body.indexOf(name, at + name.length)) spans.push({ start: at, end: at + name.length });
  return spans;
};
/** An article as the extractor would hand it over: its people with where the body names them. */
function found(
  body: string,
  people: (string | { name: string; aliases?: string[] })[],
  statements: IngestStatement[],
  publishedAt = '2016-03-01T12:00:00Z',
): IngestInput {
  return {
    url: `https://news.example.com/resolution/${backendName}/${Date.now()}-${++counter}`,
    headline: body.split('\n')[0]!,
    source: 'Wire',
    publishedAt: new Date(publishedAt),
    body,
    extracted: true,
    people: people.map((p) => {
      const { name, aliases = [] } = typeof p === 'string' ? { name: p } : p;
      // Each place the body names them once: an alias inside the full name is not another mention.
      const mentions: { start: number; end: number }[] = [];
      for (const span of [name, ...aliases].flatMap((n) => spansOf(body, n))) {
        if (!mentions.some((m) => span.start < m.end && m.start < span.end)) mentions.push(span);
      }
      return { name, aliases, mentions };
    }),
    statements,
  };
}
const quote = (text: string, speakerName: string | null, speakerLabel: string | null = null): IngestStatement => ({
  text,
  kind: 'DIRECT_QUOTE',
  speakerName,
  speakerLabel,
});

const rows = async <T>(query: ReturnType<typeof sql>) => rowsOf<T>(await app.db.execute(query));
const peopleNamed = (pattern: string) =>
  rows<{ id: number; name: string; aliases: string[] }>(sql`select id, name, aliases from people where name ilike ${pattern} order by id`);
const speakersOf = async (articleId: number) =>
  rows<{ name: string | null; label: string | null; confidence: number | null }>(
    sql`select p.name, s.speaker_label as label, s.speaker_confidence as confidence from statements s left join people p on p.id = s.speaker_id where s.article_id = ${articleId} order by s.id`,
  );

describe(`resolution across articles (${backendName})`, () => {
  it('a title-case headline line creates nobody the body does not name', async () => {
    const body = 'Donald Trump Leads Chuck Grassley Compares In Iowa Poll.\n\nDonald Trump leads the Republican field. "We are winning," Donald Trump said.';
    const input = found(
      body,
      ['Donald Trump Leads', 'Chuck Grassley Compares', 'Donald Trump'],
      [quote('We are winning', 'Donald Trump'), quote('Big lead', 'Donald Trump Leads')],
    );
    // The headline-only names are named in the headline only.
    expect(input.people![0]!.mentions!.every((s) => s.end <= body.indexOf('\n'))).toBe(true);
    const result = await ingestArticle(app.db, input);
    expect(await peopleNamed('%Leads%')).toEqual([]);
    expect(await peopleNamed('%Grassley%')).toEqual([]);
    const [trump] = await peopleNamed('Donald Trump');
    expect(result.personIds).toEqual([trump!.id]);
    // A statement the extractor gave the fragment goes to the body person it contains.
    expect((await speakersOf(result.articleId)).map((s) => s.name)).toEqual(['Donald Trump', 'Donald Trump']);
  });

  it('"Hillary Rodham Clinton" in one article and "Hillary Clinton" in another are one row', async () => {
    const first = await ingestArticle(
      app.db,
      found(
        'Hillary Rodham Clinton spoke in Ohio. "Jobs first," Hillary Rodham Clinton said.',
        ['Hillary Rodham Clinton'],
        [quote('Jobs first', 'Hillary Rodham Clinton')],
      ),
    );
    const second = await ingestArticle(
      app.db,
      found('Hillary Clinton spoke in Iowa. "Jobs now," Hillary Clinton said.', ['Hillary Clinton'], [quote('Jobs now', 'Hillary Clinton')]),
    );
    const hillary = await peopleNamed('Hillary%Clinton');
    expect(hillary).toHaveLength(1);
    expect(hillary[0]!.aliases).toContain('Hillary Clinton');
    expect(second.newPersonIds).toEqual([]);
    expect(second.personIds).toEqual(first.personIds);
    const [speaker] = await speakersOf(second.articleId);
    expect(speaker!.name).toBe('Hillary Rodham Clinton');
    expect(speaker!.confidence).toBeGreaterThan(0.5);
    expect(speaker!.confidence).toBeLessThan(1); // matched by compatible given name, not by the same name
  });

  it('Bill and Hillary Clinton in one article are two people; a bare "Clinton" goes to the more salient', async () => {
    const body =
      'Bill Clinton campaigned for Hillary Clinton. Hillary Clinton thanked him. Hillary Clinton spoke last. "We will win," Clinton said. "She is ready," Bill Clinton said.';
    const result = await ingestArticle(
      app.db,
      found(body, ['Bill Clinton', 'Hillary Clinton', 'Clinton'], [quote('We will win', 'Clinton'), quote('She is ready', 'Bill Clinton')]),
    );
    const clintons = (await peopleNamed('%Clinton')).map((p) => p.name);
    expect(clintons).toContain('Bill Clinton');
    expect(clintons.filter((n) => /hillary/i.test(n))).toHaveLength(1);
    expect(clintons).not.toContain('Clinton');
    const speakers = await speakersOf(result.articleId);
    expect(speakers.map((s) => s.name)).toEqual(['Hillary Rodham Clinton', 'Bill Clinton']);
    expect(speakers[0]!.confidence).toBeLessThan(speakers[1]!.confidence!);
  });

  it('Donald Trump and Donald Trump Jr. stay two people', async () => {
    await ingestArticle(
      app.db,
      found('Donald Trump Jr. spoke first. "Dad is right," Donald Trump Jr. said.', ['Donald Trump Jr.'], [quote('Dad is right', 'Donald Trump Jr.')]),
    );
    const trumps = (await peopleNamed('Donald Trump%')).map((p) => p.name).sort();
    expect(trumps).toEqual(['Donald Trump', 'Donald Trump Jr.']);
  });

  it('a bare surname nobody in the article or the archive has stays a label; one the archive has resolves to its dominant person', async () => {
    const before = await rows<{ n: number }>(sql`select count(*)::int as n from people`);
    const lone = await ingestArticle(app.db, found('"The vote is close," Smithers said on Tuesday.', ['Smithers'], [quote('The vote is close', 'Smithers')]));
    expect(await rows<{ n: number }>(sql`select count(*)::int as n from people`)).toEqual(before);
    expect(await speakersOf(lone.articleId)).toEqual([{ name: null, label: 'Smithers', confidence: null }]);

    // Donald Trump has been named often; Donald Trump Jr. has another family-name key.
    for (let i = 0; i < 3; i++) await ingestArticle(app.db, found(`Donald Trump spoke. Donald Trump left. Report ${i}.`, ['Donald Trump'], []));
    const bare = await ingestArticle(app.db, found('"Believe me," Trump said at the rally.', ['Trump'], [quote('Believe me', 'Trump')]));
    const [speaker] = await speakersOf(bare.articleId);
    expect(speaker!.name).toBe('Donald Trump');
    expect(speaker!.confidence).toBeGreaterThan(0.5);
    expect(speaker!.confidence).toBeLessThan(0.85);
    expect(await peopleNamed('Trump')).toEqual([]);
  });

  it('an organisation speaker keeps its name as the label, and is no person', async () => {
    const result = await ingestArticle(
      app.db,
      found(
        '"No comment," the White House said. The Clinton Campaign said "we disagree."',
        ['White House', 'Clinton Campaign'],
        [quote('No comment', 'White House'), quote('we disagree', 'Clinton Campaign')],
      ),
    );
    expect(await peopleNamed('%White House%')).toEqual([]);
    expect(await peopleNamed('%Campaign%')).toEqual([]);
    expect((await speakersOf(result.articleId)).map((s) => [s.name, s.label])).toEqual([
      [null, 'White House'],
      [null, 'Clinton Campaign'],
    ]);
  });

  it('Person.mentionCount and firstSeenAt sum every article naming them', async () => {
    const early = await ingestArticle(
      app.db,
      found('Ada Quill spoke. Ada Quill left. Quill returned.', [{ name: 'Ada Quill', aliases: ['Quill'] }], [], '2015-01-02T00:00:00Z'),
    );
    await ingestArticle(app.db, found('Ada Quill spoke again.', ['Ada Quill'], [], '2016-05-06T00:00:00Z'));
    const id = globalId('Person', early.personIds[0]!);
    const read = await app.gql(`query($id: ID!) { node(id: $id) { ... on Person { name mentionCount firstSeenAt } } }`, { id });
    expect(read.errors).toBeUndefined();
    expect(read.data.node).toEqual({ name: 'Ada Quill', mentionCount: 4, firstSeenAt: '2015-01-02T00:00:00.000Z' });
    // Ingesting the same article again does not count it twice.
    const url = (await rows<{ url: string }>(sql`select url from articles where id = ${early.articleId}`))[0]!.url;
    await ingestArticle(app.db, {
      ...found('Ada Quill spoke. Ada Quill left. Quill returned.', [{ name: 'Ada Quill', aliases: ['Quill'] }], [], '2015-01-02T00:00:00Z'),
      url,
    });
    const again = await app.gql(`query($id: ID!) { node(id: $id) { ... on Person { mentionCount } } }`, { id });
    expect(again.data.node.mentionCount).toBe(4);
  });
});

describe(`editors teach resolution (${backendName})`, () => {
  const MERGE = `mutation($input: MergePeopleInput!) { mergePeople(input: $input) { mergedId person { id name aliases } } }`;

  it('mergePeople: the old ID answers node with the target, and the next ingest resolves the old name to it', async () => {
    const a = await ingestArticle(app.db, found('Robert Smythe spoke. "Yes," Robert Smythe said.', ['Robert Smythe'], [quote('Yes', 'Robert Smythe')]));
    const b = await ingestArticle(app.db, found('Bob Smith spoke. "No," Bob Smith said.', ['Bob Smith'], [quote('No', 'Bob Smith')]));
    const [target, source] = [a.personIds[0]!, b.personIds[0]!];
    expect(target).not.toBe(source);
    const merged = await app.gql(MERGE, { input: { sourceId: globalId('Person', source), targetId: globalId('Person', target) } });
    expect(merged.errors).toBeUndefined();
    expect(merged.data.mergePeople.person.aliases).toContain('Bob Smith');
    // Compiled reads and the executor (a fragment spread on a field the compiler leaves alone) both follow the redirect.
    for (const query of [
      `query($id: ID!) { node(id: $id) { id ... on Person { name } } }`,
      `query($id: ID!) { node(id: $id) { id ... on Person { name mentionCount } } }`,
    ]) {
      const read = await app.gql(query, { id: globalId('Person', source) });
      expect(read.errors).toBeUndefined();
      expect(read.data.node).toMatchObject({ id: globalId('Person', target), name: 'Robert Smythe' });
    }
    const next = await ingestArticle(app.db, found('Bob Smith came back. "Maybe," Bob Smith said.', ['Bob Smith'], [quote('Maybe', 'Bob Smith')]));
    expect(next.personIds).toEqual([target]);
    expect(next.newPersonIds).toEqual([]);
  });

  it('mergePeople under concurrent ingests: every statement ends with the target, none unattributed, no duplicate', async () => {
    const t = await ingestArticle(app.db, found('Carla Mendez spoke. "Up," Carla Mendez said.', ['Carla Mendez'], [quote('Up', 'Carla Mendez')]));
    const s = await ingestArticle(app.db, found('Karla Mendes spoke. "Down," Karla Mendes said.', ['Karla Mendes'], [quote('Down', 'Karla Mendes')]));
    const [target, source] = [t.personIds[0]!, s.personIds[0]!];
    const ingests = Array.from({ length: 6 }, (_, i) =>
      ingestArticle(
        app.db,
        found(`Karla Mendes spoke, report ${i}. "Report ${i} words," Karla Mendes said.`, ['Karla Mendes'], [quote(`Report ${i} words`, 'Karla Mendes')]),
      ),
    );
    const merge = app.gql(MERGE, { input: { sourceId: globalId('Person', source), targetId: globalId('Person', target) } });
    const [merged, ...done] = await Promise.all([merge, ...ingests]);
    expect(merged.errors).toBeUndefined();
    expect(done).toHaveLength(6);
    const statements = await rows<{ speakerId: number | null }>(
      sql`select speaker_id as "speakerId" from statements where text like 'Report % words' or text in ('Up', 'Down')`,
    );
    expect(statements).toHaveLength(8);
    expect(new Set(statements.map((r) => r.speakerId))).toEqual(new Set([target]));
    expect(await peopleNamed('Karla Mendes')).toEqual([]);
  });

  it('addAlias makes the next ingest resolve the alias; removeAlias undoes it', async () => {
    const p = await ingestArticle(app.db, found('Maximilian Oduya spoke.', ['Maximilian Oduya'], []));
    const id = globalId('Person', p.personIds[0]!);
    const add = await app.gql(`mutation($input: AddAliasInput!) { addAlias(input: $input) { person { aliases } } }`, {
      input: { personId: id, alias: 'Max Oduya-Green' },
    });
    expect(add.errors).toBeUndefined();
    expect(add.data.addAlias.person.aliases).toContain('Max Oduya-Green');
    const next = await ingestArticle(
      app.db,
      found('Max Oduya-Green spoke. "Hello," Max Oduya-Green said.', ['Max Oduya-Green'], [quote('Hello', 'Max Oduya-Green')]),
    );
    expect(next.personIds).toEqual(p.personIds);
    const remove = await app.gql(`mutation($input: RemoveAliasInput!) { removeAlias(input: $input) { person { aliases } } }`, {
      input: { personId: id, alias: 'max oduya-green' },
    });
    expect(remove.errors).toBeUndefined();
    expect(remove.data.removeAlias.person.aliases).not.toContain('Max Oduya-Green');
    const missing = await app.gql(`mutation($input: RemoveAliasInput!) { removeAlias(input: $input) { person { aliases } } }`, {
      input: { personId: id, alias: 'Nobody' },
    });
    expect(codeOf(missing)).toBe('BAD_USER_INPUT');
    expect(fieldOf(missing)).toBe('input.alias');
  });

  it('wikidataId: set by an editor, validated, unique, and a people filter', async () => {
    const a = await ingestArticle(app.db, found('Greta Vale spoke.', ['Greta Vale'], []));
    const b = await ingestArticle(app.db, found('Hugo Brandt spoke.', ['Hugo Brandt'], []));
    const UPDATE = `mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { person { name wikidataId } } }`;
    const set = await app.gql(UPDATE, { input: { id: globalId('Person', a.personIds[0]!), wikidataId: 'Q4242' } });
    expect(set.errors).toBeUndefined();
    expect(set.data.updatePerson.person).toEqual({ name: 'Greta Vale', wikidataId: 'Q4242' });
    const bad = await app.gql(UPDATE, { input: { id: globalId('Person', b.personIds[0]!), wikidataId: 'wd:42' } });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(fieldOf(bad)).toBe('input.wikidataId');
    const taken = await app.gql(UPDATE, { input: { id: globalId('Person', b.personIds[0]!), wikidataId: 'Q4242' } });
    expect(codeOf(taken)).toBe('CONFLICT');
    expect(fieldOf(taken)).toBe('input.wikidataId');
    const list = await app.gql(`{ people(filter: { wikidataId: "Q4242" }) { edges { node { name } } } }`);
    expect(list.data.people.edges).toEqual([{ node: { name: 'Greta Vale' } }]);
  });
});

describe(`through ingestArticle and the extractor (${backendName})`, () => {
  const INGEST = `mutation($input: IngestArticleInput!) { ingestArticle(input: $input) { people { name } statements { speaker { name } speakerLabel } } }`;
  const article = (body: string) => ({
    url: `https://news.example.com/x/${backendName}/${Date.now()}-${++counter}`,
    headline: 'Story',
    source: 'Wire',
    publishedAt: '2016-04-01T00:00:00Z',
    body,
  });

  it('a bare surname in an unrelated article creates no person of that name', async () => {
    const result = await app.gql(INGEST, { input: article('"The budget is a disgrace," Wexford said on Tuesday in the capital.') });
    expect(result.errors).toBeUndefined();
    expect(result.data.ingestArticle.people.map((p: { name: string }) => p.name)).not.toContain('Wexford');
    expect(await peopleNamed('Wexford')).toEqual([]);
  });
});
