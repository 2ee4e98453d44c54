// createStatement's round trips, all of them: without a span, one SQL statement (a transaction by
// itself: no BEGIN or COMMIT) that checks the editor token and writes, however many people it
// names; with a span, the token's check, one read of the article, then the write.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, revokeToken } from '../src/auth/tokens.js';
import { rowsOf } from '../src/db/index.js';
import { codeOf, fieldOf, globalId } from './support/app.js';
import { backendName } from './support/database.js';
import { type LiveTestApp, createLiveTestApp } from './support/live.js';

const log: string[] = [];
/** Run once when the next statement is sent, before it runs (on PGlite, which queues them in order). */
let beforeNext: ((query: string) => void) | undefined;
let app: LiveTestApp;
beforeAll(async () => {
  app = await createLiveTestApp({
    onQuery: (q) => {
      log.push(q);
      const hook = beforeNext;
      beforeNext = undefined;
      hook?.(q);
    },
  });
});
afterAll(() => app?.close());

// The live feed's reads of the log after the commit (same connection on PGlite) aside.
const isMutation = (q: string) => !/pg_current_snapshot|from statement_events e/.test(q);

async function counted(query: string, variables: Record<string, unknown>, auth?: { token: string | null }) {
  const before = log.length;
  const result = await app.gql(query, variables, auth);
  if (process.env.SHOW_SQL) console.log(log.slice(before).join('\n---\n'));
  return { result, sql: log.slice(before).filter(isMutation) };
}

const CREATE = `mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { id text kind saidAt
  speaker { id } speakerLabel quotation { id occurrenceCount } mentions { id } span { start end } } } }`;
// Only the mutation's own statements: the payload's nested fields are reads, counted elsewhere.
const CREATE_ID = `mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { id } } }`;

const statementCount = async () => Number(rowsOf<{ n: number }>(await app.db.execute(sql`select count(*)::int as n from statements`))[0]!.n);

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
  it('is three round trips with a speaker, a span, a new quotation and three mentions, and stores all of it', async () => {
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
    expect(statements).toHaveLength(3);
    expect(statements.filter((q) => /^\s*begin\b/i.test(q))).toEqual([]);

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

  it('without a span it is one round trip, with mentions or an unnamed source', async () => {
    const f = await fixture();
    for (const input of [
      { articleId: f.articleId, text: 'The bridge is late.', kind: 'PARAPHRASE', speakerLabel: 'an engineer' },
      { articleId: f.articleId, text: 'The bridge will open in May.', kind: 'DIRECT_QUOTE', speakerId: f.speakerId, mentionIds: f.mentionIds },
    ]) {
      const { result, sql: statements } = await counted(CREATE_ID, { input });
      expect(result.errors).toBeUndefined();
      expect(statements).toHaveLength(1);
    }
  });

  it('the one statement writes nothing for a token that is unknown, altered or revoked, and says which', async () => {
    const f = await fixture();
    const before = await statementCount();
    const { token } = await createToken(app.db, `round-trips ${backendName} ${n}`);
    const altered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    const input = { articleId: f.articleId, text: 'Refused words.', kind: 'PARAPHRASE', speakerId: f.speakerId };
    for (const [label, sent, code, trips] of [
      ['no token', null, 'UNAUTHENTICATED', 0],
      ['an unknown key id', `ngt_${'0'.repeat(16)}_${'A'.repeat(43)}`, 'UNAUTHENTICATED', 2],
      ['an altered secret', altered, 'UNAUTHENTICATED', 2],
    ] as const) {
      const { result, sql: statements } = await counted(CREATE_ID, { input }, { token: sent });
      expect([label, codeOf(result)]).toEqual([label, code]);
      // the write that found no editor, then the check that tells why
      expect([label, statements.length]).toEqual([label, trips]);
    }
    expect((await counted(CREATE_ID, { input }, { token })).result.errors).toBeUndefined();
    expect(await revokeToken(app.db, `round-trips ${backendName} ${n}`)).toBe(true);
    expect(codeOf((await counted(CREATE_ID, { input }, { token })).result)).toBe('FORBIDDEN');
    expect(await statementCount()).toBe(before + 1);
  });

  it('a missing article, speaker, event or mention is NOT_FOUND naming the field, after the same one round trip, and nothing is stored', async () => {
    const f = await fixture();
    const before = await statementCount();
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
    const after = await statementCount();
    expect(after).toBe(before);
  });

  // Deterministic on PGlite only: its statements run in the order they are sent.
  it.skipIf(backendName !== 'pglite')('a body changed between the span check and the write is checked again, not written', async () => {
    const f = await fixture();
    const start = f.body.indexOf('we will');
    const input = {
      articleId: f.articleId,
      text: 'we will build the bridge by spring',
      kind: 'DIRECT_QUOTE',
      speakerId: f.speakerId,
      span: { start, end: start + 34 },
    };
    const articleId = Number(Buffer.from(f.articleId, 'base64url').toString().split(':')[1]);
    let changed: Promise<unknown> | undefined;
    // After the editor token's check, the next statement is the article's read: the body changes right after it.
    beforeNext = () => {
      beforeNext = () => {
        // Started on the next tick (drizzle's queries are lazy), so after the read and before the write.
        changed = Promise.resolve(
          app.db.execute(sql`update articles set body = 'The mayor said nothing about any bridge at the opening.' where id = ${articleId}`),
        );
      };
    };
    const { result, sql: statements } = await counted(CREATE_ID, { input });
    await changed;
    expect(changed).toBeDefined();
    expect([codeOf(result), fieldOf(result)]).toEqual(['BAD_USER_INPUT', 'input.text']);
    // The token, the read, the write that found a newer article, the read again.
    expect(statements.filter((q) => !/^\s*update articles/.test(q))).toHaveLength(4);
  });
});
