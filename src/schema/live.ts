import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { userError } from '../errors.js';
import { classifyDatabaseError } from '../plugins/errors.js';
import { markLiveTail } from '../live/broadcast.js';
import { type LogPosition, cursorExpired, decodeLogCursor, encodeLogCursor } from '../live/cursor.js';
import type { SubscribeHooks } from '../live/live-statements.js';
import { type StatementAddedMessage, isExpired } from '../live/statement-log.js';
import { type StatementNode, createLoaders } from '../read/loaders.js';
import { Statement } from './refs.js';
import { filterId } from '../domain/global-id.js';

const StatementAddedFilter = builder.inputType('StatementAddedFilter', {
  description: 'Only statements matching every given field.',
  fields: (t) => ({
    // Plain IDs, decoded in subscribe: a wrong or malformed one is then an error naming its path.
    speakerId: t.id(),
    articleId: t.id(),
    eventId: t.id(),
    mentionsPersonId: t.id(),
  }),
});

/** About a minute of retries (backing off to 2 s) before a subscription gives up on an outage. */
const MAX_LOAD_ATTEMPTS = 35;

interface StatementAddedEvent {
  statement: StatementNode;
  at: LogPosition;
}

const StatementAddedEventRef = builder.objectRef<StatementAddedEvent>('StatementAddedEvent').implement({
  description: 'A statement just stored, with the cursor to resume after it.',
  fields: (t) => ({
    statement: t.field({ type: Statement, resolve: (event) => event.statement }),
    cursor: t.string({
      description: 'Pass as `after` when subscribing again to get every statement added since, exactly once.',
      resolve: (event) => encodeLogCursor(event.at),
    }),
  }),
});

interface Filter {
  speakerId: number | null;
  articleId: number | null;
  eventId: number | null;
  mentionsPersonId: number | null;
}

const matches = (m: StatementAddedMessage, f: Filter) =>
  (f.speakerId == null || m.speakerId === f.speakerId) &&
  (f.articleId == null || m.articleId === f.articleId) &&
  (f.eventId == null || m.eventId === f.eventId) &&
  (f.mentionsPersonId == null || m.mentionIds.includes(f.mentionsPersonId));

/**
 * Matching messages as events, each statement read with loaders made for that event alone.
 * A plain iterator, not an async generator: `return()` must reach the feed at once, even while a
 * `next()` is waiting for the next statement (a generator would queue it behind that wait).
 */
function statementAddedEvents(
  ctx: Context,
  messages: AsyncIterableIterator<StatementAddedMessage>,
  filter: Filter,
): AsyncIterableIterator<StatementAddedEvent> {
  let closed = false;
  return {
    async next() {
      for (;;) {
        const { value: message, done } = await messages.next();
        if (done) return { value: undefined, done: true };
        if (!matches(message, filter)) continue;
        // One payload object per event for all subscribers: its statement is read once, and the
        // event is executed once per operation (src/live/shared-results.ts). A read that fails
        // while the database is away is retried, so an outage delays delivery instead of ending
        // the subscription.
        let event: StatementAddedEvent | null = null;
        for (let attempt = 0; ; attempt++) {
          const shared = ctx.live!.sharedPerEvent(message, () => {
            const loaders = createLoaders(ctx.db);
            const loaded = loaders.statement.load(message.statementId).then((statement) => (statement ? { statement, at: message.at } : null));
            return { loaders, event: loaded };
          });
          try {
            event = await shared.event;
            ctx.loaders = shared.loaders;
            break;
          } catch (error) {
            if (closed || attempt >= MAX_LOAD_ATTEMPTS || classifyDatabaseError(error) !== 'unavailable') throw error;
            ctx.live!.forgetEvent(message);
            await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 2_000)));
          }
        }
        if (event) return { value: event, done: false }; // deleted meanwhile: skip
      }
    },
    async return() {
      closed = true;
      await messages.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

builder.subscriptionField('statementAdded', (t) =>
  t.field({
    type: StatementAddedEventRef,
    description: 'Every statement stored from now on (by any instance, or by plain SQL), or, with `after`, every one stored since that cursor first.',
    args: {
      filter: t.arg({ type: StatementAddedFilter }),
      after: t.arg.string({
        description:
          'A `cursor` from an earlier event: replay from just after it, then continue live. A cursor older than the log keeps (STATEMENT_EVENTS_RETENTION, 7 days by default) is refused with CURSOR_EXPIRED: subscribe without `after` to start from now.',
      }),
    },
    subscribe: (_root, args, ctx) => {
      if (!ctx.live) throw userError('SERVICE_UNAVAILABLE', 'Live statements are not available on this instance.');
      const after = args.after == null ? null : decodeLogCursor(args.after, 'after');
      const f = args.filter ?? {};
      const filter: Filter = {
        speakerId: filterId(f.speakerId, 'Person', 'filter.speakerId') ?? null,
        articleId: filterId(f.articleId, 'Article', 'filter.articleId') ?? null,
        eventId: filterId(f.eventId, 'Event', 'filter.eventId') ?? null,
        mentionsPersonId: filterId(f.mentionsPersonId, 'Person', 'filter.mentionsPersonId') ?? null,
      };
      const live = ctx.live;
      // A subscriber that stops reading is disconnected rather than buffered for without end.
      const open = (from: LogPosition | null, hooks: SubscribeHooks) =>
        statementAddedEvents(ctx, live.subscribe(from, { onStall: ctx.disconnect, ...hooks }), filter);
      // A cursor from before what the log keeps: a clear error, not a replay with a hole in it.
      if (after) {
        return isExpired(ctx.db, after).then((expired) => {
          if (expired) throw cursorExpired('after');
          return open(after, {});
        });
      }
      // From now on: the same events for every subscriber with this filter (src/live/broadcast.ts).
      const subscribedAfter = live.horizon();
      return markLiveTail(open(null, {}), {
        subscribedAfter,
        horizon: () => live.horizon(),
        positionOf: (event: StatementAddedEvent) => event.at,
        open,
        track: () => live.track(),
      });
    },
    resolve: (event) => event,
  }),
);
