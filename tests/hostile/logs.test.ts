// Issue #19 §6: logs must not leak input, and must say what went wrong. A masked error's cause is
// logged as its code and a short message (never SQL parameters or bodies), a client's mistake at
// info, every line bounded in size, identical lines rate-limited.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/auth/tokens.js';
import { createLogger, errorSummary, rateLimitedLog } from '../../src/plugins/logging.js';
import { type TestApp, createTestApp } from '../support/app.js';
import { backendName } from '../support/database.js';
import { logCapture } from '../support/logs.js';

let app: TestApp;
let token: string;
const logs = logCapture();
beforeAll(async () => {
  app = await createTestApp({ logger: logs.logger });
  ({ token } = await createToken(app.db, 'log tester'));
});
afterAll(() => app?.close());

const MARKER = 'secretivemarker';
const serialized = (lines: unknown[]) => lines.map((line) => JSON.stringify(line));

describe(`what the logs say about errors (${backendName})`, () => {
  it('a 400 KB filter value with a NUL: BAD_USER_INPUT for the client, one short info line with the SQLSTATE', async () => {
    const before = logs.lines.length;
    const value = `${MARKER}${'x'.repeat(400_000)}`;
    const result = await app.gql(`{ articles(filter: { source: "${value}\\u0000" }) { totalCount } }`);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const lines = logs.lines.slice(before).filter((l) => l.err);
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line.level).toBe(30); // info: the client's mistake, not the service's
    expect(line.msg).toBe('client error');
    expect(line.requestId).toBe(result.errors![0]!.extensions!.requestId);
    expect(line.err.code).toBe('22021'); // invalid byte sequence: what PostgreSQL said
    expect(JSON.stringify(line).length).toBeLessThan(4_000);
    expect(serialized(logs.lines.slice(before)).join('\n')).not.toContain(MARKER);
  });

  it('a failed ingest never logs its body', async () => {
    const before = logs.lines.length;
    const response = await app.yoga.fetch('http://newsgraph.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: `mutation { ingestArticle(input: { url: "https://news.example.com/logs/${Date.now()}", headline: "H", source: "S",
          publishedAt: "2026-12-03T00:00:00Z", body: "Senator Jane Roe said ${MARKER} things.\\u0000" }) { created } }`,
      }),
    });
    const result = (await response.json()) as any;
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const text = serialized(logs.lines.slice(before)).join('\n');
    expect(text).not.toContain(MARKER);
    expect(text).not.toMatch(/params:/);
  });

  it('identical client-error lines are rate-limited', async () => {
    const before = logs.lines.length;
    for (let i = 0; i < 25; i++) await app.gql(`{ articles(filter: { source: "same\\u0000" }) { totalCount } }`);
    const lines = logs.lines.slice(before).filter((l) => l.msg === 'client error');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(10);
  });
});

describe('log line bounds', () => {
  function capture() {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    return { lines, logger: createLogger({ level: 'info' }, stream) };
  }

  it('cuts long strings, long lists and raw errors down to size', () => {
    const { lines, logger } = capture();
    logger.info({ value: 'y'.repeat(1_000_000), list: Array.from({ length: 10_000 }, (_, i) => i), nested: { deeper: 'z'.repeat(100_000) } }, 'big');
    logger.info('m'.repeat(1_000_000));
    const error = Object.assign(new Error(`Failed query: select $1\nparams: ${MARKER}${'p'.repeat(100_000)}`), {
      cause: Object.assign(new Error('invalid byte sequence'), { code: '22021' }),
    });
    logger.error({ err: error }, 'with an error');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line.length).toBeLessThan(10_000);
    const logged = JSON.parse(lines[2]!);
    expect(logged.err).toMatchObject({ message: 'Failed query', code: '22021', cause: { message: 'invalid byte sequence' } });
    expect(lines[2]).not.toContain(MARKER);
  });

  it('sums an error up as type, code, short message and code locations', () => {
    const summary = errorSummary(Object.assign(new TypeError(`x is undefined\n${MARKER}`), { code: 'E_TEST' }));
    expect(summary).toMatchObject({ type: 'TypeError', message: 'x is undefined', code: 'E_TEST' });
    expect(summary.stack!.every((frame) => frame.startsWith('at '))).toBe(true);
    expect(JSON.stringify(summary)).not.toContain(MARKER);
  });

  it('logs the count of suppressed identical lines when the window ends', async () => {
    const { lines, logger } = capture();
    const log = rateLimitedLog(logger, { max: 2, windowMs: 50 });
    for (let i = 0; i < 7; i++) log('error', { requestId: String(i), err: { type: 'E', message: 'same' } }, 'boom');
    log('error', { err: { type: 'E', message: 'other' } }, 'boom');
    expect(lines).toHaveLength(3);
    await new Promise((resolve) => setTimeout(resolve, 120));
    const summary = lines.map((l) => JSON.parse(l)).find((l) => l.suppressed);
    expect(summary).toMatchObject({ suppressed: 5, msg: 'boom (identical lines suppressed)' });
  });
});
