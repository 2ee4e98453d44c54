import type { ExecutionResult } from 'graphql';
import { type LogPosition, compareLogPositions } from './cursor.js';
import type { SubscribeHooks } from './live-statements.js';

const LIVE_TAIL = Symbol('liveTail');

/**
 * What a subscription source says about itself when it is a plain live tail (every event from now
 * on, no replay): subscribers of the same operation then see the same events, so one reader can
 * serve them all (below).
 */
export interface LiveTail<Payload> {
  /** This source receives exactly the events after this place (the feed's horizon when it subscribed). */
  subscribedAfter: LogPosition | null;
  /** The feed's horizon now: a source opened now receives exactly the events after it. */
  horizon(): LogPosition | null;
  positionOf(payload: Payload): LogPosition;
  /** The same source, from just after `after` (caught up from the log) or, with null, from now. */
  open(after: LogPosition | null, hooks: SubscribeHooks): AsyncIterator<Payload>;
  /** Counts a subscriber fed by a broadcast; call the result when it ends. */
  track(): () => void;
}

export function markLiveTail<T extends object, Payload>(source: T, tail: LiveTail<Payload>): T {
  return Object.assign(source, { [LIVE_TAIL]: tail });
}

export function liveTailOf(source: object): LiveTail<unknown> | undefined {
  return (source as { [LIVE_TAIL]?: LiveTail<unknown> })[LIVE_TAIL];
}

/** Where a broadcast member's results go once its transport has taken it over (src/live/sse.ts). */
export interface BroadcastSink {
  /** One more result, in order. False: this subscriber is behind, so it is detached and must `resume()`. */
  next(result: ExecutionResult): boolean;
  complete(): void;
  fail(error: unknown): void;
}

export interface BroadcastMember {
  /**
   * Takes the subscriber over: from now on results are written to `sink` by the operation's one
   * reader (what arrived since it subscribed first). False if it already runs on its own source.
   */
  attach(sink: BroadcastSink): boolean;
  /** After `next` returned false: the subscriber's own source, from just after what the sink took. */
  resume(): AsyncIterator<ExecutionResult>;
  /** The subscriber is gone. */
  leave(): void;
  /** The last result of a stream that failed with `error`, masked as yoga masks one. */
  failure(error: unknown): ExecutionResult;
}

type Execute = (payload: unknown) => ExecutionResult | Promise<ExecutionResult>;

interface Member {
  joinedAfter: LogPosition | null;
  /** Results that arrived before `attach`; null once attached or out of the group. */
  early: { result: ExecutionResult; at: LogPosition }[] | null;
  sink: BroadcastSink | null;
  last: LogPosition | null;
  untrack: (() => void) | null;
}

/** Results held for a subscriber between subscribing and its transport taking over. */
const MAX_EARLY = 1_000;

/**
 * One reader per live-tail operation (document, operation name, variables), shared by every
 * subscriber of it whose transport can take results pushed (SSE): each event is read, executed and
 * serialised once, and the per-subscriber work is one write. A thousand subscribers of the same
 * live page cost a thousand socket writes per statement, not a thousand async iterator chains.
 *
 * Nothing is lost on the way in or out:
 * - a subscriber keeps its own source until its transport attaches, and joins its group at once,
 *   so it sees every event after the horizon at which it subscribed, from one or the other;
 * - a subscriber that falls behind (its transport stops taking writes) leaves the group and
 *   continues on a source of its own from just after the last result it took, where the feed's
 *   buffer bounds and stall detection apply as for any subscriber.
 */
export function createBroadcasts(masking: { mask(result: ExecutionResult): ExecutionResult; failure(error: unknown): ExecutionResult }) {
  const { mask } = masking;
  const groups = new Map<string, Group>();

  interface Group {
    key: string;
    members: Set<Member>;
    startedAfter: LogPosition | null;
    source: AsyncIterator<unknown>;
  }

  function startGroup(key: string, tail: LiveTail<unknown>, execute: Execute): Group {
    // Its reader never stops reading; were it ever too slow, its members end (complete) rather
    // than cutting the connection of whichever subscriber happened to start it.
    const group: Group = { key, members: new Set(), startedAfter: tail.horizon(), source: tail.open(null, { uncounted: true, onStall: () => {} }) };
    groups.set(key, group);
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await group.source.next();
          if (done) break;
          if (group.members.size === 0) continue;
          const result = mask(await execute(value));
          const at = tail.positionOf(value);
          for (const member of group.members) deliver(group, member, result, at);
        }
        for (const member of group.members) member.sink?.complete();
      } catch (error) {
        for (const member of group.members) member.sink?.fail(error);
      } finally {
        if (groups.get(key) === group) groups.delete(key);
        for (const member of group.members) detach(group, member);
      }
    })();
    return group;
  }

  function deliver(group: Group, member: Member, result: ExecutionResult, at: LogPosition) {
    if (member.joinedAfter && compareLogPositions(at, member.joinedAfter) <= 0) return; // before it subscribed
    if (member.early) {
      member.early.push({ result, at });
      // Its transport is slow to take over: it runs on its own source, which has all of these.
      if (member.early.length > MAX_EARLY) detach(group, member);
      return;
    }
    if (member.sink!.next(result)) member.last = at;
    else detach(group, member);
  }

  function detach(group: Group, member: Member) {
    member.early = null;
    group.members.delete(member);
    if (group.members.size === 0 && groups.get(group.key) === group) {
      groups.delete(group.key);
      void Promise.resolve(group.source.return?.()).catch(() => {});
    }
  }

  return {
    /**
     * Joins `results` (this subscriber's own stream, from `tail`) to its operation's group. The
     * returned stream is the subscriber's own: pulling it (a transport that does not attach)
     * leaves the group.
     */
    join(
      key: string,
      tail: LiveTail<unknown>,
      execute: Execute,
      results: AsyncIterator<ExecutionResult>,
    ): { stream: AsyncIterableIterator<ExecutionResult>; member: BroadcastMember } {
      const joined = groups.get(key) ?? startGroup(key, tail, execute);
      const member: Member = { joinedAfter: tail.subscribedAfter, early: [], sink: null, last: null, untrack: null };
      // The group must have been reading since before this subscriber's own source began; if not,
      // it stays on its own source (and a group started for nobody stops).
      if (!joined.startedAfter || (member.joinedAfter && compareLogPositions(joined.startedAfter, member.joinedAfter) <= 0)) {
        joined.members.add(member);
      } else {
        detach(joined, member);
      }
      const leave = () => {
        member.untrack?.();
        detach(joined, member);
      };
      const stream: AsyncIterableIterator<ExecutionResult> = {
        next() {
          if (member.early) leave(); // pulled: it runs on its own source
          return results.next();
        },
        async return() {
          leave();
          return (await results.return?.()) ?? { value: undefined, done: true };
        },
        async throw(error?: unknown) {
          leave();
          if (results.throw) return results.throw(error);
          throw error;
        },
        [Symbol.asyncIterator]() {
          return this;
        },
      };
      return {
        stream,
        member: {
          attach(sink) {
            if (!member.early) return false; // attached already, or on its own source
            // Its own source is no longer needed: the group has every event since it subscribed.
            void Promise.resolve(results.return?.()).catch(() => {});
            member.untrack = tail.track();
            const early = member.early;
            member.early = null;
            member.sink = sink;
            for (const { result, at } of early) {
              if (!sink.next(result)) {
                detach(joined, member);
                break;
              }
              member.last = at;
            }
            return true;
          },
          resume() {
            // Its own source counts it from now on.
            member.untrack?.();
            member.untrack = null;
            const own = tail.open(member.last ?? member.joinedAfter, {});
            return {
              async next() {
                const { value, done } = await own.next();
                if (done) return { value: undefined, done: true };
                return { value: mask(await execute(value)), done: false };
              },
              async return() {
                await own.return?.();
                return { value: undefined, done: true };
              },
            };
          },
          leave,
          failure: masking.failure,
        },
      };
    },
  };
}
