import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/index.js';
import { extract } from '../src/extract/index.js';
import { codeOf, fieldOf, globalId } from './support/app.js';
import { backendName } from './support/database.js';
import { type LiveTestApp, createLiveTestApp } from './support/live.js';

let app: LiveTestApp;
beforeAll(async () => {
  app = await createLiveTestApp();
});
afterAll(() => app?.close());

const count = async (table: string, where = sql`true`) =>
  Number(rowsOf<{ n: number }>(await app.db.execute(sql`select count(*)::int as n from ${sql.raw(table)} where ${where}`))[0]!.n);

let urlCounter = 0;
const freshUrl = () => `https://news.example.com/${backendName}/${Date.now()}-${++urlCounter}`;

const CREATE_ARTICLE = `mutation($input: CreateArticleInput!) { createArticle(input: $input) { article { id url headline source publishedAt body } } }`;
async function createArticle(overrides: Record<string, unknown> = {}) {
  const input = {
    url: freshUrl(),
    headline: 'Mayor opens bridge',
    source: 'Local Times',
    publishedAt: '2024-03-01T09:00:00.000Z',
    body: 'The mayor said "it is a great day" at the bridge.',
    ...overrides,
  };
  const result = await app.gql(CREATE_ARTICLE, { input });
  return { input, result, article: result.data?.createArticle?.article };
}
const CREATE_PERSON = `mutation($input: CreatePersonInput!) { createPerson(input: $input) { created person { id name slug aliases description } } }`;
async function createPerson(name: string, extra: Record<string, unknown> = {}) {
  const result = await app.gql(CREATE_PERSON, { input: { name, ...extra } });
  expect(result.errors).toBeUndefined();
  return result.data.createPerson as { created: boolean; person: { id: string; name: string; slug: string; aliases: string[] } };
}
const CREATE_STATEMENT = `mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { id text kind saidAt channel speakerLabel span { start end } speaker { id } event { id } mentions { id } article { id people { edges { node { id } } } } } } }`;

describe(`articles (${backendName})`, () => {
  it('createArticle stores and returns the article', async () => {
    const { input, result, article } = await createArticle();
    expect(result.errors).toBeUndefined();
    expect(article).toMatchObject(input);
    const read = await app.gql(`query($id: ID!) { node(id: $id) { ... on Article { url headline } } }`, { id: article.id });
    expect(read.data.node).toEqual({ url: input.url, headline: input.headline });
  });

  it('createArticle: CONFLICT on a stored URL, BAD_USER_INPUT naming the field for bad values', async () => {
    const { input } = await createArticle();
    const again = await app.gql(CREATE_ARTICLE, { input });
    expect(codeOf(again)).toBe('CONFLICT');
    expect(fieldOf(again)).toBe('input.url');
    for (const [field, value] of [
      ['url', 'ftp://example.com/x'],
      ['url', 'not a url'],
      ['headline', '   '],
      ['headline', 'x'.repeat(501)],
      ['body', ''],
    ] as const) {
      const bad = await createArticle({ [field]: value });
      expect(codeOf(bad.result), `${field}=${value.slice(0, 20)}`).toBe('BAD_USER_INPUT');
      expect(fieldOf(bad.result)).toBe(`input.${field}`);
      expect(await count('articles', sql`url = ${bad.input.url}`)).toBe(0);
    }
  });

  it('updateArticle changes only the given fields; payloads show the new state even within one request', async () => {
    const { article } = await createArticle();
    const result = await app.gql(
      `mutation($id: ID!) {
        first: updateArticle(input: { id: $id, headline: "First edit" }) { article { headline source } }
        second: updateArticle(input: { id: $id, headline: "Second edit" }) { article { headline source } }
      }`,
      { id: article.id },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.first.article).toEqual({ headline: 'First edit', source: article.source });
    expect(result.data.second.article).toEqual({ headline: 'Second edit', source: article.source });
  });

  it('updateArticle: NOT_FOUND, wrong ID type, null for a required field, URL taken', async () => {
    const { article } = await createArticle();
    const { article: other } = await createArticle();
    const update = (input: Record<string, unknown>) =>
      app.gql(`mutation($input: UpdateArticleInput!) { updateArticle(input: $input) { article { id } } }`, { input });
    const missing = await update({ id: globalId('Article', 999_999), headline: 'x' });
    expect([codeOf(missing), fieldOf(missing)]).toEqual(['NOT_FOUND', 'input.id']);
    const wrongType = await update({ id: globalId('Person', 1), headline: 'x' });
    expect([codeOf(wrongType), fieldOf(wrongType)]).toEqual(['BAD_USER_INPUT', 'input.id']);
    const nulled = await update({ id: article.id, headline: null });
    expect([codeOf(nulled), fieldOf(nulled)]).toEqual(['BAD_USER_INPUT', 'input.headline']);
    const taken = await update({ id: article.id, url: other.url });
    expect([codeOf(taken), fieldOf(taken)]).toEqual(['CONFLICT', 'input.url']);
  });

  it('deleteArticle removes the article and its statements; NOT_FOUND the second time', async () => {
    const { article } = await createArticle();
    const statement = await app.gql(CREATE_STATEMENT, { input: { articleId: article.id, text: 'Going soon', kind: 'PARAPHRASE', speakerLabel: 'an aide' } });
    expect(statement.errors).toBeUndefined();
    const del = `mutation($id: ID!) { deleteArticle(input: { id: $id }) { deletedId } }`;
    const result = await app.gql(del, { id: article.id });
    expect(result.data.deleteArticle.deletedId).toBe(article.id);
    const gone = await app.gql(`query($a: ID!, $s: ID!) { a: node(id: $a) { id } s: node(id: $s) { id } }`, {
      a: article.id,
      s: statement.data.createStatement.statement.id,
    });
    expect(gone.data).toEqual({ a: null, s: null });
    expect(codeOf(await app.gql(del, { id: article.id }))).toBe('NOT_FOUND');
  });
});

describe(`people (${backendName})`, () => {
  it('createPerson derives the slug and returns a stored name instead of duplicating it', async () => {
    const first = await createPerson('Ada  Lovelace-Byron', { aliases: ['Ada', 'ada', ' Lovelace '], description: 'Mathematician' });
    expect(first.created).toBe(true);
    expect(first.person).toMatchObject({ name: 'Ada Lovelace-Byron', slug: 'ada-lovelace-byron', description: 'Mathematician' });
    expect(first.person.aliases).toEqual(['Ada', 'Lovelace']);
    const again = await createPerson('Ada Lovelace-Byron');
    expect(again).toMatchObject({ created: false, person: { id: first.person.id } });
  });

  it('two parallel createPerson calls with one name leave one person', async () => {
    const name = `Parallel Person ${backendName} ${Date.now()}`;
    const results = await Promise.all(Array.from({ length: 8 }, () => app.gql(CREATE_PERSON, { input: { name } })));
    for (const r of results) expect(r.errors).toBeUndefined();
    expect(new Set(results.map((r) => r.data.createPerson.person.id)).size).toBe(1);
    expect(results.filter((r) => r.data.createPerson.created)).toHaveLength(1);
    expect(await count('people', sql`name = ${name}`)).toBe(1);
  });

  it('updatePerson renames (new slug), replaces aliases; CONFLICT for a taken name, NOT_FOUND for none', async () => {
    const { person } = await createPerson(`Renamed Before ${Date.now()}`);
    const taken = await createPerson(`Taken Name ${Date.now()}`);
    const update = (input: Record<string, unknown>) =>
      app.gql(`mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { person { id name slug aliases description } } }`, { input });
    const renamed = await update({ id: person.id, name: 'Grace Hopper Test', aliases: ['Amazing Grace'], description: 'Admiral' });
    expect(renamed.errors).toBeUndefined();
    expect(renamed.data.updatePerson.person).toEqual({
      id: person.id,
      name: 'Grace Hopper Test',
      slug: 'grace-hopper-test',
      aliases: ['Amazing Grace'],
      description: 'Admiral',
    });
    const conflict = await update({ id: person.id, name: taken.person.name });
    expect([codeOf(conflict), fieldOf(conflict)]).toEqual(['CONFLICT', 'input.name']);
    const missing = await update({ id: globalId('Person', 999_999), name: 'Nobody' });
    expect([codeOf(missing), fieldOf(missing)]).toEqual(['NOT_FOUND', 'input.id']);
  });

  it('mergePeople moves statements, mentions, participations, article links and names, in one go', async () => {
    const target = await createPerson(`Merge Target ${Date.now()}`, { aliases: ['Target'] });
    const source = await createPerson(`Merge Duplicate ${Date.now()}`, { aliases: ['Dup'], description: 'Same person' });
    const { article } = await createArticle();
    const event = (await app.gql(`mutation { createEvent(input: { name: "Merge summit", kind: "meeting" }) { event { id } } }`)).data.createEvent.event;
    await app.gql(`mutation($e: ID!, $p: ID!) { a: addEventParticipant(input: { eventId: $e, personId: $p, role: "guest" }) { role } }`, {
      e: event.id,
      p: source.person.id,
    });
    const said = await app.gql(CREATE_STATEMENT, {
      input: { articleId: article.id, text: 'Merged words', kind: 'PARAPHRASE', speakerId: source.person.id, mentionIds: [source.person.id, target.person.id] },
    });
    expect(said.errors).toBeUndefined();

    const merge = `mutation($s: ID!, $t: ID!) { mergePeople(input: { sourceId: $s, targetId: $t }) { mergedId person { id aliases description
      statements { totalCount } mentionedIn { totalCount } events { edges { role node { id } } } articles { edges { node { id } } } } } }`;
    const result = await app.gql(merge, { s: source.person.id, t: target.person.id });
    expect(result.errors).toBeUndefined();
    const merged = result.data.mergePeople;
    expect(merged.mergedId).toBe(source.person.id);
    expect(merged.person.statements.totalCount).toBe(1);
    expect(merged.person.mentionedIn.totalCount).toBe(1); // both mentions fold into one
    expect(merged.person.events.edges).toEqual([{ role: 'guest', node: { id: event.id } }]);
    expect(merged.person.articles.edges.map((e: any) => e.node.id)).toContain(article.id);
    expect(merged.person.aliases).toEqual(['Target', source.person.name, 'Dup']);
    expect(merged.person.description).toBe('Same person');
    // The duplicate's ID now answers with the person it was merged into (issue 13).
    expect((await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: source.person.id })).data.node).toEqual({ id: target.person.id });

    const self = await app.gql(merge, { s: target.person.id, t: target.person.id });
    expect([codeOf(self), fieldOf(self)]).toEqual(['BAD_USER_INPUT', 'input.sourceId']);
    const again = await app.gql(merge, { s: source.person.id, t: target.person.id });
    expect([codeOf(again), fieldOf(again)]).toEqual(['NOT_FOUND', 'input.sourceId']);
  });
});

describe(`statements (${backendName})`, () => {
  it('createStatement stores it with speaker, mentions and span; saidAt defaults to publication', async () => {
    const { article, input } = await createArticle();
    const speaker = await createPerson(`Speaker ${Date.now()}`);
    const mentioned = await createPerson(`Mentioned ${Date.now()}`);
    const start = input.body.indexOf('it is');
    const result = await app.gql(CREATE_STATEMENT, {
      input: {
        articleId: article.id,
        text: ' it  is a great day ',
        kind: 'PARTIAL_QUOTE',
        speakerId: speaker.person.id,
        mentionIds: [mentioned.person.id],
        span: { start, end: start + 17 },
        channel: 'speech',
      },
    });
    expect(result.errors).toBeUndefined();
    const statement = result.data.createStatement.statement;
    expect(statement).toMatchObject({
      text: 'it is a great day',
      kind: 'PARTIAL_QUOTE',
      saidAt: input.publishedAt,
      channel: 'speech',
      span: { start, end: start + 17 },
      speaker: { id: speaker.person.id },
      mentions: [{ id: mentioned.person.id }],
    });
    // The article now lists both people.
    expect(statement.article.people.edges.map((e: any) => e.node.id).sort()).toEqual([speaker.person.id, mentioned.person.id].sort());
  });

  it('createStatement errors name the field: unknown article/speaker/event/mention, bad span, empty text, wrong ID type', async () => {
    const { article, input } = await createArticle();
    const base = { articleId: article.id, text: 'Words', kind: 'PARAPHRASE', speakerLabel: 'an aide' };
    const cases: [Record<string, unknown>, string, string][] = [
      [{ articleId: globalId('Article', 999_999) }, 'NOT_FOUND', 'input.articleId'],
      [{ speakerId: globalId('Person', 999_999) }, 'NOT_FOUND', 'input.speakerId'],
      [{ eventId: globalId('Event', 999_999) }, 'NOT_FOUND', 'input.eventId'],
      [{ mentionIds: [globalId('Person', 999_999)] }, 'NOT_FOUND', 'input.mentionIds'],
      [{ speakerId: article.id }, 'BAD_USER_INPUT', 'input.speakerId'],
      [{ span: { start: 0, end: input.body.length + 1 } }, 'BAD_USER_INPUT', 'input.span'],
      [{ span: { start: 5, end: 5 } }, 'BAD_USER_INPUT', 'input.span.end'],
      [{ span: { start: -1, end: 5 } }, 'BAD_USER_INPUT', 'input.span.start'],
      [{ text: '  ' }, 'BAD_USER_INPUT', 'input.text'],
    ];
    const before = await count('statements');
    for (const [override, code, field] of cases) {
      const result = await app.gql(CREATE_STATEMENT, { input: { ...base, ...override } });
      expect([codeOf(result), fieldOf(result)], JSON.stringify(override)).toEqual([code, field]);
    }
    expect(await count('statements')).toBe(before);
  });

  it('updateStatement changes fields, clears the speaker with null and replaces mentions; deleteStatement deletes', async () => {
    const { article } = await createArticle();
    const a = await createPerson(`Upd A ${Date.now()}`);
    const b = await createPerson(`Upd B ${Date.now()}`);
    const created = (
      await app.gql(CREATE_STATEMENT, {
        input: { articleId: article.id, text: 'Before', kind: 'PARAPHRASE', speakerId: a.person.id, mentionIds: [a.person.id] },
      })
    ).data.createStatement.statement;
    const update = `mutation($input: UpdateStatementInput!) { updateStatement(input: $input) { statement { id text kind speaker { id } speakerLabel mentions { id } } } }`;
    const result = await app.gql(update, {
      input: { id: created.id, text: 'After', kind: 'DIRECT_QUOTE', speakerId: null, speakerLabel: 'an aide', mentionIds: [b.person.id] },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data.updateStatement.statement).toEqual({
      id: created.id,
      text: 'After',
      kind: 'DIRECT_QUOTE',
      speaker: null,
      speakerLabel: 'an aide',
      mentions: [{ id: b.person.id }],
    });
    const missing = await app.gql(update, { input: { id: globalId('Statement', 999_999), text: 'x' } });
    expect([codeOf(missing), fieldOf(missing)]).toEqual(['NOT_FOUND', 'input.id']);

    const del = `mutation($id: ID!) { deleteStatement(input: { id: $id }) { deletedId } }`;
    expect((await app.gql(del, { id: created.id })).data.deleteStatement.deletedId).toBe(created.id);
    expect(codeOf(await app.gql(del, { id: created.id }))).toBe('NOT_FOUND');
  });
});

describe(`events (${backendName})`, () => {
  const CREATE_EVENT = `mutation($input: CreateEventInput!) { createEvent(input: $input) { event { id name kind startDate endDate location articles { edges { node { id } } } } } }`;

  it('createEvent links articles; dates out of order are BAD_USER_INPUT on input.endDate', async () => {
    const { article } = await createArticle();
    const ok = await app.gql(CREATE_EVENT, {
      input: { name: 'Bridge opening', kind: 'ceremony', startDate: '2024-03-01', endDate: '2024-03-02', location: 'River', articleIds: [article.id] },
    });
    expect(ok.errors).toBeUndefined();
    expect(ok.data.createEvent.event).toMatchObject({
      name: 'Bridge opening',
      startDate: '2024-03-01',
      endDate: '2024-03-02',
      articles: { edges: [{ node: { id: article.id } }] },
    });
    const backwards = await app.gql(CREATE_EVENT, { input: { name: 'Backwards', kind: 'x', startDate: '2024-03-02', endDate: '2024-03-01' } });
    expect([codeOf(backwards), fieldOf(backwards)]).toEqual(['BAD_USER_INPUT', 'input.endDate']);
    const noArticle = await app.gql(CREATE_EVENT, { input: { name: 'Orphan', kind: 'x', articleIds: [globalId('Article', 999_999)] } });
    expect([codeOf(noArticle), fieldOf(noArticle)]).toEqual(['NOT_FOUND', 'input.articleIds']);
  });

  it('updateEvent refuses an end before the stored start; deleteEvent leaves statements detached', async () => {
    const event = (await app.gql(CREATE_EVENT, { input: { name: 'Summit', kind: 'meeting', startDate: '2024-05-10' } })).data.createEvent.event;
    const update = `mutation($input: UpdateEventInput!) { updateEvent(input: $input) { event { id location endDate } } }`;
    const ok = await app.gql(update, { input: { id: event.id, location: 'Geneva', endDate: '2024-05-12' } });
    expect(ok.data.updateEvent.event).toEqual({ id: event.id, location: 'Geneva', endDate: '2024-05-12' });
    const bad = await app.gql(update, { input: { id: event.id, endDate: '2024-05-01' } });
    expect([codeOf(bad), fieldOf(bad)]).toEqual(['BAD_USER_INPUT', 'input.endDate']);
    expect((await app.gql(update, { input: { id: globalId('Event', 999_999), location: 'x' } })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const { article } = await createArticle();
    const statement = (
      await app.gql(CREATE_STATEMENT, {
        input: { articleId: article.id, text: 'At the summit', kind: 'PARAPHRASE', speakerLabel: 'an aide', eventId: event.id },
      })
    ).data.createStatement.statement;
    const del = `mutation($id: ID!) { deleteEvent(input: { id: $id }) { deletedId } }`;
    expect((await app.gql(del, { id: event.id })).data.deleteEvent.deletedId).toBe(event.id);
    const after = await app.gql(`query($id: ID!) { node(id: $id) { ... on Statement { event { id } } } }`, { id: statement.id });
    expect(after.data.node).toEqual({ event: null });
    expect(codeOf(await app.gql(del, { id: event.id }))).toBe('NOT_FOUND');
  });

  it('addEventParticipant adds or re-roles; removeEventParticipant removes, NOT_FOUND when not taking part', async () => {
    const event = (await app.gql(CREATE_EVENT, { input: { name: 'Press conference', kind: 'press' } })).data.createEvent.event;
    const person = await createPerson(`Participant ${Date.now()}`);
    const add = `mutation($e: ID!, $p: ID!, $r: String!) { addEventParticipant(input: { eventId: $e, personId: $p, role: $r }) { role person { id } event { participants { edges { role node { id } } } } } }`;
    const first = await app.gql(add, { e: event.id, p: person.person.id, r: 'speaker' });
    expect(first.data.addEventParticipant.event.participants.edges).toEqual([{ role: 'speaker', node: { id: person.person.id } }]);
    const again = await app.gql(add, { e: event.id, p: person.person.id, r: 'host' });
    expect(again.data.addEventParticipant.event.participants.edges).toEqual([{ role: 'host', node: { id: person.person.id } }]);
    const noPerson = await app.gql(add, { e: event.id, p: globalId('Person', 999_999), r: 'x' });
    expect([codeOf(noPerson), fieldOf(noPerson)]).toEqual(['NOT_FOUND', 'input.personId']);
    const emptyRole = await app.gql(add, { e: event.id, p: person.person.id, r: ' ' });
    expect([codeOf(emptyRole), fieldOf(emptyRole)]).toEqual(['BAD_USER_INPUT', 'input.role']);

    const remove = `mutation($e: ID!, $p: ID!) { removeEventParticipant(input: { eventId: $e, personId: $p }) { event { participants { totalCount } } } }`;
    expect((await app.gql(remove, { e: event.id, p: person.person.id })).data.removeEventParticipant.event.participants.totalCount).toBe(0);
    const notThere = await app.gql(remove, { e: event.id, p: person.person.id });
    expect([codeOf(notThere), fieldOf(notThere)]).toEqual(['NOT_FOUND', 'input.personId']);
  });

  it("a person's events stay newest first when an event moves, however its participation was written", async () => {
    const person = await createPerson(`Frequent Traveller ${backendName} ${Date.now()}`);
    const createEvent = async (name: string, startDate: string | null) =>
      (await app.gql(`mutation($input: CreateEventInput!) { createEvent(input: $input) { event { id } } }`, { input: { name, kind: 'visit', startDate } })).data
        .createEvent.event.id as string;
    const [early, late, undated] = [
      await createEvent('Early visit', '2020-01-01'),
      await createEvent('Late visit', '2021-01-01'),
      await createEvent('Undated visit', null),
    ];
    for (const e of [early, late, undated]) {
      const added = await app.gql(`mutation($e: ID!, $p: ID!) { addEventParticipant(input: { eventId: $e, personId: $p, role: "guest" }) { role } }`, {
        e,
        p: person.person.id,
      });
      expect(added.errors).toBeUndefined();
    }
    const order = async () => {
      const read = await app.gql(`query($id: ID!) { node(id: $id) { ... on Person { events(first: 10) { edges { node { id } } } } } }`, {
        id: person.person.id,
      });
      return read.data.node.events.edges.map((e: any) => e.node.id);
    };
    expect(await order()).toEqual([late, early, undated]);

    const move = (id: string, startDate: string | null) =>
      app.gql(`mutation($input: UpdateEventInput!) { updateEvent(input: $input) { event { startDate } } }`, { input: { id, startDate } });
    expect((await move(early, '2022-06-01')).errors).toBeUndefined();
    expect(await order()).toEqual([early, late, undated]);
    expect((await move(late, null)).errors).toBeUndefined();
    expect(await order()).toEqual([early, undated, late]); // undated last, higher id first

    // Plain SQL cannot put a wrong date on a participation: it is always the event's own.
    const eventId = Number(Buffer.from(undated, 'base64url').toString().split(':')[1]);
    const personId = Number(Buffer.from(person.person.id, 'base64url').toString().split(':')[1]);
    await app.db.execute(sql`update event_participants set event_start = '1999-01-01' where event_id = ${eventId} and person_id = ${personId}`);
    expect(await count('event_participants p join events e on e.id = p.event_id', sql`p.event_start is distinct from e.start_date`)).toBe(0);
    expect(await order()).toEqual([early, undated, late]);
  });

  it("link rows keep their targets' sort keys (a person's articles, events and mentions, in index order)", async () => {
    const mismatches = async () => [
      await count('article_people l join articles t on t.id = l.article_id', sql`l.article_published_at is distinct from t.published_at`),
      await count('event_participants l join events t on t.id = l.event_id', sql`l.event_start is distinct from t.start_date`),
      await count('statement_mentions l join statements t on t.id = l.statement_id', sql`l.statement_said_at is distinct from t.said_at`),
    ];
    // Written through the API, with a mention.
    const { article } = await createArticle();
    const speaker = await createPerson(`Link Keeper ${backendName} ${Date.now()}`);
    const mentioned = await createPerson(`Link Mentioned ${backendName} ${Date.now()}`);
    const created = await app.gql(CREATE_STATEMENT, {
      input: { articleId: article.id, speakerId: speaker.person.id, mentionIds: [mentioned.person.id], text: 'Links keep up', kind: 'PARAPHRASE' },
    });
    expect(created.errors).toBeUndefined();
    expect(await count('statement_mentions', sql`statement_said_at is not null`)).toBeGreaterThan(0);
    expect(await mismatches()).toEqual([0, 0, 0]);
    // Targets changed with plain SQL, and links written with wrong copies, are put right.
    await app.db.execute(sql`update articles set published_at = published_at - interval '3 days'`);
    await app.db.execute(sql`update statements set said_at = said_at + interval '1 hour'`);
    await app.db.execute(sql`update events set start_date = start_date - 1`);
    await app.db.execute(sql`update article_people set article_published_at = '1990-01-01'`);
    await app.db.execute(sql`update statement_mentions set statement_said_at = null`);
    expect(await mismatches()).toEqual([0, 0, 0]);
  });
});

describe(`ingestArticle (${backendName})`, () => {
  const INGEST = `mutation($input: IngestArticleInput!) { ingestArticle(input: $input) { created
    article { id headline statements(first: 100) { totalCount edges { node { id text speaker { name } mentions { name } event { name } } } } events { edges { node { name participants { edges { role node { name } } } } } } people(first: 100) { totalCount } }
    people { id name } statements { id text } events { id name } } }`;

  const body = 'Senator Paul said "talks matter" on Monday. Jane Roe, an analyst, said the visit was "a gamble". Putin did not comment.';
  const ingestInput = (url: string, overrides: Record<string, unknown> = {}) => ({
    url,
    headline: 'Paul in Moscow',
    source: 'Wire',
    publishedAt: '2024-06-01T12:00:00.000Z',
    body,
    people: [{ name: 'Jane Roe', aliases: ['Roe'], description: 'Analyst' }],
    statements: <Record<string, unknown>[]>[
      {
        text: 'talks matter',
        kind: 'PARTIAL_QUOTE',
        speakerName: 'Senator Paul',
        span: { start: 19, end: 31 },
        eventName: 'Moscow visit',
        mentions: ['Vladimir Putin'],
      },
      { text: 'a gamble', kind: 'PARTIAL_QUOTE', speakerName: 'Roe', span: { start: body.indexOf('a gamble'), end: body.indexOf('a gamble') + 8 } },
    ],
    events: [
      {
        name: 'Moscow visit',
        kind: 'visit',
        startDate: '2024-05-30',
        location: 'Moscow',
        participants: [
          { name: 'Rand Paul', role: 'visitor' },
          { name: 'Jane Roe', role: 'observer' },
        ],
      },
    ],
    ...overrides,
  });

  it('stores article, people (matched by name or alias, else created), statements, events and links at once', async () => {
    const peopleBefore = await count('people');
    const result = await app.gql(INGEST, { input: ingestInput(freshUrl()) });
    expect(result.errors).toBeUndefined();
    const payload = result.data.ingestArticle;
    expect(payload.created).toBe(true);
    const statements = payload.article.statements.edges.map((e: any) => e.node);
    expect(statements.map((s: any) => [s.text, s.speaker?.name, s.event?.name ?? null])).toEqual([
      ['talks matter', 'Rand Paul', 'Moscow visit'], // "Senator Paul" is an alias of the stored Rand Paul
      ['a gamble', 'Jane Roe', null], // "Roe" is an alias given in the input
    ]);
    expect(statements[0].mentions.map((m: any) => m.name)).toEqual(['Vladimir Putin']);
    expect(payload.article.events.edges[0].node.participants.edges.map((e: any) => [e.node.name, e.role]).sort()).toEqual([
      ['Jane Roe', 'observer'],
      ['Rand Paul', 'visitor'],
    ]);
    expect(await count('people')).toBe(peopleBefore + 1); // only Jane Roe is new
    expect(payload.article.people.totalCount).toBe(3);
    expect(payload.statements.map((s: any) => s.id)).toEqual(statements.map((s: any) => s.id));
  });

  it('re-ingesting a URL updates in place: no duplicates, unchanged statements keep their ids', async () => {
    const url = freshUrl();
    const first = (await app.gql(INGEST, { input: ingestInput(url) })).data.ingestArticle;
    const input = ingestInput(url, { headline: 'Paul in Moscow (updated)' });
    input.statements = [input.statements[0]!]; // the second statement was withdrawn
    const second = await app.gql(INGEST, { input });
    expect(second.errors).toBeUndefined();
    const payload = second.data.ingestArticle;
    expect(payload.created).toBe(false);
    expect(payload.article).toMatchObject({ id: first.article.id, headline: 'Paul in Moscow (updated)' });
    expect(payload.statements.map((s: any) => s.id)).toEqual([first.statements[0].id]);
    expect(payload.article.statements.totalCount).toBe(1);
    expect(payload.events.map((e: any) => e.id)).toEqual(first.events.map((e: any) => e.id));
    expect(await count('articles', sql`url = ${url}`)).toBe(1);
  });

  it('fifty parallel ingests of one URL leave one article with one copy of each statement', async () => {
    const url = freshUrl();
    const results = await Promise.all(Array.from({ length: 50 }, () => app.gql(INGEST, { input: ingestInput(url) })));
    for (const r of results) expect(r.errors).toBeUndefined();
    expect(results.filter((r) => r.data.ingestArticle.created)).toHaveLength(1);
    expect(await count('articles', sql`url = ${url}`)).toBe(1);
    expect(await count('statements', sql`article_id = (select id from articles where url = ${url})`)).toBe(2);
    expect(
      await count(
        'events',
        sql`name = 'Moscow visit' and id in (select event_id from article_events ae join articles a on a.id = ae.article_id where a.url = ${url})`,
      ),
    ).toBe(1);
    expect(await count('people', sql`name = 'Jane Roe'`)).toBe(1);
  });

  it('refuses references it cannot resolve, naming the field, and writes nothing', async () => {
    const url = freshUrl();
    const badEvent = ingestInput(url);
    badEvent.statements[1] = { ...badEvent.statements[1]!, eventName: 'No such event' };
    const result = await app.gql(INGEST, { input: badEvent });
    expect([codeOf(result), fieldOf(result)]).toEqual(['BAD_USER_INPUT', 'input.statements.1.eventName']);
    const badSpan = ingestInput(url);
    badSpan.statements[0] = { ...badSpan.statements[0]!, span: { start: 0, end: body.length + 5 } };
    const spanResult = await app.gql(INGEST, { input: badSpan });
    expect([codeOf(spanResult), fieldOf(spanResult)]).toEqual(['BAD_USER_INPUT', 'input.statements.0.span']);
    const badDates = ingestInput(url, { events: [{ name: 'Moscow visit', kind: 'visit', startDate: '2024-05-30', endDate: '2024-05-01' }] });
    const datesResult = await app.gql(INGEST, { input: badDates });
    expect([codeOf(datesResult), fieldOf(datesResult)]).toEqual(['BAD_USER_INPUT', 'input.events.0.endDate']);
    expect(await count('articles', sql`url = ${url}`)).toBe(0);
  });

  it('is atomic: a failure late in the transaction leaves no article, person or statement behind', async () => {
    // A trigger that refuses one statement, standing in for any failure after the first writes.
    await app.db.execute(sql`create function refuse_boom() returns trigger language plpgsql as $$
      begin if new.text = 'boom' then raise exception 'refused'; end if; return new; end $$`);
    await app.db.execute(sql`create trigger refuse_boom before insert on statements for each row execute function refuse_boom()`);
    try {
      const url = freshUrl();
      const input = ingestInput(url, { people: [{ name: 'Never Stored Person' }] });
      input.statements.push({ text: 'boom', kind: 'PARAPHRASE' } as never);
      const result = await app.gql(INGEST, { input });
      expect(result.errors).toHaveLength(1);
      expect(result.data).toBeNull();
      expect(result.errors![0]!.message).not.toMatch(/refused|stack/i); // masked, not leaked
      expect(await count('articles', sql`url = ${url}`)).toBe(0);
      expect(await count('people', sql`name = 'Never Stored Person'`)).toBe(0);
    } finally {
      await app.db.execute(sql`drop trigger refuse_boom on statements`);
      await app.db.execute(sql`drop function refuse_boom()`);
    }
  });

  it('given only the article fields, stores what the extractor finds in the body', async () => {
    const extractedBody = '"We will not back down," said Rand Paul on Tuesday. The senator added that talks with Moscow "must continue".';
    const result = await app.gql(INGEST, {
      input: { url: freshUrl(), headline: 'Paul vows', source: 'Wire', publishedAt: '2024-06-02T00:00:00.000Z', body: extractedBody },
    });
    expect(result.errors).toBeUndefined();
    const expected = extract({ body: extractedBody }, []);
    const stored = result.data.ingestArticle.article.statements.edges.map((e: any) => e.node.text);
    expect(stored.sort()).toEqual(expected.statements.map((s) => s.text).sort());
  });
});
