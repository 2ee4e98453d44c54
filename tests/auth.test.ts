import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAuthorization, createToken, ensureDevelopmentToken, hashToken, revokeToken } from '../src/auth/tokens.js';
import { rowsOf } from '../src/db/index.js';
import { backendName } from './support/database.js';
import { type LiveTestApp, createLiveTestApp } from './support/live.js';

let app: LiveTestApp;
beforeAll(async () => {
  app = await createLiveTestApp({ seed: false });
});
afterAll(() => app?.close());

const CREATE_PERSON = `mutation($name: String!) { createPerson(input: { name: $name }) { person { id } } }`;
const peopleNamed = async (name: string) =>
  Number(rowsOf<{ n: number }>(await app.db.execute(sql`select count(*)::int as n from people where name = ${name}`))[0]!.n);

describe(`editor tokens over HTTP (${backendName})`, () => {
  it('lets a valid token write', async () => {
    const result = await app.gql(CREATE_PERSON, { name: 'Authorised Writer' });
    expect(result.errors).toBeUndefined();
    expect(await peopleNamed('Authorised Writer')).toBe(1);
  });

  it.each([
    ['no token', null],
    ['a malformed token', 'hunter2'],
    ['a well-formed but unknown token', `ngt_${'0'.repeat(16)}_${'A'.repeat(43)}`],
  ])('refuses %s with UNAUTHENTICATED and writes nothing', async (_label, token) => {
    const name = `Refused ${_label}`;
    const result = await app.gql(CREATE_PERSON, { name }, { token });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.data).toBeNull();
    expect(await peopleNamed(name)).toBe(0);
  });

  it('refuses a token whose secret was altered (same key id)', async () => {
    const { token } = await createToken(app.db, 'tampered');
    const altered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    const result = await app.gql(CREATE_PERSON, { name: 'Tampered Writer' }, { token: altered });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await peopleNamed('Tampered Writer')).toBe(0);
  });

  it('refuses a revoked token with FORBIDDEN', async () => {
    const { token } = await createToken(app.db, 'soon revoked');
    expect((await app.gql(CREATE_PERSON, { name: 'Before Revocation' }, { token })).errors).toBeUndefined();
    expect(await revokeToken(app.db, 'soon revoked')).toBe(true);
    const result = await app.gql(CREATE_PERSON, { name: 'After Revocation' }, { token });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await peopleNamed('After Revocation')).toBe(0);
  });

  it('keeps reads open without a token', async () => {
    const result = await app.gql(`{ people(first: 1) { totalCount } }`, undefined, { token: null });
    expect(result.errors).toBeUndefined();
    expect(result.data.people.totalCount).toBeGreaterThan(0);
  });

  it('stores only a SHA-256 of each token', async () => {
    const { token, id } = await createToken(app.db, 'hashed');
    const [row] = rowsOf<Record<string, unknown>>(await app.db.execute(sql`select * from editor_tokens where id = ${id}`));
    expect(row!.token_hash).toBe(hashToken(token));
    expect(row!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.values(row!).map(String)).not.toContain(token);
  });
});

describe(`token helpers (${backendName})`, () => {
  it('checkAuthorization tells missing, invalid and revoked apart', async () => {
    const { token } = await createToken(app.db, 'checked');
    expect(await checkAuthorization(app.db, undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(await checkAuthorization(app.db, `Basic ${token}`)).toEqual({ ok: false, reason: 'invalid' });
    expect(await checkAuthorization(app.db, `Bearer ${token}`)).toMatchObject({ ok: true, editor: { name: 'checked' } });
    await revokeToken(app.db, 'checked');
    expect(await checkAuthorization(app.db, `Bearer ${token}`)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('makes a development token only when there is no token at all', async () => {
    const empty = await createLiveTestApp({ seed: false });
    try {
      await empty.db.execute(sql`delete from editor_tokens`);
      const token = await ensureDevelopmentToken(empty.db);
      expect(token).toMatch(/^ngt_/);
      expect(await ensureDevelopmentToken(empty.db)).toBeNull();
      expect(await checkAuthorization(empty.db, `Bearer ${token}`)).toMatchObject({ ok: true, editor: { name: 'development' } });
    } finally {
      await empty.close();
    }
  });
});

describe('npm run token (CLI, on an embedded database)', () => {
  const run = promisify(execFile);
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'newsgraph-token-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const token = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'scripts/token.ts', ...args], {
      env: { ...process.env, DATABASE_URL: '', PGLITE_DIR: path.join(dir, 'data') },
    });

  it('creates (printing the token once), lists and revokes', async () => {
    const created = await token('create', '--name', 'alice');
    const printed = /ngt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/.exec(created.stdout)?.[0];
    expect(printed).toBeDefined();
    const listed = await token('list');
    expect(listed.stdout).toMatch(/alice\s+ngt_[0-9a-f]{16}_…\s+created \S+\s+active/);
    expect(listed.stdout).not.toContain(printed);
    await expect(token('create', '--name', 'alice')).rejects.toMatchObject({ stderr: expect.stringMatching(/exists already/) });
    expect((await token('revoke', '--name', 'alice')).stdout).toMatch(/revoked the token for "alice"/);
  }, 60_000);
});
