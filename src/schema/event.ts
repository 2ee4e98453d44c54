import { and, getTableColumns, sql } from 'drizzle-orm';
import { builder } from '../builder.js';
import { loadNodes } from './refs.js';
import { eventsNewestFirst } from '../db/orderings.js';
import { type EventRow, events } from '../db/schema.js';
import { loadRootPage } from '../loaders.js';
import { parsePage } from '../pagination.js';
import { likePattern } from './person.js';
import { Article, ArticleConnection, Event, Person, Statement, StatementConnection } from './refs.js';

builder.node(Event, {
  description: 'Something that happened (or is planned) and that articles report.',
  id: { resolve: (event) => event.id },
  loadMany: (ids, ctx) => loadNodes(ids, ctx.loaders.event, Event),
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
        resolve: (event, args, ctx) => ctx.loaders.relation('eventParticipants', args, event.id),
      },
      { name: 'EventParticipantConnection' },
      { name: 'EventParticipantEdge', fields: (edge) => ({ role: edge.exposeString('role') }) },
    ),
    statements: t.connection(
      {
        type: Statement,
        description: 'Statements made at or about the event, newest first.',
        resolve: (event, args, ctx) => ctx.loaders.relation('eventStatements', args, event.id),
      },
      StatementConnection,
    ),
    articles: t.connection(
      {
        type: Article,
        description: 'Articles that report the event, newest first.',
        resolve: (event, args, ctx) => ctx.loaders.relation('eventArticles', args, event.id),
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

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

builder.queryField('events', (t) =>
  t.connection({
    type: Event,
    description: 'Events, newest first; undated events last.',
    args: { filter: t.arg({ type: EventFilter }) },
    resolve: (_root, args, ctx) => {
      const { search, from, to } = args.filter ?? {};
      const pattern = search ? likePattern(search, 'filter.search') : null;
      return loadRootPage<EventRow>(
        ctx.db,
        {
          table: events,
          columns: getTableColumns(events),
          ordering: eventsNewestFirst,
          where: and(
            pattern
              ? sql`concat_ws(' ', ${events.name}, ${events.kind}, ${events.location}, ${events.description}) ilike ${pattern}`
              : undefined,
            from ? sql`coalesce(${events.endDate}, ${events.startDate}) >= ${isoDay(from)}::date` : undefined,
            to ? sql`${events.startDate} <= ${isoDay(to)}::date` : undefined,
          ),
        },
        parsePage(args, eventsNewestFirst),
      );
    },
  }),
);
