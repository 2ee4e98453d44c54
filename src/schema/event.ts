import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { type PothosTypes, builder } from '../builder.js';
import { userError } from '../errors.js';
import { datesOrdered, rules } from '../domain/validation.js';
import { decodeId, encodeId } from '../domain/global-id.js';
import { eventList } from '../read/lists.js';
import { isoDay as dayOrNull, mustAllExist, mustExist, notFound, notNull, write } from './write.js';
import { loadNodes } from './refs.js';
import { relationConnection, rootListConnection } from './reads.js';
import { readsTable } from '../read/fields.js';
import { type EventRow, articleEvents, articles, eventParticipants, events, people } from '../db/schema.js';
import { Article, ArticleConnection, Event, Person, Statement, StatementConnection } from './refs.js';

builder.node(Event, {
  description: 'Something that happened (or is planned) and that articles report.',
  id: { resolve: (event) => event.id },
  loadMany: (ids, ctx) => loadNodes(ids, ctx.loaders.event, Event),
  ...readsTable(events),
  fields: (t) => ({
    name: t.exposeString('name'),
    kind: t.exposeString('kind', { description: 'e.g. "meeting", "visit", "letter delivery".' }),
    startDate: t.expose('startDate', { type: 'Date', nullable: true }),
    endDate: t.expose('endDate', { type: 'Date', nullable: true }),
    location: t.exposeString('location', { nullable: true }),
    description: t.exposeString('description', { nullable: true }),
    participants: t.connection(
      {
        type: Person,
        description: 'People who took part, by name; the edge carries their role.',
        ...relationConnection('eventParticipants'),
      },
      { name: 'EventParticipantConnection' },
      { name: 'EventParticipantEdge', fields: (edge) => ({ role: edge.exposeString('role') }) },
    ),
    statements: t.connection(
      {
        type: Statement,
        description: 'Statements made at or about the event, newest first.',
        ...relationConnection('eventStatements'),
      },
      StatementConnection,
    ),
    articles: t.connection(
      {
        type: Article,
        description: 'Articles that report the event, newest first.',
        ...relationConnection('eventArticles'),
      },
      ArticleConnection,
    ),
  }),
});

const EventFilter = builder.inputType('EventFilter', {
  fields: (t) => ({
    search: t.string({ description: 'Case-insensitive match on name, kind, location and description.' }),
    from: t.field({ type: 'Date', description: 'Events that end on or after this day.' }),
    to: t.field({ type: 'Date', description: 'Events that start on or before this day.' }),
  }),
});

builder.queryField('events', (t) =>
  t.connection({
    type: Event,
    description: 'Events, newest first; undated events last.',
    args: { filter: t.arg({ type: EventFilter }) },
    ...rootListConnection<EventRow>()(eventList),
  }),
);

// --- Mutations -------------------------------------------------------------------------------

builder.relayMutationField(
  'createEvent',
  {
    validate: [datesOrdered, { message: 'must not be before startDate', path: ['endDate'] }],
    inputFields: (t) => ({
      name: t.string({ required: true, validate: { schema: rules.shortText } }),
      kind: t.string({ required: true, validate: { schema: rules.name }, description: 'e.g. "meeting", "visit", "letter delivery".' }),
      startDate: t.field({ type: 'Date' }),
      endDate: t.field({ type: 'Date' }),
      location: t.string({ validate: { schema: rules.optionalShortText } }),
      description: t.string({ validate: { schema: rules.description } }),
      articleIds: t.idList({ description: 'Articles that report the event.', validate: { schema: z.array(z.string()).max(100, 'at most 100 articles') } }),
    }),
  },
  {
    description: 'Stores an event, optionally linked to the articles that report it.',
    resolve: (_root, { input }, ctx) => {
      const articleIds = [...new Set((input.articleIds ?? []).map((id, i) => decodeId(id, 'Article', `input.articleIds.${i}`)))];
      return write(ctx, async (tx) => {
        await mustAllExist(tx, articles, articleIds, 'article', 'input.articleIds');
        const [row] = await tx
          .insert(events)
          .values({
            name: input.name,
            kind: input.kind,
            startDate: dayOrNull(input.startDate) ?? null,
            endDate: dayOrNull(input.endDate) ?? null,
            location: input.location ?? null,
            description: input.description ?? null,
          })
          .returning({ id: events.id });
        if (articleIds.length > 0) await tx.insert(articleEvents).values(articleIds.map((articleId) => ({ articleId, eventId: row!.id })));
        return { eventId: row!.id };
      });
    },
  },
  { outputFields: (t) => ({ event: eventField(t) }) },
);

builder.relayMutationField(
  'updateEvent',
  {
    validate: [datesOrdered, { message: 'must not be before startDate', path: ['endDate'] }],
    inputFields: (t) => ({
      id: t.id({ required: true }),
      name: t.string({ validate: { schema: rules.shortText } }),
      kind: t.string({ validate: { schema: rules.name } }),
      startDate: t.field({ type: 'Date' }),
      endDate: t.field({ type: 'Date' }),
      location: t.string({ validate: { schema: rules.optionalShortText } }),
      description: t.string({ validate: { schema: rules.description } }),
    }),
  },
  {
    description: 'Changes the given fields of an event; BAD_USER_INPUT when the dates would end up out of order.',
    resolve: (_root, { input }, ctx) => {
      const id = decodeId(input.id, 'Event', 'input.id');
      const changes = {
        name: notNull(input.name, 'input.name'),
        kind: notNull(input.kind, 'input.kind'),
        ...(input.startDate !== undefined ? { startDate: dayOrNull(input.startDate) } : {}),
        ...(input.endDate !== undefined ? { endDate: dayOrNull(input.endDate) } : {}),
        ...(input.location !== undefined ? { location: input.location } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
      };
      return write(ctx, async (tx) => {
        const [row] = await tx
          .update(events)
          .set({ ...changes, updatedAt: ctx.clock.now() })
          .where(eq(events.id, id))
          .returning({ id: events.id });
        if (!row) throw notFound('event', 'input.id');
        return { eventId: row.id };
      });
    },
  },
  { outputFields: (t) => ({ event: eventField(t) }) },
);

builder.relayMutationField(
  'deleteEvent',
  { inputFields: (t) => ({ id: t.id({ required: true }) }) },
  {
    description: 'Deletes an event; its statements stay, detached from it.',
    resolve: (_root, { input }, ctx) => {
      const id = decodeId(input.id, 'Event', 'input.id');
      return write(ctx, async (tx) => {
        const [row] = await tx.delete(events).where(eq(events.id, id)).returning({ id: events.id });
        if (!row) throw notFound('event', 'input.id');
        return { deletedId: row.id };
      });
    },
  },
  { outputFields: (t) => ({ deletedId: t.id({ resolve: (payload) => encodeId('Event', payload.deletedId) }) }) },
);

builder.relayMutationField(
  'addEventParticipant',
  {
    inputFields: (t) => ({
      eventId: t.id({ required: true }),
      personId: t.id({ required: true }),
      role: t.string({
        required: true,
        validate: { schema: rules.name },
        description: 'e.g. "host", "envoy"; replaces the role of a person already taking part.',
      }),
    }),
  },
  {
    description: 'Records that a person took part in an event, in a role.',
    resolve: (_root, { input }, ctx) => {
      const eventId = decodeId(input.eventId, 'Event', 'input.eventId');
      const personId = decodeId(input.personId, 'Person', 'input.personId');
      return write(ctx, async (tx) => {
        await mustExist(tx, events, eventId, 'event', 'input.eventId');
        await mustExist(tx, people, personId, 'person', 'input.personId');
        await tx
          .insert(eventParticipants)
          .values({ eventId, personId, role: input.role })
          .onConflictDoUpdate({ target: [eventParticipants.eventId, eventParticipants.personId], set: { role: input.role } });
        return { eventId, personId, role: input.role };
      });
    },
  },
  { outputFields: (t) => ({ event: eventField(t), person: participantField(t), role: t.string({ resolve: (p) => p.role }) }) },
);

builder.relayMutationField(
  'removeEventParticipant',
  { inputFields: (t) => ({ eventId: t.id({ required: true }), personId: t.id({ required: true }) }) },
  {
    description: 'Removes a person from an event; NOT_FOUND when they were not taking part.',
    resolve: (_root, { input }, ctx) => {
      const eventId = decodeId(input.eventId, 'Event', 'input.eventId');
      const personId = decodeId(input.personId, 'Person', 'input.personId');
      return write(ctx, async (tx) => {
        await mustExist(tx, events, eventId, 'event', 'input.eventId');
        await mustExist(tx, people, personId, 'person', 'input.personId');
        const removed = await tx
          .delete(eventParticipants)
          .where(and(eq(eventParticipants.eventId, eventId), eq(eventParticipants.personId, personId)))
          .returning({ personId: eventParticipants.personId });
        if (removed.length === 0) throw userError('NOT_FOUND', '"input.personId": this person is not a participant of the event.', { field: 'input.personId' });
        return { eventId, personId };
      });
    },
  },
  { outputFields: (t) => ({ event: eventField(t), person: participantField(t) }) },
);

type Fields<P> = PothosSchemaTypes.ObjectFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<PothosTypes>, P>;

function eventField<P extends { eventId: number }>(t: Fields<P>) {
  return t.field({ type: Event, resolve: async (payload, _args, ctx) => (await ctx.loaders.event.load(payload.eventId))! });
}

function participantField<P extends { personId: number }>(t: Fields<P>) {
  return t.field({ type: Person, resolve: async (payload, _args, ctx) => (await ctx.loaders.person.load(payload.personId))! });
}
