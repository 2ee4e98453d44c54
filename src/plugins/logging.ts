import { randomUUID } from 'node:crypto';
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin, YogaLogger } from 'graphql-yoga';
import { maskError } from './errors.js';
import type { Logger } from 'pino';

interface RequestLog {
  requestId: string;
  startedAt: number;
  operationNames: string[];
}

/** A caller's own id is kept when it is harmless, so one id follows a request across services. */
const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const QUIET_PATHS = new Set(['/health', '/ready', '/metrics']);
/** Tells an unexpected error (masked with this message) from an expected one (kept). */
const UNEXPECTED = '\u0000unexpected';

/**
 * Request ids and structured logs. Each request gets an id (the `x-request-id` response header
 * and `extensions.requestId` on every error), and one JSON line when it ends: id, operation
 * name, status, duration. Headers, variables and bodies are never logged: they carry tokens.
 */
export function createRequestLogging(logger: Logger, now: () => number = () => performance.now()) {
  const requests = new WeakMap<Request, RequestLog>();
  // A masked error's cause is logged when its result is processed, where the request (and so its
  // id) is known. (An AsyncLocalStorage would carry the id to yoga's own log line, but its promise
  // hooks cost ~10% CPU on every request.)
  const causes = new WeakMap<object, unknown>();
  const deferred = new WeakSet<object>();

  const maskAndKeepCause = (error: unknown, message: string, isDev?: boolean): Error => {
    const masked = maskError(error, message, isDev);
    if (masked !== error && error !== null && typeof error === 'object') {
      causes.set(masked, error);
      deferred.add(error);
    }
    return masked;
  };

  // A live event is executed once for all its subscribers (src/live/shared-results.ts), so one
  // failure reaches many streams: its cause is logged once, with the first request's id.
  const loggedEventErrors = new WeakSet<object>();
  /** Logs the causes of the errors in a subscription event that masking will hide, before it does. */
  const logEventErrors = (errors: readonly unknown[] | undefined, request?: Request) => {
    for (const error of errors ?? []) {
      if (error === null || typeof error !== 'object' || loggedEventErrors.has(error)) continue;
      loggedEventErrors.add(error);
      if (maskError(error, UNEXPECTED, false).message !== UNEXPECTED) continue; // an expected error, shown as it is
      const cause = (error as { originalError?: unknown }).originalError ?? error;
      logger.error({ requestId: request && requests.get(request)?.requestId, err: cause }, 'unexpected error in a subscription event (masked)');
    }
  };

  const yogaLogger: YogaLogger = {
    debug: (...args) => logger.debug(describe(args)),
    info: (...args) => logger.info(describe(args)),
    warn: (...args) => logger.warn(describe(args)),
    // The cause of a masked error is logged with its request id in onResultProcess instead.
    error: (...args) => {
      if (args[0] !== null && typeof args[0] === 'object' && deferred.has(args[0])) return;
      logger.error(describe(args));
    },
  };

  const plugin: Plugin = {
    onRequest({ request }) {
      const header = request.headers.get('x-request-id');
      requests.set(request, {
        requestId: header && CALLER_REQUEST_ID.test(header) ? header : randomUUID(),
        startedAt: now(),
        operationNames: [],
      });
    },
    onParams({ params, request }) {
      // Both come straight from the client: anything but a string is not a name to log.
      const query = typeof params.query === 'string' ? params.query : '';
      const given = typeof params.operationName === 'string' ? params.operationName : undefined;
      const name = given ?? /\b(?:query|mutation|subscription)\s+([_A-Za-z]\w{0,100})/.exec(query)?.[1];
      if (name) requests.get(request)?.operationNames.push(name.slice(0, 100));
    },
    onSubscribe({ args }) {
      const request = (args.contextValue as { request?: Request } | undefined)?.request;
      return {
        // Before masking (yoga's plugin comes last), on each stream: SSE and graphql-ws alike.
        onSubscribeResult: () => ({ onNext: ({ result }) => logEventErrors(result.errors, request) }),
      };
    },
    onResultProcess({ request, result, setResult }) {
      const entry = requests.get(request);
      if (!entry) return;
      for (const single of Array.isArray(result) ? result : [result]) {
        for (const error of (single as ExecutionResult | undefined)?.errors ?? []) {
          const cause = causes.get(error);
          if (cause !== undefined) logger.error({ requestId: entry.requestId, err: cause }, 'unexpected error (masked)');
        }
      }
      if (Array.isArray(result)) setResult(result.map((r) => withRequestId(r, entry.requestId)));
      else if (!isAsyncIterable(result)) setResult(withRequestId(result as ExecutionResult, entry.requestId));
    },
    onResponse({ request, response }) {
      const entry = requests.get(request);
      if (!entry) {
        // Answered before onRequest reached this plugin (yoga's own /health): it gets an id too.
        const header = request.headers.get('x-request-id');
        response.headers.set('x-request-id', header && CALLER_REQUEST_ID.test(header) ? header : randomUUID());
        return;
      }
      response.headers.set('x-request-id', entry.requestId);
      const path = new URL(request.url).pathname;
      const line = {
        requestId: entry.requestId,
        method: request.method,
        path,
        operationName: entry.operationNames.join(',') || undefined,
        status: response.status,
        durationMs: Math.round((now() - entry.startedAt) * 10) / 10,
      };
      if (response.status >= 500) logger.error(line, 'request failed');
      else if (QUIET_PATHS.has(path)) logger.debug(line, 'request');
      else logger.info(line, 'request');
    },
  };
  const requestIdOf = (request: Request) => requests.get(request)?.requestId;
  return { plugin, yogaLogger, maskError: maskAndKeepCause, logEventErrors, requestIdOf };
}

function withRequestId(result: ExecutionResult, requestId: string): ExecutionResult {
  if (!result?.errors?.length) return result;
  // Copies, not edits: yoga caches validation errors and shares them between requests.
  const errors = result.errors.map(
    (error) =>
      new GraphQLError(error.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        originalError: error.originalError,
        extensions: { ...error.extensions, requestId },
      }),
  );
  return { ...result, errors };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value != null && typeof value === 'object' && Symbol.asyncIterator in value;
}

/** yoga logs with console-style arguments; pino wants one object or message. */
function describe(args: unknown[]): object | string {
  const [first] = args;
  if (first instanceof Error) return { err: first };
  return args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
}
