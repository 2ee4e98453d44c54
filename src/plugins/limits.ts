import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type ValidationContext,
  type ValidationRule,
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  getOperationAST,
  getVariableValues,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type BatchSpend, batchLimitError, costError, operationCost, operationSpend } from './cost.js';
import type { Limits } from './settings.js';

type LimitName = 'depth' | 'aliases' | 'directives' | 'tokens' | 'cost';

/** One stable code for every complexity limit; `extensions.limit` says which one. */
function complexityError(limit: LimitName, message: string): GraphQLError {
  return new GraphQLError(message.replace(/^Syntax Error: /, ''), {
    extensions: { code: 'QUERY_TOO_COMPLEX', limit, http: { status: 400 } },
  });
}

/** Runs a GraphQL Armor rule, reporting its rejection as our error instead of throwing its own. */
function armorRule(
  limit: LimitName,
  makeRule: (options: { propagateOnRejection: false; onReject: ((ctx: ValidationContext | null, error: GraphQLError) => void)[] }) => ValidationRule,
): ValidationRule {
  return (context) =>
    makeRule({
      propagateOnRejection: false,
      onReject: [(ctx, error) => (ctx ?? context).reportError(complexityError(limit, error.message))],
    })(context);
}

/** Operations that select only `__schema`/`__type`, like GraphiQL's start-up query. */
function isIntrospectionOnly(document: DocumentNode): boolean {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  return (
    operations.length > 0 &&
    operations.every((operation) =>
      operation.selectionSet.selections.every(
        (s) => s.kind === Kind.FIELD && (s.name.value === '__schema' || s.name.value === '__type' || s.name.value === '__typename'),
      ),
    )
  );
}

/**
 * The variables as the executor will see them: coerced, defaults filled in. Cost read off the raw
 * variables missed `query($n: Int = 100)`. Variables that do not coerce are reported by the
 * executor itself; until then they cost nothing.
 */
function coercedVariables(args: ExecutionArgs): Record<string, unknown> {
  const definitions = getOperationAST(args.document, args.operationName)?.variableDefinitions;
  if (!definitions?.length) return {};
  return getVariableValues(args.schema, definitions, (args.variableValues ?? {}) as Record<string, unknown>).coerced ?? {};
}

/** The HTTP request an operation came in, shared by every operation of a JSON batch. */
const requestOf = (args: ExecutionArgs): object | undefined => (args.contextValue as { request?: object } | undefined)?.request;

export interface LimitsOptions {
  limits: Limits;
  introspection: boolean;
  production: boolean;
}

/**
 * The query limits, GraphQL Armor's rules configured so that introspection is limited too
 * (Armor skips it by default) and fragments count by the fields they hold, not as extra levels.
 */
export function useQueryLimits({ limits, introspection, production }: LimitsOptions): Plugin[] {
  const dataDepth = armorRule('depth', (o) => maxDepthRule({ ...o, n: limits.maxDepth, ignoreIntrospection: false, flattenFragments: true }));
  const introspectionDepth = armorRule('depth', (o) =>
    maxDepthRule({ ...o, n: Math.max(limits.maxDepth, limits.maxIntrospectionDepth), ignoreIntrospection: false, flattenFragments: true }),
  );
  const rules: ValidationRule[] = [
    (context) => (isIntrospectionOnly(context.getDocument()) ? introspectionDepth : dataDepth)(context),
    armorRule('aliases', (o) => maxAliasesRule({ ...o, n: limits.maxAliases })),
    armorRule('directives', (o) => maxDirectivesRule({ ...o, n: limits.maxDirectives })),
  ];
  if (!introspection) rules.push(NoSchemaIntrospectionCustomRule);

  // What the operations of one HTTP request have spent so far: a JSON batch shares one budget of
  // each limit that adds up (cost, aliases, directives, tokens), or MAX_BATCH operations just
  // under a limit would each pass. An operation refused spends nothing.
  const spent = new WeakMap<object, BatchSpend & { cost: number }>();
  const summed = [
    ['aliases', limits.maxAliases],
    ['directives', limits.maxDirectives],
    ['tokens', limits.maxTokens],
  ] as const;
  const checkBatch = (args: ExecutionArgs, refuse: (result: ExecutionResult) => void) => {
    const request = requestOf(args);
    const before = (request && spent.get(request)) || { aliases: 0, directives: 0, tokens: 0, cost: 0 };
    const spend = operationSpend(args.document, args.operationName);
    for (const [limit, max] of summed) {
      if (before[limit] + spend[limit] > max) {
        refuse({ errors: [batchLimitError(limit, max, spend[limit], before[limit])] });
        return;
      }
    }
    const cost = operationCost(args.schema, args.document, args.operationName, coercedVariables(args));
    if (before.cost + cost > limits.maxCost) {
      refuse({ errors: [costError(cost, limits.maxCost, before.cost)] });
      return;
    }
    if (request) {
      spent.set(request, {
        aliases: before.aliases + spend.aliases,
        directives: before.directives + spend.directives,
        tokens: before.tokens + spend.tokens,
        cost: before.cost + cost,
      });
    }
  };

  const plugins: Plugin[] = [
    maxTokensPlugin({
      n: limits.maxTokens,
      // The parser throws this error itself: give it our code and a 400 on its way out.
      onReject: [
        (_ctx, error) => {
          const extensions = error.extensions as Record<string, unknown>;
          Object.assign(extensions, complexityError('tokens', error.message).extensions);
        },
      ],
    }) as Plugin,
    {
      onValidate({ addValidationRule }) {
        for (const rule of rules) addValidationRule(rule);
      },
      // Cost depends on the variables (`first: $n`), so it is checked once they are known; the
      // sums over a batch once the request's earlier operations have spent theirs.
      onExecute: ({ args, setResultAndStopExecution }) => checkBatch(args, setResultAndStopExecution),
      onSubscribe: ({ args, setResultAndStopExecution }) => checkBatch(args, setResultAndStopExecution),
    },
  ];
  if (production) plugins.push(blockFieldSuggestionsPlugin() as Plugin);
  return plugins;
}

type Stringify = (result: ExecutionResult) => string;

/**
 * A cap on the size of a response: past it, the operation's answer (and, in a batch, every later
 * one) is replaced by a RESPONSE_TOO_LARGE error, instead of being written, and a batch of them
 * joined, into one string that can exhaust the heap. Results are measured as yoga serialises them
 * (compiled reads bring their JSON text), so nothing is serialised twice.
 */
export function useResponseSizeLimit(maxBytes: number, requestIdOf: (request: Request) => string | undefined): Plugin {
  return {
    onResultProcess({ request, result, setResult }) {
      if (result == null || typeof result !== 'object' || Symbol.asyncIterator in result) return;
      let written = 0;
      const tooLarge = () =>
        JSON.stringify({
          errors: [
            {
              message: `The response is larger than the limit of ${maxBytes} bytes: ask for fewer items or fields, or send the operations of a batch separately.`,
              extensions: { code: 'RESPONSE_TOO_LARGE', limit: 'responseBytes', requestId: requestIdOf(request) },
            },
          ],
        });
      const capped = (single: ExecutionResult & { stringify?: Stringify }) => {
        const stringify: Stringify = single.stringify ?? JSON.stringify;
        // Set on the result itself: copying it would read a compiled read's lazily parsed `data`.
        single.stringify = (value) => {
          if (written > maxBytes) return tooLarge();
          const text = stringify(value);
          written += Buffer.byteLength(text);
          return written > maxBytes ? tooLarge() : text;
        };
        return single;
      };
      setResult(Array.isArray(result) ? result.map(capped) : capped(result as ExecutionResult));
    },
  };
}

const bodyError = (message: string, code: string, status: number) => new GraphQLError(message, { extensions: { code, http: { status } } });

/**
 * The request body limit, as yoga's own (`maxRequestBodySize`, same errors) but without piping
 * every body through a counting stream: that cost ~10% of a small request's CPU. Node's HTTP
 * parser reads exactly Content-Length bytes, so a declared length is checked from the header;
 * only a body without one (chunked) is counted as it is read.
 */
export function useBodySizeLimit(limit: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const contentLength = request.headers.get('content-length');
      if (contentLength != null) {
        if (!/^\d+$/.test(contentLength)) throw bodyError('Content-Length header is invalid.', 'BAD_REQUEST', 400);
        if (Number(contentLength) > limit) throw bodyError('Request body too large', 'REQUEST_ENTITY_TOO_LARGE', 413);
        return;
      }
      if (!requestParser || !request.body) return;
      setRequestParser(async (unsized) => {
        const chunks: Uint8Array[] = [];
        let size = 0;
        const reader = unsized.body!.getReader();
        for (let read = await reader.read(); !read.done; read = await reader.read()) {
          size += read.value.byteLength;
          if (size > limit) {
            // Released, not cancelled: cancelling would destroy the socket before the 413 is
            // sent; Node discards the rest of the body once the response is done.
            reader.releaseLock();
            throw bodyError('Request body too large', 'REQUEST_ENTITY_TOO_LARGE', 413);
          }
          chunks.push(read.value);
        }
        const body = Buffer.concat(chunks);
        return requestParser(new fetchAPI.Request(unsized.url, { method: unsized.method, headers: unsized.headers, body, signal: unsized.signal }));
      });
    },
  };
}
