// Issue #19 §8 (the API's share): mergePeople holds to the 50-alias cap, lone UTF-16 surrogates in
// variables are refused (over HTTP and graphql-ws) instead of stored as U+FFFD, and an impossible
// `after` cursor is refused instead of opening a subscription that never delivers.
import { sql } from 'drizzle-orm';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { rowsOf } from '../../src/db/index.js';
import { backendName } from '../support/database.js';
import { type LiveTestApp, createLiveTestApp } from '../support/live.js';
import { tableCounts } from './support.js';

let app: LiveTestApp;
beforeAll(async () => {
  app = await createLiveTestApp();
});
afterAll(() => app?.close());

const CREATE_PERSON = `mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id name aliases } } }`;
const MERGE = `mutation($s: ID!, $t: ID!) { mergePeople(input: { sourceId: $s, targetId: $t }) { person { id aliases } } }`;

async function createPerson(name: string, aliases: string[] = []) {
  const result = await app.gql(CREATE_PERSON, { input: { name, aliases } });
  expect(result.errors).toBeUndefined();
  return result.data.createPerson.person as { id: string; aliases: string[] };
}

describe(`mergePeople and the alias cap (${backendName})`, () => {
  it('refuses a merge that would leave more than 50 aliases, changing nothing; merges within the cap', async () => {
    const target = await createPerson(
      'Cap Target',
      Array.from({ length: 45 }, (_, i) => `Target Alias ${i}`),
    );
    const source = await createPerson(
      'Cap Source',
      Array.from({ length: 10 }, (_, i) => `Source Alias ${i}`),
    );
    const before = await tableCounts(app.db);
    const refused = await app.gql(MERGE, { s: source.id, t: target.id });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.sourceId' });
    expect(refused.errors![0]!.message).toMatch(/56 aliases.*at most 50/);
    expect(await tableCounts(app.db)).toEqual(before);
    const small = await createPerson('Cap Small', ['Small One']);
    const merged = await app.gql(MERGE, { s: small.id, t: target.id });
    expect(merged.errors).toBeUndefined();
    expect(merged.data.mergePeople.person.aliases).toHaveLength(47);
  });

  it('sixty merges into one person leave at most 50 aliases', async () => {
    const target = await createPerson('Merge Sink');
    let refusals = 0;
    for (let i = 0; i < 60; i++) {
      const source = await createPerson(`Merge Drop ${i}`);
      const result = await app.gql(MERGE, { s: source.id, t: target.id });
      if (result.errors) {
        expect(result.errors[0]!.extensions?.code).toBe('BAD_USER_INPUT');
        refusals++;
      }
    }
    const [row] = rowsOf<{ n: number }>(await app.db.execute(sql`select cardinality(aliases) as n from people where name = 'Merge Sink'`));
    expect(Number(row!.n)).toBe(50);
    expect(refusals).toBe(10);
  }, 120_000);
});

describe(`lone UTF-16 surrogates in variables (${backendName})`, () => {
  // JSON may carry "\ud800" alone: not a character. It must not be stored as U+FFFD.
  const lone = ['\ud800', '\udfff', 'a\udc00b', 'end\ud83d'];

  it.each(lone.map((s) => [JSON.stringify(s), s]))('refuses %s in a variable with BAD_USER_INPUT, storing nothing', async (_name, value) => {
    const before = await tableCounts(app.db);
    const response = await app.yoga.fetch('http://newsgraph.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.token}` },
      // JSON.stringify escapes lone surrogates as \ud800: what a client sends.
      body: JSON.stringify({ query: CREATE_PERSON, variables: { input: { name: `Surrogate ${value}` } } }),
    });
    const result = (await response.json()) as any;
    expect(response.status).toBe(400);
    expect(result.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(result.errors[0].message).toMatch(/variables\.input\.name.*surrogate/);
    expect(await tableCounts(app.db)).toEqual(before);
  });

  it('keeps real astral characters (surrogate pairs) as they are', async () => {
    const person = await createPerson('Emoji 😀 Person');
    expect(person).toBeDefined();
    const [row] = rowsOf<{ name: string }>(await app.db.execute(sql`select name from people where name like 'Emoji%'`));
    expect(row!.name).toBe('Emoji 😀 Person');
  });

  it('refuses them over graphql-ws too', async () => {
    const { wsUrl } = await app.listen();
    const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${app.token}` } });
    try {
      const result = await new Promise<any>((resolve) => {
        client.subscribe(
          { query: CREATE_PERSON, variables: { input: { name: 'Over WS \ud800' } } },
          { next: resolve, error: (errors) => resolve({ errors }), complete: () => {} },
        );
      });
      expect(result.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      const rows = rowsOf(await app.db.execute(sql`select 1 from people where name like 'Over WS%'`));
      expect(rows).toHaveLength(0);
    } finally {
      await client.dispose();
    }
  });
});

describe(`impossible subscription cursors (${backendName})`, () => {
  const cursor = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

  it.each([
    ['an xid past 64 bits', 'sa:99999999999999999999:0'],
    ['an xid of 2^64', 'sa:18446744073709551616:0'],
  ])('refuses %s with BAD_USER_INPUT', async (_name, text) => {
    const subscription = await app.subscribe(`subscription($after: String) { statementAdded(after: $after) { cursor } }`, { after: cursor(text) });
    const event = await subscription.next(10_000);
    expect(event.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(event.errors[0].message).toMatch(/Invalid cursor in "after"/);
    await subscription.close();
  });

  it('accepts the largest xid8 (it replays nothing, and stays open)', async () => {
    const subscription = await app.subscribe(`subscription($after: String) { statementAdded(after: $after) { cursor } }`, {
      after: cursor('sa:18446744073709551615:0'),
    });
    expect(await subscription.nothingWithin(500)).toBe(true);
    await subscription.close();
  });
});
