import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedArticles } from '../seeds/index.js';
import { createToken } from '../src/auth/tokens.js';
import { rowsOf } from '../src/db/index.js';
import { seedAll } from '../src/db/seed.js';
import { createTestDatabase } from './support/database.js';
import { type ServerProcess, startServerProcess } from './support/server-process.js';

type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;

const globalIdOf = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64url');

/** newsgraph_reads_total{path="cache"} on one instance: how many reads it answered from its cache. */
async function cacheHits(instance: ServerProcess): Promise<number> {
  const text = await (await fetch(new URL('/metrics', instance.url))).text();
  const match = /^newsgraph_reads_total\{path="cache"\} (\S+)$/m.exec(text);
  return match ? Number(match[1]) : 0;
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('the response cache on two instances of one PostgreSQL', () => {
  let database: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  let token: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.migrate();
    await seedAll(database.db, seedArticles);
    token = (await createToken(database.db, 'response-cache-instances')).token;
    const env = { DATABASE_URL: database.url!, RESPONSE_CACHE: 'on' };
    [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  }, 120_000);

  afterAll(async () => {
    for (const instance of [a, b]) {
      if (!instance) continue;
      instance.signal('SIGTERM');
      await instance.exited;
    }
    await database?.drop();
  }, 60_000);

  async function gql(instance: ServerProcess, query: string, variables?: Record<string, unknown>, write = false) {
    const response = await fetch(instance.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(write ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    return body.data;
  }

  const idOf = async (table: 'people' | 'statements', where = sql`true`) =>
    rowsOf<{ id: number }>(await database.db.execute(sql`select min(id) as id from ${sql.identifier(table)} where ${where}`))[0]!.id;

  it("a write through A drops B's cached answer before B's next read: updates, deletes and merges", async () => {
    const personId = await idOf('people', sql`slug = 'rand-paul'`);
    const person = globalIdOf('Person', personId);
    const PAGE = `query ($id: ID!) { node(id: $id) { ... on Person { description statements(first: 50) { totalCount edges { node { id text } } } } } }`;

    // Updates: each read of B right after A's acknowledgement shows the write, ten times over.
    for (let round = 0; round < 10; round++) {
      await gql(b, PAGE, { id: person });
      const hitsBefore = await cacheHits(b);
      await gql(b, PAGE, { id: person });
      expect(await cacheHits(b)).toBe(hitsBefore + 1); // B holds the answer
      await gql(
        a,
        'mutation($id: ID!, $d: String) { updatePerson(input: { id: $id, description: $d }) { person { id } } }',
        { id: person, d: `round ${round}` },
        true,
      );
      expect((await gql(b, PAGE, { id: person })).node.description).toBe(`round ${round}`);
    }

    // A delete of a statement in B's cached answer.
    const before = (await gql(b, PAGE, { id: person })).node.statements;
    await gql(b, PAGE, { id: person });
    const gone = before.edges[0].node.id;
    await gql(a, 'mutation($id: ID!) { deleteStatement(input: { id: $id }) { deletedId } }', { id: gone }, true);
    const after = (await gql(b, PAGE, { id: person })).node.statements;
    expect(after.totalCount).toBe(before.totalCount - 1);
    expect(after.edges.map((edge: { node: { id: string } }) => edge.node.id)).not.toContain(gone);

    // A merge: B's cached page of the duplicate now answers with the person it was folded into.
    const duplicate = await gql(a, 'mutation { createPerson(input: { name: "R. Paul Duplicate" }) { person { id } } }', undefined, true);
    const duplicateId = duplicate.createPerson.person.id;
    const NAME = 'query ($id: ID!) { node(id: $id) { id ... on Person { name } } }';
    expect((await gql(b, NAME, { id: duplicateId })).node.name).toBe('R. Paul Duplicate');
    await gql(b, NAME, { id: duplicateId });
    await gql(a, 'mutation($s: ID!, $t: ID!) { mergePeople(input: { sourceId: $s, targetId: $t }) { person { id } } }', { s: duplicateId, t: person }, true);
    expect((await gql(b, NAME, { id: duplicateId })).node).toEqual({ id: person, name: 'Rand Paul' });
  }, 60_000);

  it('a write by plain SQL, through no instance, reaches both caches', async () => {
    const statementId = await idOf('statements');
    const QUERY = `query ($id: ID!) { node(id: $id) { ... on Statement { text } } }`;
    const variables = { id: globalIdOf('Statement', statementId) };
    for (const instance of [a, b]) await gql(instance, QUERY, variables), await gql(instance, QUERY, variables);
    await database.db.execute(sql`update statements set text = 'edited in psql' where id = ${statementId}`);
    for (const instance of [a, b]) expect((await gql(instance, QUERY, variables)).node.text).toBe('edited in psql');
  });
});
