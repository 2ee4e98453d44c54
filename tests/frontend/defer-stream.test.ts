import { buildHTTPExecutor } from '@graphql-tools/executor-http';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../support/app.js';
import { backendName } from '../support/database.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

// An article page that defers its statements, and a people list that streams.
const ARTICLE = `{ articles(first: 1) { edges { node { headline
  ... @defer(label: "statements") { statements(first: 3) { edges { node { text } } } } } } } }`;
const STREAMED = '{ searchPeople: people(first: 4) { edges @stream(initialCount: 1) { node { name } } } }';
const PLAIN_ARTICLE = '{ articles(first: 1) { edges { node { headline statements(first: 3) { edges { node { text } } } } } } }';

async function collect(result: unknown) {
  const parts: any[] = [];
  if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
    for await (const part of result as AsyncIterable<unknown>) parts.push(structuredClone(part)); // the client merges in place
  } else parts.push(result);
  return parts;
}

describe(`@defer and @stream (${backendName})`, () => {
  it('multipart/mixed: the deferred statements arrive after the headline, and add up to the plain answer', async () => {
    const executor = buildHTTPExecutor({ endpoint: 'http://newsgraph.test/graphql', fetch: app.yoga.fetch });
    const parts = await collect(await executor({ document: parse(ARTICLE) }));
    expect(parts.length).toBeGreaterThan(1);
    const [first] = parts;
    expect(first.errors).toBeUndefined();
    expect(first.data.articles.edges[0].node.headline).toBeTruthy();
    expect(first.data.articles.edges[0].node.statements).toBeUndefined();
    // executor-http merges the patches into the running result, as Relay and urql do.
    const last = parts.at(-1);
    const plain = await app.gql(PLAIN_ARTICLE);
    expect(last.data).toEqual(plain.data);
  });

  it('@stream sends the first item at once and the rest as patches', async () => {
    const executor = buildHTTPExecutor({ endpoint: 'http://newsgraph.test/graphql', fetch: app.yoga.fetch });
    const parts = await collect(await executor({ document: parse(STREAMED) }));
    expect(parts[0].data.searchPeople.edges).toHaveLength(1);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.at(-1).data.searchPeople.edges).toHaveLength(4);
  });

  it('over SSE: one "next" event per part, then "complete"', async () => {
    const response = await app.yoga.fetch('http://newsgraph.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: ARTICLE }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await response.text();
    const events = [...text.matchAll(/event: (\w+)\ndata: ?(.*)\n/g)].map(([, event, data]) => ({ event, data }));
    const next = events.filter((e) => e.event === 'next').map((e) => JSON.parse(e.data!));
    expect(next.length).toBeGreaterThan(1);
    expect(next[0].data.articles.edges[0].node.headline).toBeTruthy();
    expect(next[0].hasNext).toBe(true);
    const patch = next.find((part) => part.incremental);
    expect(patch.incremental[0].data.statements.edges.length).toBeGreaterThan(0);
    expect(events.at(-1)?.event).toBe('complete');
  });

  it('the SQL compiler leaves deferred operations to the executor, and still compiles the plain one', async () => {
    const before = app.sqlLog.length;
    await collect(await buildHTTPExecutor({ endpoint: 'http://newsgraph.test/graphql', fetch: app.yoga.fetch })({ document: parse(ARTICLE) }));
    expect(app.sqlLog.slice(before).some((q) => /json_build_object\('data'|"data"/.test(q))).toBe(false);
    const plain = await app.countStatements(PLAIN_ARTICLE);
    expect(plain.statements).toBe(1);
    expect(plain.sql[0]).toMatch(/json_build_object/);
  });
});
