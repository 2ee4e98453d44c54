import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { type ExecutionArgs, type ExecutionResult, GraphQLError, getOperationAST } from 'graphql';
import { CloseCode, type Context, handleProtocols, makeServer } from 'graphql-ws';
import pino, { type Logger } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import type { App } from '../app.js';
import { badTextError } from '../plugins/input.js';
import { errorSummary } from '../plugins/logging.js';
import { defaultLimits } from '../plugins/settings.js';
import { releasingOnEnd, slotOf } from './subscriber-slots.js';

type EnvelopedArgs = ExecutionArgs & { rootValue: { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown } };
type Extra = { socket: WebSocket; request: IncomingMessage };

export interface WebSocketOptions {
  /** JSON logs: one line per operation, with its request id; silent when absent. */
  logger?: Logger;
  /** The largest message accepted: the HTTP body limit, so the socket is no way around it. */
  maxPayloadBytes?: number;
  /** Operations open at once on one socket; more are answered with an error each. */
  maxOperationsPerSocket?: number;
  /** Initialised sockets open at once from one address; more are closed. */
  maxSocketsPerAddress?: number;
  /** Ping every so often; a socket that does not answer within as long is dropped. */
  keepAliveMs?: number;
}

/** Close code for a socket over the per-address limit ("try again later"). */
export const TOO_MANY_SOCKETS_CLOSE_CODE = 4429;

interface Operation {
  requestId: string;
  startedAt: number;
  operationName: string | undefined;
  operationType: string | undefined;
  errorCodes: Set<string>;
}

const codeOf = (error: { extensions?: Record<string, unknown> }) =>
  typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL_SERVER_ERROR';

function withRequestId(errors: readonly GraphQLError[], operation: Operation) {
  return errors.map((error) => {
    const json = error.toJSON();
    const code = codeOf(error);
    operation.errorCodes.add(code);
    return { ...json, extensions: { code, ...json.extensions, requestId: operation.requestId } };
  });
}

/**
 * Serves the graphql-ws protocol (`graphql-transport-ws`) on the HTTP server, on the same path
 * as HTTP/SSE, through the same yoga instance (so the same plugins, context and masking apply).
 * An editor token for mutations goes in `connectionParams.authorization` ("Bearer <token>").
 *
 * graphql-ws's own `ws` adapter is replaced by this one (graphql-ws's `makeServer` does the
 * protocol) so that: a message is no larger than an HTTP body; a bad message answers its own
 * operation instead of closing the socket; nothing is printed outside the JSON log; every
 * operation logs a line with a request id; and one address cannot hold unbounded sockets or
 * operations.
 */
export function attachWebSocketServer(server: Server, yoga: App, options: WebSocketOptions = {}) {
  const logger = options.logger ?? pino({ level: 'silent' });
  const maxOperations = options.maxOperationsPerSocket ?? 100;
  const maxSockets = options.maxSocketsPerAddress ?? 50;
  const keepAliveMs = options.keepAliveMs ?? 12_000;
  const wsServer = new WebSocketServer({
    server,
    path: yoga.graphqlEndpoint,
    maxPayload: options.maxPayloadBytes ?? defaultLimits.maxBodyBytes,
    handleProtocols: (protocols) => handleProtocols(protocols),
  });
  const operations = new WeakMap<object, Map<string, Operation>>();
  const socketsByAddress = new Map<string, number>();
  const counted = new WeakSet<object>();

  const operationOf = (ctx: Context<Record<string, unknown>, Extra>, id: string) => operations.get(ctx)?.get(id);
  const endOperation = (ctx: Context<Record<string, unknown>, Extra>, id: string) => {
    const operation = operationOf(ctx, id);
    if (!operation) return;
    operations.get(ctx)!.delete(id);
    const line = {
      requestId: operation.requestId,
      transport: 'websocket',
      operationName: operation.operationName,
      operationType: operation.operationType,
      errors: operation.errorCodes.size > 0 ? [...operation.errorCodes] : undefined,
      durationMs: Math.round((performance.now() - operation.startedAt) * 10) / 10,
    };
    if (operation.errorCodes.has('INTERNAL_SERVER_ERROR')) logger.error(line, 'websocket operation failed');
    else logger.info(line, 'websocket operation');
  };

  const protocol = makeServer<Record<string, unknown>, Extra>({
    execute: (args) => (args as EnvelopedArgs).rootValue.execute(args) as never,
    subscribe: (args) => (args as EnvelopedArgs).rootValue.subscribe(args) as never,
    onConnect: (ctx) => {
      const address = ctx.extra.request.socket.remoteAddress ?? 'unknown';
      const open = socketsByAddress.get(address) ?? 0;
      if (open >= maxSockets) {
        logger.info({ transport: 'websocket', openSockets: open }, 'refused a websocket: too many from one address');
        ctx.extra.socket.close(TOO_MANY_SOCKETS_CLOSE_CODE, 'Too many connections from this address');
        return false;
      }
      socketsByAddress.set(address, open + 1);
      counted.add(ctx);
      return true;
    },
    onClose: (ctx) => {
      if (!counted.has(ctx)) return;
      counted.delete(ctx);
      const address = ctx.extra.request.socket.remoteAddress ?? 'unknown';
      const left = (socketsByAddress.get(address) ?? 1) - 1;
      if (left > 0) socketsByAddress.set(address, left);
      else socketsByAddress.delete(address);
    },
    onSubscribe: async (ctx, id, params) => {
      const operation: Operation = {
        requestId: randomUUID(),
        startedAt: performance.now(),
        operationName: typeof params.operationName === 'string' ? params.operationName.slice(0, 100) : undefined,
        operationType: undefined,
        errorCodes: new Set(),
      };
      let mine = operations.get(ctx);
      if (!mine) operations.set(ctx, (mine = new Map()));
      mine.set(id, operation);
      // The id itself is already among the socket's subscriptions.
      if (Object.keys(ctx.subscriptions).length > maxOperations) {
        return [
          new GraphQLError(`At most ${maxOperations} operations may be open on one WebSocket; complete some first.`, {
            extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: 'perSocket' },
          }),
        ];
      }
      const badText = badTextError(params);
      if (badText) return [badText];
      try {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          connectionParams: ctx.connectionParams,
          webSocketRequestId: operation.requestId,
        });
        let document;
        try {
          document = parse(params.query);
        } catch (error) {
          if (!(error instanceof GraphQLError)) throw error;
          return [new GraphQLError(error.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED', ...error.extensions } })];
        }
        const errors = validate(schema, document);
        if (errors.length) {
          return errors.map((e: GraphQLError) =>
            e.extensions?.code ? e : new GraphQLError(e.message, { nodes: e.nodes, extensions: { ...e.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } }),
          );
        }
        operation.operationName ??= getOperationAST(document, params.operationName)?.name?.value;
        operation.operationType = getOperationAST(document, params.operationName)?.operation;
        const args: EnvelopedArgs = {
          schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        return args;
      } catch (error) {
        logger.error({ requestId: operation.requestId, err: errorSummary(error) }, 'unexpected error starting a websocket operation (masked)');
        return [new GraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })];
      }
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
    onNext: (ctx, id, _payload, _args, result: ExecutionResult) => {
      const operation = operationOf(ctx, id);
      if (!operation || !result.errors?.length) return undefined;
      return { ...result, errors: withRequestId(result.errors, operation) } as never;
    },
    onError: (ctx, id, _payload, errors) => {
      const operation = operationOf(ctx, id);
      if (!operation) return undefined;
      const answered = withRequestId(errors, operation);
      endOperation(ctx, id);
      return answered as never;
    },
    onComplete: (ctx, id) => endOperation(ctx, id),
  });

  wsServer.on('error', (error) => logger.error({ err: errorSummary(error) }, 'websocket server error'));
  wsServer.on('connection', (socket, request) => {
    // ws's own refusals (a message over maxPayload, a bad frame) arrive here; ws then closes the
    // socket itself (1009, 1002): the client's mistake, logged as such.
    socket.on('error', (error) => logger.info({ transport: 'websocket', err: errorSummary(error) }, 'websocket closed on a bad frame'));
    let pongWait: NodeJS.Timeout | undefined;
    const ping = setInterval(() => {
      if (socket.readyState !== socket.OPEN) return;
      pongWait = setTimeout(() => socket.terminate(), keepAliveMs);
      socket.once('pong', () => clearTimeout(pongWait));
      socket.ping();
    }, keepAliveMs);
    const closed = protocol.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', async (data) => {
            try {
              await handle(String(data));
            } catch (error) {
              // A protocol handler's own failure: logged here, never printed, and never with the message.
              logger.error({ transport: 'websocket', err: errorSummary(error) }, 'websocket message failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            }
          }),
      },
      { socket, request },
    );
    socket.once('close', (code, reason) => {
      clearTimeout(pongWait);
      clearInterval(ping);
      void closed(code, String(reason));
    });
  });

  return {
    async close() {
      for (const client of wsServer.clients) client.close(1001, 'Going away');
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value != null && typeof value === 'object' && Symbol.asyncIterator in value;
}
