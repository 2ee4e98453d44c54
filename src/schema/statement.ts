import { type SQL, and, eq, gte, lte, sql } from 'drizzle-orm';
import { builder, TextSpan } from '../builder.js';
import { loadNodes } from './refs.js';
import { statementsByRank, statementsNewestFirst } from '../db/orderings.js';
import { statementMentions, statements } from '../db/schema.js';
import { badInput } from '../errors.js';
import { type StatementNode, loadRootPage, statementColumns } from '../loaders.js';
import { parsePage } from '../pagination.js';
import { MAX_SEARCH_LENGTH } from './person.js';
import { Article, Event, Person, Statement, StatementConnection, StatementKind } from './refs.js';

builder.node(Statement, {
  description: 'Something a person (or an unnamed source) said, as an article reports it.',
  id: { resolve: (statement) => statement.id },
  loadMany: (ids, ctx) => loadNodes(ids, ctx.loaders.statement, Statement),
  fields: (t) => ({
    text: t.exposeString('text', { description: 'The words, with whitespace normalised.' }),
    kind: t.expose('kind', { type: StatementKind }),
    speaker: t.field({
      type: Person,
      nullable: true,
      description: 'Who said it; null when the article does not name the source.',
      resolve: (statement, _args, ctx) => (statement.speakerId == null ? null : ctx.loaders.person.load(statement.speakerId)),
    }),
    speakerLabel: t.exposeString('speakerLabel', {
      nullable: true,
      description: 'How the article names the source, e.g. "a source", "the White House".',
    }),
    channel: t.exposeString('channel', { nullable: true, description: 'e.g. "tweet", "letter", "statement", "RIA Novosti".' }),
    saidAt: t.expose('saidAt', { type: 'DateTime' }),
    article: t.field({
      type: Article,
      resolve: async (statement, _args, ctx) => (await ctx.loaders.article.load(statement.articleId))!,
    }),
    event: t.field({
      type: Event,
      nullable: true,
      resolve: (statement, _args, ctx) => (statement.eventId == null ? null : ctx.loaders.event.load(statement.eventId)),
    }),
    mentions: t.field({
      type: [Person],
      description: 'People the statement refers to.',
      resolve: (statement, _args, ctx) => ctx.loaders.statementMentions.load(statement.id),
    }),
    span: t.field({
      type: TextSpan,
      nullable: true,
      description: "Where the statement's words stand in the article body.",
      resolve: (s) => (s.spanStart == null || s.spanEnd == null ? null : { start: s.spanStart, end: s.spanEnd }),
    }),
  }),
});

const StatementFilter = builder.inputType('StatementFilter', {
  fields: (t) => ({
    speakerId: t.globalID({ for: Person }),
    articleId: t.globalID({ for: Article }),
    eventId: t.globalID({ for: Event }),
    mentionsPersonId: t.globalID({ for: Person }),
    kind: t.field({ type: StatementKind }),
    search: t.string({ description: 'PostgreSQL full-text search (web-search syntax); results come best match first.' }),
    saidAfter: t.field({ type: 'DateTime' }),
    saidBefore: t.field({ type: 'DateTime' }),
  }),
});

builder.queryField('statements', (t) =>
  t.connection(
    {
      type: Statement,
      description: 'Statements, newest first, or best match first when searching.',
      args: { filter: t.arg({ type: StatementFilter }) },
      resolve: (_root, args, ctx) => {
        const f = args.filter ?? {};
        const search = f.search?.replace(/\s+/g, ' ').trim();
        if (search && search.length > MAX_SEARCH_LENGTH) {
          throw badInput(`"filter.search" must be at most ${MAX_SEARCH_LENGTH} characters.`, 'filter.search');
        }
        const query = search ? sql`websearch_to_tsquery('english', ${search})` : null;
        const ordering = query ? statementsByRank(sql`ts_rank(${statements.search}, ${query})`) : statementsNewestFirst;
        const conditions: (SQL | undefined)[] = [
          f.speakerId ? eq(statements.speakerId, Number(f.speakerId.id)) : undefined,
          f.articleId ? eq(statements.articleId, Number(f.articleId.id)) : undefined,
          f.eventId ? eq(statements.eventId, Number(f.eventId.id)) : undefined,
          f.mentionsPersonId
            ? sql`exists (select 1 from ${statementMentions} where ${statementMentions.statementId} = ${statements.id} and ${statementMentions.personId} = ${Number(f.mentionsPersonId.id)})`
            : undefined,
          f.kind ? eq(statements.kind, f.kind) : undefined,
          query ? sql`${statements.search} @@ ${query}` : undefined,
          f.saidAfter ? gte(statements.saidAt, f.saidAfter) : undefined,
          f.saidBefore ? lte(statements.saidAt, f.saidBefore) : undefined,
        ];
        return loadRootPage<StatementNode>(
          ctx.db,
          { table: statements, columns: statementColumns, ordering, where: and(...conditions) },
          parsePage(args, ordering),
        );
      },
    },
    StatementConnection,
  ),
);
