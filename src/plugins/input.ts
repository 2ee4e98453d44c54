import { type ExecutionResult, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const badRequest = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });

/**
 * yoga's "POST body sent invalid JSON." carries the parser's error as `originalError`, whose
 * message quotes the whole body back (in production too): only where it went wrong is kept.
 */
function withoutBody(error: GraphQLError): GraphQLError {
  const cause = error.extensions?.originalError as { name?: string; message?: string } | undefined;
  if (cause?.name !== 'SyntaxError') return error;
  const position = /at position (\d+)/.exec(cause.message ?? '')?.[1];
  return badRequest(`The request body is not valid JSON${position === undefined ? '' : ` (at character ${Number(position) + 1})`}.`);
}

/**
 * Text no article holds, refused at the door: NUL (PostgreSQL text cannot hold it) and a lone
 * UTF-16 surrogate (JSON's "\ud800" escape; not a character, and UTF-8 would store it as U+FFFD,
 * silently changing the text). The GraphQL parser refuses both inline already.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function findBadText(value: unknown, path: string, depth = 0): { path: string; what: string } | undefined {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return { path, what: 'a NUL character' };
    if (LONE_SURROGATE.test(value)) return { path, what: 'a lone UTF-16 surrogate (not a character)' };
    return undefined;
  }
  if (depth > 64 || value == null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = findBadText(item, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The error for text in the variables or operation name that no article holds (HTTP here, graphql-ws in src/live/websocket.ts). */
export function badTextError(params: { variables?: unknown; operationName?: unknown }): GraphQLError | undefined {
  const bad = findBadText(params.variables, 'variables') ?? findBadText(params.operationName, 'operationName');
  if (!bad) return undefined;
  return new GraphQLError(`"${bad.path}" contains ${bad.what}.`, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

/** Errors graphql-js returns before running anything (variables of the wrong type) carry no code. */
function withInputCode(result: ExecutionResult): ExecutionResult {
  if ('data' in result || !result.errors?.length) return result;
  const errors = result.errors.map((error) =>
    error.extensions?.code
      ? error
      : new GraphQLError(error.message, {
          nodes: error.nodes,
          source: error.source,
          positions: error.positions,
          path: error.path,
          originalError: error.originalError,
          extensions: { ...error.extensions, code: 'BAD_USER_INPUT' },
        }),
  );
  return { ...result, errors };
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> => value != null && typeof value === 'object' && Symbol.asyncIterator in value;

/**
 * Content types a browser may POST from any web page without a CORS pre-flight ("simple
 * requests"): a form could make its visitors send GraphQL. GraphQL over HTTP allows only JSON.
 */
const FORM_CONTENT_TYPE = /^\s*(?:application\/x-www-form-urlencoded|multipart\/form-data)\s*(?:;|$)/i;

/** Request shapes yoga lets through to a 500 or without a code: turned into clear 400s. */
export function useInputSanity(): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser }) {
      if (request.method === 'POST' && FORM_CONTENT_TYPE.test(request.headers.get('content-type') ?? '')) {
        throw new GraphQLError('POST requests must send JSON (application/json), not a form.', {
          extensions: { code: 'UNSUPPORTED_MEDIA_TYPE', http: { status: 415 } },
        });
      }
      if (requestParser) {
        // yoga's GET parser lets JSON.parse errors in `variables`/`extensions` escape as a 500.
        setRequestParser(async (request) => {
          try {
            return await requestParser(request);
          } catch (error) {
            if (error instanceof GraphQLError) throw withoutBody(error);
            throw badRequest('The request parameters are malformed.');
          }
        });
      }
      return {
        onRequestParseDone({ requestParserResult }) {
          if (Array.isArray(requestParserResult) && requestParserResult.some((p) => p == null || typeof p !== 'object' || Array.isArray(p))) {
            throw badRequest('Every operation in a batch must be an object.');
          }
        },
      };
    },
    onParams({ params }) {
      const refused = badTextError(params);
      if (refused) throw refused;
    },
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (!isAsyncIterable(result)) setResult(withInputCode(result));
        },
      };
    },
    onSubscribe() {
      return {
        onSubscribeResult({ result, setResult }) {
          if (!isAsyncIterable(result)) setResult(withInputCode(result));
        },
      };
    },
  };
}
