// ingestArticle from the article fields alone (the extractor finds the rest), people matching that
// scales with the number of stored people, and the extractor loaded only when first used.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/index.js';
import { loadKnownPeople, nameCandidates, runExtractor } from '../src/ingest/from-extraction.js';
import { codeOf, fieldOf } from './support/app.js';
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
const freshUrl = () => `https://news.example.com/ingest/${backendName}/${Date.now()}-${++urlCounter}`;

const INGEST = `mutation($input: IngestArticleInput!) { ingestArticle(input: $input) { created
  article { id statements(first: 100) { totalCount edges { node { id text kind speaker { id name } } } }
    events { edges { node { id name location participants { edges { node { name } } } } } } people(first: 100) { totalCount edges { node { name } } } }
  people { id name } statements { id text speaker { name } } events { id name } } }`;

const BODY = `Senator Paul met Russian officials in Moscow on Monday. "The talks were productive," Paul said after the meeting.
Maria Lopez, a spokeswoman for the State Department, said the administration "welcomes dialogue" with Moscow.`;
const article = (overrides: Record<string, unknown> = {}) => ({
  url: freshUrl(),
  headline: 'Paul in Moscow',
  source: 'Wire',
  publishedAt: '2024-06-05T00:00:00.000Z',
  body: BODY,
  ...overrides,
});

const seededRandPaul = async () => {
  const rows = rowsOf<{ id: number }>(await app.db.execute(sql`select id from people where name = 'Rand Paul'`));
  expect(rows).toHaveLength(1);
  return rows[0]!.id;
};
const rawId = (id: string) => Number(Buffer.from(id, 'base64url').toString('utf8').split(':')[1]);

describe(`ingestArticle from the article fields alone (${backendName})`, () => {
  it('extracts and stores people, statements and events, matching stored people', async () => {
    const randPaul = await seededRandPaul();
    const peopleBefore = await count('people');
    const orphanEventsBefore = await count('events', sql`id not in (select event_id from article_events)`);
    const input = article();
    const result = await app.gql(INGEST, { input });
    expect(result.errors).toBeUndefined();
    const payload = result.data.ingestArticle;
    expect(payload.created).toBe(true);

    // What the extractor finds is what is stored, in text order, with the speakers resolved.
    const extraction = await runExtractor({ body: BODY, publishedAt: new Date(input.publishedAt) }, [{ id: randPaul, name: 'Rand Paul', aliases: ['Paul'] }]);
    const statements = payload.article.statements.edges.map((e: any) => e.node);
    expect(statements.map((s: any) => s.text)).toEqual(extraction.statements.map((s) => s.text));
    expect(statements.map((s: any) => [s.kind, s.speaker?.name])).toEqual([
      ['DIRECT_QUOTE', 'Rand Paul'], // "Paul" and "Senator Paul" are the seeded Rand Paul
      ['PARTIAL_QUOTE', 'Maria Lopez'],
    ]);
    expect(rawId(statements[0].speaker.id)).toBe(randPaul);
    expect(payload.people.map((p: any) => p.name).sort()).toEqual(['Maria Lopez', 'Rand Paul']);
    expect(await count('people')).toBe(peopleBefore + 1); // only Maria Lopez is new
    expect(await count('people', sql`name = 'Paul'`)).toBe(0);

    // The extractor sees the meeting, then "the meeting" again: one event, in Moscow, with Rand Paul.
    const events = payload.article.events.edges.map((e: any) => e.node);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ name: 'meeting with Russian officials', location: 'Moscow' });
    expect(events[0].participants.edges.map((e: any) => e.node.name)).toEqual(['Rand Paul']);
    expect(await count('events', sql`id not in (select event_id from article_events)`)).toBe(orphanEventsBefore);
  });

  it('is idempotent: the same URL again keeps one article, the statement ids, the events and the people', async () => {
    const input = article();
    const first = await app.gql(INGEST, { input });
    expect(first.errors).toBeUndefined();
    const counts = async () => ({
      people: await count('people'),
      events: await count('events'),
      statements: await count('statements'),
      logged: await count('statement_events'),
    });
    const before = await counts();
    const second = await app.gql(INGEST, { input });
    expect(second.errors).toBeUndefined();
    expect(second.data.ingestArticle.created).toBe(false);
    expect(second.data.ingestArticle.article.id).toBe(first.data.ingestArticle.article.id);
    expect(second.data.ingestArticle.statements.map((s: any) => s.id)).toEqual(first.data.ingestArticle.statements.map((s: any) => s.id));
    expect(second.data.ingestArticle.events.map((e: any) => e.id)).toEqual(first.data.ingestArticle.events.map((e: any) => e.id));
    expect(await counts()).toEqual(before);
    expect(await count('articles', sql`url = ${input.url}`)).toBe(1);
  });

  it('matches "Senator Paul" to the seeded Rand Paul: no second Rand Paul', async () => {
    const randPaul = await seededRandPaul();
    const body = 'Senator Paul said on Monday that "talks matter" and that he would return to Moscow.';
    const result = await app.gql(INGEST, { input: article({ body }) });
    expect(result.errors).toBeUndefined();
    const statements = result.data.ingestArticle.article.statements.edges.map((e: any) => e.node);
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) expect(rawId(s.speaker.id)).toBe(randPaul);
    expect(await count('people', sql`name ilike '%paul%'`)).toBe(1);
  });

  it('refuses bad input with a code and the field, storing nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ body: '' }, 'input.body'],
      [{ body: ' \n\t ' }, 'input.body'],
      [{ url: 'ftp://example.com/x' }, 'input.url'],
      [{ url: 'not a url' }, 'input.url'],
      [{ headline: '   ' }, 'input.headline'],
      [{ source: '' }, 'input.source'],
    ];
    for (const [overrides, field] of cases) {
      const input = article(overrides);
      const result = await app.gql(INGEST, { input });
      expect([codeOf(result), fieldOf(result)], JSON.stringify(overrides)).toEqual(['BAD_USER_INPUT', field]);
      expect(result.data?.ingestArticle ?? null).toBeNull();
      expect(await count('articles', sql`url = ${String(input.url)}`)).toBe(0);
    }
    const badDate = await app.gql(INGEST, { input: article({ publishedAt: 'yesterday' }) });
    expect(codeOf(badDate)).toBe('BAD_USER_INPUT');

    const input = article();
    const anonymous = await app.gql(INGEST, { input }, { token: null });
    expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
    const wrongToken = await app.gql(INGEST, { input }, { token: 'ngt_nope_nope' });
    expect(codeOf(wrongToken)).toBe('UNAUTHENTICATED');
    expect(await count('articles', sql`url = ${input.url}`)).toBe(0);
    expect(await count('people', sql`name = 'Maria Lopez' and id not in (select person_id from article_people)`)).toBe(0);
  });

  it('announces each new statement of an extraction ingest once on statementAdded, and none when nothing changed', async () => {
    const sub = await app.subscribe(`subscription { statementAdded { statement { id text article { id } } } }`);
    expect(sub.status).toBe(200);
    const input = article({ body: `${BODY}\n"We will be back," Lopez added.` });
    const result = await app.gql(INGEST, { input });
    expect(result.errors).toBeUndefined();
    const stored = result.data.ingestArticle.statements.map((s: any) => s.id);
    expect(stored.length).toBe(3);
    const announced: string[] = [];
    for (let i = 0; i < stored.length; i++) {
      const { data, errors } = await sub.next();
      expect(errors).toBeUndefined();
      expect(data.statementAdded.statement.article.id).toBe(result.data.ingestArticle.article.id);
      announced.push(data.statementAdded.statement.id);
    }
    expect(announced.sort()).toEqual([...stored].sort());
    expect(await sub.nothingWithin(500)).toBe(true);

    // Again with one more statement: only that one is announced.
    const again = await app.gql(INGEST, { input: { ...input, body: `${input.body}\n"It matters," Paul said.` } });
    expect(again.errors).toBeUndefined();
    const added = again.data.ingestArticle.statements.map((s: any) => s.id).filter((id: string) => !stored.includes(id));
    expect(added).toHaveLength(1);
    expect((await sub.next()).data.statementAdded.statement.id).toBe(added[0]);
    expect(await sub.nothingWithin(1_000)).toBe(true);
    await sub.close();
  });
});

describe(`loadKnownPeople: only the people an article names (${backendName})`, () => {
  it('reads names as the extractor does: 1-4 capitalised words, particles, possessives', () => {
    const names = nameCandidates("Rand Paul's letter reached Ludwig van Beethoven, said the U.S. envoy.");
    expect(names).toEqual(expect.arrayContaining(['Rand Paul', 'Rand', 'Paul', 'Ludwig van Beethoven', 'Beethoven', 'U.S']));
    expect(names).not.toContain("Paul's letter");
    expect(names).not.toContain('letter');
    expect(nameCandidates('no capitals here at all')).toEqual([]);
  });

  it('finds people by name or alias, whole words only, among many stored people', async () => {
    await app.db.execute(sql`insert into people (slug, name, aliases)
      select 'bulk-person-' || n, 'Bulkperson Number' || n, array['BP' || n] from generate_series(1, 20000) n`);
    await app.db.execute(sql`insert into people (slug, name, aliases) values
      ('alfred-short', 'Alfred Short', array['Al']), ('ann-lee-test', 'Ann Lee Test', array['Lee', 'Dr. Lee'])`);
    const names = async (body: string) => (await loadKnownPeople(app.db, body)).map((p) => p.name).sort();

    expect(await names('Al said BP7 and BULKPERSON NUMBER12 met Lee.')).toEqual(['Alfred Short', 'Ann Lee Test', 'Bulkperson Number12', 'Bulkperson Number7']);
    expect(await names('bulkperson number3 is not written as a name')).toEqual([]); // nor would the extractor read it as one
    expect(await names('Alpha team met Leeds officials; nobody else was there.')).toEqual([]); // "Al", "Lee" inside words
    expect(await names("Rand Paul's letter")).toEqual(['Rand Paul']);

    const started = performance.now();
    for (let i = 0; i < 5; i++) await loadKnownPeople(app.db, BODY.repeat(20));
    const perCall = (performance.now() - started) / 5;
    console.log(`loadKnownPeople over ${await count('people')} people, ${BODY.length * 20}-char body: ${perCall.toFixed(1)} ms per call (${backendName})`);
    expect(perCall).toBeLessThan(2_000);
    await app.db.execute(sql`delete from people where slug like 'bulk-person-%' or slug in ('alfred-short', 'ann-lee-test')`);
  });
});

describe('the extractor is loaded on first use only', () => {
  it('building the API and answering a query leave compromise unloaded; Query.extract loads it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'newsgraph-lazy-'));
    const root = pathToFileURL(path.resolve('.') + '/').href;
    // A resolve hook reports every module loaded (after tsx's own hooks have run).
    const hooks = `let port; export function initialize(data) { port = data.port; }
      export async function resolve(specifier, context, next) { const r = await next(specifier, context); port.postMessage(r.url); return r; }`;
    const script = `
      import { register } from 'node:module';
      import { MessageChannel } from 'node:worker_threads';
      const { port1, port2 } = new MessageChannel();
      const loaded = [];
      port1.on('message', (url) => loaded.push(url));
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}), { data: { port: port2 }, transferList: [port2] });
      const settle = () => new Promise((r) => setTimeout(r, 300));
      const hasCompromise = () => loaded.some((url) => url.includes('/node_modules/compromise/'));
      const { createApp } = await import(${JSON.stringify(`${root}src/app.ts`)});
      const { createDb } = await import(${JSON.stringify(`${root}src/db/index.ts`)});
      const database = await createDb({ pgliteDir: 'memory://' });
      await database.migrate();
      const yoga = createApp({ db: database.db });
      const ask = async (query) => (await yoga.fetch('http://x/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })).json();
      const read = await ask('{ articles(first: 1) { totalCount } }');
      await settle();
      const before = hasCompromise();
      const extracted = await ask('{ extract(input: { body: "Rand Paul said \\\\"hello\\\\" on Monday." }) { statements { text } } }');
      await settle();
      console.log(JSON.stringify({ read, before, extracted, after: hasCompromise(), appLoaded: loaded.some((u) => u.endsWith('/src/app.ts')) }));
      await database.close();
      process.exit(0);`;
    const file = path.join(dir, 'lazy.mjs');
    await writeFile(file, script);
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], { cwd: path.resolve('.'), timeout: 90_000 });
      const report = JSON.parse(stdout.trim().split('\n').pop()!);
      expect(report.read.errors).toBeUndefined();
      expect(report.appLoaded).toBe(true); // the hook does see the service's modules
      expect(report.before).toBe(false);
      expect(report.extracted.data.extract.statements).toHaveLength(1);
      expect(report.after).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
