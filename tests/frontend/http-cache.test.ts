import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/auth/tokens.js';
import { type TestApp, createTestApp } from '../support/app.js';
import { backendName } from '../support/database.js';

let app: TestApp;
let token: string;
beforeAll(async () => {
  app = await createTestApp({ frontend: { httpCacheMaxAgeSeconds: 30 } });
  token = (await createToken(app.db, 'http-cache test')).token;
});
afterAll(() => app?.close());

const QUERY = '{ people(first: 2) { edges { node { name } } } }';
const get = (query: string, headers: Record<string, string> = {}) =>
  app.yoga.fetch(`http://newsgraph.test/graphql?query=${encodeURIComponent(query)}`, { headers: { accept: 'application/graphql-response+json', ...headers } });

describe(`HTTP caching of anonymous GET reads (${backendName})`, () => {
  it('is public for the configured max-age, with a strong ETag over the bytes and Vary on auth', async () => {
    const response = await get(QUERY);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=30');
    const body = await response.text();
    expect(response.headers.get('etag')).toBe(`"${createHash('sha256').update(body).digest('base64url')}"`);
    expect(response.headers.get('vary')).toMatch(/Authorization/);
    expect(JSON.parse(body).data.people.edges).toHaveLength(2);
  });

  it('answers If-None-Match with the current tag by 304 and no body; a stale tag gets the answer', async () => {
    const etag = (await get(QUERY)).headers.get('etag')!;
    const revalidated = await get(QUERY, { 'if-none-match': etag });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe('');
    expect(revalidated.headers.get('etag')).toBe(etag);
    const stale = await get(QUERY, { 'if-none-match': '"not-the-tag"' });
    expect(stale.status).toBe(200);
    expect((await stale.json()).data.people.edges).toHaveLength(2);
  });

  it('the tag follows the data: a write changes it', async () => {
    const query = '{ people(first: 50) { totalCount } }';
    const before = (await get(query)).headers.get('etag')!;
    const created = await app.yoga.fetch('http://newsgraph.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation { createPerson(input: { name: "Etag Changer" }) { person { id } } }' }),
    });
    expect((await created.json()).errors).toBeUndefined();
    const after = await get(query, { 'if-none-match': before });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(before);
  });

  it('is no-store when authenticated, for POST and mutations, and for answers with errors', async () => {
    const authenticated = await get(QUERY, { authorization: `Bearer ${token}` });
    expect(authenticated.status).toBe(200);
    expect(authenticated.headers.get('cache-control')).toBe('no-store');
    expect(authenticated.headers.get('etag')).toBeNull();
    const post = await app.request({ query: QUERY });
    expect(post.headers.get('cache-control')).toBe('no-store');
    const mutation = await app.request(
      { query: 'mutation { createPerson(input: { name: "No Store" }) { person { id } } }' },
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(mutation.headers.get('cache-control')).toBe('no-store');
    const failing = await get('{ node(id: "bm90LWFuLWlk") { id } nosuchfield }');
    expect(failing.headers.get('cache-control')).toBe('no-store');
    expect(failing.headers.get('etag')).toBeNull();
  });

  it('max-age 0 still lets clients revalidate by ETag', async () => {
    const other = await createTestApp({ frontend: { httpCacheMaxAgeSeconds: 0 } });
    try {
      const response = await other.yoga.fetch(`http://newsgraph.test/graphql?query=${encodeURIComponent(QUERY)}`);
      expect(response.headers.get('cache-control')).toBe('public, no-cache');
      const again = await other.yoga.fetch(`http://newsgraph.test/graphql?query=${encodeURIComponent(QUERY)}`, {
        headers: { 'if-none-match': response.headers.get('etag')! },
      });
      expect(again.status).toBe(304);
    } finally {
      await other.close();
    }
  });
});
