// An unexpected failure while resolving a live event is masked for the subscribers, as in any
// response, and its cause is logged once per execution (one execution serves every subscriber of
// the same operation): on the shared broadcast of a live tail, on a replaying subscriber's own
// stream and over graphql-ws alike.
import { sql } from 'drizzle-orm';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { backendName } from './support/database.js';
import { type LiveTestApp, createLiveTestApp } from './support/live.js';
import { logCapture } from './support/logs.js';

const logs = logCapture();
let app: LiveTestApp;
beforeAll(async () => {
  app = await createLiveTestApp({ logger: logs.logger });
});
afterAll(() => app?.close());

const SUBSCRIPTION = `subscription($after: String) { statementAdded(after: $after) { cursor statement { text speaker { name } } } }`;
const insertStatement = (text: string) =>
  app.db.execute(sql`insert into statements (article_id, speaker_id, kind, text, said_at) values (1, 1, 'PARAPHRASE', ${text}, now())`);

describe(`errors in live events (${backendName})`, () => {
  it('are masked for every subscriber and their cause logged once per execution', async () => {
    const tail = await app.subscribe(SUBSCRIPTION);
    await insertStatement('Before the failure.');
    const first = await tail.next();
    expect(first.data.statementAdded.statement.speaker.name).toBeTruthy();
    const replaying = await app.subscribe(SUBSCRIPTION, { after: first.data.statementAdded.cursor });
    expect(await replaying.nothingWithin(300)).toBe(true);
    // Its own operation (one more field), so its own execution.
    const { wsUrl } = await app.listen();
    const ws = createWsClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const overSocket = ws.iterate({ query: SUBSCRIPTION.replace('cursor', 'cursor __typename') });
    const socketEvent = overSocket.next();
    await new Promise((resolve) => setTimeout(resolve, 300));

    // The speaker's table is gone while the event is resolved: an error no client should see.
    await app.db.execute(sql`alter table people rename to people_elsewhere`);
    try {
      const before = logs.lines.length;
      await insertStatement('During the failure.');
      const events = [await tail.next(), await replaying.next(), (await socketEvent).value as { errors?: { message: string }[] }];
      for (const event of events) {
        expect(event.errors?.[0]?.message).toBe('Unexpected error.');
        expect(JSON.stringify(event)).not.toMatch(/people|relation|stack/i);
      }
      // Logged once per execution: the tail's broadcast, the replaying subscriber's own stream, the socket's.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const logged = logs.lines.slice(before).filter((line) => line.msg === 'unexpected error in a subscription event (masked)');
      expect(logged, JSON.stringify(logs.lines.slice(before))).toHaveLength(3);
      for (const line of logged) {
        expect(line.level).toBe(50);
        expect(JSON.stringify(line.err)).toMatch(/people/);
      }
    } finally {
      await app.db.execute(sql`alter table people_elsewhere rename to people`);
    }
    await insertStatement('After the failure.');
    for (const subscription of [tail, replaying]) expect((await subscription.next()).data.statementAdded.statement.text).toBe('After the failure.');
    expect(((await overSocket.next()).value as { data: { statementAdded: { statement: { text: string } } } }).data.statementAdded.statement.text).toBe(
      'After the failure.',
    );
    await overSocket.return?.();
    await ws.dispose();
  });
});
