// createStatement is two SQL statements inside its transaction, however many people it names:
// the locked checks (with the quotation lookup), then one statement of data-modifying CTEs.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/index.js';
import { codeOf, fieldOf, globalId } from './support/app.js';
import { backendName } from './support/database.js';
import { type LiveTestApp, createLiveTestApp } from './support/live.js';

const log: string[] = [];
let app: LiveTestApp;
beforeAll(async () => {
  app = await createLiveTestApp({ onQuery: (q) => log.push(q) });
});
afterAll(() => app?.close());

// The transaction's own BEGIN/COMMIT, the editor token's check (before the transaction) and the
// live feed's reads of the log after the commit (same connection on PGlite) aside.
const isWork = (q: string) =>
  !/^\s*(begin|commit|rollback|savepoint|release)\b/i.test(q) && !/editor_tokens/.test(q) && !/pg_current_snapshot|from statement_events e/.test(q);

async function counted(query: string, variables: Record<string, unknown>) {
  const before = log.length;
  const result = await app.gql(query, variables);
  if (process.env.SHOW_SQL) console.log(log.slice(before).join('\n---\n'));
  return { result, sql: log.slice(before).filter(isWork) };
}

const CREATE = `mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { id text kind saidAt
  speaker { id } speakerLabel quotation { id occurrenceCount } mentions { id } span { start end } } } }`;
// Only the mutation's own statements: the payload's nested fields are reads, counted elsewhere.
const CREATE_ID = `mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { id } } }`;

let n = 0;
async function fixture() {
  const body = 'The mayor said "we will build the bridge by spring" at the opening.';
  const article = await app.gql(`mutation($input: CreateArticleInput!) { createArticle(input: $input) { article { id } } }`, {
    input: { url: `https://rt.example.com/${backendName}/${Date.now()}-${++n}`, headline: 'Bridge', source: 'RT', publishedAt: '2024-03-01T09:00:00Z', body },
  });
  const person = async (name: string) =>
    (
      await app.gql(`mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }`, {
        input: { name: `${name} ${n} ${backendName}` },
      })
    ).data.createPerson.person.id as string;
  return {
    body,
    articleId: article.data.createArticle.article.id as string,
    speakerId: await person('Mara Speaker'),
    mentionIds: [await person('Ola One'), await person('Tim Two'), await person('Una Three')],
  };
}

describe(`createStatement round trips (${backendName})`, () => {
  it('is two SQL statements with a speaker, a span, a new quotation and three mentions, and stores all of it', async () => {
    const f = await fixture();
    const start = f.body.indexOf('we will');
    const input = {
      articleId: f.articleId,
      text: 'we will build the bridge by spring',
      kind: 'DIRECT_QUOTE',
      speakerId: f.speakerId,
      mentionIds: f.mentionIds,
      span: { start, end: start + 34 },
    };
    const { result, sql: statements } = await counted(CREATE_ID, { input });
    expect(result.errors).toBeUndefined();
    expect(statements).toHaveLength(2);

    const read = await app.gql(CREATE, { input: { ...input, text: 'We will build the bridge, by spring', span: undefined } });
    expect(read.errors).toBeUndefined();
    const s = read.data.createStatement.statement;
    expect(s.speaker.id).toBe(f.speakerId);
    // The second report of the same words joins the first's quotation.
    expect(s.quotation.occurrenceCount).toBe(2);
    expect(s.mentions.map((m: { id: string }) => m.id).sort()).toEqual([...f.mentionIds].sort());
    const id = Number(Buffer.from(result.data.createStatement.statement.id, 'base64url').toString().split(':')[1]);
    const [row] = rowsOf<{ people: number; mentions: number; logged: number }>(
      await app.db.execute(sql`select
        (select count(*)::int from article_people ap join statements s on s.article_id = ap.article_id where s.id = ${id}) as people,
        (select count(*)::int from statement_mentions where statement_id = ${id}) as mentions,
        (select count(*)::int from statement_events where statement_id = ${id}) as logged`),
    );
    expect(row).toEqual({ people: 4, mentions: 3, logged: 1 });
  });

  it('an unnamed source without span or mentions is two statements too', async () => {
    const f = await fixture();
    const { result, sql: statements } = await counted(CREATE_ID, {
      input: { articleId: f.articleId, text: 'The bridge is late.', kind: 'PARAPHRASE', speakerLabel: 'an engineer' },
    });
    expect(result.errors).toBeUndefined();
    expect(statements.length).toBeLessThanOrEqual(2);
  });

  it('a missing speaker, event or mention is NOT_FOUND naming the field, after one statement, and nothing is stored', async () => {
    const f = await fixture();
    const before = Number(rowsOf<{ n: number }>(await app.db.execute(sql`select count(*)::int as n from statements`))[0]!.n);
    for (const [field, extra] of [
      ['input.speakerId', { speakerId: globalId('Person', 999999) }],
      ['input.eventId', { speakerId: f.speakerId, eventId: globalId('Event', 999999) }],
      ['input.mentionIds', { speakerId: f.speakerId, mentionIds: [f.mentionIds[0], globalId('Person', 999999)] }],
      ['input.articleId', { speakerId: f.speakerId, articleId: globalId('Article', 999999) }],
    ] as const) {
      const { result, sql: statements } = await counted(CREATE_ID, { input: { articleId: f.articleId, text: 'Late again.', kind: 'PARAPHRASE', ...extra } });
      expect([codeOf(result), fieldOf(result)]).toEqual(['NOT_FOUND', field]);
      expect(statements).toHaveLength(1);
    }
    const after = Number(rowsOf<{ n: number }>(await app.db.execute(sql`select count(*)::int as n from statements`))[0]!.n);
    expect(after).toBe(before);
  });
});
