import { Readable } from 'node:stream';
import type { ExecutionResult } from 'graphql';
import { type FetchAPI, type Plugin, processRegularResult } from 'graphql-yoga';
import type { BroadcastMember, BroadcastSink } from './broadcast.js';
import type { SubscriberSlot } from './subscriber-slots.js';
import { sharedOrigin } from './shared-results.js';

type Result = Record<string, unknown>;

const encoder = new TextEncoder();
const PING = encoder.encode(':\n\n');
const COMPLETE = encoder.encode('event: complete\ndata:\n\n');
// As graphql-yoga's own SSE processor: a ping every 12 s keeps proxies from closing an idle stream.
const PING_INTERVAL_MS = 12_000;
/**
 * Frames pushed to a broadcast member wait here while its socket is full; past this it stops being
 * pushed to and reads its own feed instead (whose buffer bound and stall detection then apply).
 */
const MAX_PUSH_BACKLOG_BYTES = 1 << 20;

/**
 * Server-sent events for subscriptions, with the same bytes as graphql-yoga's SSE processor
 * (`:` ping first, `event: next` / `data:` frames, `event: complete`) but cheaper per subscriber,
 * which is what a statement published to a thousand subscribers costs (bench W6):
 *
 * - a frame is serialised once per shared result (src/live/shared-results.ts: one per event and
 *   operation), and the same bytes go to every subscriber whose result no plugin has changed, instead
 *   of one JSON.stringify and two encoded chunks per subscriber;
 * - the body is a plain Node Readable, which @whatwg-node/server pipes into the response, instead of a
 *   ReadableStream ponyfill whose per-chunk promises cost more than the write itself;
 * - one timer pings every open stream, instead of one interval per subscriber;
 * - a live-tail subscriber (src/live/broadcast.ts) is pushed its frames by its operation's one
 *   reader, with no per-subscriber async work at all.
 *
 * Otherwise the Readable pulls the next event only when the response takes more (no read-ahead), so
 * a slow reader's backlog stays in its live feed's bounded buffer, where stall detection sees it.
 */
/** The response header with a live tail's start cursor (see `startCursorFor` in shared-results.ts). */
export const START_CURSOR_HEADER = 'x-newsgraph-live-cursor';

export function useSharedSseFrames(
  broadcast: { memberFor(request: Request): BroadcastMember | undefined; startCursorFor?(request: Request): string | undefined },
  slots?: { forRequest(request: Request): SubscriberSlot | undefined },
): Plugin {
  const streams = createSseStreams();
  return {
    onResultProcess({ request, result, resultProcessor, setResultProcessor }) {
      // Only where yoga chose its SSE processor (the client asked for text/event-stream).
      if (resultProcessor?.name !== 'processSSEResult') return;
      if (!isAsyncIterable(result)) {
        // Refused before any stream opened (a subscriber cap, a limit, invalid): a plain GraphQL
        // response with its status (429, 503, 400), as graphql-sse servers answer, not a 200 whose
        // one event a client must parse to learn it was turned away.
        if (isRequestError(result)) setResultProcessor(refusalResponse, GRAPHQL_JSON);
        return;
      }
      const member = broadcast.memberFor(request);
      const slot = slots?.forRequest(request);
      const startCursor = broadcast.startCursorFor?.(request);
      setResultProcessor((stream, fetchAPI) => streams.response(stream as AsyncIterable<Result>, fetchAPI, member, slot, startCursor), 'text/event-stream');
    },
  };
}

/** One app's open streams, the frames they share, and the one timer that pings them all. */
function createSseStreams() {
  /** Frames serialised once per shared result (weak: gone with the event); bytes once ready. */
  const frames = new WeakMap<object, Uint8Array | Promise<Uint8Array>>();
  const open = new Set<Readable>();
  let pingTimer: NodeJS.Timeout | undefined;

  function pingAll() {
    for (const body of open) if (body.readableLength === 0) body.push(PING); // not behind a backlog
  }

  /** `shared`: the result itself is the one every subscriber gets (a broadcast's). */
  function frameOf(result: Result, fetchAPI: FetchAPI, shared = false): Uint8Array | Promise<Uint8Array> {
    // The subscriber's copy is still the shared result (no plugin decorated it): share its frame.
    const origin = shared ? result : sharedOrigin(result);
    if (origin && (shared || sameShallow(result, origin))) {
      let frame = frames.get(origin);
      if (!frame) {
        frames.set(origin, (frame = serialise(origin, fetchAPI)));
        if (frame instanceof Promise)
          frame.then(
            (bytes) => frames.set(origin, bytes),
            () => frames.delete(origin),
          );
      }
      return frame;
    }
    return serialise(result, fetchAPI);
  }

  /** `slot`: the subscription's place, open while this response is; `startCursor`: where a live tail begins. */
  function response(stream: AsyncIterable<Result>, fetchAPI: FetchAPI, member?: BroadcastMember, slot?: SubscriberSlot, startCursor?: string): Response {
    const outer = stream[Symbol.asyncIterator]();
    /** What the body pulls from; none while a broadcast pushes to it. */
    let iterator: AsyncIterator<Result> | null = null;
    let pulling = false;
    const body = new Readable({
      highWaterMark: 0,
      read() {
        if (pulling || !iterator) return;
        pulling = true;
        void pull();
      },
      destroy(error, callback) {
        slot?.release();
        open.delete(body);
        if (open.size === 0) {
          clearInterval(pingTimer);
          pingTimer = undefined;
        }
        // The client went away (or the stream failed): end the subscription at once.
        member?.leave();
        Promise.all([outer.return?.(), iterator !== outer ? iterator?.return?.() : undefined]).then(
          () => callback(error),
          () => callback(error),
        );
      },
    });
    async function pull() {
      try {
        const { value, done } = await iterator!.next();
        let frame = done || value == null ? null : frameOf(value, fetchAPI);
        if (frame instanceof Promise) frame = await frame;
        if (waiting) await waiting; // frames pushed before it fell behind go first
        pulling = false;
        if (body.destroyed) return;
        if (frame) body.push(frame);
        if (done) end();
      } catch (error) {
        body.destroy(error as Error);
      }
    }
    function end() {
      slot?.release();
      open.delete(body); // no pings after the end
      body.push(COMPLETE);
      body.push(null);
    }

    // Pushed frames in order; one that must wait (a result with errors is serialised
    // asynchronously) holds back the ones after it.
    let waiting: Promise<void> | null = null;
    const write = (frame: Uint8Array | Promise<Uint8Array> | 'end') => {
      if (!waiting && !(frame instanceof Promise)) {
        if (body.destroyed) return;
        if (frame === 'end') end();
        else body.push(frame);
        return;
      }
      const next: Promise<void> = (waiting ?? Promise.resolve())
        .then(() => frame)
        .then((bytes) => {
          if (waiting === next) waiting = null;
          if (body.destroyed) return;
          if (bytes === 'end') end();
          else body.push(bytes);
        })
        .catch((error) => {
          body.destroy(error as Error);
        });
      waiting = next;
    };
    const sink: BroadcastSink = {
      next(result: ExecutionResult) {
        if (body.destroyed) return true;
        if (body.readableLength > MAX_PUSH_BACKLOG_BYTES) {
          // Behind: from here it reads its own feed, from just after what it was written.
          iterator = member!.resume() as AsyncIterator<Result>;
          return false;
        }
        write(frameOf(result as Result, fetchAPI, true));
        return true;
      },
      complete: () => write('end'),
      fail(error) {
        // As yoga ends a stream that throws: a last result with the (masked) error.
        write(serialise(member!.failure(error) as Result, fetchAPI));
        write('end');
      },
    };

    // Some browsers show nothing until the first bytes arrive.
    body.push(PING);
    slot?.open();
    open.add(body);
    pingTimer ??= setInterval(pingAll, PING_INTERVAL_MS).unref();
    if (!member?.attach(sink)) iterator = outer;
    return new fetchAPI.Response(body as never, {
      status: 200,
      headers: {
        'Content-Type': 'text/event-stream',
        Connection: 'keep-alive',
        'Cache-Control': 'no-cache',
        'Content-Encoding': 'none',
        ...(startCursor ? { [START_CURSOR_HEADER]: startCursor } : {}),
      },
    });
  }

  return { response };
}

/** As yoga serialises a result (stringify.ts there); with errors, through its own code, to the letter. */
function serialise(result: Result, fetchAPI: FetchAPI): Uint8Array | Promise<Uint8Array> {
  const frame = (json: string) => encoder.encode(`event: next\ndata: ${json}\n\n`);
  // Without errors or internal extensions yoga stringifies the result as it is (graphql-jit may
  // bring its own stringify); otherwise its regular processor strips internals from the errors.
  if (!(result.errors as unknown[] | undefined)?.length && !(result.extensions as { http?: unknown } | undefined)?.http) {
    const stringify = (result.stringify as ((value: unknown) => string) | undefined) ?? JSON.stringify;
    return frame(stringify(result));
  }
  // A native promise: the Response's text() may be a plain thenable, which the writers (which
  // tell bytes from promises) would push as an object.
  return Promise.resolve(processRegularResult(result as never, fetchAPI, 'application/json').text()).then(frame);
}

function sameShallow(a: Result, b: Result): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value != null && typeof value === 'object' && Symbol.asyncIterator in value;
}

const GRAPHQL_JSON = 'application/graphql-response+json';

/** A request error without a status of its own (a bad `after` cursor) is the client's: 400. */
async function refusalResponse(result: Parameters<typeof processRegularResult>[0], fetchAPI: FetchAPI): Promise<Response> {
  const response = await processRegularResult(result, fetchAPI, GRAPHQL_JSON);
  if (response.status !== 200) return response;
  return new fetchAPI.Response(response.body, { status: 400, headers: response.headers });
}

/** Errors and no `data`: the operation never ran (GraphQL over HTTP's "request error"). */
function isRequestError(value: unknown): boolean {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) return false;
  const result = value as ExecutionResult;
  return result.data === undefined && (result.errors?.length ?? 0) > 0;
}
