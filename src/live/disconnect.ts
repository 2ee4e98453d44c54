/** What yoga's initial context holds about the connection: Node's response, or the WebSocket. */
export interface TransportContext {
  /** node:http ServerResponse (HTTP and SSE through `createServer(yoga)`). */
  res?: unknown;
  /** The `ws` WebSocket (graphql-ws, src/live/websocket.ts). */
  socket?: unknown;
}

/** Close code for a WebSocket whose reader stopped: "try again later" (clients may retry, resuming with `after`). */
export const SLOW_SUBSCRIBER_CLOSE_CODE = 1013;
export const SLOW_SUBSCRIBER_REASON = 'Subscriber stopped reading; subscribe again with "after"';

/**
 * How to cut the connection of a subscriber that stopped reading. Nothing can be written to it
 * any more (its socket is full), so the reason is a WebSocket close frame if it still gets through,
 * and the server's log line (src/live/live-statements.ts) in any case. Undefined when there is no
 * connection to cut (yoga.fetch in tests): such a subscriber is only ended.
 */
export function transportDisconnect(initial: TransportContext): (() => void) | undefined {
  const socket = initial.socket as { close?: (code: number, reason: string) => void; terminate?: () => void } | undefined;
  if (typeof socket?.close === 'function' && typeof socket.terminate === 'function') {
    return () => {
      socket.close!(SLOW_SUBSCRIBER_CLOSE_CODE, SLOW_SUBSCRIBER_REASON);
      // The close handshake cannot finish through a full socket: do not wait ws's 30 s for it.
      setTimeout(() => socket.terminate!(), 1_000).unref();
    };
  }
  const res = initial.res as { destroy?: () => void } | undefined;
  if (typeof res?.destroy === 'function') return () => res.destroy!();
  return undefined;
}
