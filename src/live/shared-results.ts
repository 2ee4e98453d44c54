import { type DocumentNode, type ExecutionArgs, type ExecutionResult, createSourceEventStream, execute } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * A statement published to a thousand subscribers of the same operation is executed once, not a
 * thousand times: results are shared per event (the payload object the feed hands every
 * subscriber) and per document, operation and variables. Reads are the same for everyone, so
 * sharing is safe; each subscriber gets its own shallow copy to decorate.
 */
export function useSharedSubscriptionResults(): Plugin {
  const documentIds = new WeakMap<DocumentNode, number>();
  const resultsByEvent = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

  let nextDocumentId = 0;
  const operationKey = (args: ExecutionArgs) => {
    let id = documentIds.get(args.document);
    if (id === undefined) documentIds.set(args.document, (id = nextDocumentId++));
    return `${id}|${args.operationName ?? ''}|${JSON.stringify(args.variableValues ?? {})}`;
  };

  const executeShared = (args: ExecutionArgs, key: string, payload: unknown): Promise<ExecutionResult> => {
    if (payload === null || typeof payload !== 'object') return Promise.resolve(execute({ ...args, rootValue: payload }));
    let results = resultsByEvent.get(payload);
    if (!results) resultsByEvent.set(payload, (results = new Map()));
    let result = results.get(key);
    if (!result) results.set(key, (result = Promise.resolve(execute({ ...args, rootValue: payload }))));
    return result.then((shared) => ({ ...shared }));
  };

  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args: ExecutionArgs) => {
        const stream = await createSourceEventStream(args);
        if (!isAsyncIterable(stream)) return stream;
        const key = operationKey(args);
        return mapEvents(stream, (payload) => executeShared(args, key, payload));
      });
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value != null && typeof value === 'object' && Symbol.asyncIterator in value;
}

/** The source stream's events, each mapped; `return()` reaches the source at once (unsubscribe). */
function mapEvents<T, R>(source: AsyncIterable<T>, map: (value: T) => Promise<R>): AsyncIterableIterator<R> {
  const iterator = source[Symbol.asyncIterator]();
  return {
    async next() {
      const { value, done } = await iterator.next();
      return done ? { value: undefined, done: true } : { value: await map(value), done: false };
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
