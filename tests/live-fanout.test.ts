import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendName } from './support/database.js';
import { type LiveTestApp, createLiveTestApp } from './support/live.js';

// A statement published to many subscribers is read once per event, not once per subscriber:
// the event's loaders are shared by everyone it reaches (W6: 1,200 subscribers).
const sqlLog: string[] = [];
let app: LiveTestApp;
beforeAll(async () => {
  app = await createLiveTestApp({ onQuery: (query) => sqlLog.push(query) });
});
afterAll(() => app?.close());

const SUBSCRIPTION = `subscription { statementAdded { cursor statement { id text speaker { name } article { headline } mentions { name } } } }`;
const byIdReads = (table: string, log: string[]) => log.filter((q) => q.includes(`from "${table}" where "${table}"."id" = any(`)).length;

describe(`statementAdded fan-out (${backendName})`, () => {
  it('reads each new statement and its relations once, however many subscribers receive it', async () => {
    const subscribers = await Promise.all(Array.from({ length: 8 }, () => app.subscribe(SUBSCRIPTION)));
    const { data } = await app.gql(`{ articles(first: 1) { edges { node { id } } } people(first: 1) { edges { node { id } } } }`);
    const before = sqlLog.length;
    const created = await app.gql(`mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { id } } }`, {
      input: {
        articleId: data.articles.edges[0].node.id,
        speakerId: data.people.edges[0].node.id,
        text: 'One statement for eight readers',
        kind: 'PARAPHRASE',
      },
    });
    expect(created.errors).toBeUndefined();
    const afterMutation = sqlLog.length;
    const events = await Promise.all(subscribers.map((s) => s.next()));
    for (const event of events) {
      expect(event.errors).toBeUndefined();
      expect(event.data.statementAdded.statement.text).toBe('One statement for eight readers');
      expect(event.data.statementAdded.statement.speaker.name).toBeTruthy();
    }
    // From the mutation on: delivery may begin before its response is back.
    const delivery = sqlLog.slice(before);
    expect(byIdReads('statements', delivery)).toBe(1);
    expect(byIdReads('people', delivery)).toBeLessThanOrEqual(1);
    expect(byIdReads('articles', delivery)).toBeLessThanOrEqual(1);
    expect(before).toBeLessThan(afterMutation);
  });

  it('subscribers with different operations or variables still get their own answers', async () => {
    const { data } = await app.gql(`{ articles(first: 1) { edges { node { id } } } people(first: 2) { edges { node { id name } } } }`);
    const [first, second] = data.people.edges.map((e: any) => e.node);
    const byText = await app.subscribe(`subscription { statementAdded { statement { text } } }`);
    const byId = await app.subscribe(`subscription { statementAdded { statement { id speaker { name } } } }`);
    const filtered = `subscription($speaker: ID) { statementAdded(filter: { speakerId: $speaker }) { statement { speaker { name } } } }`;
    const forFirst = await app.subscribe(filtered, { speaker: first.id });
    const forSecond = await app.subscribe(filtered, { speaker: second.id });
    const created = await app.gql(`mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { id } } }`, {
      input: { articleId: data.articles.edges[0].node.id, speakerId: second.id, text: 'Shape check', kind: 'PARAPHRASE' },
    });
    expect(created.errors).toBeUndefined();
    expect((await byText.next()).data.statementAdded.statement).toEqual({ text: 'Shape check' });
    expect((await byId.next()).data.statementAdded.statement).toEqual({
      id: created.data.createStatement.statement.id,
      speaker: { name: second.name },
    });
    expect((await forSecond.next()).data.statementAdded.statement.speaker.name).toBe(second.name);
    expect(await forFirst.nothingWithin(500)).toBe(true);
  });
});
