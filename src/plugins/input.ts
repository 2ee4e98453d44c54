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

/** PostgreSQL text cannot hold NUL, and no news text contains one: refuse it at the door. */
function findNul(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (depth > 64 || value == null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = findNul(item, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
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

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  value != null && typeof value === 'object' && Symbol.asyncIterator in value;

/** Request shapes yoga lets through to a 500 or without a code: turned into clear 400s. */
export function useInputSanity(): Plugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
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
      const where = findNul(params.variables, 'variables') ?? findNul(params.operationName, 'operationName');
      if (where) {
        throw new GraphQLError(`"${where}" contains a NUL character.`, {
          extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
        });
      }
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
