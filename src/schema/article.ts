import { eq } from 'drizzle-orm';
import { type PothosTypes, builder } from '../builder.js';
import { userError } from '../errors.js';
import { rules } from '../domain/validation.js';
import { decodeId, encodeId } from '../domain/global-id.js';
import { articleList } from '../read/lists.js';
import { notFound, notNull, write } from './write.js';
import { loadNodes } from './refs.js';
import { relationConnection, rootListConnection } from './reads.js';
import { reads, readsTable } from '../read/fields.js';
import { articles } from '../db/schema.js';
import type { ArticleNode } from '../read/loaders.js';
import { Article, ArticleConnection, Event, EventConnection, Person, PersonConnection, Statement, StatementConnection } from './refs.js';

builder.node(Article, {
  description: 'A news article: the source of every statement and event Newsgraph knows.',
  id: { resolve: (article) => article.id },
  loadMany: (ids, ctx) => loadNodes(ids, ctx.loaders.article, Article),
  ...readsTable(articles),
  fields: (t) => ({
    headline: t.exposeString('headline'),
    source: t.exposeString('source', { description: 'The publisher, e.g. "CNN".' }),
    url: t.exposeString('url'),
    publishedAt: t.expose('publishedAt', { type: 'DateTime' }),
    body: t.string({
      description: 'The text exactly as published; statement spans index into it.',
      ...reads({ column: articles.body }),
      // Lists and joins leave the body out; a row that has it (a mutation's payload) keeps it.
      resolve: async (article, _args, ctx) => article.body ?? (await ctx.loaders.articleBody.load(article.id)) ?? '',
    }),
    statements: t.connection(
      {
        type: Statement,
        description: 'Statements reported in the article, in order of appearance.',
        ...relationConnection('articleStatements'),
      },
      StatementConnection,
    ),
    people: t.connection(
      {
        type: Person,
        description: 'People the article mentions, by name.',
        ...relationConnection('articlePeople'),
      },
      PersonConnection,
    ),
    events: t.connection(
      {
        type: Event,
        description: 'Events the article reports, newest first.',
        ...relationConnection('articleEvents'),
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
      ...rootListConnection<ArticleNode>()(articleList),
    },
    ArticleConnection,
  ),
);

// --- Mutations -------------------------------------------------------------------------------

/** An article as a writer gives it (createArticle, ingestArticle). */
export function articleInputFields(t: PothosSchemaTypes.InputFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<PothosTypes>, 'InputObject'>) {
  return {
    url: t.string({ required: true, validate: { schema: rules.url } }),
    headline: t.string({ required: true, validate: { schema: rules.shortText } }),
    source: t.string({ required: true, validate: { schema: rules.name } }),
    publishedAt: t.field({ type: 'DateTime', required: true }),
    body: t.string({ required: true, validate: { schema: rules.body } }),
  };
}

builder.relayMutationField(
  'createArticle',
  {
    inputFields: (t) => articleInputFields(t),
  },
  {
    description: 'Stores a new article; CONFLICT when its URL is already stored (use ingestArticle to update by URL).',
    resolve: (_root, { input }, ctx) =>
      write(ctx, async (tx) => {
        const [row] = await tx.insert(articles).values(input).onConflictDoNothing({ target: articles.url }).returning({ id: articles.id });
        if (!row) throw userError('CONFLICT', '"input.url": an article with this URL is already stored.', { field: 'input.url' });
        return { articleId: row.id };
      }),
  },
  { outputFields: (t) => ({ article: articleField(t) }) },
);

builder.relayMutationField(
  'updateArticle',
  {
    inputFields: (t) => ({
      id: t.id({ required: true }),
      url: t.string({ validate: { schema: rules.url } }),
      headline: t.string({ validate: { schema: rules.shortText } }),
      source: t.string({ validate: { schema: rules.name } }),
      publishedAt: t.field({ type: 'DateTime' }),
      body: t.string({ validate: { schema: rules.body } }),
    }),
  },
  {
    description: 'Changes the given fields of an article; the others stay as they are.',
    resolve: (_root, { input }, ctx) => {
      const id = decodeId(input.id, 'Article', 'input.id');
      const changes = {
        url: notNull(input.url, 'input.url'),
        headline: notNull(input.headline, 'input.headline'),
        source: notNull(input.source, 'input.source'),
        publishedAt: notNull(input.publishedAt, 'input.publishedAt'),
        body: notNull(input.body, 'input.body'),
      };
      return write(ctx, async (tx) => {
        const [row] = await tx
          .update(articles)
          .set({ ...changes, updatedAt: ctx.clock.now() })
          .where(eq(articles.id, id))
          .returning({ id: articles.id });
        if (!row) throw notFound('article', 'input.id');
        return { articleId: row.id };
      });
    },
  },
  { outputFields: (t) => ({ article: articleField(t) }) },
);

builder.relayMutationField(
  'deleteArticle',
  { inputFields: (t) => ({ id: t.id({ required: true }) }) },
  {
    description: 'Deletes an article with its statements; people and events stay.',
    resolve: (_root, { input }, ctx) => {
      const id = decodeId(input.id, 'Article', 'input.id');
      return write(ctx, async (tx) => {
        const [row] = await tx.delete(articles).where(eq(articles.id, id)).returning({ id: articles.id });
        if (!row) throw notFound('article', 'input.id');
        return { deletedId: row.id };
      });
    },
  },
  { outputFields: (t) => ({ deletedId: t.id({ resolve: (payload) => encodeId('Article', payload.deletedId) }) }) },
);

/** The payload's article, read through the (fresh) loaders. */
function articleField<P extends { articleId: number }>(t: PothosSchemaTypes.ObjectFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<PothosTypes>, P>) {
  return t.field({ type: Article, resolve: async (payload, _args, ctx) => (await ctx.loaders.article.load(payload.articleId))! });
}
