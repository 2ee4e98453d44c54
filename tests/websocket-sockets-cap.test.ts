// The service's WebSocket server takes as many sockets from one address as that address may hold
// subscriptions (MAX_SUBSCRIPTIONS_PER_ADDRESS): a socket holds resources before it subscribes, and a
// lower fixed cap would refuse subscribers the setting allows (the bench's 200 graphql-ws clients).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TOO_MANY_SOCKETS_CLOSE_CODE } from '../src/live/websocket.js';
import { type ServerProcess, startServerProcess } from './support/server-process.js';

const CAP = 60;

/** Opens a graphql-ws socket; resolves with 'ack' once initialised, or the close code. */
function openSocket(url: string, sockets: WebSocket[]): Promise<'ack' | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    sockets.push(socket);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.on('message', (data: Buffer) => {
      if (JSON.parse(data.toString()).type === 'connection_ack') resolve('ack');
    });
    socket.on('close', (code) => resolve(code));
    socket.on('error', () => resolve(-1));
  });
}

describe('WebSocket sockets per address (the server process)', () => {
  let server: ServerProcess;
  const sockets: WebSocket[] = [];
  beforeAll(async () => {
    server = await startServerProcess({ MAX_SUBSCRIPTIONS_PER_ADDRESS: String(CAP) });
  }, 60_000);
  afterAll(() => {
    for (const socket of sockets) socket.terminate();
    server?.kill();
  });

  it(`follows MAX_SUBSCRIPTIONS_PER_ADDRESS (${CAP}): that many are initialised, the next is closed with ${TOO_MANY_SOCKETS_CLOSE_CODE}`, async () => {
    const url = server.url.replace(/^http/, 'ws');
    const outcomes = await Promise.all(Array.from({ length: CAP }, () => openSocket(url, sockets)));
    expect(outcomes.filter((outcome) => outcome === 'ack')).toHaveLength(CAP);
    expect(await openSocket(url, sockets)).toBe(TOO_MANY_SOCKETS_CLOSE_CODE);
  });
});
