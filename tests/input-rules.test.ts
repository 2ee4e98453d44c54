import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, parseJsonLine } from '../src/ingest/bulk.js';
import { type TestApp, codeOf, createTestApp, fieldOf } from './support/app.js';
import { backendName } from './support/database.js';
import { type LiveTestApp, createLiveTestApp } from './support/live.js';
import { logCapture } from './support/logs.js';

/** Input the API refused that it should take, and input it took that it should refuse. */
const standardBase64 = (text: string) => Buffer.from(text).toString('base64'); // what btoa gives: padded
const urlSafe = (text: string) => Buffer.from(text).toString('base64url');

describe.each([
  ['compiled reads', true],
  ['the executor', false],
])(`global IDs, through %s (${backendName})`, (_name, compiledReads) => {
  let app: TestApp;
  const logs = logCapture();
  beforeAll(async () => {
    app = await createTestApp({ hardening: { compiledReads }, logger: logs.logger });
  });
  afterAll(async () => app?.close());

  const NODE = 'query($id: ID!) { node(id: $id) { id ... on Person { name } } }';
  const personId = async () => (await app.gql('{ people(first: 1) { edges { node { id name } } } }')).data.people.edges[0].node as { id: string; name: string };

  it('standard and URL-safe base64, padded or not, give the same node', async () => {
    const person = await personId();
    const text = Buffer.from(person.id, 'base64url').toString();
    for (const form of [
      standardBase64(text),
      standardBase64(text).replace(/=+$/, ''),
      urlSafe(text),
      `${urlSafe(text)}=`.slice(0, standardBase64(text).length),
    ]) {
      const result = await app.gql(NODE, { id: form });
      expect(result.errors, form).toBeUndefined();
      expect(result.data.node, form).toEqual({ id: person.id, name: person.name });
    }
  });

  it('a missing node, in any of the forms, is null', async () => {
    const missing = ['Person:1000001', 'Person:99999']; // one padded in standard base64, one not
    for (const text of missing) {
      for (const form of [standardBase64(text), standardBase64(text).replace(/=+$/, ''), urlSafe(text)]) {
        const result = await app.gql(NODE, { id: form });
        expect(result.errors, form).toBeUndefined();
        expect(result.data.node, form).toBeNull();
      }
    }
  });

  it('a malformed ID is BAD_USER_INPUT that says what an ID looks like', async () => {
    const result = await app.gql(NODE, { id: 'not an id!' });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.message).toMatch(/base64 of "Type:number"/);
  });

  it('a padded ID works in a filter too', async () => {
    const person = await personId();
    const padded = standardBase64(Buffer.from(person.id, 'base64url').toString());
    const result = await app.gql('query($id: ID) { statements(filter: { speakerId: $id }) { totalCount } }', { id: padded });
    expect(result.errors).toBeUndefined();
    expect(result.data.statements.totalCount).toBeGreaterThan(0);
  });

  it('an ID of the wrong type in a filter is BAD_USER_INPUT naming the argument, and no error is logged', async () => {
    const article = (await app.gql('{ articles(first: 1) { edges { node { id } } } }')).data.articles.edges[0].node.id;
    const before = logs.lines.length;
    for (const field of ['speakerId', 'mentionsPersonId', 'eventId']) {
      const result = await app.gql(`query($id: ID) { statements(filter: { ${field}: $id }) { totalCount } }`, { id: article });
      expect([codeOf(result), fieldOf(result)]).toEqual(['BAD_USER_INPUT', `filter.${field}`]);
      expect(result.errors![0]!.message).toMatch(new RegExp(`filter\\.${field}.*expected the ID of a (Person|Event), got the ID of a Article`));
    }
    const malformed = await app.gql('{ statements(filter: { articleId: "nope" }) { totalCount } }');
    expect([codeOf(malformed), fieldOf(malformed)]).toEqual(['BAD_USER_INPUT', 'filter.articleId']);
    expect(logs.lines.slice(before).filter((line) => line.level >= 50)).toEqual([]);
  });
});

describe(`writes (${backendName})`, () => {
  let app: LiveTestApp;
  const BODY = 'The minister said "we will build the bridge" on Tuesday, and added that costs would fall.';
  const CREATE = 'mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { id text span { start end } } } }';
  let articleId: string;
  beforeAll(async () => {
    app = await createLiveTestApp();
    const created = await app.gql('mutation($input: CreateArticleInput!) { createArticle(input: $input) { article { id } } }', {
      input: { url: `https://example.com/input-rules-${Date.now()}`, headline: 'Bridge', source: 'Wire', publishedAt: '2026-11-30T10:00:00Z', body: BODY },
    });
    expect(created.errors).toBeUndefined();
    articleId = created.data.createArticle.article.id;
  });
  afterAll(async () => app?.close());

  it('createStatement needs a speaker: speakerId or speakerLabel', async () => {
    const result = await app.gql(CREATE, { input: { articleId, text: 'costs would fall', kind: 'PARAPHRASE' } });
    expect([codeOf(result), fieldOf(result)]).toEqual(['BAD_USER_INPUT', 'input.speakerId']);
    expect(result.errors![0]!.message).toMatch(/speakerLabel/);
    const blank = await app.gql(CREATE, { input: { articleId, text: 'costs would fall', kind: 'PARAPHRASE', speakerLabel: '   ' } });
    expect(codeOf(blank)).toBe('BAD_USER_INPUT');
    const labelled = await app.gql(CREATE, { input: { articleId, text: 'costs would fall', kind: 'PARAPHRASE', speakerLabel: 'the minister' } });
    expect(labelled.errors).toBeUndefined();
  });

  it('a quote with a span must be the words at the span (spacing and quotation marks aside)', async () => {
    const start = BODY.indexOf('we will');
    const end = start + 'we will build the bridge'.length;
    const wrong = await app.gql(CREATE, {
      input: { articleId, text: 'we will build the bridge', kind: 'DIRECT_QUOTE', speakerLabel: 'the minister', span: { start, end: end + 13 } },
    });
    expect([codeOf(wrong), fieldOf(wrong)]).toEqual(['BAD_USER_INPUT', 'input.text']);
    expect(wrong.errors![0]!.message).toContain('we will build the bridge" on Tuesday');
    const other = await app.gql(CREATE, {
      input: { articleId, text: 'we will cut taxes', kind: 'PARTIAL_QUOTE', speakerLabel: 'the minister', span: { start, end } },
    });
    expect(codeOf(other)).toBe('BAD_USER_INPUT');
    const right = await app.gql(CREATE, {
      input: { articleId, text: ' we  will build\nthe bridge', kind: 'DIRECT_QUOTE', speakerLabel: 'the minister', span: { start, end } },
    });
    expect(right.errors).toBeUndefined();
    const withMarks = await app.gql(CREATE, {
      input: { articleId, text: 'we will build the bridge', kind: 'DIRECT_QUOTE', speakerLabel: 'the minister', span: { start: start - 1, end: end + 1 } },
    });
    expect(withMarks.errors).toBeUndefined();
    // A paraphrase is the reporter's words: its span need not match them.
    const paraphrase = await app.gql(CREATE, {
      input: { articleId, text: 'the bridge will be built', kind: 'PARAPHRASE', speakerLabel: 'the minister', span: { start, end } },
    });
    expect(paraphrase.errors).toBeUndefined();
  });

  it('publishedAt: a date alone is its midnight UTC, in ingestArticle as in JSONL ingest', async () => {
    const url = `https://example.com/date-only-${Date.now()}`;
    const result = await app.gql('mutation($input: IngestArticleInput!) { ingestArticle(input: $input) { article { publishedAt } } }', {
      input: { url, headline: 'Dated', source: 'Wire', publishedAt: '2026-12-01', body: 'A short body.', people: [], statements: [], events: [] },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data.ingestArticle.article.publishedAt).toBe('2026-12-01T00:00:00.000Z');
    const line = parseJsonLine(JSON.stringify({ url, headline: 'Dated', source: 'Wire', publishedAt: '2026-12-01', body: 'A short body.' }));
    expect(line.input.publishedAt.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    for (const bad of ['2026-02-30', '01/12/2026', 'soon']) {
      expect(() => parseJsonLine(JSON.stringify({ url, headline: 'x', source: 'y', publishedAt: bad, body: 'z' })), bad).toThrow(
        /"publishedAt": must be an ISO 8601 date or date-time/,
      );
      const refused = await app.gql('mutation($input: IngestArticleInput!) { ingestArticle(input: $input) { created } }', {
        input: { url, headline: 'x', source: 'y', publishedAt: bad, body: 'z' },
      });
      expect(codeOf(refused), bad).toBe('BAD_USER_INPUT');
    }
  });
});

describe('messages a person reads', () => {
  const message = (value: unknown) => {
    try {
      parseJsonLine(JSON.stringify(value));
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return (error as Error).message;
    }
    throw new Error('accepted');
  };
  const article = { url: 'https://example.com/a', headline: 'H', source: 'S', publishedAt: '2026-12-01', body: 'Text.' };

  it('a missing field is "required", a wrong type says what it should be; never zod\'s defaults', () => {
    const { body: _body, ...noBody } = article;
    const cases: [unknown, string][] = [
      [noBody, '"body": is required'],
      [{ ...article, headline: 5 }, '"headline": must be text, not a number'],
      [{ ...article, statements: [{ kind: 'PARAPHRASE' }] }, '"statements.0.text": is required'],
      [{ ...article, statements: 'none' }, '"statements": must be a list, not text'],
    ];
    for (const [value, expected] of cases) {
      const text = message(value);
      expect(text).toBe(expected);
      expect(text).not.toMatch(/Invalid input|expected \w+, received/);
    }
  });

  it.each([
    ['production', true],
    ['development', false],
  ])('malformed JSON is answered once, without the body or the parser error (%s)', async (_name, production) => {
    const app = await createTestApp({ hardening: { production }, exposeErrors: !production });
    try {
      const body = '{"query": "{ people { totalCount } }", secret-looking-text';
      const response = await app.request(body);
      expect(response.status).toBe(400);
      const text = await response.text();
      expect(text).not.toContain('secret-looking-text');
      expect(text).not.toContain('originalError');
      const parsed = JSON.parse(text);
      expect(parsed.errors).toHaveLength(1);
      expect(parsed.errors[0]).toMatchObject({ message: 'The request body is not valid JSON (at character 40).', extensions: { code: 'BAD_REQUEST' } });
    } finally {
      await app.close();
    }
  });
});
