import { randomUUID } from 'node:crypto';
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin, YogaLogger } from 'graphql-yoga';
import pino, { type DestinationStream, type Logger } from 'pino';
import { maskError } from './errors.js';

/** The longest text a log line carries in one field: causes are summed up, never dumped. */
const MAX_LOGGED_TEXT = 300;
/** The longest a log line's fields may grow (strings are cut, lists shortened) in all. */
const MAX_LOGGED_STRING = 2_000;
const MAX_LOGGED_ITEMS = 20;

const shorten = (text: string, max = MAX_LOGGED_TEXT) => (text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text);

/** The error and everything it wraps (drizzle wraps driver errors in `cause`, graphql in `originalError`). */
function* errorChain(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  for (let current = error; current != null && !seen.has(current) && seen.size < 8; ) {
    seen.add(current);
    yield current;
    const next = current as { originalError?: unknown; cause?: unknown };
    current = next.originalError ?? next.cause;
  }
}

export interface ErrorSummary {
  type: string;
  message: string;
  /** The first code in the chain: a SQLSTATE ("22021"), a Node code ("ECONNRESET"), ... */
  code?: string;
  /** The innermost error's type and message, when it is not this one. */
  cause?: { type: string; message: string };
  /** Code locations only (no message line): they hold no input. */
  stack?: string[];
}

/**
 * What a log line says about an error: its type, a short message, the first code of its chain and
 * its innermost cause. Never parameters or bodies: a failed query's text and parameters ("Failed
 * query: ... params: ...", drizzle's wrapper) are dropped, and every message is cut short.
 */
export function errorSummary(error: unknown): ErrorSummary {
  const links = [...errorChain(error)];
  const describe = (link: unknown) => {
    const e = link as { name?: unknown; message?: unknown; constructor?: { name?: string } };
    const type = typeof e?.name === 'string' && e.name !== 'Error' ? e.name : (e?.constructor?.name ?? typeof link);
    const raw = typeof e?.message === 'string' ? e.message : String(link);
    return { type, message: shorten(/^Failed query: /.test(raw) ? 'Failed query' : raw.split('\n', 1)[0]!) };
  };
  const summary: ErrorSummary = describe(links[0]);
  const code = links.map((link) => (link as { code?: unknown })?.code).find((c) => typeof c === 'string' || typeof c === 'number');
  if (code !== undefined) summary.code = String(code);
  if (links.length > 1) summary.cause = describe(links.at(-1));
  const innermost = links.at(-1) as { stack?: unknown } | undefined;
  if (typeof innermost?.stack === 'string') {
    const frames = innermost.stack
      .split('\n')
      .filter((line) => /^\s+at /.test(line))
      .slice(0, 8)
      .map((line) => shorten(line.trim()));
    if (frames.length > 0) summary.stack = frames;
  }
  return summary;
}

/** A copy of a log object with every string cut and every list shortened: no line grows without bound. */
function bounded(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return shorten(value, MAX_LOGGED_STRING);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6) return '[nested too deep]';
  if (value instanceof Error) return errorSummary(value);
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_LOGGED_ITEMS).map((item) => bounded(item, depth + 1));
    return value.length > MAX_LOGGED_ITEMS ? [...items, `… (${value.length} items)`] : items;
  }
  return Object.fromEntries(
    Object.entries(value)
      .slice(0, 50)
      .map(([key, item]) => [key, bounded(item, depth + 1)]),
  );
}

/** The service's JSON logger: lines are bounded in size (strings cut, lists shortened, errors summed up). */
export function createLogger(options: { name?: string; level: string }, destination?: DestinationStream): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      // pino's own error serializer would log every property (a failed query's parameters too).
      serializers: { err: (error: unknown) => (error instanceof Error ? errorSummary(error) : error) },
      formatters: { log: (object) => bounded(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          if (typeof first === 'string') return method.apply(this, [shorten(first, MAX_LOGGED_STRING), ...rest] as never);
          return method.apply(this, args);
        },
      },
    },
    destination,
  );
}

/**
 * Identical lines (same level, message and cause) at most `max` times per `windowMs`; the rest are
 * counted, and the count is logged when the window ends. One overload must not write 40,000
 * copies of one line.
 */
export function rateLimitedLog(logger: Logger, { max = 10, windowMs = 10_000 } = {}) {
  const windows = new Map<string, { count: number; suppressed: number }>();
  return (level: 'info' | 'warn' | 'error', line: Record<string, unknown> & { err?: ErrorSummary }, msg: string) => {
    const key = `${level}|${msg}|${line.err?.type}|${line.err?.code}|${line.err?.message}`;
    let entry = windows.get(key);
    if (!entry) {
      windows.set(key, (entry = { count: 0, suppressed: 0 }));
      setTimeout(() => {
        windows.delete(key);
        if (entry!.suppressed > 0) logger[level]({ suppressed: entry!.suppressed, err: line.err }, `${msg} (identical lines suppressed)`);
      }, windowMs).unref();
    }
    if (++entry.count <= max) logger[level](line, msg);
    else entry.suppressed++;
  };
}

interface RequestLog {
  requestId: string;
  startedAt: number;
  operationNames: string[];
  /** How each query operation was answered (src/plugins/compiled-reads.ts). */
  readPaths: string[];
}

/** A caller's own id is kept when it is harmless, so one id follows a request across services. */
const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const QUIET_PATHS = new Set(['/health', '/ready', '/metrics']);
/** Tells an unexpected error (masked with this message) from an expected one (kept). */
const UNEXPECTED = '\u0000unexpected';

/**
 * Request ids and structured logs. Each request gets an id (the `x-request-id` response header
 * and `extensions.requestId` on every error), and one JSON line when it ends: id, operation
 * name, read path (compiled or executor), status, duration. Headers, variables and bodies are
 * never logged: they carry tokens.
 */
export function createRequestLogging(logger: Logger, now: () => number = () => performance.now()) {
  const requests = new WeakMap<Request, RequestLog>();
  const logCause = rateLimitedLog(logger);
  /** A masked error's cause, at the level its masked code deserves: a client's mistake is not the service's error. */
  const logMasked = (masked: { extensions?: Record<string, unknown> } | undefined, cause: unknown, requestId: string | undefined, msg: string) => {
    const code = masked?.extensions?.code;
    const err = errorSummary(cause);
    if (code === 'BAD_USER_INPUT') logCause('info', { requestId, code, err }, 'client error');
    else logCause('error', { requestId, code, err }, msg);
  };
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
  const logEventErrors = (
    errors: readonly unknown[] | undefined,
    request?: Request,
    requestId?: string,
    msg = 'unexpected error in a subscription event (masked)',
  ) => {
    for (const error of errors ?? []) {
      if (error === null || typeof error !== 'object' || loggedEventErrors.has(error)) continue;
      loggedEventErrors.add(error);
      const masked = maskError(error, UNEXPECTED, false);
      if (masked === error) continue; // an expected error, shown as it is
      const cause = (error as { originalError?: unknown }).originalError ?? error;
      logMasked(masked as { extensions?: Record<string, unknown> }, cause, requestId ?? (request && requests.get(request)?.requestId), msg);
    }
  };

  const yogaLogger: YogaLogger = {
    debug: (...args) => logger.debug(describe(args)),
    info: (...args) => logger.info(describe(args)),
    warn: (...args) => logger.warn(describe(args)),
    // The cause of a masked error is logged with its request id in onResultProcess instead.
    error: (...args) => {
      if (args[0] !== null && typeof args[0] === 'object' && deferred.has(args[0])) return;
      const described = describe(args);
      if (typeof described === 'string') logger.error(shorten(described, MAX_LOGGED_STRING));
      else logCause('error', described as { err?: ErrorSummary }, 'error');
    },
  };

  const plugin: Plugin = {
    onRequest({ request }) {
      const header = request.headers.get('x-request-id');
      requests.set(request, {
        requestId: header && CALLER_REQUEST_ID.test(header) ? header : randomUUID(),
        startedAt: now(),
        operationNames: [],
        readPaths: [],
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
      const context = args.contextValue as { request?: Request; webSocketRequestId?: string } | undefined;
      return {
        // Before masking (yoga's plugin comes last), on each stream: SSE and graphql-ws alike.
        onSubscribeResult: ({ result }) => {
          // graphql-ws has no HTTP result to process: a subscription refused at once is logged here.
          if (!isAsyncIterable(result) && context?.webSocketRequestId)
            logEventErrors(result.errors, undefined, context.webSocketRequestId, 'unexpected error (masked)');
          return { onNext: ({ result: event }) => logEventErrors(event.errors, context?.request, context?.webSocketRequestId) };
        },
      };
    },
    // A query or mutation over graphql-ws (src/live/websocket.ts) has no HTTP result either.
    onExecute({ args }) {
      const requestId = (args.contextValue as { webSocketRequestId?: string } | undefined)?.webSocketRequestId;
      if (!requestId) return;
      return {
        onExecuteDone: ({ result }) => {
          if (!isAsyncIterable(result)) logEventErrors(result.errors, undefined, requestId, 'unexpected error (masked)');
        },
      };
    },
    onResultProcess({ request, result, setResult }) {
      const entry = requests.get(request);
      if (!entry) return;
      for (const single of Array.isArray(result) ? result : [result]) {
        for (const error of (single as ExecutionResult | undefined)?.errors ?? []) {
          const cause = causes.get(error);
          if (cause !== undefined) logMasked(error, cause, entry.requestId, 'unexpected error (masked)');
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
        readPath: entry.readPaths.join(',') || undefined,
        status: response.status,
        durationMs: Math.round((now() - entry.startedAt) * 10) / 10,
      };
      if (response.status >= 500) logger.error(line, 'request failed');
      else if (QUIET_PATHS.has(path)) logger.debug(line, 'request');
      else logger.info(line, 'request');
    },
  };
  const requestIdOf = (request: Request) => requests.get(request)?.requestId;
  const noteReadPath = (request: Request, path: string) => requests.get(request)?.readPaths.push(path);
  return { plugin, yogaLogger, maskError: maskAndKeepCause, logEventErrors, requestIdOf, noteReadPath };
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
  if (first instanceof Error) return { err: errorSummary(first) };
  return args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
}
