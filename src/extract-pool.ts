// Extraction off the event loop: a small pool of worker threads (src/extract/worker.ts), so
// /health, /ready and every other request keep answering while an article is extracted, and an
// extraction that overruns its time is stopped (its thread terminated) instead of running on.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ExtractInput, Extraction, KnownPerson } from './extract/types.js';
import type { ExtractReply, ExtractTask } from './extract/worker.js';

/** The longest body any extraction accepts: `extract`, `ingestArticle` and the ingest CLI alike. */
export const MAX_EXTRACT_BODY = 200_000;

export interface ExtractOptions {
  /** Stops the run this long after it starts (an in-process extractor cannot stop one). */
  timeoutMs?: number | undefined;
  /** Called when the run starts (waiting for a free worker is not part of its time). */
  onStart?: (() => void) | undefined;
}

/** Runs the extractor. */
export interface Extractor {
  extract(input: ExtractInput, knownPeople: KnownPerson[], options?: ExtractOptions): Promise<Extraction>;
  close(): Promise<void>;
}

/** Why an extraction was not run or not finished. */
export class ExtractionRefused extends Error {
  constructor(
    readonly reason: 'timeout' | 'busy' | 'closed' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'ExtractionRefused';
  }
}

/** Cores minus one for the event loop, at least one, at most four (each worker holds the ~85 MB lexicon). */
export const defaultPoolSize = () => Math.max(1, Math.min(4, availableParallelism() - 1));

export interface PoolOptions {
  size?: number;
  /** Extractions waiting for a worker; past this one is refused as busy. */
  maxQueued?: number;
}

interface Job {
  task: ExtractTask;
  timeoutMs: number | undefined;
  onStart: (() => void) | undefined;
  resolve: (extraction: Extraction) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Loaded: a job's time limit counts from when it is handed over, not from the worker's start-up. */
  ready: boolean;
  job: Job | null;
  timer: NodeJS.Timeout | undefined;
}

// In the bundle (scripts/build.mjs) the worker is dist/extract/worker.js, beside the chunk this
// code is in. Under tsx or vitest it is the TypeScript source, loaded through tsx's loader, which
// the worker registers first (`--import tsx` in a worker's execArgv is not applied on Node 20).
function spawnWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./extract/worker.js', import.meta.url));
  // Resolved here (the eval'd code would resolve from the working directory): tsx's ES module API.
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/index\.cjs$/, 'index.mjs'),
  ).href;
  const source = new URL('./extract/worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((api) => (api.register(), import(${JSON.stringify(source)})))`, { eval: true });
}

/** Workers start on first use: a service that never extracts never loads the lexicon. */
export function createExtractorPool(options: PoolOptions = {}): Extractor {
  const size = options.size ?? defaultPoolSize();
  const maxQueued = options.maxQueued ?? 32;
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  function startWorker(): Slot {
    const slot: Slot = { worker: spawnWorker(), ready: false, job: null, timer: undefined };
    slot.worker.unref();
    slot.worker.on('message', (reply: ExtractReply) => {
      if ('ready' in reply) {
        slot.ready = true;
        return dispatch();
      }
      const job = slot.job;
      if (!job || job.task.id !== reply.id) return;
      finish(slot);
      if ('error' in reply) job.reject(new ExtractionRefused('failed', reply.error));
      else job.resolve(reply.extraction);
      dispatch();
    });
    // A crash (out of memory, ...) fails its job, not the service; the next job gets a new worker.
    slot.worker.on('error', (error) => fail(slot, new ExtractionRefused('failed', error.message)));
    slot.worker.on('exit', () => fail(slot, new ExtractionRefused('failed', 'The extractor stopped.')));
    slots.push(slot);
    return slot;
  }

  function finish(slot: Slot) {
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.job = null;
  }

  function fail(slot: Slot, error: Error) {
    const index = slots.indexOf(slot);
    if (index < 0) return;
    slots.splice(index, 1);
    const job = slot.job;
    finish(slot);
    void slot.worker.terminate();
    job?.reject(error);
    dispatch();
  }

  function dispatch() {
    while (queue.length > 0 && !closed) {
      // A worker still starting up will take the next job: start another only when none is idle or starting.
      if (slots.length < size && !slots.some((s) => s.job === null)) startWorker();
      const slot = slots.find((s) => s.ready && s.job === null);
      if (!slot) return;
      const job = queue.shift()!;
      slot.job = job;
      if (job.timeoutMs !== undefined) {
        slot.timer = setTimeout(
          () => fail(slot, new ExtractionRefused('timeout', `Extraction took longer than ${job.timeoutMs} ms and was stopped.`)),
          job.timeoutMs,
        );
      }
      job.onStart?.();
      slot.worker.postMessage(job.task);
    }
  }

  return {
    extract(input, knownPeople, { timeoutMs, onStart } = {}) {
      if (closed) return Promise.reject(new ExtractionRefused('closed', 'The extractor is shut down.'));
      if (queue.length >= maxQueued) return Promise.reject(new ExtractionRefused('busy', 'Too many extractions are waiting; try again shortly.'));
      return new Promise<Extraction>((resolve, reject) => {
        // A plain object: a Date survives structured cloning, a class instance would not.
        const task: ExtractTask = { id: nextId++, input: { ...input }, knownPeople };
        queue.push({ task, timeoutMs, onStart, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new ExtractionRefused('closed', 'The extractor is shut down.'));
      await Promise.all(
        slots.splice(0).map((slot) => (slot.job?.reject(new ExtractionRefused('closed', 'The extractor is shut down.')), slot.worker.terminate())),
      );
    },
  };
}

/** The extractor on the calling thread (tests, scripts): nothing else runs while it works. */
export function createInProcessExtractor(): Extractor {
  return {
    async extract(input, knownPeople, options) {
      const { extract } = await import('./extract/index.js');
      options?.onStart?.();
      return extract(input, knownPeople);
    },
    async close() {},
  };
}

/**
 * One request's extractions, sharing one time budget: fifteen aliases of `extract` (or mutations
 * in one request) together get what one would. They run one after another, each allowed what the
 * earlier ones left; only running time counts, not waiting for a worker.
 */
export function budgetedExtraction(extractor: Extractor, budgetMs: number) {
  let usedMs = 0;
  let previous: Promise<unknown> = Promise.resolve();
  return (input: ExtractInput, knownPeople: KnownPerson[]): Promise<Extraction> => {
    const run = previous.then(async () => {
      const timeoutMs = Math.floor(budgetMs - usedMs);
      if (timeoutMs <= 0) throw new ExtractionRefused('timeout', `This request has used its ${budgetMs} ms of extraction.`);
      let startedAt: number | undefined;
      try {
        return await extractor.extract(input, knownPeople, { timeoutMs, onStart: () => (startedAt = performance.now()) });
      } finally {
        if (startedAt !== undefined) usedMs += performance.now() - startedAt;
      }
    });
    previous = run.catch(() => {});
    return run;
  };
}
