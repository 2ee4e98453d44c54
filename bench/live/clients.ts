// W6 subscribers, in their own process: N SSE and M graphql-ws subscriptions to `statementAdded`.
// Prints "READY <connected> <failed>" once all are subscribed, then on "STOP" on stdin prints one JSON
// line: for every marker received, the receipt times (epoch ms) per client.
// Usage: node --import tsx bench/live/clients.ts <url> <sse> <ws> <subscription-document>
//
// The subscribers share the service's two cores, so they are as lean as a client can be: raw
// sockets (an HTTP/1.1 request read as bytes; the graphql-transport-ws protocol over `ws`) that
// look for each event's marker in what arrives, without parsing it. What they receive is checked
// once, in full, before the run (writes.ts: statementAddedDocument asks the service itself).
import net from 'node:net';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

const [url, sseCount, wsCount, document] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4]), process.argv[5]!];
const now = () => performance.timeOrigin + performance.now();
// The marker is followed by text (" on tariffs…"): a number cut at the end of a read is not taken.
const MARKER = /bench-w6-(\d+)\D/g;
/** receipts[client] = marker -> time */
const receipts: Map<number, number>[] = [];
let connected = 0,
  failed = 0,
  errors = 0;
/** The first event the first SSE and the first graphql-ws subscriber received, as it came (for the check). */
const samples: { sse?: string; ws?: string } = {};

/** Records every marker in `text`; returns the end to keep (a marker may continue in the next read). */
function record(client: number, text: string): string {
  const at = now();
  for (const m of text.matchAll(MARKER)) {
    const n = Number(m[1]);
    if (!receipts[client]!.has(n)) receipts[client]!.set(n, at);
  }
  return text.slice(-40);
}

function sse(client: number): Promise<void> {
  const target = new URL(url);
  const body = JSON.stringify({ query: document });
  return new Promise((resolve) => {
    const socket = net.connect(Number(target.port), target.hostname);
    let head = true,
      rest = '';
    socket.on('connect', () =>
      socket.write(
        `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      ),
    );
    socket.on('data', (chunk: Buffer) => {
      let text = rest + chunk.toString('latin1');
      if (head) {
        const end = text.indexOf('\r\n\r\n');
        if (end < 0) return void (rest = text);
        head = false;
        if (!text.startsWith('HTTP/1.1 200')) {
          failed++;
          socket.destroy();
          return resolve();
        }
        connected++;
        resolve();
        text = text.slice(end + 4);
      }
      if (text.includes('"errors"')) errors++;
      if (client === 0 && !samples.sse && MARKER.test(text)) samples.sse = text;
      MARKER.lastIndex = 0;
      rest = record(client, text);
    });
    socket.on('error', () => {
      if (head) failed++, resolve();
      else errors++;
    });
  });
}

function ws(client: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    let acked = false,
      settled = false;
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      ok ? connected++ : failed++;
      resolve();
    };
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.on('message', (data: Buffer) => {
      const text = data.toString('latin1');
      if (!acked) {
        if (!text.includes('"connection_ack"')) return;
        acked = true;
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: document } }));
        setTimeout(() => done(true), 200);
        return;
      }
      if (text.includes('"type":"error"') || text.includes('"errors"')) errors++;
      if (client === sseCount && !samples.ws) samples.ws = text;
      record(client, text);
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
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
  process.stdout.write(
    JSON.stringify({
      connected,
      failed,
      errors,
      samples,
      cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
      sse: sseCount,
      ws: wsCount,
      receipts: out,
    }) + '\n',
    () => process.exit(0),
  );
});
