// GET /live and its script over HTTP (the page in a browser: tests/browser/live-page.test.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from './support/app.js';

describe('GET /live', () => {
  let app: TestApp;
  let bundleDir: string;
  const get = (pathname: string, init: RequestInit = {}) => app.yoga.fetch(`http://newsgraph.test${pathname}`, init);

  beforeAll(async () => {
    bundleDir = mkdtempSync(path.join(tmpdir(), 'newsgraph-live-page-'));
    app = await createTestApp({ livePage: { bundleDir } });
  });

  afterAll(async () => {
    await app?.close();
    rmSync(bundleDir, { recursive: true, force: true });
  });

  it('serves the page, which loads only its own script and allows no other', async () => {
    const response = await get('/live');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).toContain('<script type="module" src="/live/live.js"></script>');
    // Nothing from anywhere else, and no inline script (the policy would block it).
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script type="module" src="/live/live.js">']);
    for (const id of ['statements', 'status', 'notice', 'speaker', 'person-search']) expect(html).toContain(`id="${id}"`);
  });

  it('answers a script not built yet with a 503 that says what to run, and serves it once built', async () => {
    const missing = await get('/live/live.js');
    expect(missing.status).toBe(503);
    expect(missing.headers.get('cache-control')).toBe('no-store');
    expect(await missing.text()).toContain('npm run build');

    writeFileSync(path.join(bundleDir, 'live.js'), 'console.log("live");\n');
    const built = await get('/live/live.js');
    expect(built.status).toBe(200);
    expect(built.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(built.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await built.text()).toBe('console.log("live");\n');
  });

  it('revalidates by ETag: 304 with no body for a tag it gave', async () => {
    for (const pathname of ['/live', '/live/live.js']) {
      const first = await get(pathname);
      expect(first.status).toBe(200);
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^"[\w-]{43}"$/);
      expect(first.headers.get('cache-control')).toBe('no-cache');
      const again = await get(pathname, { headers: { 'if-none-match': `"other", ${etag}` } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
      expect((await get(pathname, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
    }
  });

  it('answers HEAD without a body and refuses other methods with 405', async () => {
    const head = await get('/live', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await get('/live', { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('leaves other paths alone: /graphql still answers, /livefeed is not the page', async () => {
    expect((await app.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
    expect((await get('/livefeed')).status).toBe(404);
  });
});
