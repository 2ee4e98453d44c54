import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLError,
  Kind,
  getOperationAST,
  locatedError,
  getVariableValues,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { type CompiledAnswer, type CompiledQuery, compileQuery } from '../read/compiled.js';
import { usesIncrementalDelivery } from './incremental.js';
import { responseBudgetOf } from './limits.js';

/** Which way a query was answered: one compiled SQL statement, the executor's resolvers, or the response cache. */
export type ReadPath = 'compiled' | 'executor' | 'cache';

export interface ReadPathOptions {
  /** Answer what compiles with compiled SQL (COMPILED_READS); off, every query runs through the executor. */
  compile: boolean;
  /** Told the path of every query operation (for the metrics and the request's log line). */
  onReadPath?: (path: ReadPath, context: { request?: Request }) => void;
  /** yoga's error masking (which a result set here bypasses): codes the error and keeps its cause for the log. */
  maskError: (error: unknown) => Error;
}

const MAX_INT4 = 2 ** 31 - 1;

/**
 * Read queries that compile (src/read/compiled.ts) are answered by one SQL statement whose JSON
 * text goes to the client as it is; every other operation runs through the executor. Whether a
 * document compiles is decided once and kept with it. A database error in the compiled statement
 * is this request's answer, masked and coded like any other: running the query again through the
 * executor would double the load exactly when the database is struggling.
 */
export function useCompiledReads(options: ReadPathOptions): Plugin {
  // yoga's parse cache hands out one DocumentNode per query text, so this compiles each once.
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();
  const compiledFor = (document: DocumentNode, operationName: string | null | undefined, compile: () => CompiledQuery | null) => {
    let byName = compiled.get(document);
    if (!byName) compiled.set(document, (byName = new Map()));
    let query = byName.get(operationName ?? '');
    if (query === undefined) byName.set(operationName ?? '', (query = compile()));
    return query;
  };
  async function answer(args: ExecutionArgs, executeFn: (args: ExecutionArgs) => unknown) {
    const operation = getOperationAST(args.document, args.operationName)!;
    const context = args.contextValue as unknown as Context & { request?: Request };
    const report = (path: ReadPath) => options.onReadPath?.(path, context);
    const query =
      options.compile && !usesIncrementalDelivery(args.document)
        ? compiledFor(args.document, args.operationName, () => compileQuery(args.schema, args.document, operation))
        : null;
    const variables =
      query && operation.variableDefinitions?.length
        ? getVariableValues(args.schema, operation.variableDefinitions, args.variableValues ?? {})
        : { coerced: {} };
    // What the request's earlier answers left of MAX_RESPONSE_BYTES (int4: PostgreSQL compares it).
    const budget = responseBudgetOf(context);
    const maxBytes = Math.min(Math.max(budget?.remaining ?? MAX_INT4, 0), MAX_INT4);
    // The context's database: a read replica when src/plugins/read-routing.ts chose one.
    const pending = query && variables.coerced && query(context.db, variables.coerced, maxBytes);
    if (!pending) {
      report('executor');
      return executeFn(args);
    }
    report('compiled');
    let compiledAnswer: CompiledAnswer | undefined;
    try {
      compiledAnswer = await pending;
    } catch (error) {
      // Coded by plugins/errors.ts (a database that is down is SERVICE_UNAVAILABLE); the cause is
      // logged once, with the request id, as for an error in a resolver.
      const first = operation.selectionSet.selections.find((selection) => selection.kind === Kind.FIELD);
      const path = first ? [first.alias?.value ?? first.name.value] : undefined;
      const located = locatedError(error, operation.selectionSet.selections, path);
      return { data: null, errors: [options.maskError(located) as GraphQLError] };
    }
    if (budget && compiledAnswer && !budget.spend(compiledAnswer.bytes)) return budget.refusal();
    const text = compiledAnswer?.data ?? undefined;
    let data: unknown;
    let replaced = false;
    return {
      get data() {
        return replaced ? data : (data ??= text === undefined ? null : JSON.parse(text));
      },
      // The response cache takes its bookkeeping fields (__responseCacheId, ...) out of `data`.
      set data(value: unknown) {
        data = value;
        replaced = true;
      },
      // yoga writes a result with its own `stringify` through it: the JSON goes out as it came.
      stringify: () => (replaced ? JSON.stringify({ data }) : `{"data":${text ?? 'null'}}`),
    } as ExecutionResult;
  }
  return {
    // As the execute function, not an answer set here: plugins after this one (the response cache)
    // wrap it, and see (and may change) the document it compiles and the answer it gives.
    onExecute({ args, executeFn, setExecuteFn }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'query') return;
      setExecuteFn((executionArgs) => answer(executionArgs, executeFn as (args: ExecutionArgs) => unknown) as never);
    },
  };
}
