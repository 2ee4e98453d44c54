import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildHTTPExecutor } from '@graphql-tools/executor-http';
import { sql } from 'drizzle-orm';
import { parse } from 'graphql';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/db/index.js';
import { defaultLimits } from '../../src/plugins/settings.js';
import { type TestApp, createTestApp, globalId } from '../support/app.js';
import { backendName } from '../support/database.js';
import { type LiveTestApp, SseReader, createLiveTestApp } from '../support/live.js';

/**
 * MAX_RESPONSE_BYTES holds for answers that are not one JSON document: the parts of a @defer /
 * @stream answer count together, and each subscription event counts on its own. Each is read over
 * a real socket by a real client, counting the bytes that arrive.
 */
const LIMIT = 256 * 1024;
/** Multipart or SSE framing, the last part with the error, and the estimate's slack. */
const MARGIN = 8 * 1024;
const BODY = 'All the words of a very long article, repeated. '.repeat(1_000); // 48 KB
const STATEMENTS = 100; // 4.8 MB with every statement's article body
const WIDE_BODY = '€'.repeat(48_000); // 48,000 characters, 144 KB
const limits = { ...defaultLimits, maxResponseBytes: LIMIT };

/** fetch, with the bytes of every response body counted as they arrive. */
function countingFetch() {
  const counted = { bytes: 0 };
  const fetchCounting: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        counted.bytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body!.pipeThrough(counter), { status: response.status, headers: response.headers });
  };
  return { fetch: fetchCounting, counted };
}

async function listen(app: { yoga: TestApp['yoga'] }, closers: (() => Promise<void>)[]) {
  const server = createServer(app.yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

async function insertLongArticle(app: { db: TestApp['db'] }, url: string, body = BODY, statements = 0) {
  const [article] = rowsOf<{ id: number }>(
    await app.db.execute(
      sql`insert into articles (url, headline, source, published_at, body) values (${url}, 'A long read', 'Test', now(), ${body}) returning id`,
    ),
  );
  await app.db.execute(
    sql`insert into statements (article_id, speaker_label, kind, text, said_at) select ${article!.id}, 'A speaker', 'PARAPHRASE', 'Statement ' || n, now() from generate_series(1, ${statements}) n`,
  );
  return article!.id;
}

describe(`@defer and @stream past the size limit, over HTTP (${backendName})`, () => {
  let app: TestApp;
  let endpoint: string;
  let article: string;
  let wideArticle: string;
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    app = await createTestApp({ hardening: { limits } });
    article = globalId('Article', await insertLongArticle(app, 'https://example.test/long-read', BODY, STATEMENTS));
    wideArticle = globalId('Article', await insertLongArticle(app, 'https://example.test/wide-read', WIDE_BODY, 5));
    endpoint = await listen(app, closers);
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await app?.close();
  });

  /** Every part executor-http hands out (merged, as Relay and urql merge them) and the bytes that came. */
  async function run(query: string) {
    const { fetch, counted } = countingFetch();
    const result = await buildHTTPExecutor({ endpoint, fetch })({ document: parse(query) });
    const parts: any[] = [];
    if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
      for await (const part of result as AsyncIterable<unknown>) parts.push(structuredClone(part));
    } else parts.push(result);
    return { parts, bytes: counted.bytes };
  }
  const codes = (part: any) => (part.errors ?? []).map((e: any) => e.extensions?.code);

  it('@stream: the items are made at once, so past the limit the answer is refused whole', async () => {
    const { parts, bytes } = await run(
      `{ node(id: "${article}") { ... on Article { statements(first: ${STATEMENTS}) { edges @stream(initialCount: 1) { node { text article { body } } } } } } }`,
    );
    console.log(`${backendName}, @stream: ${parts.length} parts, ${bytes} bytes received for a ${BODY.length * STATEMENTS} byte answer`);
    expect(bytes).toBeLessThanOrEqual(LIMIT + MARGIN);
    expect(codes(parts.at(-1))).toEqual(['RESPONSE_TOO_LARGE']);
    expect(parts.at(-1).errors[0].extensions.requestId).toBeTruthy();
  });

  it('@stream: parts are sent while their bytes add up to the limit, then a last part with the error', async () => {
    // Three bytes a character: the resolvers' estimate (characters) passes it, the bytes do not.
    const { parts, bytes } = await run(
      `{ node(id: "${wideArticle}") { ... on Article { statements(first: 5) { edges @stream(initialCount: 1) { node { text article { body } } } } } } }`,
    );
    console.log(`${backendName}, @stream of wide text: ${parts.length} parts, ${bytes} bytes received for a ${3 * WIDE_BODY.length * 5} byte answer`);
    expect(bytes).toBeLessThanOrEqual(LIMIT + MARGIN);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts[0].errors).toBeUndefined();
    expect(parts[0].data.node.statements.edges[0].node.article.body).toBe(WIDE_BODY);
    const last = parts.at(-1);
    expect(codes(last)).toEqual(['RESPONSE_TOO_LARGE']);
    expect(last.errors[0].extensions.requestId).toBeTruthy();
    // What arrived is whole, and no more than the limit.
    const edges = last.data.node.statements.edges;
    expect(edges.length).toBeLessThan(5);
    for (const edge of edges) expect(edge.node.article.body).toBe(WIDE_BODY);
  });

  it('@defer: a deferred part past the limit is replaced by the error', async () => {
    const { parts, bytes } = await run(
      `{ node(id: "${article}") { ... on Article { headline ... @defer { statements(first: ${STATEMENTS}) { edges { node { article { body } } } } } } } }`,
    );
    expect(bytes).toBeLessThanOrEqual(LIMIT + MARGIN);
    expect(parts[0].data.node.headline).toBe('A long read');
    // The headline, then the last part with the error (and its request id) in place of the patch.
    expect(parts).toHaveLength(2);
    expect(codes(parts[1])).toEqual(['RESPONSE_TOO_LARGE']);
    expect(parts[1].errors[0].extensions.requestId).toBeTruthy();
    expect(parts[1].data.node.statements).toBeUndefined();
  });

  it('an incremental answer under the limit is untouched', async () => {
    const { parts } = await run(
      `{ node(id: "${article}") { ... on Article { statements(first: 4) { edges @stream(initialCount: 1) { node { text article { body } } } } } } }`,
    );
    expect(parts.every((part) => part.errors === undefined)).toBe(true);
    expect(parts.at(-1).data.node.statements.edges).toHaveLength(4);
  });
});

describe(`subscription events past the size limit, over SSE (${backendName})`, () => {
  let app: LiveTestApp;
  let endpoint: string;
  let wsUrl: string;
  let longArticle: number;
  let shortArticle: number;
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    app = await createLiveTestApp({ hardening: { limits } });
    longArticle = await insertLongArticle(app, 'https://example.test/long-read');
    const [short] = rowsOf<{ id: number }>(await app.db.execute(sql`select id from articles where id <> ${longArticle} order by id limit 1`));
    shortArticle = short!.id;
    ({ url: endpoint, wsUrl } = await app.listen());
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await app?.close();
  });

  async function subscribe(query: string) {
    const { fetch, counted } = countingFetch();
    const controller = new AbortController();
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query }),
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = new SseReader(response.body!);
    closers.unshift(async () => {
      controller.abort();
      await reader.cancel();
    });
    return { next: () => reader.nextEvent(15_000), counted };
  }

  const insertStatement = (articleId: number, text: string) =>
    app.db.execute(
      sql`insert into statements (article_id, speaker_label, kind, text, said_at) values (${articleId}, 'A speaker', 'PARAPHRASE', ${text}, now())`,
    );

  /** Six copies of the article body: 288 KB, over the 256 KB cap. */
  const SELECTION = `statement { text ${Array.from({ length: 6 }, (_, i) => `a${i}: article { body }`).join(' ')} }`;

  it.each([
    ['a live tail (one reader for all)', ''],
    ['a replay from a cursor', 'after: $after'],
  ])('%s: the event past the limit is an error, and the subscription goes on', async (_name, after) => {
    let query = `subscription { statementAdded { cursor ${SELECTION} } }`;
    if (after) {
      // A cursor from now: subscribe once, store one, and resume from its event.
      const first = await subscribe(`subscription { statementAdded { cursor } }`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await insertStatement(shortArticle, 'the cursor');
      const cursor = (await first.next()).data.statementAdded.cursor;
      query = `subscription { statementAdded(after: ${JSON.stringify(cursor)}) { cursor ${SELECTION} } }`;
    }
    const subscription = await subscribe(query);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await insertStatement(longArticle, `too long ${after}`);
    await insertStatement(shortArticle, `short ${after}`);
    const big = await subscription.next();
    expect(big.errors.map((e: any) => e.extensions?.code)).toEqual(['RESPONSE_TOO_LARGE']);
    expect(big.data).toBeNull();
    const small = await subscription.next();
    expect(small.errors).toBeUndefined();
    expect(small.data.statementAdded.statement.text).toBe(`short ${after}`);
    console.log(`${backendName}, ${_name}: ${subscription.counted.bytes} bytes received for events of ${6 * BODY.length} and ~${6 * 3000} bytes`);
    expect(subscription.counted.bytes).toBeLessThanOrEqual(LIMIT + MARGIN);
  });
  it('over graphql-ws: the same error event, and the next event arrives', async () => {
    let received = 0;
    // The socket's incoming bytes, counted as the client reads them.
    class CountingWebSocket extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        this.on('message', (data: Buffer) => (received += data.byteLength));
      }
    }
    const client = createWsClient({ url: wsUrl, webSocketImpl: CountingWebSocket, retryAttempts: 0, lazy: false });
    try {
      const events = client.iterate({ query: `subscription { statementAdded { cursor ${SELECTION} } }` });
      const big = events.next();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await insertStatement(longArticle, 'too long over the socket');
      await insertStatement(shortArticle, 'short over the socket');
      const first = (await big).value as any;
      expect(first.errors.map((e: any) => e.extensions?.code)).toEqual(['RESPONSE_TOO_LARGE']);
      expect(first.data).toBeNull();
      const second = (await events.next()).value as any;
      expect(second.data.statementAdded.statement.text).toBe('short over the socket');
      expect(received).toBeLessThanOrEqual(LIMIT + MARGIN);
      await events.return?.();
    } finally {
      await client.dispose();
    }
  });
});
