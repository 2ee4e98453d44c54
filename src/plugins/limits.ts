import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  defaultFieldResolver,
  getOperationAST,
  getVariableValues,
  isIntrospectionType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { type Plugin, isAsyncIterable } from 'graphql-yoga';
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

const RESPONSE_BUDGET = Symbol('responseBudget');
const EVENT_BUDGETS = Symbol('eventBudgets');

/** What the answers of one HTTP request (a JSON batch's together) may still take of MAX_RESPONSE_BYTES. */
export interface ResponseBudget {
  /** Bytes left; below zero once the request is over the limit. */
  readonly remaining: number;
  /** Counts bytes an operation produced; false once the request is over the limit. */
  spend(bytes: number): boolean;
  /** The answer of an operation over the limit. */
  refusal(): ExecutionResult;
}

/**
 * A budget with the error that stops the resolvers of an answer over it. `quiet`: past the limit,
 * nullable fields answer null instead of throwing it again (a subscription event's answer is sent
 * as it is, and each field stopped would add one more copy of the error to it).
 */
type Budget = ResponseBudget & { readonly stop: GraphQLError; readonly quiet: boolean };

/** The budget an operation's answer is counted against (undefined outside an HTTP query or mutation). */
export const responseBudgetOf = (context: unknown): ResponseBudget | undefined => budgetOfContext(context);

const budgetOfContext = (context: unknown): Budget | undefined => (context as { [RESPONSE_BUDGET]?: Budget } | undefined)?.[RESPONSE_BUDGET];

/**
 * A subscription's events each get a budget of their own, keyed by the coerced variables object
 * graphql-js makes afresh for every execution: an event's answer may be executed for several
 * subscribers (src/live/shared-results.ts) with the context of whichever asked first.
 */
const eventBudgetOf = (context: unknown, variables: object): Budget | undefined =>
  (context as { [EVENT_BUDGETS]?: (variables: object) => Budget } | undefined)?.[EVENT_BUDGETS]?.(variables);

function createBudget(maxBytes: number, message: string, extensions: Record<string, unknown>, quiet = false): Budget {
  let spent = 0;
  let stop: GraphQLError | undefined;
  return {
    get remaining() {
      return maxBytes - spent;
    },
    spend: (bytes) => (spent += bytes) <= maxBytes,
    refusal: () => ({ errors: [new GraphQLError(message, { extensions })] }),
    // With a path, graphql-js passes the error on as it is instead of copying it at every field it
    // stops. Made once it is needed: most answers never are.
    get stop() {
      return (stop ??= new GraphQLError(message, { path: [], extensions }));
    },
    quiet,
  };
}

/**
 * JSON an answer gets per field besides a string's characters: key, quotes and punctuation; for
 * numbers, enums and IDs too. An estimate (escapes and UTF-8 are not counted); the exact bytes
 * are counted again as they are serialised.
 */
const FIELD_BYTES = 16;

const estimatedBytes = (value: unknown, key: string | number): number => {
  let bytes = FIELD_BYTES + (typeof key === 'string' ? key.length : 0);
  if (typeof value === 'string') bytes += value.length;
  else if (Array.isArray(value)) for (const item of value) bytes += typeof item === 'string' ? item.length + 3 : 0;
  return bytes;
};

/**
 * Wraps every field's resolver to count what it returns against its answer's budget, and to
 * stop resolving once the budget is spent: the answer is then refused whole, so it is never built
 * past the limit. Wrapped in place once per schema (resolvers see the budget of their own
 * request or event through the context); a context without one (tests) costs two lookups.
 */
function countResolvedValues(schema: GraphQLSchema) {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    for (const field of Object.values(type.getFields()) as (GraphQLField<unknown, unknown> & { [RESPONSE_BUDGET]?: true })[]) {
      if (field[RESPONSE_BUDGET]) continue;
      field[RESPONSE_BUDGET] = true;
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      const nullable = !isNonNullType(field.type);
      field.resolve = (source, args, context, info) => {
        const budget = budgetOfContext(context) ?? eventBudgetOf(context, info.variableValues);
        if (!budget) return resolve(source, args, context, info);
        if (budget.remaining < 0) {
          if (budget.quiet && nullable) return null;
          throw budget.stop;
        }
        const count = (value: unknown) => {
          if (!budget.spend(estimatedBytes(value, info.path.key))) throw budget.stop;
          return value;
        };
        const value = resolve(source, args, context, info);
        return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function' ? (value as Promise<unknown>).then(count) : count(value);
      };
    }
  }
}

type Part = ExecutionResult & { incremental?: readonly { errors?: readonly GraphQLError[] }[] };

const tooLarge = (errors: readonly GraphQLError[] | undefined) => errors?.some((e) => e.extensions?.code === 'RESPONSE_TOO_LARGE') ?? false;

/** True when the resolvers' budget stopped some of this part. */
const stopped = (part: Part) => tooLarge(part.errors) || (part.incremental?.some((patch) => tooLarge(patch.errors)) ?? false);

/**
 * The parts of an incremental answer (@defer, @stream) as they come, until their JSON adds up to
 * more than `maxBytes`: the part that would pass it, or that the resolvers' budget cut short, is
 * replaced by a last one with the error (`hasNext: false`), and the rest is not made. The executor
 * runs streamed items ahead of what is sent, so that budget (shared by every part) bounds what is
 * held in memory, and the bytes counted here what is sent.
 */
async function* cappedParts(parts: AsyncIterable<Part>, budget: Budget, maxBytes: number, error: () => GraphQLError) {
  let written = 0;
  const iterator = parts[Symbol.asyncIterator]();
  try {
    for (let part = await iterator.next(); !part.done; part = await iterator.next()) {
      written += Buffer.byteLength(JSON.stringify(part.value));
      if (written > maxBytes || (budget.remaining < 0 && stopped(part.value))) {
        budget.spend(Number.POSITIVE_INFINITY); // resolvers of later parts still running stop at once
        yield { errors: [error()], hasNext: false };
        return;
      }
      yield part.value;
    }
  } finally {
    await iterator.return?.();
  }
}

/**
 * A cap on the size of a response: past it, the operation's answer (and, in a batch, every later
 * one) is replaced by a RESPONSE_TOO_LARGE error. It holds while the answer is made, so a large
 * one is neither built in memory nor written: the executor's resolved values are counted as they
 * come (an estimate), a compiled read's JSON text is measured in the database
 * (src/plugins/compiled-reads.ts), and what yoga serialises is counted exactly. An incremental
 * answer's parts count together and end with the error once past it; each subscription event is
 * counted on its own (estimated), and one past the cap is cut short with the error in it.
 */
export function useResponseSizeLimit(maxBytes: number, requestIdOf: (request: Request) => string | undefined): Plugin {
  const budgets = new WeakMap<Request, Budget>();
  const message = `The response is larger than the limit of ${maxBytes} bytes: ask for fewer items or fields, or send the operations of a batch separately.`;
  const extensions = { code: 'RESPONSE_TOO_LARGE', limit: 'responseBytes' };
  const budgetOf = (request: Request): Budget => {
    let budget = budgets.get(request);
    if (!budget) budgets.set(request, (budget = createBudget(maxBytes, message, extensions)));
    return budget;
  };
  const eventBudgets = new WeakMap<object, Budget>();
  const eventBudget = (variables: object): Budget => {
    let budget = eventBudgets.get(variables);
    if (!budget) eventBudgets.set(variables, (budget = createBudget(maxBytes, message, extensions, true)));
    return budget;
  };
  return {
    onSchemaChange: ({ schema }) => countResolvedValues(schema),
    onSubscribe({ args }) {
      (args.contextValue as { [EVENT_BUDGETS]?: typeof eventBudget })[EVENT_BUDGETS] = eventBudget;
    },
    onExecute({ args }) {
      const request = requestOf(args) as Request | undefined;
      if (!request || getOperationAST(args.document, args.operationName)?.operation === 'subscription') return;
      const budget = budgetOf(request);
      (args.contextValue as { [RESPONSE_BUDGET]?: Budget })[RESPONSE_BUDGET] = budget;
      return {
        onExecuteDone({ result, setResult }) {
          if (isAsyncIterable(result)) {
            const requestId = requestIdOf(request);
            const refusal = () => new GraphQLError(message, { extensions: { ...extensions, requestId } });
            setResult(cappedParts(result, budget, maxBytes, refusal));
          } else if (budget.remaining < 0) setResult(budget.refusal());
        },
      };
    },
    onResultProcess({ request, result, setResult }) {
      if (result == null || typeof result !== 'object' || Symbol.asyncIterator in result) return;
      let written = 0;
      const refusal = () => JSON.stringify({ errors: [{ message, extensions: { ...extensions, requestId: requestIdOf(request) } }] });
      const capped = (single: ExecutionResult & { stringify?: Stringify }) => {
        const stringify: Stringify = single.stringify ?? JSON.stringify;
        // Set on the result itself: copying it would read a compiled read's lazily parsed `data`.
        single.stringify = (value) => {
          if (written > maxBytes) return refusal();
          const text = stringify(value);
          written += Buffer.byteLength(text);
          return written > maxBytes ? refusal() : text;
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
