// The live page (GET /live) in a real browser: statements appear as they are stored, the person
// filter narrows them, and after a dropped connection the page resumes from its last cursor, so
// every statement stored meanwhile shows exactly once.
import { execFileSync } from 'node:child_process';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, inCI, launchChromium } from '../support/chromium.js';
import { type LiveTestApp, createLiveTestApp } from '../support/live.js';

const executablePath = chromiumPath();
const ROOT = path.resolve(import.meta.dirname, '../..');

describe.skipIf(!executablePath && !inCI)('the live page in a real browser', () => {
  let app: LiveTestApp;
  let server: Server;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let baseUrl: string;
  let articleId: string;
  let headline: string;
  let people: { id: string; name: string }[];
  let counter = 0;
  /** Words for the statements (they end up in docs/live.png). */
  const SAYINGS = [
    'We will hold hearings on this before the end of the month.',
    'The agency has not answered our questions about the contract.',
    'Nobody on the committee saw the report before it was published.',
    'We expect the vote to be close, but we have the numbers.',
    'The ceasefire has held through the night, officials said.',
    'I have asked for a full accounting of the money.',
  ];

  /** Stores a statement through the API (by a named speaker, or an unnamed source). */
  async function addStatement(speakerId?: string, text = `${SAYINGS[counter++ % SAYINGS.length]} (${counter})`) {
    const { data, errors } = await app.gql(`mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { id text } } }`, {
      input: { articleId, text, kind: 'DIRECT_QUOTE', ...(speakerId ? { speakerId } : { speakerLabel: 'a source' }) },
    });
    expect(errors).toBeUndefined();
    return data.createStatement.statement as { id: string; text: string };
  }

  /** The statement ids on the page, top (newest) first. */
  const shownIds = (page: Page) => page.locator('#statements > li').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.statementId));

  beforeAll(async () => {
    // The page's script is the bundle `npm start` serves (scripts/build.mjs; skipped when up to date).
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
    app = await createLiveTestApp();
    const { data } = await app.gql('{ articles(first: 1) { edges { node { id headline } } } people(first: 2) { edges { node { id name } } } }');
    articleId = data.articles.edges[0].node.id;
    headline = data.articles.edges[0].node.headline;
    people = data.people.edges.map((edge: any) => edge.node);
    server = createServer(app.yoga);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium(executablePath, 'the live page test');
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await app?.close();
  });

  async function openPage(query = '') {
    const page = await browser.context.newPage();
    const offsite: string[] = [];
    const errors: string[] = [];
    // Air-gapped newsroom: everything comes from the service itself.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(baseUrl)) return route.continue();
      offsite.push(url);
      return route.abort();
    });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/ERR_INTERNET_DISCONNECTED|ERR_FAILED|ERR_NETWORK_CHANGED|Failed to load resource/.test(message.text()))
        errors.push(message.text());
    });
    await page.goto(`${baseUrl}/live${query}`);
    await page.locator('#status[data-status="live"]').waitFor({ timeout: 15_000 });
    return { page, offsite, errors };
  }

  it('shows a stored statement within 2 s, and after two dropped connections every one stored meanwhile exactly once', async () => {
    const { page, offsite, errors } = await openPage();
    await expect.poll(() => app.live.stats.subscribers(), { timeout: 10_000 }).toBe(1);

    // Markup in a statement is text on the page, never HTML.
    const first = await addStatement(people[0]!.id, 'Markup such as <b>this</b> is shown as text, never run.');
    const storedAt = Date.now();
    const item = page.locator(`#statements > li[data-statement-id="${first.id}"]`);
    await item.waitFor({ timeout: 2_000 });
    const latencyMs = Date.now() - storedAt;
    expect(latencyMs).toBeLessThan(2_000);
    await expect.poll(() => item.locator('.speaker').textContent()).toBe(people[0]!.name);
    expect(await item.locator('.kind').textContent()).toMatch(/direct quote/i);
    expect(await item.locator('.text').textContent()).toBe(first.text);
    expect(await item.locator('.text b').count()).toBe(0);
    expect(await item.locator('.headline').textContent()).toBe(headline);
    expect(await item.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);

    const expected = [first.id];

    // 1. The network goes away (and the server drops the open stream): the page notices, waits
    //    for the network, and resumes from its last cursor.
    await browser.context.setOffline(true);
    server.closeAllConnections();
    await page.locator('#status:not([data-status="live"])').waitFor({ timeout: 10_000 });
    for (let i = 0; i < 3; i++) expected.push((await addStatement(i === 1 ? undefined : people[i % 2]!.id)).id);
    await browser.context.setOffline(false);
    await expect.poll(async () => (await shownIds(page)).length, { timeout: 10_000 }).toBe(expected.length);

    // 2. The server drops the stream and refuses the reconnections for a while: the page retries
    //    (backing off) and resumes from its last cursor once the service answers again.
    await page.route(`${baseUrl}/graphql`, (route) => route.abort('connectionrefused'));
    server.closeAllConnections();
    await page.locator('#status[data-status="reconnecting"]').waitFor({ timeout: 10_000 });
    for (let i = 0; i < 3; i++) expected.push((await addStatement(people[1]!.id)).id);
    await page.waitForTimeout(1_000); // at least one refused attempt
    await page.unroute(`${baseUrl}/graphql`);
    await page.locator('#status[data-status="live"]').waitFor({ timeout: 15_000 });
    const after = await addStatement();
    expected.push(after.id);
    await page.locator(`#statements > li[data-statement-id="${after.id}"]`).waitFor({ timeout: 5_000 });

    // Each exactly once, newest first: no gap, no duplicate.
    expect(await shownIds(page)).toEqual([...expected].reverse());
    await page.screenshot({ path: process.env.LIVE_PAGE_SCREENSHOT ?? path.join(tmpdir(), 'newsgraph-live.png'), fullPage: true });
    expect(offsite).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
    await expect.poll(() => app.live.stats.subscribers(), { timeout: 10_000 }).toBe(0);
  }, 90_000);

  it('cut before its first event, it resumes from where it first subscribed: nothing stored meanwhile is missed', async () => {
    const { page, errors } = await openPage();
    await expect.poll(() => app.live.stats.subscribers(), { timeout: 10_000 }).toBe(1);
    expect(await shownIds(page)).toEqual([]);

    await browser.context.setOffline(true);
    server.closeAllConnections();
    await page.locator('#status:not([data-status="live"])').waitFor({ timeout: 10_000 });
    const expected = [];
    for (let i = 0; i < 2; i++) expected.push((await addStatement(people[i]!.id)).id);
    await browser.context.setOffline(false);
    await page.locator('#status[data-status="live"]').waitFor({ timeout: 15_000 });
    const after = await addStatement();
    expected.push(after.id);
    await page.locator(`#statements > li[data-statement-id="${after.id}"]`).waitFor({ timeout: 5_000 });

    expect(await shownIds(page)).toEqual([...expected].reverse());
    expect(errors).toEqual([]);
    await page.close();
    await expect.poll(() => app.live.stats.subscribers(), { timeout: 10_000 }).toBe(0);
  }, 90_000);

  it('filters by person: picked in the list (or given as ?speaker=), only their statements appear', async () => {
    const [speaker, other] = people as [{ id: string; name: string }, { id: string; name: string }];
    const { page, errors } = await openPage();
    await page.locator('#person-search').fill(speaker.name);
    await expect.poll(() => page.locator('#speaker option').allInnerTexts(), { timeout: 5_000 }).toContain(speaker.name);
    await page.locator('#speaker').selectOption(speaker.id);
    await page.locator('#status[data-status="live"]').waitFor({ timeout: 10_000 });
    expect(new URL(page.url()).searchParams.get('speaker')).toBe(speaker.id);
    await expect.poll(() => app.live.stats.subscribers(), { timeout: 10_000 }).toBe(1);

    const others = await addStatement(other.id);
    const unnamed = await addStatement();
    const theirs = await addStatement(speaker.id);
    await page.locator(`#statements > li[data-statement-id="${theirs.id}"]`).waitFor({ timeout: 2_000 });
    expect(await shownIds(page)).toEqual([theirs.id]);
    expect([others.id, unnamed.id]).not.toContain(theirs.id);

    // The same filter from the address, as a shared link.
    const shared = await openPage(`?speaker=${encodeURIComponent(other.id)}`);
    expect(await shared.page.locator('#speaker').inputValue()).toBe(other.id);
    const next = await addStatement(other.id);
    await addStatement(speaker.id);
    await shared.page.locator(`#statements > li[data-statement-id="${next.id}"]`).waitFor({ timeout: 2_000 });
    await shared.page.waitForTimeout(300);
    expect(await shownIds(shared.page)).toEqual([next.id]);
    expect([...errors, ...shared.errors]).toEqual([]);
    await Promise.all([page.close(), shared.page.close()]);
  }, 90_000);
});
