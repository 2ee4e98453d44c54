// Statement.spans: the fragments of a quote its attribution interrupts, through the API (create,
// update, ingest, read compiled and executed), and what is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../src/auth/tokens.js';
import { type GraphQLResponse, type TestApp, codeOf, createTestApp, fieldOf } from './support/app.js';
import { backendName } from './support/database.js';

/** A test app (compiled reads on, or off for the executor's answer) whose `write` carries an editor token. */
async function appWithToken(compiledReads: boolean) {
  const app = await createTestApp(compiledReads ? {} : { hardening: { compiledReads: false } });
  const { token } = await createToken(app.db, 'tester');
  const write = async (query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> => {
    const response = await app.request({ query, variables }, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, ...((await response.json()) as object) };
  };
  return Object.assign(app, { write });
}

let app: TestApp & { write: TestApp['gql'] };
let reference: TestApp & { write: TestApp['gql'] };
beforeAll(async () => {
  [app, reference] = await Promise.all([appWithToken(true), appWithToken(false)]);
});
afterAll(async () => {
  await app?.close();
  await reference?.close();
});

const BODY = 'The mayor spoke on Monday. "We will build the bridge," Elena Vargas said, "and we will build it this year." Then she left.';
const first = { start: BODY.indexOf('"We'), end: BODY.indexOf(' Elena') };
const second = { start: BODY.indexOf('"and'), end: BODY.indexOf(' Then') };
const JOINED = 'We will build the bridge, … and we will build it this year.';

let urlCounter = 0;
const freshUrl = () => `https://news.example.com/spans/${backendName}/${Date.now()}-${++urlCounter}`;

const STATEMENT = 'id text kind span { start end } spans { start end }';
const INGEST = `mutation($input: IngestArticleInput!) { ingestArticle(input: $input) { warnings article { id } statements { ${STATEMENT} } } }`;
const CREATE = `mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { ${STATEMENT} } } }`;
const UPDATE = `mutation($input: UpdateStatementInput!) { updateStatement(input: $input) { statement { ${STATEMENT} } } }`;

const article = (statements: unknown[], body = BODY) => ({
  url: freshUrl(),
  headline: 'Bridge',
  source: 'Wire',
  publishedAt: '2026-12-02T12:00:00.000Z',
  body,
  statements,
});

async function storedArticle(): Promise<string> {
  const { data, errors } = await app.write(INGEST, { input: article([]) });
  expect(errors).toBeUndefined();
  return data.ingestArticle.article.id;
}

describe(`Statement.spans (${backendName})`, () => {
  it('ingestArticle stores a quote in two fragments; span is their overall range', async () => {
    const { data, errors } = await app.write(INGEST, {
      input: article([
        { text: JOINED, kind: 'DIRECT_QUOTE', speakerName: 'Elena Vargas', spans: [first, second] },
        { text: 'The mayor spoke on Monday.', kind: 'PARAPHRASE', span: { start: 0, end: 26 } },
        { text: 'Then she left.', kind: 'PARAPHRASE' },
      ]),
    });
    expect(errors).toBeUndefined();
    const [quote, placed, unplaced] = data.ingestArticle.statements;
    expect(quote).toMatchObject({ text: JOINED, span: { start: first.start, end: second.end }, spans: [first, second] });
    expect(placed.spans).toEqual([{ start: 0, end: 26 }]);
    expect(unplaced.span).toBeNull();
    expect(unplaced.spans).toEqual([]);
  });

  it('reads the same compiled into SQL as through the executor, for every kind of placement', async () => {
    const { data } = await app.write(INGEST, {
      input: article([
        { text: JOINED, kind: 'DIRECT_QUOTE', spans: [first, second] },
        { text: 'The mayor spoke on Monday.', kind: 'PARAPHRASE', span: { start: 0, end: 26 } },
        { text: 'Then she left.', kind: 'PARAPHRASE' },
      ]),
    });
    const query = `query($id: ID!) { node(id: $id) { ... on Article { statements(first: 10) { edges { node { text spans { end start __typename } s: spans { start } } } } } } }`;
    const compiled = await app.countStatements(query, { id: data.ingestArticle.article.id });
    expect(compiled.statements, compiled.sql.join('\n')).toBe(1);
    const nodes = compiled.result.data.node.statements.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.spans.length)).toEqual([1, 2, 0]);
    expect(nodes[1].spans).toEqual([
      { end: first.end, start: first.start, __typename: 'TextSpan' },
      { end: second.end, start: second.start, __typename: 'TextSpan' },
    ]);
    expect(nodes[1].s).toEqual([{ start: first.start }, { start: second.start }]);
    // The executor, on a database of its own holding the same article, answers the same.
    const other = await reference.write(INGEST, {
      input: article([
        { text: JOINED, kind: 'DIRECT_QUOTE', spans: [first, second] },
        { text: 'The mayor spoke on Monday.', kind: 'PARAPHRASE', span: { start: 0, end: 26 } },
        { text: 'Then she left.', kind: 'PARAPHRASE' },
      ]),
    });
    const executed = await reference.gql(query, { id: other.data.ingestArticle.article.id });
    expect(executed.data).toEqual(compiled.result.data);
  });

  it('createStatement and updateStatement take spans, and null makes the statement one fragment again', async () => {
    const articleId = await storedArticle();
    const created = await app.write(CREATE, { input: { articleId, speakerLabel: 'a source', text: JOINED, kind: 'DIRECT_QUOTE', spans: [first, second] } });
    expect(created.errors).toBeUndefined();
    const statement = created.data.createStatement.statement;
    expect(statement).toMatchObject({ span: { start: first.start, end: second.end }, spans: [first, second] });
    const read = await app.gql(`query($id: ID!) { node(id: $id) { ... on Statement { spans { start end } } } }`, { id: statement.id });
    expect(read.data.node.spans).toEqual([first, second]);

    const single = await app.write(UPDATE, { input: { id: statement.id, spans: null } });
    expect(single.errors).toBeUndefined();
    expect(single.data.updateStatement.statement).toMatchObject({
      span: { start: first.start, end: second.end },
      spans: [{ start: first.start, end: second.end }],
    });

    const again = await app.write(UPDATE, { input: { id: statement.id, spans: [first, second] } });
    expect(again.data.updateStatement.statement.spans).toEqual([first, second]);
    const moved = await app.write(UPDATE, { input: { id: statement.id, span: { start: 0, end: 26 }, text: 'The mayor spoke on Monday.' } });
    expect(moved.errors).toBeUndefined();
    expect(moved.data.updateStatement.statement.spans).toEqual([{ start: 0, end: 26 }]);
  });

  it('an update that would make a fragmented quote say other words is refused', async () => {
    const articleId = await storedArticle();
    const created = await app.write(CREATE, { input: { articleId, speakerLabel: 'a source', text: JOINED, kind: 'DIRECT_QUOTE', spans: [first, second] } });
    const id = created.data.createStatement.statement.id;
    const result = await app.write(UPDATE, { input: { id, text: 'We will build the bridge, and we will build it this year.' } });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(fieldOf(result)).toBe('input.text');
    const read = await app.gql(`query($id: ID!) { node(id: $id) { ... on Statement { text } } }`, { id });
    expect(read.data.node.text).toBe(JOINED);
  });

  it.each([
    ['out of order', { spans: [second, first] }, 'input.spans.1'],
    ['overlapping', { spans: [first, { start: first.end - 3, end: second.end }] }, 'input.spans.1'],
    ['past the body', { spans: [first, { start: second.start, end: BODY.length + 5 }] }, 'input.spans.1'],
    ['empty', { spans: [] }, 'input.spans'],
    ['with a span that is not their range', { spans: [first, second], span: { start: 0, end: second.end } }, 'input.span'],
    ['glued with invented punctuation', { spans: [first, second], text: 'We will build the bridge, and we will build it this year.' }, 'input.text'],
    ['with words the article does not have', { spans: [first, second], text: 'We will build the tunnel … and we will build it this year.' }, 'input.text'],
  ])('createStatement refuses fragments %s, and stores nothing', async (_title, given, field) => {
    const articleId = await storedArticle();
    const result = await app.write(CREATE, { input: { articleId, speakerLabel: 'a source', text: JOINED, kind: 'DIRECT_QUOTE', ...given } });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(fieldOf(result)).toBe(field);
    expect(result.errors![0]!.message).toMatch(/^"input\.(spans|span|text)/);
    const stored = await app.gql(`query($id: ID!) { node(id: $id) { ... on Article { statements { totalCount } } } }`, { id: articleId });
    expect(stored.data.node.statements.totalCount).toBe(0);
  });

  it('ingestArticle refuses bad fragments with the statement named, and stores no article', async () => {
    const before = await app.gql('{ articles { totalCount } }');
    const result = await app.write(INGEST, { input: article([{ text: JOINED, kind: 'DIRECT_QUOTE', spans: [second, first] }]) });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(fieldOf(result)).toBe('input.statements.0.spans.1');
    const after = await app.gql('{ articles { totalCount } }');
    expect(after.data.articles.totalCount).toBe(before.data.articles.totalCount);
  });

  it('a paraphrase in fragments needs no particular text; a quote in one fragment keeps its own', async () => {
    const articleId = await storedArticle();
    const paraphrase = await app.write(CREATE, {
      input: { articleId, speakerLabel: 'a source', text: 'Vargas promised the bridge this year.', kind: 'PARAPHRASE', spans: [first, second] },
    });
    expect(paraphrase.errors).toBeUndefined();
    const quote = await app.write(CREATE, {
      input: { articleId, speakerLabel: 'a source', text: 'We will build the bridge', kind: 'DIRECT_QUOTE', spans: [first] },
    });
    expect(quote.errors).toBeUndefined();
    expect(quote.data.createStatement.statement.spans).toEqual([first]);
  });

  it('ingestArticle from the body alone gives each extracted statement one fragment, its span', async () => {
    const { data, errors } = await app.write(INGEST, {
      input: { ...article([]), statements: undefined, body: '"We will win," said Jane Roe, the mayor of Springfield.' },
    });
    expect(errors).toBeUndefined();
    expect(data.ingestArticle.warnings).toEqual([]);
    expect(data.ingestArticle.statements.length).toBeGreaterThan(0);
    for (const statement of data.ingestArticle.statements) expect(statement.spans).toEqual([statement.span]);
  });

  it('ingestArticle from the body alone stores an interrupted quote and a partial quote of two labels', async () => {
    const body =
      'Elena Vargas is the mayor.\n\n"We will build the bridge," Elena Vargas said, "and we will build it this year."\n\nShe called the plan "bold" and "overdue."';
    const { data, errors } = await app.write(INGEST, { input: { ...article([]), statements: undefined, body } });
    expect(errors).toBeUndefined();
    const statements: { text: string; kind: string; span: { start: number; end: number }; spans: { start: number; end: number }[] }[] =
      data.ingestArticle.statements;
    const quote = statements.find((s) => s.text.startsWith('We will build the bridge'));
    expect(quote).toMatchObject({ kind: 'DIRECT_QUOTE', text: 'We will build the bridge … and we will build it this year.' });
    expect(quote!.spans.map((f) => body.slice(f.start, f.end))).toEqual(['We will build the bridge,', 'and we will build it this year.']);
    expect(quote!.span).toEqual({ start: quote!.spans[0]!.start, end: quote!.spans[1]!.end });
    const labels = statements.find((s) => s.text.includes('bold'));
    expect(labels?.kind).toBe('PARTIAL_QUOTE');
    expect(labels!.spans).toEqual([labels!.span]);
    expect(labels!.text).toContain('overdue');
  });
});
