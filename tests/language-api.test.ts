// The language check through the public surface: Query.extract's language and warnings, and
// ingestArticle storing an article it cannot read with the same warning and no statements.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendName } from './support/database.js';
import { type LiveTestApp, createLiveTestApp } from './support/live.js';

let app: LiveTestApp;
beforeAll(async () => {
  app = await createLiveTestApp();
});
afterAll(() => app?.close());

const EXTRACT = `query($input: ExtractInput!) { extract(input: $input) { language warnings people { name } statements { text span { start end } spans { start end } } events { name } } }`;
const INGEST = `mutation($input: IngestArticleInput!) { ingestArticle(input: $input) { warnings created
  article { id body statements { totalCount } } statements { id } people { id } } }`;

const FRENCH = '« Nous ne lâcherons rien », a déclaré Élisabeth Borne lundi à Paris. Il reste à savoir quand la loi entrera en vigueur.';
const CHINESE = '市长周一宣布，新桥将于明年建成。“我们不会放弃，”她说。';
const ENGLISH = 'The council vote on the bridge plan is set for Monday. "We will build it," said Elena Vargas, the mayor.';

let urlCounter = 0;
const freshUrl = () => `https://news.example.com/language/${backendName}/${Date.now()}-${++urlCounter}`;

describe(`language of the text (${backendName})`, () => {
  it.each([
    ['fr', FRENCH],
    ['zh', CHINESE],
  ])('extract on %s text: no statements, and the warning', async (language, body) => {
    const { data, errors } = await app.gql(EXTRACT, { input: { body } });
    expect(errors).toBeUndefined();
    expect(data.extract).toEqual({
      language,
      warnings: [`language ${language} is not supported; no statements extracted`],
      people: [],
      statements: [],
      events: [],
    });
  });

  it('extract on English: language en, no warnings, each statement one fragment', async () => {
    const { data, errors } = await app.gql(EXTRACT, { input: { body: ENGLISH, publishedAt: '2026-12-02T12:00:00Z' } });
    expect(errors).toBeUndefined();
    expect(data.extract.language).toBe('en');
    expect(data.extract.warnings).toEqual([]);
    expect(data.extract.statements.length).toBeGreaterThan(0);
    for (const statement of data.extract.statements) expect(statement.spans).toEqual([statement.span]);
  });

  it('ingestArticle stores French text with no statements and says why', async () => {
    const input = { url: freshUrl(), headline: 'Réforme', source: 'Wire', publishedAt: '2026-12-02T12:00:00.000Z', body: FRENCH };
    const { data, errors } = await app.gql(INGEST, { input });
    expect(errors).toBeUndefined();
    expect(data.ingestArticle).toMatchObject({
      warnings: ['language fr is not supported; no statements extracted'],
      created: true,
      statements: [],
      people: [],
      article: { body: FRENCH, statements: { totalCount: 0 } },
    });
  });

  it('ingestArticle of English, or with the statements given, warns about nothing', async () => {
    const extracted = await app.gql(INGEST, {
      input: { url: freshUrl(), headline: 'Bridge', source: 'Wire', publishedAt: '2026-12-02T12:00:00.000Z', body: ENGLISH },
    });
    expect(extracted.errors).toBeUndefined();
    expect(extracted.data.ingestArticle.warnings).toEqual([]);
    expect(extracted.data.ingestArticle.statements.length).toBeGreaterThan(0);
    const given = await app.gql(INGEST, {
      input: { url: freshUrl(), headline: 'Réforme', source: 'Wire', publishedAt: '2026-12-02T12:00:00.000Z', body: FRENCH, statements: [] },
    });
    expect(given.errors).toBeUndefined();
    expect(given.data.ingestArticle.warnings).toEqual([]);
  });
});
