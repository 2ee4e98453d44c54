// W6 subscribers, in their own process: N SSE and M graphql-ws subscriptions to `statementAdded`.
// Prints "READY <connected> <failed>" once all are subscribed, then on "STOP" on stdin prints one JSON
// line: for every marker received, the receipt times (epoch ms) per client.
// Usage: node --import tsx bench/live/clients.ts <url> <sse> <ws> <subscription-document>
import http from 'node:http';
import { createInterface } from 'node:readline';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, sseCount, wsCount, document] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4]), process.argv[5]!];
const now = () => performance.timeOrigin + performance.now();
const MARKER = /bench-w6-(\d+)/;
/** receipts[client] = marker -> time */
const receipts: Map<number, number>[] = [];
let connected = 0, failed = 0, errors = 0;

function record(client: number, payload: string) {
  const m = MARKER.exec(payload);
  if (m && !receipts[client]!.has(Number(m[1]))) receipts[client]!.set(Number(m[1]), now());
}

function sse(client: number): Promise<void> {
  return new Promise((resolve) => {
    const body = JSON.stringify({ query: document });
    const req = http.request(url, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'content-length': Buffer.byteLength(body) },
    });
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        failed++;
        res.resume();
        return resolve();
      }
      connected++;
      resolve();
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const event = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (event.includes('data:')) record(client, event);
        }
      });
      res.on('error', () => errors++);
    });
    req.on('error', () => {
      failed++;
      resolve();
    });
    req.end(body);
  });
}

function ws(client: number): Promise<void> {
  return new Promise((resolve) => {
    const c = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
    let settled = false;
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      ok ? connected++ : failed++;
      resolve();
    };
    c.on('connected', () => setTimeout(() => done(true), 200));
    c.on('error', () => done(false));
    c.subscribe({ query: document }, {
      next: (v) => record(client, JSON.stringify(v)),
      error: () => ((errors++), done(false)),
      complete: () => {},
    });
    setTimeout(() => done(false), 20_000);
  });
}

const tasks: Promise<void>[] = [];
for (let i = 0; i < sseCount + wsCount; i++) {
  receipts.push(new Map());
  tasks.push(i < sseCount ? sse(i) : ws(i));
  if (i % 50 === 49) await new Promise((r) => setTimeout(r, 20));
}
await Promise.all(tasks);
process.stdout.write(`READY ${connected} ${failed}\n`);
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (line.trim() === 'COUNT') {
    process.stdout.write(`COUNT ${receipts.reduce((n, m) => n + m.size, 0)}\n`);
    return;
  }
  if (line.trim() !== 'STOP') return;
  const out = receipts.map((m) => Object.fromEntries(m));
  process.stdout.write(JSON.stringify({ connected, failed, errors, cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000, sse: sseCount, ws: wsCount, receipts: out }) + '\n', () => process.exit(0));
});
