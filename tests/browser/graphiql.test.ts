import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../support/app.js';

/** Debian's chromium, if installed (.ci/run installs it; locally the test skips without it). */
function chromiumPath(): string | undefined {
  try {
    return execSync('command -v chromium', { shell: '/bin/sh' }).toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

const executablePath = chromiumPath();

describe.skipIf(!executablePath)('GraphiQL in a real browser', () => {
  let app: TestApp;
  let server: Server;
  let browser: BrowserContext;
  let userDataDir: string;
  let baseUrl: string;

  beforeAll(async () => {
    app = await createTestApp();
    server = createServer(app.yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    userDataDir = mkdtempSync(path.join(tmpdir(), 'newsgraph-chromium-'));
    // A fresh profile every run; playwright passes it as --user-data-dir.
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await app?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('loads with no request leaving the machine, runs the default query and shows a person from the seed article', async () => {
    const page = await browser.newPage();
    const offsite: string[] = [];
    // Air-gapped newsroom: every asset must come from the service itself.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(baseUrl) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      offsite.push(url);
      return route.abort();
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(`${baseUrl}/graphql`, { headers: { accept: 'text/html' } } as never);
    const run = page.locator('.graphiql-execute-button');
    await run.waitFor({ timeout: 30_000 });
    await run.click();
    const result = page.locator('.result-window, .graphiql-response');
    // The editor renders spaces as no-break spaces: compare with whitespace normalised.
    await expect.poll(async () => (await result.first().innerText()).replace(/\s+/g, ' '), { timeout: 30_000 }).toContain('"name": "Rand Paul"');

    expect(offsite).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 90_000);
});
