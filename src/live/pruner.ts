import type { LiveLogger } from './live-statements.js';

export interface PrunerOptions {
  /** Deletes up to `batch` entries older than `cutoff`; how many it deleted (0: none old enough, or another instance is at it). */
  pruneBatch(cutoff: Date, batch: number): Promise<number>;
  /** Entries older than this go (unset: the pruner does nothing). */
  retentionMs?: number | undefined;
  /** How often it looks; it deletes batch after batch until one is not full. */
  intervalMs?: number | undefined;
  batch?: number | undefined;
  /** Between two full batches: other writers get the table (and the database) in between. */
  pauseMs?: number;
  /** What is pruned, for the log lines ("the statement log"). */
  what: string;
  logger?: LiveLogger | undefined;
}

/**
 * A log's background pruner (the statement log, the entity change log): at start, then every
 * `intervalMs` after the last run ended, it deletes what is past retention in small transactions.
 * A failure is logged and tried again at the next interval; timers never hold the process open.
 */
export function createPruner(options: PrunerOptions) {
  const batch = options.batch ?? 1_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;

  async function prune() {
    if (options.retentionMs == null) return;
    try {
      let total = 0;
      // A full batch may have left more behind; a short one reached what is young enough to keep.
      for (let deleted = batch; deleted === batch && !stopped; ) {
        deleted = await options.pruneBatch(new Date(Date.now() - options.retentionMs), batch);
        total += deleted;
        if (deleted === batch) await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 20));
      }
      if (total > 0) options.logger?.info?.({ deleted: total, retentionMs: options.retentionMs }, `pruned ${options.what}`);
    } catch (error) {
      options.logger?.warn({ err: error }, `pruning ${options.what} failed; trying again later`);
    }
  }

  function schedule(ms: number) {
    if (stopped || options.retentionMs == null) return;
    timer = setTimeout(() => {
      running = prune().finally(() => {
        running = null;
        schedule(options.intervalMs ?? 60_000);
      });
    }, ms);
    timer.unref();
  }

  return {
    /** Prunes now, then every interval. */
    start() {
      schedule(0);
    },
    /** Prunes what is past retention now, after any run in progress (tests; it also runs on its own). */
    async run() {
      await running;
      await prune();
    },
    /** No further runs; resolves once the one in progress (if any) has ended. */
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
