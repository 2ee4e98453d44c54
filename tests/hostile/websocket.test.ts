// Issue #19 §3, §4 (sockets and operations per client) and §7: the WebSocket endpoint holds to
// the HTTP body limit, answers a bad operation on its own id without closing the socket or
// printing outside the JSON log, logs every operation with a request id, and bounds what one
// client may hold open.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { TOO_MANY_SOCKETS_CLOSE_CODE } from '../../src/live/websocket.js';
import { backendName } from '../support/database.js';
import { type LiveTestApp, createLiveTestApp } from '../support/live.js';
import { logCapture } from '../support/logs.js';

const MAX_PAYLOAD = 64 * 1024;
const MAX_OPERATIONS = 5;
const MAX_SOCKETS = 4;

let app: LiveTestApp;
let wsUrl: string;
let articleId: string;
const logs = logCapture();

beforeAll(async () => {
  app = await createLiveTestApp({ logger: logs.logger });
  ({ wsUrl } = await app.listen({ maxPayloadBytes: MAX_PAYLOAD, maxOperationsPerSocket: MAX_OPERATIONS, maxSocketsPerAddress: MAX_SOCKETS }));
  const { data } = await app.gql(`{ articles(first: 1) { edges { node { id } } } }`);
  articleId = data.articles.edges[0].node.id;
});
afterAll(() => app?.close());

// Nothing the server does may print outside the JSON log (a stack on stderr, in production too).
let printed: string[] = [];
beforeEach(() => {
  printed = [];
  for (const method of ['error', 'warn', 'log'] as const)
    vi.spyOn(console, method).mockImplementation((...args) => void printed.push(args.map(String).join(' ')));
});
afterEach(() => {
  vi.restoreAllMocks();
  expect(printed).toEqual([]);
});

/** A raw graphql-transport-ws client: every message it receives, and how the socket closed. */
class RawClient {
  readonly messages: any[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: (() => void)[] = [];
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)));
      this.wake();
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      this.wake();
    });
    socket.on('error', () => {});
  }
  private wake() {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  static async open(params: Record<string, unknown> = {}): Promise<RawClient> {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
    const client = new RawClient(socket);
    client.send({ type: 'connection_init', payload: params });
    await client.until(() => client.messages.some((m) => m.type === 'connection_ack') || client.closed !== null);
    return client;
  }

  send(message: unknown) {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async until(done: () => boolean, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; messages: ${JSON.stringify(this.messages).slice(0, 500)}, closed: ${JSON.stringify(this.closed)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, left);
      });
    }
  }

  of(id: string) {
    return this.messages.filter((m) => m.id === id);
  }

  close() {
    this.socket.close();
  }
}

const SUBSCRIPTION = `subscription { statementAdded { statement { text } } }`;

describe(`WebSocket endpoint under hostile clients (${backendName})`, () => {
  it('closes a socket whose message is over the HTTP body limit (1009), and serves the others', async () => {
    const bystander = await RawClient.open();
    const hostile = await RawClient.open();
    hostile.send({ id: 'big', type: 'subscribe', payload: { query: `{ __typename }${' '.repeat(MAX_PAYLOAD + 1)}` } });
    await hostile.until(() => hostile.closed !== null);
    expect(hostile.closed!.code).toBe(1009);
    expect(hostile.of('big')).toEqual([]);
    bystander.send({ id: 'q', type: 'subscribe', payload: { query: '{ __typename }' } });
    await bystander.until(() => bystander.of('q').some((m) => m.type === 'complete'));
    expect(bystander.of('q')[0].payload.data.__typename).toBe('Query');
    bystander.close();
  });

  it('answers a syntax error with an error for that operation only; the socket and its other subscription go on', async () => {
    const client = await RawClient.open();
    client.send({ id: 'live', type: 'subscribe', payload: { query: SUBSCRIPTION } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    client.send({ id: 'broken', type: 'subscribe', payload: { query: 'subscription { statementAdded { ' } });
    await client.until(() => client.of('broken').length > 0);
    const [answer] = client.of('broken');
    expect(answer.type).toBe('error');
    expect(answer.payload[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(answer.payload[0].extensions.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(answer)).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules/);
    expect(client.closed).toBeNull();
    // The other subscription on the socket still delivers.
    const text = `after a broken subscribe ${Math.random()}`;
    const created = await app.gql(`mutation($input: CreateStatementInput!) { createStatement(input: $input) { statement { id } } }`, {
      input: { articleId, text, kind: 'PARAPHRASE', speakerLabel: 'a source' },
    });
    expect(created.errors).toBeUndefined();
    await app.live.refresh();
    await client.until(() => client.of('live').some((m) => m.payload?.data?.statementAdded.statement.text === text));
    client.close();
  });

  it('answers an operation that cannot start (unknown field) with coded errors, not a closed socket', async () => {
    const client = await RawClient.open();
    client.send({ id: 'v', type: 'subscribe', payload: { query: '{ nope }' } });
    await client.until(() => client.of('v').length > 0);
    expect(client.of('v')[0].type).toBe('error');
    expect(client.of('v')[0].payload[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(client.closed).toBeNull();
    client.close();
  });

  it('logs every operation with a request id, a refused mutation too', async () => {
    const client = await RawClient.open({ authorization: 'Bearer not-a-token' });
    const before = logs.lines.length;
    client.send({ id: 'm', type: 'subscribe', payload: { query: 'mutation Rename { createPerson(input: { name: "Never Stored" }) { person { id } } }' } });
    await client.until(() => client.of('m').some((m) => m.type === 'complete'));
    const answer = client.of('m').find((m) => m.type === 'next');
    expect(answer.payload.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const requestId = answer.payload.errors[0].extensions.requestId;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    client.send({ id: 'q', type: 'subscribe', payload: { query: 'query Hello { __typename }' } });
    await client.until(() => client.of('q').some((m) => m.type === 'complete'));
    const lines = logs.lines.slice(before).filter((l) => l.transport === 'websocket');
    expect(lines.find((l) => l.operationName === 'Rename')).toMatchObject({ requestId, operationType: 'mutation', errors: ['UNAUTHENTICATED'] });
    expect(lines.find((l) => l.operationName === 'Hello')).toMatchObject({ operationType: 'query', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    client.close();
  });

  it(`answers operations past ${MAX_OPERATIONS} on one socket with an error each, keeping the socket`, async () => {
    const client = await RawClient.open();
    for (let i = 0; i < MAX_OPERATIONS + 3; i++) client.send({ id: `s${i}`, type: 'subscribe', payload: { query: SUBSCRIPTION } });
    await client.until(() => client.of(`s${MAX_OPERATIONS + 2}`).length > 0);
    for (let i = 0; i < MAX_OPERATIONS; i++) expect(client.of(`s${i}`)).toEqual([]);
    for (let i = MAX_OPERATIONS; i < MAX_OPERATIONS + 3; i++) {
      expect(client.of(`s${i}`)[0]).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } }] });
    }
    // Completing one makes room for another.
    client.send({ id: 's0', type: 'complete' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.send({ id: 'again', type: 'subscribe', payload: { query: '{ __typename }' } });
    await client.until(() => client.of('again').some((m) => m.type === 'complete'));
    expect(client.of('again')[0].payload.data.__typename).toBe('Query');
    expect(client.closed).toBeNull();
    client.close();
  });

  it(`closes initialised sockets past ${MAX_SOCKETS} from one address, and accepts again once some close`, async () => {
    const clients: RawClient[] = [];
    for (let i = 0; i < MAX_SOCKETS; i++) clients.push(await RawClient.open());
    expect(clients.every((c) => c.closed === null && c.messages.some((m) => m.type === 'connection_ack'))).toBe(true);
    const extra = await RawClient.open();
    await extra.until(() => extra.closed !== null);
    expect(extra.closed!.code).toBe(TOO_MANY_SOCKETS_CLOSE_CODE);
    expect(extra.messages.some((m) => m.type === 'connection_ack')).toBe(false);
    clients[0]!.close();
    await clients[0]!.until(() => clients[0]!.closed !== null);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const next = await RawClient.open();
    expect(next.closed).toBeNull();
    expect(next.messages.some((m) => m.type === 'connection_ack')).toBe(true);
    for (const client of [...clients.slice(1), next]) client.close();
  });
});
