// `npm start`'s entry. With WEB_CONCURRENCY > 1 on PostgreSQL, a primary process forks that many
// workers sharing the port (node:cluster): each is a full, stateless instance (its own pool and
// LISTEN connection), which is how the service scales out anyway. Otherwise this is server.ts.
import cluster from 'node:cluster';
import { z } from 'zod';
import { readConfigOrExit } from './config.js';

const workers = z.coerce
  .number()
  .int()
  .min(1)
  .max(64)
  .catch(1)
  .parse(process.env.WEB_CONCURRENCY ?? 1);

if (cluster.isPrimary && workers > 1 && process.env.DATABASE_URL) {
  // Bad settings: exit 2 here, once, rather than from every worker, each replaced in turn.
  readConfigOrExit();
  let stopping = false;
  const listened = new Set<number>();
  const fork = () => cluster.fork();
  for (let i = 0; i < workers; i++) fork();
  cluster.on('listening', (worker) => listened.add(worker.id));
  // A worker that dies on its own is replaced; on shutdown each drains and exits by itself. One
  // that dies before it ever listened could not start (a busy port, say): another would fail the
  // same way, so the service stops with its exit code instead of restarting without end.
  cluster.on('exit', (worker, code) => {
    if (!stopping && !listened.has(worker.id)) {
      stopping = true;
      console.error(`worker ${worker.process.pid} could not start (exit code ${code}); stopping`);
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
      process.exitCode = code || 1;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(process.exitCode);
    } else if (!stopping) {
      console.error(`worker ${worker.process.pid} exited (${code}); starting another`);
      fork();
    } else if (Object.keys(cluster.workers ?? {}).length === 0) {
      process.exit(process.exitCode ?? 0);
    }
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} else {
  await import('./server.js');
}
