import { Writable } from 'node:stream';
import pino from 'pino';

/** Captures pino's JSON lines in memory, parsed, in `lines`. */
export function logCapture() {
  const lines: any[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: pino({ level: 'debug' }, stream) };
}
