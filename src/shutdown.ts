import type { Server } from 'node:http';
import type { Logger } from 'pino';

export interface ShutdownDeps {
  server: Server;
  logger: Logger;
  /** Ends what the app holds open (subscriptions complete with a final message); yoga's dispose. */
  disposeApp?: () => Promise<void> | void;
  closeDatabase: () => Promise<void>;
  /** In-flight requests get this long to finish before their connections are cut. */
  timeoutMs: number;
}

/**
 * Stops accepting connections, lets in-flight requests finish, completes subscriptions, then
 * closes the database pool. Resolves to the exit code: 0 when everything finished in time.
 */
export async function gracefulShutdown({ server, logger, disposeApp, closeDatabase, timeoutMs }: ShutdownDeps): Promise<number> {
  const startedAt = Date.now();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive sockets would hold `close` open forever: cut each one as soon as it is idle
  // (a socket with a request in flight is not idle, so its response still goes out).
  server.closeIdleConnections();
  const idleSweeper = setInterval(() => server.closeIdleConnections(), 50);
  let timedOut = false;
  const deadline = new Promise<void>((resolve) =>
    setTimeout(() => {
      timedOut = true;
      resolve();
    }, timeoutMs).unref(),
  );
  try {
    // Subscriptions never end by themselves: complete them now, while their sockets are still open.
    await Promise.race([Promise.resolve(disposeApp?.()), deadline]);
    await Promise.race([closed, deadline]);
  } finally {
    clearInterval(idleSweeper);
  }
  if (timedOut) {
    logger.warn({ timeoutMs }, 'in-flight requests did not finish in time; closing their connections');
    server.closeAllConnections();
  }
  try {
    await closeDatabase();
  } catch (error) {
    logger.error({ err: error }, 'closing the database failed');
    return 1;
  }
  logger.info({ durationMs: Date.now() - startedAt }, 'shut down');
  return timedOut ? 1 : 0;
}
