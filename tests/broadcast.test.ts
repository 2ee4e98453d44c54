import type { ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { type BroadcastSink, type LiveTail, createBroadcasts } from '../src/live/broadcast.js';
import type { LogPosition } from '../src/live/cursor.js';
import type { SubscribeHooks } from '../src/live/live-statements.js';

/**
 * src/live/broadcast.ts against a feed we drive by hand: which events each subscriber gets, when
 * it joins, falls behind or leaves. (Over HTTP the same paths run in tests/live*.test.ts.)
 */
interface Event {
  n: number;
  at: LogPosition;
}

const at = (n: number): LogPosition => ({ xid: 1n, position: n });

/** A feed of numbered events: sources opened on it get every event published after they opened (or after `after`). */
function fakeFeed() {
  const log: Event[] = [];
  const sources = new Set<{ push(e: Event): void; end(): void }>();
  let tracked = 0;
  let opened = 0;
  const open = (after: LogPosition | null, _hooks: SubscribeHooks): AsyncIterator<Event> => {
    opened++;
    const queue: Event[] = after ? log.filter((e) => e.at.position > after.position) : [];
    let wake: (() => void) | null = null;
    let done = false;
    const source = {
      push: (e: Event) => (queue.push(e), wake?.()),
      end: () => ((done = true), wake?.()),
    };
    sources.add(source);
    return {
      async next() {
        while (!queue.length && !done) await new Promise<void>((resolve) => (wake = resolve));
        if (done) return { value: undefined, done: true };
        return { value: queue.shift()!, done: false };
      },
      async return() {
        done = true;
        sources.delete(source);
        wake?.();
        return { value: undefined, done: true };
      },
    };
  };
  const tail = (): LiveTail<Event> => ({
    subscribedAfter: log.at(-1)?.at ?? at(0),
    horizon: () => log.at(-1)?.at ?? at(0),
    positionOf: (e) => e.at,
    open: open as LiveTail<Event>['open'],
    track: () => {
      tracked++;
      return () => tracked--;
    },
  });
  return {
    tail,
    publish(n: number) {
      const event = { n, at: at(n) };
      log.push(event);
      for (const s of sources) s.push(event);
    },
    /** The feed stops (shutdown): every source ends. */
    end() {
      for (const s of sources) s.end();
    },
    get sources() {
      return sources.size;
    },
    get tracked() {
      return tracked;
    },
    get opened() {
      return opened;
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
const numbers = (results: ExecutionResult[]) => results.map((r) => (r.data as { n: number }).n);

function recordingSink(accept = () => true) {
  const got: ExecutionResult[] = [];
  let completed = false;
  const sink: BroadcastSink = {
    next(result) {
      if (!accept()) return false;
      got.push(result);
      return true;
    },
    complete: () => void (completed = true),
    fail: () => {},
  };
  return { sink, got, completed: () => completed };
}

function setup() {
  const feed = fakeFeed();
  let executions = 0;
  const broadcasts = createBroadcasts({ mask: (r) => r, failure: () => ({ errors: [] }) });
  const execute = (e: unknown) => {
    executions++;
    return { data: { n: (e as Event).n } };
  };
  /** A subscriber: its own source (as the schema opens it) joined to the group for `key`. */
  const subscribe = (key = 'op') => {
    const tail = feed.tail();
    const own = tail.open(tail.subscribedAfter, {});
    const results: AsyncIterator<ExecutionResult> = {
      next: async () => {
        const { value, done } = await own.next();
        return done ? { value: undefined, done: true } : { value: execute(value), done: false };
      },
      return: async () => (await own.return!(), { value: undefined, done: true }),
    };
    return broadcasts.join(key, tail as LiveTail<unknown>, execute, results);
  };
  return { feed, subscribe, executions: () => executions };
}

describe('broadcast of a live tail', () => {
  it('feeds every attached subscriber from one reader, each event executed once, from when each subscribed', async () => {
    const { feed, subscribe, executions } = setup();
    const first = subscribe();
    const a = recordingSink();
    expect(first.member.attach(a.sink)).toBe(true);
    feed.publish(1);
    await settle();
    const second = subscribe();
    const b = recordingSink();
    expect(second.member.attach(b.sink)).toBe(true);
    feed.publish(2);
    feed.publish(3);
    await settle();
    expect(numbers(a.got)).toEqual([1, 2, 3]);
    expect(numbers(b.got)).toEqual([2, 3]); // not 1: it was published before the second subscribed
    expect(executions()).toBe(3);
    // Attached subscribers gave up their own sources: one reader remains, and both are counted.
    expect(feed.sources).toBe(1);
    expect(feed.tracked).toBe(2);
    // The subscriber whose source the reader was opened from leaves: the others carry on.
    first.member.leave();
    feed.publish(4);
    await settle();
    expect(numbers(a.got)).toEqual([1, 2, 3]);
    expect(numbers(b.got)).toEqual([2, 3, 4]);
    expect(feed.tracked).toBe(1);
    second.member.leave();
    await settle();
    expect(feed.sources).toBe(0);
    expect(feed.tracked).toBe(0);
  });

  it('hands over what arrived between subscribing and attaching, in order', async () => {
    const { feed, subscribe } = setup();
    const early = subscribe();
    feed.publish(1);
    feed.publish(2);
    await settle();
    const sink = recordingSink();
    expect(early.member.attach(sink.sink)).toBe(true);
    feed.publish(3);
    await settle();
    expect(numbers(sink.got)).toEqual([1, 2, 3]);
    early.member.leave();
  });

  it('a subscriber pulled instead of attached leaves the group and reads its own source', async () => {
    const { feed, subscribe } = setup();
    const pulled = subscribe();
    feed.publish(1);
    await settle();
    const first = await pulled.stream.next();
    expect(first.value?.data).toEqual({ n: 1 });
    expect(pulled.member.attach(recordingSink().sink)).toBe(false);
    feed.publish(2);
    expect((await pulled.stream.next()).value?.data).toEqual({ n: 2 });
    await pulled.stream.return!();
    await settle();
    expect(feed.sources).toBe(0); // its own source closed, and the group with no one left stopped
  });

  it('a subscriber that falls behind resumes on its own source just after the last result it took', async () => {
    const { feed, subscribe } = setup();
    const slow = subscribe();
    let open = true;
    const sink = recordingSink(() => open);
    slow.member.attach(sink.sink);
    feed.publish(1);
    feed.publish(2);
    await settle();
    open = false; // its transport is full: it refuses 3
    feed.publish(3);
    feed.publish(4);
    await settle();
    expect(numbers(sink.got)).toEqual([1, 2]);
    const resumed = slow.member.resume();
    expect(feed.tracked).toBe(0); // its own source counts it now
    feed.publish(5);
    const rest: number[] = [];
    for (let i = 0; i < 3; i++) rest.push(((await resumed.next()).value!.data as { n: number }).n);
    expect(rest).toEqual([3, 4, 5]);
    await resumed.return!();
    slow.member.leave();
  });

  it('operations with different keys do not share a reader', async () => {
    const { feed, subscribe } = setup();
    const x = subscribe('x');
    const y = subscribe('y');
    const sx = recordingSink();
    const sy = recordingSink();
    x.member.attach(sx.sink);
    y.member.attach(sy.sink);
    feed.publish(1);
    await settle();
    expect(numbers(sx.got)).toEqual([1]);
    expect(numbers(sy.got)).toEqual([1]);
    expect(feed.sources).toBe(2); // a reader per operation
    x.member.leave();
    y.member.leave();
    await settle();
    expect(feed.sources).toBe(0);
    expect(sx.completed()).toBe(false);
  });

  it('when the feed ends, attached subscribers complete', async () => {
    const { feed, subscribe } = setup();
    const a = subscribe();
    const sink = recordingSink();
    a.member.attach(sink.sink);
    feed.publish(1);
    await settle();
    feed.end();
    await settle();
    expect(numbers(sink.got)).toEqual([1]);
    expect(sink.completed()).toBe(true);
  });
});
