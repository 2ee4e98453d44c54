// The body limit over a real socket, where Node's HTTP parser is what makes Content-Length
// trustworthy (src/plugins/limits.ts: useBodySizeLimit counts only bodies without one).
import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../support/app.js';
import { backendName } from '../support/database.js';

let app: TestApp;
let server: Server;
let port: number;
const LIMIT = 4096;

beforeAll(async () => {
  app = await createTestApp({ hardening: { limits: { maxBodyBytes: LIMIT } as never } });
  server = createServer(app.yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await app?.close();
});

/** POSTs `chunks` one write each; without a length header Node sends them chunked. */
function send(chunks: string[], headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null }));
      },
    );
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const query = (padding: number) => JSON.stringify({ query: `{ __typename }${' '.repeat(padding)}` });

describe(`request body limit over HTTP (${backendName})`, () => {
  it('answers a chunked body under the limit', async () => {
    const body = query(1000);
    const { status, body: result } = await send([body.slice(0, 500), body.slice(500)]);
    expect(status).toBe(200);
    expect(result.data.__typename).toBe('Query');
  });

  it('refuses a chunked body over the limit with 413, counting as it reads', async () => {
    const body = query(LIMIT * 3);
    const { status, body: result } = await send([body.slice(0, LIMIT), body.slice(LIMIT, 2 * LIMIT), body.slice(2 * LIMIT)]);
    expect(status).toBe(413);
    expect(result.errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
  });

  it('refuses a declared length over the limit from the header, and answers one under it', async () => {
    const big = query(LIMIT * 2);
    const refused = await send([big], { 'content-length': String(Buffer.byteLength(big)) });
    expect(refused.status).toBe(413);
    const small = query(10);
    const answered = await send([small], { 'content-length': String(Buffer.byteLength(small)) });
    expect(answered.status).toBe(200);
  });
});
