import { setMaxListeners } from 'node:events';
import { createPubSub } from 'graphql-yoga';
import type { Database } from '../db/index.js';
import { type LogPosition, compareLogPositions, cursorExpired } from './cursor.js';
import { createPruner } from './pruner.js';
import {
  type LogPage,
  type StatementAddedMessage,
  currentLogHorizon,
  hasWaitingEntries,
  isExpired,
  pruneStatementLog,
  readStatementLog,
} from './statement-log.js';

export const STATEMENT_ADDED_CHANNEL = 'statement_added';

type Topics = { statementAdded: [StatementAddedMessage] };

export interface LiveLogger {
  warn(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
}

export interface LiveOptions {
  database: Pick<Database, 'db' | 'listen'> & Partial<Pick<Database, 'listenConnected'>>;
  logger?: LiveLogger;
  /** Re-read the log this often even without a NOTIFY: a safety net, not the delivery path. */
  safetyPollMs?: number;
  /** How soon to look again while committed entries wait behind an older open transaction. */
  waitingPollMs?: number;
  /** Messages held per subscriber; past this a subscriber catches up from the log instead. */
  maxBuffered?: number;
  /** A subscriber with messages waiting that has not read for this long is disconnected. */
  stallTimeoutMs?: number;
  /** Log entries older than this are pruned in the background (unset: the log is kept whole). */
  retentionMs?: number;
  /** How often the pruner looks (it deletes in small batches until nothing is old enough). */
  pruneIntervalMs?: number;
  pruneBatch?: number;
}

export interface SubscribeHooks {
  /** Cuts the subscriber's connection: it stopped reading (its transport is stuck). */
  onStall?: () => void;
  /** Not a subscriber of its own (it feeds others, who are counted with `track`): left out of stats. */
  uncounted?: boolean;
}

export type LiveStatements = ReturnType<typeof createLiveStatements>;

/** Replay pages kept for sharing (each up to 200 entries of ids). */
const MAX_SHARED_REPLAY_PAGES = 64;

/**
 * The instance's feed of new statements. NOTIFY (from the trigger) only says "look": the log is
 * read in order from the last place published, so a missed or coalesced NOTIFY, a reconnection
 * or a late commit never loses an entry. Entries go out through yoga's pubsub, on one event target.
 */
export function createLiveStatements(options: LiveOptions) {
  const { db } = options.database;
  const safetyPollMs = options.safetyPollMs ?? 5_000;
  const waitingPollMs = options.waitingPollMs ?? 50;
  const maxBuffered = options.maxBuffered ?? 1_000;
  const stallTimeoutMs = options.stallTimeoutMs ?? 10_000;
  const eventTarget = new EventTarget();
  // One listener per subscriber, thousands of them by design: not the leak Node's warning suspects.
  setMaxListeners(0, eventTarget);
  const pubsub = createPubSub<Topics>({ eventTarget: eventTarget as never });

  let published: LogPosition | null = null;
  const eventState = new WeakMap<StatementAddedMessage, object>();
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let unlisten: (() => Promise<void>) | undefined;
  let safetyTimer: NodeJS.Timeout | undefined;
  let waitingTimer: NodeJS.Timeout | undefined;
  /** Ends every open subscriber (on stop: their streams complete instead of hanging). */
  const subscribers = new Set<() => void>();
  /** Subscribers in `subscribers` left out of stats, and subscribers fed by others (`track`). */
  let uncounted = 0;
  let tracked = 0;
  const pruner = createPruner({
    pruneBatch: (cutoff, batch) => pruneStatementLog(db, cutoff, batch),
    retentionMs: options.retentionMs,
    intervalMs: options.pruneIntervalMs,
    batch: options.pruneBatch,
    what: 'the statement log',
    logger: options.logger,
  });

  // Replays share their reads: fifty subscribers from one cursor read each page once, not fifty
  // times. A page read before a subscriber joined may lack what was published since (it was not in
  // that subscriber's buffer either): it serves only when full (the replay reads on past its end
  // anyway), or when read after the subscriber joined (or last dropped its buffer).
  let replayReads = 0;
  const replayPages = new Map<string, { read: number; page: Promise<LogPage> }>();
  async function replayPage(after: LogPosition, freshAfter: number): Promise<LogPage> {
    const key = `${after.xid}:${after.position}`;
    const shared = replayPages.get(key);
    if (shared) {
      if (shared.read > freshAfter) return shared.page;
      const page = await shared.page.catch(() => null);
      if (page?.full) return page;
    }
    const entry = { read: ++replayReads, page: readStatementLog(db, after) };
    replayPages.delete(key);
    replayPages.set(key, entry);
    if (replayPages.size > MAX_SHARED_REPLAY_PAGES) replayPages.delete(replayPages.keys().next().value!);
    entry.page.catch(() => replayPages.get(key) === entry && replayPages.delete(key));
    return entry.page;
  }

  /** Coalesces requests: one read at a time, and one more if asked while it ran. */
  function requestRead() {
    if (stopped || !published) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await readNew();
      } while (again && !stopped);
      running = null;
    })();
  }

  async function readNew() {
    try {
      let page;
      do {
        page = await readStatementLog(db, published!);
        for (const message of page.messages) pubsub.publish('statementAdded', message);
        if (page.end) published = page.end;
      } while (page.full && !stopped);
      if (!stopped && (await hasWaitingEntries(db))) schedule('waiting', waitingPollMs);
    } catch (error) {
      options.logger?.warn({ err: error }, 'reading the statement log failed; retrying');
      schedule('waiting', 1_000);
    }
  }

  function schedule(_why: 'waiting', ms: number) {
    clearTimeout(waitingTimer);
    waitingTimer = setTimeout(requestRead, ms);
    waitingTimer.unref();
  }

  let listening = false;

  return {
    pubsub,

    /** For /metrics (`metrics.observeLive(live.stats)`). */
    stats: {
      subscribers: () => subscribers.size - uncounted + tracked,
      listenConnected: () => listening && !stopped && (options.database.listenConnected?.() ?? true),
    },

    async start() {
      published = await currentLogHorizon(db);
      unlisten = await options.database.listen(STATEMENT_ADDED_CHANNEL, requestRead, requestRead);
      listening = true;
      safetyTimer = setInterval(requestRead, safetyPollMs);
      safetyTimer.unref();
      pruner.start();
    },

    /** Prunes what is past retention now (tests; the pruner also runs on its own). */
    prune: () => pruner.run(),

    async stop() {
      stopped = true;
      for (const finish of subscribers) finish();
      clearInterval(safetyTimer);
      clearTimeout(waitingTimer);
      const pruned = pruner.stop();
      await unlisten?.().catch(() => {});
      await running;
      await pruned;
    },

    /**
     * Where the feed stands: every entry up to here has been handed to the subscribers present, and
     * a subscriber joining now receives exactly the entries after it (null before start).
     */
    horizon(): LogPosition | null {
      return published;
    },

    /** Counts a subscriber that another subscription feeds (src/live/broadcast.ts); call the result when it ends. */
    track(): () => void {
      tracked++;
      let released = false;
      return () => {
        if (!released) (released = true), tracked--;
      };
    },

    /** Reads the log now (tests, and callers that just wrote and want no wait). */
    async refresh() {
      requestRead();
      await running;
    },

    /**
     * Every statement added after `after` (when given), then every new one, in log order with
     * none twice. Listening starts before the replay reads, so nothing falls between the two.
     *
     * Memory per subscriber is bounded: at most `maxBuffered` messages wait for a consumer. A
     * consumer that falls further behind loses nothing (the buffer is dropped and it catches up
     * from the log, like a replay); one that has not asked for the next event for
     * `stallTimeoutMs` while messages keep coming has stopped reading: it is ended and
     * `onStall` cuts its connection.
     */
    /**
     * State shared by every subscriber an event reaches (its loaders, its payload): a statement
     * published to a thousand subscribers is read once, not a thousand times.
     */
    sharedPerEvent<S extends object>(message: StatementAddedMessage, create: () => S): S {
      let shared = eventState.get(message) as S | undefined;
      if (!shared) eventState.set(message, (shared = create()));
      return shared;
    },

    /** Drops an event's shared state (its load failed), so the next attempt reads again. */
    forgetEvent(message: StatementAddedMessage): void {
      eventState.delete(message);
    },

    subscribe(after: LogPosition | null, hooks: SubscribeHooks = {}): AsyncIterableIterator<StatementAddedMessage> {
      let buffered: StatementAddedMessage[] = [];
      let wake: (() => void) | null = null;
      let done = false;
      /** Bumped whenever the buffer is dropped: a replay read running across a drop reads again. */
      let drops = 0;
      let pulling = false;
      let idleSince = Date.now();
      const onMessage = (event: Event) => {
        if (buffered.length < maxBuffered) {
          buffered.push((event as CustomEvent<StatementAddedMessage>).detail);
          wake?.();
          return;
        }
        if (!pulling && Date.now() - idleSince >= stallTimeoutMs) {
          options.logger?.warn(
            { buffered: buffered.length, stalledMs: Date.now() - idleSince },
            'disconnected a statementAdded subscriber that stopped reading',
          );
          finish();
          hooks.onStall?.();
          return;
        }
        // Too far behind: drop what waits and catch up from the log (which has all of it).
        const first = buffered[0]!.at;
        last ??= { xid: first.xid, position: first.position - 1 }; // just before the first one dropped
        buffered = [];
        drops++;
        freshAfter = replayReads;
        replaying = true;
      };
      eventTarget.addEventListener('statementAdded', onMessage);
      if (hooks.uncounted) uncounted++;
      const finish = () => {
        if (hooks.uncounted && subscribers.has(finish)) uncounted--;
        done = true;
        buffered = [];
        subscribers.delete(finish);
        eventTarget.removeEventListener('statementAdded', onMessage);
        wake?.();
      };
      subscribers.add(finish);

      let last = after;
      let replaying = after != null;
      let replayed: StatementAddedMessage[] = [];
      /** Shared replay reads started after this one serve this subscriber (see replayPage). */
      let freshAfter = replayReads;

      async function pull(): Promise<IteratorResult<StatementAddedMessage>> {
        while (!done) {
          const replay = replayed.shift();
          if (replay) return { value: replay, done: false };
          if (replaying) {
            const dropsBefore = drops;
            const from = last!;
            const page = await replayPage(from, freshAfter);
            // Checked after the read: pruning only moves forward, so a mark still at or before
            // `from` now means the page missed nothing. Otherwise say so, never skip silently.
            if (await isExpired(db, from)) throw cursorExpired();
            replayed = [...page.messages]; // a copy: the page is shared
            // `last` moves to the page end at once: live copies of these entries are then dropped.
            if (page.end) last = page.end;
            replaying = page.full || drops !== dropsBefore;
            continue;
          }
          const message = buffered.shift();
          if (!message) {
            await new Promise<void>((resolve) => (wake = resolve));
            wake = null;
            continue;
          }
          if (last && compareLogPositions(message.at, last) <= 0) continue; // already replayed
          last = message.at;
          return { value: message, done: false };
        }
        return { value: undefined, done: true };
      }

      return {
        async next() {
          pulling = true;
          try {
            return await pull();
          } catch (error) {
            finish();
            throw error;
          } finally {
            pulling = false;
            idleSince = Date.now();
          }
        },
        async return() {
          finish();
          return { value: undefined, done: true };
        },
        async throw(error) {
          finish();
          throw error;
        },
        [Symbol.asyncIterator]() {
          return this;
        },
      };
    },
  };
}
