// A byte-for-byte TCP proxy in front of PostgreSQL that counts the SQL statements a client executes,
// whatever its driver: every simple-protocol Query ('Q') and extended-protocol Execute ('E') message
// is one statement. It also remembers each distinct statement text with one set of (text-format)
// parameters, so the hot queries can be EXPLAINed afterwards. Used only for the counting pass, never
// in the timed runs.
import net from 'node:net';

export interface CapturedQuery {
  text: string;
  params: (string | null)[] | null;
  count: number;
}

export class CountingProxy {
  executed = 0;
  private server: net.Server;
  private readonly captured = new Map<string, CapturedQuery>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer((client) => this.handle(client));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Statement count and the distinct statements seen since the last reset. */
  reset() {
    this.executed = 0;
    this.captured.clear();
  }

  queries(): CapturedQuery[] {
    return [...this.captured.values()];
  }

  async close() {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(client: net.Socket) {
    const upstream = net.connect(this.target.port, this.target.host);
    const state: ConnState = { prepared: new Map(), lastBind: null };
    let buffer = Buffer.alloc(0);
    let startup = true;
    client.on('data', (chunk) => {
      upstream.write(chunk);
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      for (;;) {
        if (startup) {
          if (buffer.length < 8) break;
          const len = buffer.readInt32BE(0);
          if (buffer.length < len) break;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(len);
          // SSLRequest / GSSENCRequest are followed by another startup packet; anything else is it.
          if (code !== 80877103 && code !== 80877104) startup = false;
          continue;
        }
        if (buffer.length < 5) break;
        const type = String.fromCharCode(buffer[0]!);
        const len = buffer.readInt32BE(1);
        if (buffer.length < 1 + len) break;
        const body = buffer.subarray(5, 1 + len);
        this.onMessage(type, body, state);
        buffer = buffer.subarray(1 + len);
      }
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  }

  private onMessage(type: string, body: Buffer, state: ConnState) {
    const prepared = state.prepared;
    if (type === 'Q') {
      this.executed++;
      this.capture(cstring(body, 0)[0], null);
    } else if (type === 'P') {
      const [name, off] = cstring(body, 0);
      const [text] = cstring(body, off);
      prepared.set(name, text);
    } else if (type === 'B') {
      let [, off] = cstring(body, 0);
      const [stmt, off2] = cstring(body, off);
      off = off2;
      const nFormats = body.readInt16BE(off);
      off += 2;
      const formats: number[] = [];
      for (let i = 0; i < nFormats; i++, off += 2) formats.push(body.readInt16BE(off));
      const nParams = body.readInt16BE(off);
      off += 2;
      let params: (string | null)[] | null = [];
      for (let i = 0; i < nParams; i++) {
        const len = body.readInt32BE(off);
        off += 4;
        const format = nFormats === 1 ? formats[0] : (formats[i] ?? 0);
        if (len < 0) params?.push(null);
        else {
          if (format === 1)
            params = null; // binary: cannot be replayed as text
          else params?.push(body.subarray(off, off + len).toString('utf8'));
          off += len;
        }
      }
      state.lastBind = { stmt, params };
    } else if (type === 'E') {
      this.executed++;
      if (state.lastBind) {
        const text = prepared.get(state.lastBind.stmt);
        if (text) this.capture(text, state.lastBind.params);
      }
    }
  }

  private capture(text: string, params: (string | null)[] | null) {
    const seen = this.captured.get(text);
    if (seen) seen.count++;
    else this.captured.set(text, { text, params, count: 1 });
  }
}

interface ConnState {
  prepared: Map<string, string>;
  lastBind: { stmt: string; params: (string | null)[] | null } | null;
}

function cstring(buf: Buffer, offset: number): [string, number] {
  const end = buf.indexOf(0, offset);
  return [buf.subarray(offset, end).toString('utf8'), end + 1];
}
