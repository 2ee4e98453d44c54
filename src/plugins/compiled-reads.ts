import { type DocumentNode, type ExecutionResult, getOperationAST, getVariableValues } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type CompiledQuery, compileQuery } from '../read/compiled.js';
import type { Context } from '../context.js';

/**
 * Read queries that compile (src/read/compiled.ts) are answered by one SQL statement whose JSON
 * text goes to the client as it is; every other operation runs through the executor.
 */
export function useCompiledReads(): Plugin {
  // yoga's parse cache hands out one DocumentNode per query text, so this compiles each once.
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'query') return;
      let byName = compiled.get(args.document);
      if (!byName) compiled.set(args.document, (byName = new Map()));
      let query = byName.get(args.operationName ?? '');
      if (query === undefined) byName.set(args.operationName ?? '', (query = compileQuery(args.schema, args.document, operation)));
      if (!query) return;
      const variables = operation.variableDefinitions?.length
        ? getVariableValues(args.schema, operation.variableDefinitions, args.variableValues ?? {})
        : { coerced: {} };
      // The context's database: a read replica when src/plugins/read-routing.ts chose one.
      const answer = variables.coerced && query((args.contextValue as unknown as Context).db, variables.coerced);
      if (!answer) return;
      let text: string | undefined;
      try {
        text = await answer;
      } catch {
        // A failing database is reported by the executor (which will meet it too), through the
        // usual error masking and codes.
        return;
      }
      if (text === undefined) return;
      let data: unknown;
      const result = {
        get data() {
          return (data ??= JSON.parse(text));
        },
        // yoga writes a result with its own `stringify` through it: the JSON goes out as it came.
        stringify: () => `{"data":${text}}`,
      };
      setResultAndStopExecution(result as ExecutionResult);
    },
  };
}
