// ingestArticles: up to 100 articles per call, one transaction, an outcome per item in input order;
// an item that cannot be stored is left out alone, with its error.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/index.js';
import { codeOf } from './support/app.js';
import { backendName } from './support/database.js';
import { type LiveTestApp, createLiveTestApp } from './support/live.js';

let app: LiveTestApp;
beforeAll(async () => {
  app = await createLiveTestApp({ seed: false });
});
afterAll(() => app?.close());

const INGEST_MANY = `mutation($input: [IngestArticleInput!]!) { ingestArticles(input: $input) {
  ok created warnings error { code message field } article { url headline statements { edges { node { text speaker { name } } } } } } }`;

let n = 0;
const url = () => `https://batch.example.com/${backendName}/${Date.now()}-${++n}`;
const body = 'Dana Whitfield said "the harbour will reopen in May" on Tuesday.';
const given = (overrides: Record<string, unknown> = {}) => ({
  url: url(),
  headline: 'Harbour to reopen',
  source: 'Coast News',
  publishedAt: '2024-04-02T08:00:00Z',
  body,
  statements: [{ text: 'the harbour will reopen in May', kind: 'DIRECT_QUOTE', speakerName: 'Dana Whitfield', span: { start: 21, end: 51 } }],
  ...overrides,
});

const storedUrls = async (urls: string[]) =>
  rowsOf<{ url: string }>(await app.db.execute(sql`select url from articles where url = any(string_to_array(${urls.join(' ')}, ' '))`)).map((r) => r.url);

describe(`ingestArticles (${backendName})`, () => {
  it('stores good items, leaves a bad one out alone with its error naming the item, in input order', async () => {
    const items = [
      given(),
      // The span points past the body: refused before the transaction.
      given({ statements: [{ text: 'never said', kind: 'PARAPHRASE', speakerLabel: 'a source', span: { start: 10, end: 500 } }] }),
      // Only the article: extracted from the body.
      { url: url(), headline: 'Harbour, extracted', source: 'Coast News', publishedAt: '2024-04-02T09:00:00Z', body },
    ];
    const result = await app.gql(INGEST_MANY, { input: items });
    expect(result.errors).toBeUndefined();
    const [first, second, third] = result.data.ingestArticles;
    expect(first).toMatchObject({ ok: true, created: true, error: null, article: { url: items[0]!.url } });
    expect(first.article.statements.edges[0].node).toEqual({ text: 'the harbour will reopen in May', speaker: { name: 'Dana Whitfield' } });
    expect(second).toMatchObject({ ok: false, created: null, article: null, error: { code: 'BAD_USER_INPUT', field: 'input.1.statements.0.span' } });
    expect(second.error.message).toContain('"input.1.statements.0.span"');
    expect(third).toMatchObject({ ok: true, created: true, article: { url: items[2]!.url } });
    expect(third.article.statements.edges.length).toBeGreaterThan(0);
    expect((await storedUrls(items.map((i) => i.url))).sort()).toEqual([items[0]!.url, items[2]!.url].sort());
  });

  it('an item the database refuses mid-transaction is rolled back alone: none of its rows stay, the others commit', async () => {
    // A rule of the data only the database knows (as a check constraint would be), met after the
    // item's people and statements are written.
    await app.db.execute(sql`create or replace function refuse_marked() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from articles a where a.id = new.article_id and a.headline = 'Refused by the database') then
          raise exception 'refused' using errcode = '23514';
        end if;
        return new;
      end $$`);
    await app.db.execute(sql`create trigger refuse_marked after insert on statements for each row execute function refuse_marked()`);
    try {
      const items = [
        given(),
        given({
          headline: 'Refused by the database',
          statements: [{ text: 'the harbour will reopen in May', kind: 'DIRECT_QUOTE', speakerName: 'Rosa Refused', span: { start: 21, end: 51 } }],
        }),
        given(),
      ];
      const result = await app.gql(INGEST_MANY, { input: items });
      expect(result.errors).toBeUndefined();
      expect(result.data.ingestArticles.map((o: { ok: boolean }) => o.ok)).toEqual([true, false, true]);
      expect(result.data.ingestArticles[1].error.code).toBe('BAD_USER_INPUT');
      expect((await storedUrls(items.map((i) => i.url))).sort()).toEqual([items[0]!.url, items[2]!.url].sort());
      const [left] = rowsOf<{ n: number }>(await app.db.execute(sql`select count(*)::int as n from people where name = 'Rosa Refused'`));
      expect(Number(left!.n)).toBe(0);
    } finally {
      await app.db.execute(sql`drop trigger refuse_marked on statements`);
    }
  });

  it('one URL twice in a call: the second is refused, the first stored once', async () => {
    const item = given();
    const result = await app.gql(INGEST_MANY, { input: [item, { ...item, headline: 'Again' }] });
    expect(result.errors).toBeUndefined();
    expect(result.data.ingestArticles.map((o: { ok: boolean }) => o.ok)).toEqual([true, false]);
    expect(result.data.ingestArticles[1].error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.1.url' });
    expect(await storedUrls([item.url])).toEqual([item.url]);
  });

  it('a stored URL is updated (created: false), and re-ingesting keeps one copy of each statement', async () => {
    const item = given();
    await app.gql(INGEST_MANY, { input: [item] });
    const again = await app.gql(INGEST_MANY, { input: [{ ...item, headline: 'Harbour reopens' }] });
    expect(again.data.ingestArticles[0]).toMatchObject({ ok: true, created: false, article: { headline: 'Harbour reopens' } });
    expect(again.data.ingestArticles[0].article.statements.edges).toHaveLength(1);
  });

  it('more than 100 items, or no editor token, is refused as a whole and stores nothing', async () => {
    const many = Array.from({ length: 101 }, () => given());
    const tooMany = await app.gql(INGEST_MANY, { input: many });
    expect(codeOf(tooMany)).toBe('BAD_USER_INPUT');
    expect(tooMany.errors![0]!.message).toMatch(/at most 100/);
    const items = [given()];
    const anonymous = await app.gql(INGEST_MANY, { input: items }, { token: null });
    expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
    expect(await storedUrls([...many, ...items].map((i) => i.url))).toEqual([]);
  });
});
