// The extractor in a worker thread (src/extract-pool.ts): a long extraction blocks this thread,
// never the service's event loop, and can be stopped by terminating the thread.
import { parentPort } from 'node:worker_threads';
import { extract } from './index.js';
import type { ExtractInput, Extraction, KnownPerson } from './types.js';

export interface ExtractTask {
  id: number;
  input: ExtractInput;
  knownPeople: KnownPerson[];
}

export type ExtractReply = { id: number; extraction: Extraction } | { id: number; error: string } | { ready: true };

parentPort!.on('message', (task: ExtractTask) => {
  let reply: ExtractReply;
  try {
    reply = { id: task.id, extraction: extract(task.input, task.knownPeople) };
  } catch (error) {
    reply = { id: task.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});

// Loaded (the lexicon too): from now on a task's time is the extraction's own.
parentPort!.postMessage({ ready: true } satisfies ExtractReply);
