import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface SubscriptionCaps {
  /** Open subscriptions on this instance, SSE and WebSocket together. */
  maxSubscriptions: number;
  /** Open subscriptions from one client address (the TCP peer; behind a proxy, the proxy's). */
  maxSubscriptionsPerAddress: number;
}

/** A subscription's place: reserved when it is asked for, open once its stream is, released once. */
export interface SubscriberSlot {
  open(): void;
  release(): void;
}

const SLOT = Symbol('subscriberSlot');

/** The slot reserved for the subscription running with this context (graphql-ws: the operation's). */
export function slotOf(context: unknown): SubscriberSlot | undefined {
  return (context as { [SLOT]?: SubscriberSlot } | null)?.[SLOT];
}

function refusal(cap: 'maxSubscriptions' | 'maxSubscriptionsPerAddress', caps: SubscriptionCaps): GraphQLError {
  const perAddress = cap === 'maxSubscriptionsPerAddress';
  const message = perAddress
    ? `Too many open subscriptions from your address (at most ${caps.maxSubscriptionsPerAddress}, MAX_SUBSCRIPTIONS_PER_ADDRESS): close one and try again.`
    : `This instance has as many open subscriptions as it takes (${caps.maxSubscriptions}, MAX_SUBSCRIPTIONS): try again later.`;
  return new GraphQLError(message, {
    extensions: { code: perAddress ? 'TOO_MANY_REQUESTS' : 'SERVICE_UNAVAILABLE', limit: cap, http: { status: perAddress ? 429 : 503 } },
  });
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> => value != null && typeof value === 'object' && Symbol.asyncIterator in value;

/** The same stream, releasing its slot however it ends: done, returned, or thrown. */
export function releasingOnEnd<T>(stream: AsyncIterable<T>, slot: SubscriberSlot): AsyncIterableIterator<T> {
  const iterator = stream[Symbol.asyncIterator]();
  return {
    async next() {
      try {
        const step = await iterator.next();
        if (step.done) slot.release();
        return step;
      } catch (error) {
        slot.release();
        throw error;
      }
    },
    async return(value?: unknown) {
      slot.release();
      return (await iterator.return?.(value)) ?? { value: undefined, done: true };
    },
    async throw(error?: unknown) {
      slot.release();
      if (iterator.throw) return iterator.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * Open subscriptions, counted where they are: `newsgraph_subscribers` is the number of open streams
 * (an SSE response being written, a graphql-ws operation running), and both caps are checked when a
 * subscription is asked for, before anything is read. A slot is reserved then and released on every
 * way out: refused before its stream opened (a 406 for an Accept it cannot be served in, an error
 * result), the client leaving, the stream ending, a stalled reader cut off.
 */
export function useSubscriberSlots(caps: SubscriptionCaps): Plugin & { openStreams(): number; forRequest(request: Request): SubscriberSlot | undefined } {
  let reserved = 0;
  let opened = 0;
  const byAddress = new Map<string, number>();
  /** Reserved for an HTTP request's subscriptions (a JSON batch may hold several), not yet claimed. */
  const byRequest = new WeakMap<Request, SubscriberSlot[]>();

  function reserve(address: string | undefined): SubscriberSlot | GraphQLError {
    if (reserved >= caps.maxSubscriptions) return refusal('maxSubscriptions', caps);
    // In-process callers (yoga.fetch) have no address: only the instance's cap applies to them.
    if (address !== undefined && (byAddress.get(address) ?? 0) >= caps.maxSubscriptionsPerAddress) return refusal('maxSubscriptionsPerAddress', caps);
    reserved++;
    if (address !== undefined) byAddress.set(address, (byAddress.get(address) ?? 0) + 1);
    let state: 'reserved' | 'open' | 'released' = 'reserved';
    return {
      open() {
        if (state !== 'reserved') return;
        state = 'open';
        opened++;
      },
      release() {
        if (state === 'released') return;
        if (state === 'open') opened--;
        state = 'released';
        reserved--;
        if (address === undefined) return;
        const left = (byAddress.get(address) ?? 1) - 1;
        if (left > 0) byAddress.set(address, left);
        else byAddress.delete(address);
      },
    };
  }

  return {
    openStreams: () => opened,
    /** The slot of an SSE request's subscription, handed to the transport that serves it (once). */
    forRequest(request) {
      const slots = byRequest.get(request);
      byRequest.delete(request);
      if (slots?.length === 1) return slots[0];
      for (const slot of slots ?? []) slot.release();
      return undefined;
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const context = args.contextValue as { request?: Request; req?: { socket?: { remoteAddress?: string } }; [SLOT]?: SubscriberSlot };
      const slot = reserve(context.req?.socket?.remoteAddress);
      if (slot instanceof GraphQLError) {
        setResultAndStopExecution({ errors: [slot] });
        return;
      }
      context[SLOT] = slot;
      if (context.request) byRequest.set(context.request, [...(byRequest.get(context.request) ?? []), slot]);
      return {
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) slot.release(); // an error result: no stream
        },
        onSubscribeError() {
          slot.release();
        },
      };
    },
    // Last of the result processors' hooks (app.ts): what is left unclaimed here is a stream no
    // transport took over.
    onResultProcess({ request, result, resultProcessor, setResult }) {
      const slots = byRequest.get(request);
      if (!slots) return;
      byRequest.delete(request);
      const slot = slots[0]!;
      if (slots.length > 1 || !isAsyncIterable(result)) {
        // Error results, or a batch, which no transport streams: whatever streams it holds end here.
        for (const each of slots) each.release();
        for (const item of Array.isArray(result) ? result : [result]) {
          if (isAsyncIterable(item)) void Promise.resolve(item[Symbol.asyncIterator]().return?.()).catch(() => {});
        }
        return;
      }
      if (!resultProcessor) {
        // 406: nothing will ever read it.
        slot.release();
        void Promise.resolve(result[Symbol.asyncIterator]().return?.()).catch(() => {});
        return;
      }
      // Another stream transport (multipart/mixed): open now, released when it ends.
      slot.open();
      setResult(releasingOnEnd(result, slot) as never);
    },
  };
}
