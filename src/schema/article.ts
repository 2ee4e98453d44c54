import { and, eq, getTableColumns, gte, lte } from 'drizzle-orm';
import { builder } from '../builder.js';
import { loadNodes } from './refs.js';
import { articlesNewestFirst } from '../db/orderings.js';
import { type ArticleRow, articles } from '../db/schema.js';
import { loadRootPage } from '../loaders.js';
import { parsePage } from '../pagination.js';
import { Article, ArticleConnection, Event, EventConnection, Person, PersonConnection, Statement, StatementConnection } from './refs.js';

builder.node(Article, {
  description: 'A news article: the source of every statement and event Newsgraph knows.',
  id: { resolve: (article) => article.id },
  loadMany: (ids, ctx) => loadNodes(ids, ctx.loaders.article, Article),
  fields: (t) => ({
    headline: t.exposeString('headline'),
    source: t.exposeString('source', { description: 'The publisher, e.g. "CNN".' }),
    url: t.exposeString('url'),
    publishedAt: t.expose('publishedAt', { type: 'DateTime' }),
    body: t.exposeString('body', { description: 'The text exactly as published; statement spans index into it.' }),
    statements: t.connection(
      {
        type: Statement,
        description: 'Statements reported in the article, in order of appearance.',
        resolve: (article, args, ctx) => ctx.loaders.relation('articleStatements', args, article.id),
      },
      StatementConnection,
    ),
    people: t.connection(
      {
        type: Person,
        description: 'People the article mentions, by name.',
        resolve: (article, args, ctx) => ctx.loaders.relation('articlePeople', args, article.id),
      },
      PersonConnection,
    ),
    events: t.connection(
      {
        type: Event,
        description: 'Events the article reports, newest first.',
        resolve: (article, args, ctx) => ctx.loaders.relation('articleEvents', args, article.id),
      },
      EventConnection,
    ),
  }),
});

const ArticleFilter = builder.inputType('ArticleFilter', {
  fields: (t) => ({
    source: t.string({ description: 'Exact publisher name, e.g. "CNN".' }),
    publishedAfter: t.field({ type: 'DateTime' }),
    publishedBefore: t.field({ type: 'DateTime' }),
  }),
});

builder.queryField('articles', (t) =>
  t.connection(
    {
      type: Article,
      description: 'Articles, newest first.',
      args: { filter: t.arg({ type: ArticleFilter }) },
      resolve: (_root, args, ctx) =>
        loadRootPage<ArticleRow>(
          ctx.db,
          {
            table: articles,
            columns: getTableColumns(articles),
            ordering: articlesNewestFirst,
            where: and(
              args.filter?.source != null ? eq(articles.source, args.filter.source) : undefined,
              args.filter?.publishedAfter ? gte(articles.publishedAt, args.filter.publishedAfter) : undefined,
              args.filter?.publishedBefore ? lte(articles.publishedAt, args.filter.publishedBefore) : undefined,
            ),
          },
          parsePage(args, articlesNewestFirst),
        ),
    },
    ArticleConnection,
  ),
);
