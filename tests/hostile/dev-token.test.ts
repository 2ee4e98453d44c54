// Issue #19 §8: in production the embedded default made a `development` editor token and printed
// it to stdout, the stream a log collector reads. Now it is made only on request, into a file
// only its owner can read, and the log line says where.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const TOKEN = /ngt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/;
let dir: string;
let server: ServerProcess | undefined;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'newsgraph-dev-token-'));
});
afterEach(async () => {
  server?.kill();
  await server?.exited;
  server = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const createPerson = async (url: string, token?: string) =>
  (await (
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: 'mutation { createPerson(input: { name: "Token Probe" }) { person { name } } }' }),
    })
  ).json()) as any;

describe('the embedded default in production (NODE_ENV=production)', () => {
  it('makes no development token and prints none', async () => {
    server = await startServerProcess({ NODE_ENV: 'production', LOG_LEVEL: 'trace' });
    expect(server.plain.join('\n')).not.toMatch(TOKEN);
    expect(JSON.stringify(server.lines)).not.toMatch(TOKEN);
    expect(server.lines.some((l) => /development editor token/.test(l.msg))).toBe(false);
    const refused = await createPerson(server.url);
    expect(refused.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  }, 90_000);

  it('with DEV_TOKEN_FILE, writes it to that file (mode 0600) and says where, never to stdout', async () => {
    const file = path.join(dir, 'token');
    server = await startServerProcess({ NODE_ENV: 'production', LOG_LEVEL: 'trace', DEV_TOKEN_FILE: file });
    const token = readFileSync(file, 'utf8').trim();
    expect(token).toMatch(TOKEN);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(server.plain.join('\n')).not.toMatch(TOKEN);
    expect(JSON.stringify(server.lines)).not.toMatch(TOKEN);
    expect(server.lines.find((l) => /development editor token/.test(l.msg))?.file).toBe(file);
    const created = await createPerson(server.url, token);
    expect(created.data.createPerson.person.name).toBe('Token Probe');
  }, 90_000);
});
