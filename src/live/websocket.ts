import type { Server } from 'node:http';
import type { ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { App } from '../app.js';
import { releasingOnEnd, slotOf } from './subscriber-slots.js';

type EnvelopedArgs = ExecutionArgs & { rootValue: { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown } };

/**
 * Serves the graphql-ws protocol (`graphql-transport-ws`) on the HTTP server, on the same path
 * as HTTP/SSE, through the same yoga instance (so the same plugins, context and masking apply).
 * An editor token for mutations goes in `connectionParams.authorization` ("Bearer <token>").
 */
export function attachWebSocketServer(server: Server, yoga: App) {
  const wsServer = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  const disposable = useServer(
    {
      execute: (args) => (args as EnvelopedArgs).rootValue.execute(args) as never,
      subscribe: (args) => (args as EnvelopedArgs).rootValue.subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          connectionParams: ctx.connectionParams,
        });
        const args: EnvelopedArgs = {
          schema,
          operationName: params.operationName,
          document: parse(params.query),
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        if (errors.length) return errors;
        return args;
      },
      // The subscription's slot (src/live/subscriber-slots.ts) is open while its stream runs, and
      // released however it ends: completed, errored, or the socket gone.
      onOperation: (_ctx, _id, _params, args, result) => {
        const slot = slotOf(args.contextValue);
        if (!slot) return;
        if (!isAsyncIterable(result)) return slot.release();
        slot.open();
        return releasingOnEnd(result, slot) as never;
      },
    },
    wsServer,
  );
  return {
    async close() {
      await disposable.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value != null && typeof value === 'object' && Symbol.asyncIterator in value;
}
