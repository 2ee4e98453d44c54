import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, codeOf, createTestApp, globalId } from './support/app.js';
import { backendName } from './support/database.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

const personByName = async (name: string) => {
  const { data } = await app.gql(`query($s: String) { people(filter: { search: $s }) { edges { node { id name } } } }`, { s: name });
  const node = data.people.edges.find((e: any) => e.node.name === name)?.node;
  expect(node, `person ${name}`).toBeTruthy();
  return node as { id: string; name: string };
};

describe(`seed article facts over HTTP (${backendName})`, () => {
  it('holds the six people once each, with aliases and descriptions', async () => {
    const { status, data, errors } = await app.gql(`{ people(first: 100) { totalCount edges { node { name aliases description } } } }`);
    expect(status).toBe(200);
    expect(errors).toBeUndefined();
    const names = data.people.edges.map((e: any) => e.node.name);
    expect(names).toEqual(['Dmitry Peskov', 'Donald Trump', 'Hogan Gidley', 'John Brennan', 'Rand Paul', 'Vladimir Putin']);
    expect(data.people.totalCount).toBe(6);
    const paul = data.people.edges.find((e: any) => e.node.name === 'Rand Paul').node;
    expect(paul.aliases).toEqual(expect.arrayContaining(['Paul', 'Senator Paul']));
    expect(paul.description).toMatch(/Republican senator/i);
  });

  it('stores the article body exactly as published, so spans index into it', async () => {
    const { data } = await app.gql(`{ articles(first: 1) { totalCount edges { node { id headline source url publishedAt body
      statements(first: 100) { edges { node { text kind span { start end } } } } } } } }`);
    expect(data.articles.totalCount).toBe(1);
    const article = data.articles.edges[0].node;
    expect(article.source).toBe('CNN');
    expect(article.publishedAt).toBe('2018-08-08T00:00:00.000Z');
    expect(article.body).toContain('Republican\u00a0Senator Rand Paul');
    const statements = article.statements.edges.map((e: any) => e.node);
    expect(statements.length).toBeGreaterThanOrEqual(10);
    let previousStart = -1;
    for (const s of statements) {
      const words = article.body.slice(s.span.start, s.span.end).replace(/\s+/g, ' ').trim();
      expect(words).toBe(s.text);
      expect(s.span.start).toBeGreaterThan(previousStart); // in order of appearance
      previousStart = s.span.start;
      expect(s.text).not.toMatch(/\u00a0|\s{2}/);
    }
  });

  it('attributes the quotes to their speakers, and leaves the unnamed source unattributed', async () => {
    const { data } = await app.gql(`{ statements(first: 100) { edges { node { text kind channel speakerLabel speaker { name } } } } }`);
    const all = data.statements.edges.map((e: any) => e.node);
    const find = (fragment: string) => all.find((s: any) => s.text.includes(fragment));
    expect(find('I was honored to deliver a letter')).toMatchObject({ kind: 'DIRECT_QUOTE', channel: 'tweet', speaker: { name: 'Rand Paul' } });
    expect(find('would appreciate the opportunity')).toMatchObject({ kind: 'DIRECT_QUOTE', channel: 'letter', speaker: { name: 'Donald Trump' } });
    expect(find('diplomatic channels')).toMatchObject({ kind: 'PARTIAL_QUOTE', speaker: { name: 'Dmitry Peskov' } });
    expect(find('provided a letter of introduction')).toMatchObject({ kind: 'DIRECT_QUOTE', speaker: { name: 'Hogan Gidley' } });
    expect(find('spoke with Paul numerous times')).toMatchObject({ kind: 'PARAPHRASE', speaker: null, speakerLabel: 'a source' });
    expect(find('treasonous')).toMatchObject({ speaker: { name: 'John Brennan' } });
  });

  it('knows the Helsinki meeting date, place and participants', async () => {
    const { data } = await app.gql(`{ events(filter: { search: "Helsinki" }) { edges { node { name startDate location
      participants { totalCount edges { role node { name } } } articles { edges { node { source } } } } } } }`);
    const helsinki = data.events.edges.map((e: any) => e.node).find((e: any) => e.location?.includes('Helsinki'));
    expect(helsinki.startDate).toBe('2018-07-16');
    expect(helsinki.name).toMatch(/summit|meeting/i);
    const names = helsinki.participants.edges.map((e: any) => e.node.name);
    expect(names).toEqual(expect.arrayContaining(['Donald Trump', 'Vladimir Putin']));
    expect(helsinki.participants.edges.every((e: any) => typeof e.role === 'string' && e.role.length > 0)).toBe(true);
    expect(helsinki.articles.edges[0].node.source).toBe('CNN');
  });
});

describe(`relations in both directions (${backendName})`, () => {
  it('person -> statements -> speaker is the same person; newest first', async () => {
    const paul = await personByName('Rand Paul');
    const { data } = await app.gql(
      `query($id: ID!) { node(id: $id) { ... on Person { name
      statements(first: 100) { totalCount edges { node { saidAt speaker { id } article { headline } } } }
      articles { edges { node { id people { edges { node { id } } } } } }
      events { edges { role node { participants { edges { node { id } } } } } }
      mentionedIn { totalCount edges { node { mentions { id } } } } } } }`,
      { id: paul.id },
    );
    const person = data.node;
    expect(person.statements.totalCount).toBeGreaterThan(2);
    const dates = person.statements.edges.map((e: any) => e.node.saidAt);
    expect([...dates].sort().reverse()).toEqual(dates);
    for (const e of person.statements.edges) expect(e.node.speaker.id).toBe(paul.id);
    for (const e of person.articles.edges) expect(e.node.people.edges.map((p: any) => p.node.id)).toContain(paul.id);
    expect(person.events.edges.length).toBeGreaterThan(0);
    for (const e of person.events.edges) expect(e.node.participants.edges.map((p: any) => p.node.id)).toContain(paul.id);
    expect(person.mentionedIn.totalCount).toBeGreaterThan(0);
    for (const e of person.mentionedIn.edges) expect(e.node.mentions.map((p: any) => p.id)).toContain(paul.id);
  });

  it('article -> events -> statements / articles point back', async () => {
    const { data } = await app.gql(`{ articles(first: 1) { edges { node { id events(first: 100) { totalCount edges { node { id
      articles { edges { node { id } } } statements { edges { node { event { id } article { id } } } } } } } } } } }`);
    const article = data.articles.edges[0].node;
    expect(article.events.totalCount).toBeGreaterThanOrEqual(3);
    for (const { node: event } of article.events.edges) {
      expect(event.articles.edges.map((e: any) => e.node.id)).toContain(article.id);
      for (const { node: s } of event.statements.edges) {
        expect(s.event.id).toBe(event.id);
        expect(s.article.id).toBe(article.id);
      }
    }
  });
});

describe(`node round trips (${backendName})`, () => {
  it.each(['Article', 'Person', 'Statement', 'Event'])('node(id) returns the same %s', async (type) => {
    const list = { Article: 'articles', Person: 'people', Statement: 'statements', Event: 'events' }[type]!;
    const { data } = await app.gql(`{ ${list}(first: 1) { edges { node { id } } } }`);
    const id = data[list].edges[0].node.id;
    const again = await app.gql(`query($id: ID!, $ids: [ID!]!) { node(id: $id) { __typename id } nodes(ids: $ids) { id } }`, {
      id,
      ids: [id, id],
    });
    expect(again.errors).toBeUndefined();
    expect(again.data.node).toEqual({ __typename: type, id });
    expect(again.data.nodes).toEqual([{ id }, { id }]);
  });

  it('an id that does not exist gives null', async () => {
    const { data, errors } = await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: globalId('Person', 999999) });
    expect(errors).toBeUndefined();
    expect(data.node).toBeNull();
  });
});

describe(`pagination (${backendName})`, () => {
  const query = `query($first: Int, $after: String, $last: Int, $before: String) {
    statements(first: $first, after: $after, last: $last, before: $before) {
      totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }`;

  it('walks every statement page by page, without gaps or repeats', async () => {
    const all = (await app.gql(query, { first: 100 })).data.statements;
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 50; guard++) {
      const page: any = (await app.gql(query, { first: 3, after })).data.statements;
      seen.push(...page.edges.map((e: any) => e.node.id));
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.edges.map((e: any) => e.node.id));
    expect(all.totalCount).toBe(seen.length);
  });

  it('pages backwards with last/before', async () => {
    const all = (await app.gql(query, { first: 100 })).data.statements.edges.map((e: any) => e.node.id);
    const tail = (await app.gql(query, { last: 2 })).data.statements;
    expect(tail.edges.map((e: any) => e.node.id)).toEqual(all.slice(-2));
    expect(tail.pageInfo.hasPreviousPage).toBe(true);
    const before = (await app.gql(query, { last: 2, before: tail.pageInfo.startCursor })).data.statements;
    expect(before.edges.map((e: any) => e.node.id)).toEqual(all.slice(-4, -2));
  });

  it('first: 0 gives an empty page that still knows there is more', async () => {
    const page = (await app.gql(query, { first: 0 })).data.statements;
    expect(page.edges).toEqual([]);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.totalCount).toBeGreaterThan(0);
  });

  it('defaults to 20 and allows 100', async () => {
    const { data } = await app.gql(`{ a: statements { edges { node { id } } } b: statements(first: 100) { edges { node { id } } } }`);
    expect(data.a.edges.length).toBe(Math.min(20, data.b.edges.length));
  });

  it('a cursor stays valid when rows are added before it', async () => {
    const first = (await app.gql(query, { first: 2 })).data.statements;
    const expected = (await app.gql(query, { first: 3, after: first.pageInfo.endCursor })).data.statements.edges;
    // A statement newer than every other one lands at the head of the list.
    const { statements: table } = await import('../src/db/schema.js');
    const [row] = await app.db
      .insert(table)
      .values({ articleId: 1, kind: 'PARAPHRASE', text: 'late addition', saidAt: new Date('2030-01-01') })
      .returning();
    const again = (await app.gql(query, { first: 3, after: first.pageInfo.endCursor })).data.statements.edges;
    expect(again).toEqual(expected);
    const { eq } = await import('drizzle-orm');
    await app.db.delete(table).where(eq(table.id, row!.id));
  });

  it('filters statements by speaker, kind, full-text search and dates', async () => {
    const paul = await personByName('Rand Paul');
    const bySpeaker = await app.gql(`query($id: ID!) { statements(filter: { speakerId: $id }) { totalCount edges { node { speaker { name } } } } }`, {
      id: paul.id,
    });
    expect(bySpeaker.data.statements.totalCount).toBeGreaterThan(0);
    expect(new Set(bySpeaker.data.statements.edges.map((e: any) => e.node.speaker.name))).toEqual(new Set(['Rand Paul']));

    const quotes = await app.gql(`{ statements(first: 100, filter: { kind: DIRECT_QUOTE }) { edges { node { kind } } } }`);
    expect(quotes.data.statements.edges.length).toBeGreaterThanOrEqual(5);
    expect(quotes.data.statements.edges.every((e: any) => e.node.kind === 'DIRECT_QUOTE')).toBe(true);

    // Stemmed, ranked search: "honoured"/"honor" style variants match through the english config.
    const search = await app.gql(`{ statements(filter: { search: "deliver letter" }) { totalCount edges { node { text } } } }`);
    expect(search.data.statements.totalCount).toBeGreaterThan(0);
    for (const e of search.data.statements.edges) expect(e.node.text.toLowerCase()).toMatch(/deliver/);
    const none = await app.gql(`{ statements(filter: { search: "zebra" }) { totalCount } }`);
    expect(none.data.statements.totalCount).toBe(0);

    const dated = await app.gql(`{ statements(first: 100, filter: { saidBefore: "2018-08-01T00:00:00Z" }) { edges { node { saidAt } } } }`);
    for (const e of dated.data.statements.edges) expect(e.node.saidAt < '2018-08-01').toBe(true);

    const mentions = await app.gql(`query($id: ID!) { statements(first: 100, filter: { mentionsPersonId: $id }) { edges { node { mentions { id } } } } }`, {
      id: paul.id,
    });
    expect(mentions.data.statements.edges.length).toBeGreaterThan(0);
    for (const e of mentions.data.statements.edges) expect(e.node.mentions.map((m: any) => m.id)).toContain(paul.id);
  });

  it('filters people by alias, case-insensitively, and articles and events by date', async () => {
    const { data } = await app.gql(`{ people(filter: { search: "SENATOR PAUL" }) { edges { node { name } } } }`);
    expect(data.people.edges.map((e: any) => e.node.name)).toEqual(['Rand Paul']);
    const wildcard = await app.gql(`{ people(filter: { search: "%" }) { totalCount } }`);
    expect(wildcard.data.people.totalCount).toBe(0);
    const articles = await app.gql(`{ a: articles(filter: { source: "CNN", publishedAfter: "2018-08-01T00:00:00Z" }) { totalCount }
      b: articles(filter: { publishedBefore: "2018-08-01T00:00:00Z" }) { totalCount } }`);
    expect([articles.data.a.totalCount, articles.data.b.totalCount]).toEqual([1, 0]);
    const july = await app.gql(`{ events(first: 100, filter: { from: "2018-07-01", to: "2018-07-31" }) { edges { node { name startDate endDate } } } }`);
    const names = july.data.events.edges.map((e: any) => e.node.name);
    expect(names.some((n: string) => /Helsinki/i.test(n))).toBe(true);
    for (const e of july.data.events.edges) expect(e.node.startDate <= '2018-07-31').toBe(true);
  });
});

describe(`errors (${backendName})`, () => {
  it.each([
    ['a malformed global ID', `{ node(id: "not-an-id!!") { id } }`],
    ['a base64 ID of an unknown type', `{ node(id: "${globalId('Robot', 1)}") { id } }`],
    ['an ID of the wrong type in a filter', `{ statements(filter: { speakerId: "${globalId('Article', 1)}" }) { totalCount } }`],
    ['first over 100', `{ statements(first: 101) { totalCount } }`],
    ['negative first', `{ people(first: -1) { totalCount } }`],
    ['a garbled cursor', `{ statements(after: "garbage") { totalCount } }`],
    ['a cursor from another list', `{ people(after: "WyJzIiwiMjAxOC0wOC0wOCAwMDowMDowMCswMCIsIjEiXQ") { totalCount } }`],
    ['first and last together', `{ people(first: 1, last: 1) { totalCount } }`],
    ['a nested page too large', `{ people { edges { node { statements(first: 1000) { totalCount } } } } }`],
    ['an overlong search', `{ people(filter: { search: "${'x'.repeat(500)}" }) { totalCount } }`],
  ])('%s gives BAD_USER_INPUT', async (_name, query) => {
    const result = await app.gql(query);
    expect(result.status).toBeLessThan(500);
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(result.errors)).not.toMatch(/at .*\.ts:\d+|stack/i);
  });

  it('SQL-looking search input is only data', async () => {
    const result = await app.gql(`query($s: String) { statements(filter: { search: $s }) { totalCount } people(filter: { search: $s }) { totalCount } }`, {
      s: "'); drop table statements; --",
    });
    expect(result.errors).toBeUndefined();
    const after = await app.gql(`{ statements { totalCount } }`);
    expect(after.data.statements.totalCount).toBeGreaterThan(0);
  });
});
