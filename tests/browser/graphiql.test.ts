import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, inCI, launchChromium } from '../support/chromium.js';
import { type LiveTestApp, createLiveTestApp } from '../support/live.js';

const executablePath = chromiumPath();

describe.skipIf(!executablePath && !inCI)('GraphiQL in a real browser', () => {
  let app: LiveTestApp;
  let server: Server;
  let browser: BrowserContext;
  let closeBrowser: (() => Promise<void>) | undefined;
  let baseUrl: string;

  beforeAll(async () => {
    // a fresh profile every run, removed on close; in CI a missing browser fails here
    ({ context: browser, close: closeBrowser } = await launchChromium(executablePath, 'the GraphiQL test'));
    app = await createLiveTestApp();
    server = createServer(app.yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    await closeBrowser?.();
    if (server) await new Promise((resolve) => server.close(resolve));
    await app?.close();
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

  it('shows the whole default query, its first comment line included, on a fresh load and after a reload', async () => {
    const page = await browser.newPage();
    const editor = page.locator('.graphiql-query-editor .view-lines').first();
    const firstLine = '# Who said what in the seed article';
    const shown = async () => {
      await page.locator('.graphiql-execute-button').waitFor({ timeout: 30_000 });
      await expect.poll(async () => (await editor.innerText()).replace(/\s+/g, ' ').trim(), { timeout: 30_000 }).toMatch(new RegExp(`^${firstLine}`));
      expect((await editor.innerText()).replace(/\s+/g, ' ')).toContain('query WhoSaidWhat {');
    };
    await page.goto(`${baseUrl}/graphql`, { headers: { accept: 'text/html' } } as never);
    await shown();
    // GraphiQL 5 stored the tab in localStorage: a reload opens that.
    await page.reload();
    await shown();
    await page.close();
  }, 90_000);

  it('runs a statementAdded subscription and shows a statement stored after it started', async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const subscription = 'subscription { statementAdded { statement { text speaker { name } } } }';
    // GraphiQL takes the operation from ?query=, as in a shared link.
    await page.goto(`${baseUrl}/graphql?query=${encodeURIComponent(subscription)}`, { headers: { accept: 'text/html' } } as never);
    const run = page.locator('.graphiql-execute-button');
    await run.waitFor({ timeout: 30_000 });
    await run.click();
    // The browser's subscription has reached the server...
    await expect.poll(() => app.live.stats.subscribers(), { timeout: 30_000 }).toBe(1);
    // ...and a statement stored now shows up in GraphiQL's result pane.
    const text = `Seen in GraphiQL ${Date.now()}`;
    const { data } = await app.gql('{ articles(first: 1) { edges { node { id } } } }');
    const created = await app.gql(`mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { id } } }`, {
      input: { articleId: data.articles.edges[0].node.id, text, kind: 'PARAPHRASE', speakerLabel: 'a source' },
    });
    expect(created.errors).toBeUndefined();
    const result = page.locator('.result-window, .graphiql-response');
    await expect.poll(async () => (await result.first().innerText()).replace(/\s+/g, ' '), { timeout: 30_000 }).toContain(`"text": "${text}"`);
    expect(pageErrors).toEqual([]);
    await page.close();
    // Leaving the page ends the subscription on the server.
    await expect.poll(() => app.live.stats.subscribers(), { timeout: 30_000 }).toBe(0);
  }, 90_000);
});
