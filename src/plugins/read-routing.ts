import { type ExecutionResult, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { type ReadRouter, parseLsn } from '../db/replicas.js';
import { badInput } from '../errors.js';
import { createLoaders } from '../read/loaders.js';

/** Sent back on a read: serve it from data that includes this WAL position (read-your-writes). */
export const MIN_LSN_HEADER = 'x-newsgraph-min-lsn';
/** On a mutation's response: the primary's WAL position after its commit. */
export const LSN_HEADER = 'x-newsgraph-lsn';

type RequestContext = Context & { request?: Request };

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> => value != null && typeof value === 'object' && Symbol.asyncIterator in value;

/**
 * Query operations run on a read replica (or the primary when none fits): the context's `db` and
 * loaders are swapped before anything reads, so compiled reads, the executor's loaders and
 * `extract` follow. Token checks keep the primary (the context's `auth` holds it), as do
 * mutations and subscriptions. A mutation's result carries the primary's WAL position after it
 * in `extensions.consistency.lsn` and the `x-newsgraph-lsn` header.
 * Goes first among the plugins: compiled reads must see the chosen database.
 */
export function useReadRouting(reads: ReadRouter): Plugin {
  const positions = new WeakMap<Request, bigint>();
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName)?.operation;
      const ctx = args.contextValue as unknown as RequestContext;
      if (operation === 'query') {
        const header = ctx.request?.headers.get(MIN_LSN_HEADER);
        const minLsn = header ? parseLsn(header) : null;
        if (header && minLsn === null) {
          const error = badInput(`The "${MIN_LSN_HEADER}" header must be a WAL position such as "0/16B3748", as sent in "${LSN_HEADER}".`);
          setResultAndStopExecution({ errors: [error] });
          return;
        }
        const target = await reads.route(minLsn);
        ctx.db = target.db;
        ctx.loaders = createLoaders(target.db);
        return;
      }
      if (operation !== 'mutation') return;
      return {
        async onExecuteDone({ result, setResult }) {
          if (isAsyncIterable(result)) return;
          // Read after the resolvers' commits, so at or past each of them.
          const lsn = await reads.primaryLsn().catch(() => null);
          if (lsn === null) return;
          setResult({ ...result, extensions: { ...result.extensions, consistency: { lsn } } } as ExecutionResult);
          const request = ctx.request;
          const position = parseLsn(lsn)!;
          if (request && !(position <= (positions.get(request) ?? -1n))) positions.set(request, position);
        },
      };
    },
    onResponse({ request, response }) {
      const position = positions.get(request);
      if (position === undefined) return;
      response.headers.set(LSN_HEADER, formatLsn(position));
      // So a browser on another origin may read it (the body's extensions need no permission).
      response.headers.append('access-control-expose-headers', LSN_HEADER);
    },
  };
}

const formatLsn = (position: bigint) => `${(position >> 32n).toString(16).toUpperCase()}/${(position & 0xffffffffn).toString(16).toUpperCase()}`;
