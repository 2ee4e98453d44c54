import { type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLError, createSourceEventStream, execute } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type BroadcastMember, createBroadcasts, liveTailOf } from './broadcast.js';
import { encodeLogCursor } from './cursor.js';

/** On each subscriber's copy: the result it was copied from (src/live/sse.ts shares its frame). */
const SHARED_RESULT = Symbol('sharedResult');

/** The shared result a subscriber's result was copied from, if it was. */
export function sharedOrigin(result: object): Record<string, unknown> | undefined {
  return (result as { [SHARED_RESULT]?: Record<string, unknown> })[SHARED_RESULT];
}

export interface SharedResultsOptions {
  /** yoga's error masking (maskedErrors.maskError): results pushed past the plugins are masked here. */
  maskError: (error: unknown, message: string, isDev?: boolean) => Error;
  isDev?: boolean;
  /** Logs the causes of an event's errors that masking hides (the broadcast's events skip the plugins). */
  logEventErrors?: (errors: readonly unknown[] | undefined) => void;
}

/**
 * A statement published to a thousand subscribers of the same operation is executed once, not a
 * thousand times: results are shared per event (the payload object the feed hands every
 * subscriber) and per document, operation and variables. Reads are the same for everyone, so
 * sharing is safe; each subscriber gets its own shallow copy to decorate.
 *
 * Subscribers of a live tail over SSE go further: they join their operation's broadcast
 * (src/live/broadcast.ts), and the SSE transport (src/live/sse.ts) takes them over with
 * `memberFor(request)`, so one reader writes each event's frame to all of them.
 */
export function useSharedSubscriptionResults(
  options: SharedResultsOptions,
): Plugin & { memberFor(request: Request): BroadcastMember | undefined; startCursorFor(request: Request): string | undefined } {
  const documentIds = new WeakMap<DocumentNode, number>();
  const maskError = (error: unknown) => options.maskError(error, 'Unexpected error.', options.isDev) as GraphQLError;
  const broadcasts = createBroadcasts({
    mask: (result) => {
      if (!result.errors?.length) return result;
      options.logEventErrors?.(result.errors);
      return { ...result, errors: result.errors.map(maskError) };
    },
    failure: (error) => {
      options.logEventErrors?.([error]);
      return { errors: [maskError(error)] };
    },
  });
  const members = new WeakMap<Request, BroadcastMember>();
  const startCursors = new WeakMap<Request, string>();

  let nextDocumentId = 0;
  const operationKey = (args: ExecutionArgs) => {
    let id = documentIds.get(args.document);
    if (id === undefined) documentIds.set(args.document, (id = nextDocumentId++));
    return `${id}|${args.operationName ?? ''}|${JSON.stringify(args.variableValues ?? {})}`;
  };

  /** A result per event and operation: the promise, and the value once settled (then no await). */
  type Shared = { promise: Promise<ExecutionResult>; value?: ExecutionResult };
  const resultsByEvent = new WeakMap<object, Map<string, Shared>>();
  const copy = (shared: ExecutionResult): ExecutionResult => ({ ...shared, [SHARED_RESULT]: shared }) as ExecutionResult;

  /** The event's result for this operation, shared; `copied` gives the subscriber its own copy. */
  const executeShared = (args: ExecutionArgs, key: string, payload: unknown, copied = true): ExecutionResult | Promise<ExecutionResult> => {
    if (payload === null || typeof payload !== 'object') return Promise.resolve(execute({ ...args, rootValue: payload }));
    let results = resultsByEvent.get(payload);
    if (!results) resultsByEvent.set(payload, (results = new Map()));
    let result = results.get(key);
    if (!result) {
      const entry: Shared = { promise: Promise.resolve(execute({ ...args, rootValue: payload })) };
      entry.promise.then(
        (value) => (entry.value = value),
        () => {},
      );
      results.set(key, (result = entry));
    }
    if (!copied) return result.value ?? result.promise;
    return result.value ? copy(result.value) : result.promise.then(copy);
  };

  return {
    memberFor: (request) => members.get(request),
    /**
     * Where a live tail begins (it receives exactly the events after this cursor): a client whose
     * stream drops before its first event resumes with `after: <this>` and misses nothing.
     */
    startCursorFor: (request) => startCursors.get(request),
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args: ExecutionArgs) => {
        const stream = await createSourceEventStream(args);
        if (!isAsyncIterable(stream)) return stream;
        const key = operationKey(args);
        const results = mapEvents(stream, (payload) => executeShared(args, key, payload));
        const tail = liveTailOf(stream);
        const request = (args.contextValue as { request?: Request } | undefined)?.request;
        if (tail?.subscribedAfter && request) startCursors.set(request, encodeLogCursor(tail.subscribedAfter));
        // A live tail asked for over SSE (one subscription per request) can be pushed to.
        if (!tail || !request || members.has(request) || !request.headers.get('accept')?.includes('text/event-stream')) return results;
        const { stream: own, member } = broadcasts.join(key, tail, (payload) => executeShared(args, key, payload, false), results);
        members.set(request, member);
        return own;
      });
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value != null && typeof value === 'object' && Symbol.asyncIterator in value;
}

/** The source stream's events, each mapped; `return()` reaches the source at once (unsubscribe). */
function mapEvents<T, R>(source: AsyncIterable<T>, map: (value: T) => R | Promise<R>): AsyncIterableIterator<R> {
  const iterator = source[Symbol.asyncIterator]();
  return {
    async next() {
      const { value, done } = await iterator.next();
      if (done) return { value: undefined, done: true };
      const mapped = map(value);
      // Most subscribers find the event's result already there: no extra await for them.
      return { value: mapped instanceof Promise ? await mapped : mapped, done: false };
    },
    async return() {
      await iterator.return?.();
      return { value: undefined, done: true };
    },
    async throw(error?: unknown) {
      if (iterator.throw) await iterator.throw(error);
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
