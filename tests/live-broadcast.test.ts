import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendName } from './support/database.js';
import { type LiveTestApp, createLiveTestApp } from './support/live.js';

// SSE subscribers of a live tail are pushed their frames by one reader (src/live/broadcast.ts). One
// whose connection stops taking them falls behind the push, continues from the statement log where
// it left off, and, reading again, gets everything once and in order.
let app: LiveTestApp;
beforeAll(async () => {
  app = await createLiveTestApp();
});
afterAll(() => app?.close());

// ~70 kB per event (15 copies of the seed article's body): 300 of them are far more than the
// socket buffers and the push backlog hold.
const BODIES = Array.from({ length: 15 }, (_, i) => `b${i}: body`).join(' ');
const SUBSCRIPTION = `subscription { statementAdded { statement { text article { ${BODIES} } } } }`;
const COUNT = 300;

describe(`statementAdded broadcast over SSE (${backendName})`, () => {
  it('a reader that pauses far behind the push loses and repeats nothing once it reads again', async () => {
    const { url } = await app.listen();
    const { port } = new URL(url);
    const { data } = await app.gql(`{ articles(first: 1) { edges { node { id } } } }`);
    const articleId = data.articles.edges[0].node.id as string;

    // A raw SSE subscription, and a second, reading one for the same operation.
    const body = JSON.stringify({ query: SUBSCRIPTION });
    const socket = connect(Number(port), '127.0.0.1');
    socket.write(
      `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    await expect.poll(() => Buffer.concat(received).toString('latin1'), { timeout: 10_000 }).toMatch(/^HTTP\/1\.1 200[\s\S]*\r\n\r\n/);
    const reader = await app.subscribe(SUBSCRIPTION);
    socket.pause(); // stops reading: the kernel buffers fill, then the server's

    const operation = `mutation($a: ID!) { ${Array.from({ length: 15 }, (_, i) => `s${i}: createStatement(input: { articleId: $a, text: "slow-reader-$N-${i} said", kind: PARAPHRASE, speakerLabel: "a source" }) { statement { id } }`).join(' ')} }`;
    for (let batch = 0; batch < COUNT / 15; batch++) {
      const result = await app.gql(operation.replaceAll('$N', String(batch)), { a: articleId });
      expect(result.errors).toBeUndefined();
    }
    const expected = Array.from({ length: COUNT }, (_, k) => `${Math.floor(k / 15)}-${k % 15}`);
    // The other subscriber is not held back by the stuck one (it read nothing meanwhile either, and
    // fell behind the push too, in process: the same path as a slow browser).
    const first: string[] = [];
    for (let k = 0; k < COUNT; k++) first.push(/slow-reader-(\d+-\d+) said/.exec((await reader.next()).data.statementAdded.statement.text)![1]!);
    expect(first).toEqual(expected);

    socket.resume();
    const markers = () =>
      [
        ...Buffer.concat(received)
          .toString('latin1')
          .matchAll(/slow-reader-(\d+-\d+) said/g),
      ].map((m) => m[1]);
    await expect.poll(() => markers().length, { timeout: 30_000 }).toBeGreaterThanOrEqual(COUNT);
    await new Promise((resolve) => setTimeout(resolve, 200)); // nothing more (no repeats) arrives
    expect(markers()).toEqual(expected);
    socket.destroy();
    await reader.close();
  }, 120_000);
});
