// Editor tokens through the API (createEditorToken / revokeEditorToken), and revocation seen by
// every instance: two apps on one database (on PostgreSQL each with its own pool, as two
// processes would be) and a token revoked through one is refused by the other on the next request.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createToken } from '../src/auth/tokens.js';
import { type Database, createDb } from '../src/db/index.js';
import { backendName, createTestDatabase } from './support/database.js';

type App = ReturnType<typeof createApp>;
let first: Database & { drop(): Promise<void> };
let second: Database | undefined;
let apps: [App, App];
let editorToken: string;
let dropServerDatabase = async () => {};

async function gql(app: App, query: string, variables: object, token?: string) {
  const response = await app.fetch('http://newsgraph.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string; field?: string } }[] };
}

const CREATE = 'mutation($name: String!) { createEditorToken(input: { name: $name }) { name token } }';
const REVOKE = 'mutation($name: String!) { revokeEditorToken(input: { name: $name }) { name } }';
/** A write that needs a valid token and changes nothing: NOT_FOUND when the token is good. */
const probe = (app: App, token: string) => gql(app, REVOKE, { name: 'nobody-has-this-name' }, token).then((r) => r.errors?.[0]?.extensions?.code);

beforeAll(async () => {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const name = `newsgraph_test_tokens_${randomBytes(6).toString('hex')}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const one = await createDb({ databaseUrl: url.toString(), maxConnections: 2 });
    first = { ...one, drop: () => one.close() };
    second = await createDb({ databaseUrl: url.toString(), maxConnections: 2 });
    dropServerDatabase = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  } else {
    first = await createTestDatabase();
  }
  await first.migrate();
  editorToken = (await createToken(first.db, 'lead editor')).token;
  apps = [createApp({ db: first.db }), createApp({ db: (second ?? first).db })];
});
afterAll(async () => {
  await second?.close();
  await first?.drop();
  await dropServerDatabase();
});

describe(`editor tokens through the API (${backendName})`, () => {
  it('createEditorToken needs an editor; the token it returns works on every instance; a taken name is CONFLICT', async () => {
    const anonymous = await gql(apps[0], CREATE, { name: 'alice' });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.data?.createEditorToken ?? null).toBeNull();

    const created = await gql(apps[0], CREATE, { name: 'alice' }, editorToken);
    expect(created.errors).toBeUndefined();
    expect(created.data.createEditorToken.name).toBe('alice');
    const token = created.data.createEditorToken.token as string;
    expect(token).toMatch(/^ngt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(await probe(apps[0], token)).toBe('NOT_FOUND');
    expect(await probe(apps[1], token)).toBe('NOT_FOUND');

    const again = await gql(apps[1], CREATE, { name: 'alice' }, editorToken);
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.name' });
  });

  it('a token revoked through one instance is refused by the other on its next request', async () => {
    const { token } = (await gql(apps[0], CREATE, { name: 'bob' }, editorToken)).data.createEditorToken;
    expect(await probe(apps[1], token)).toBe('NOT_FOUND'); // accepted: the check got past the token

    const revoked = await gql(apps[0], REVOKE, { name: 'bob' }, editorToken);
    expect(revoked.errors).toBeUndefined();
    expect(revoked.data.revokeEditorToken.name).toBe('bob');
    const at = Date.now();
    // No cache to wait out: the next request on either instance reads the revocation.
    expect(await probe(apps[1], token)).toBe('FORBIDDEN');
    expect(await probe(apps[0], token)).toBe('FORBIDDEN');
    expect(Date.now() - at).toBeLessThan(1_000);

    const twice = await gql(apps[1], REVOKE, { name: 'bob' }, editorToken);
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.name' });
    expect(twice.errors?.[0]?.message).toBe('"input.name": no active token named "bob".');
  });
});
