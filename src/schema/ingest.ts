import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { requireEditor } from '../auth/editor.js';
import { builder } from '../builder.js';
import { badInput } from '../errors.js';
import { type IngestInput, type IngestResult, checkIngestInput, ingestInTransaction } from '../ingest/index.js';
import type { Context } from '../context.js';
import { loadKnownPeople, withExtractedEntities } from '../ingest/from-extraction.js';
import { checkExtractableBody, extractionError } from './extract.js';
import { articleInputFields } from './article.js';
import { Article, Event, Person, Statement, StatementKind } from './refs.js';
import { datesOrdered, rules } from '../domain/validation.js';
import { isoDay, write } from './write.js';
import { isRetryable, translateDbError } from '../domain/db-errors.js';

const IngestPersonInput = builder.inputType('IngestPersonInput', {
  fields: (t) => ({
    name: t.string({ required: true, validate: { schema: rules.name } }),
    aliases: t.stringList({ validate: { schema: rules.aliases } }),
    description: t.string({ validate: { schema: rules.description } }),
  }),
});

const IngestSpanInput = builder.inputType('IngestSpanInput', {
  fields: (t) => ({
    start: t.int({ required: true, validate: { schema: z.number().int().min(0, 'must not be negative') } }),
    end: t.int({ required: true, validate: { schema: z.number().int().min(1, 'must be positive') } }),
  }),
  validate: [(span) => span.end > span.start, { message: 'end must be after start', path: ['end'] }],
});

const IngestStatementInput = builder.inputType('IngestStatementInput', {
  fields: (t) => ({
    text: t.string({ required: true, validate: { schema: rules.statementText } }),
    kind: t.field({ type: StatementKind, required: true }),
    speakerName: t.string({ validate: { schema: rules.name }, description: 'Matched to a stored person by name or alias, created otherwise.' }),
    speakerLabel: t.string({ validate: { schema: rules.optionalShortText }, description: 'For unnamed sources: "a source".' }),
    channel: t.string({ validate: { schema: rules.optionalShortText } }),
    saidAt: t.field({ type: 'DateTime', description: "Defaults to the article's publication time." }),
    span: t.field({ type: IngestSpanInput, description: 'The overall range; may be left out when spans is given.' }),
    spans: t.field({
      type: [IngestSpanInput],
      description: 'Each fragment, in order, when the attribution interrupts the quote; the text then joins their words with " … ".',
    }),
    mentions: t.stringList({ validate: { schema: z.array(rules.name).max(100, 'at most 100 mentions') }, description: 'Names of people it refers to.' }),
    eventName: t.string({ validate: { schema: rules.shortText }, description: 'Name of one of the events in this input.' }),
  }),
});

const IngestParticipantInput = builder.inputType('IngestParticipantInput', {
  fields: (t) => ({
    name: t.string({ required: true, validate: { schema: rules.name } }),
    role: t.string({ required: true, validate: { schema: rules.name } }),
  }),
});

const IngestEventInput = builder.inputType('IngestEventInput', {
  fields: (t) => ({
    name: t.string({ required: true, validate: { schema: rules.shortText } }),
    kind: t.string({ required: true, validate: { schema: rules.name } }),
    startDate: t.field({ type: 'Date' }),
    endDate: t.field({ type: 'Date' }),
    location: t.string({ validate: { schema: rules.optionalShortText } }),
    description: t.string({ validate: { schema: rules.description } }),
    participants: t.field({ type: [IngestParticipantInput], validate: { maxLength: [200, { message: 'at most 200 participants' }] } }),
  }),
  validate: [datesOrdered, { message: 'must not be before startDate', path: ['endDate'] }],
});

const { inputType: IngestArticleInput } = builder.relayMutationField(
  'ingestArticle',
  {
    inputFields: (t) => ({
      ...articleInputFields(t),
      people: t.field({ type: [IngestPersonInput], validate: { maxLength: [500, { message: 'at most 500 people' }] } }),
      statements: t.field({ type: [IngestStatementInput], validate: { maxLength: [2_000, { message: 'at most 2000 statements' }] } }),
      events: t.field({ type: [IngestEventInput], validate: { maxLength: [200, { message: 'at most 200 events' }] } }),
    }),
  },
  {
    description:
      'Stores an article with its people, statements, events and links in one transaction. People are matched to stored ones by name or alias. Ingesting a stored URL again updates that article. Given only the article fields, the entities are extracted from the body.',
    resolve: async (_root, { input }, ctx) => {
      const full = await prepareIngest(input, ctx);
      return write(ctx, async (tx) => ({ ...(await ingestInTransaction(tx, full, ctx.clock.now())), warnings: full.warnings }));
    },
  },
  {
    outputFields: (t) => ({
      article: t.field({ type: Article, resolve: async (r, _a, ctx) => (await ctx.loaders.article.load(r.articleId))! }),
      warnings: t.stringList({
        description: 'What the extractor could not do with the body, e.g. "language de is not supported; no statements extracted".',
        resolve: (r) => r.warnings,
      }),
      created: t.boolean({ description: 'False when the URL was already stored and the article was updated.', resolve: (r) => r.created }),
      people: t.field({
        type: [Person],
        description: 'Everyone the article names, matched or created.',
        resolve: async (r, _a, ctx) => (await ctx.loaders.person.loadMany(r.personIds)).filter(isRow),
      }),
      statements: t.field({
        type: [Statement],
        description: 'In input order.',
        resolve: async (r, _a, ctx) => (await ctx.loaders.statement.loadMany(r.statementIds)).filter(isRow),
      }),
      events: t.field({
        type: [Event],
        resolve: async (r, _a, ctx) => (await ctx.loaders.event.loadMany(r.eventIds)).filter(isRow),
      }),
    }),
  },
);

type ArticleInputShape = typeof IngestArticleInput.$inferInput;

/**
 * One input as the ingest core takes it: checked, and extracted when it carries only the article
 * (extraction takes time and a worker: done before any transaction, which holds row locks, and
 * after the editor check, so no one without a token can make the service extract).
 */
async function prepareIngest(input: ArticleInputShape, ctx: Context): Promise<IngestInput & { warnings: string[] }> {
  const article = { url: input.url, headline: input.headline, source: input.source, publishedAt: input.publishedAt, body: input.body };
  const given = input.people != null || input.statements != null || input.events != null;
  const ingest: IngestInput | null = given
    ? {
        ...article,
        people: input.people,
        statements: input.statements,
        events: input.events?.map((e) => ({ ...e, startDate: isoDay(e.startDate), endDate: isoDay(e.endDate) })),
      }
    : null;
  if (input.body.trim().length === 0) throw badInput('"input.body": must not be empty.', 'input.body');
  if (ingest) checkIngestInput(ingest);
  else checkExtractableBody(input.body);
  if (!ingest) await requireEditor(ctx);
  const full = ingest
    ? { ...ingest, warnings: [] }
    : await withExtractedEntities(article, await loadKnownPeople(ctx.db, article.body), ctx.extract).catch((error: unknown) => {
        throw extractionError(error);
      });
  if (!ingest && full.statements!.length > 2_000) throw badInput('"input.body": too many statements to ingest at once.', 'input.body');
  return full;
}

export const MAX_INGEST_BATCH = 100;

interface ItemOutcome {
  result?: IngestResult & { warnings: string[] };
  error?: { code: string; message: string; field: string | null };
}

/** A client's error about one item, its field and words pointing into the list ("input.3.url"). */
function itemError(error: GraphQLError, index: number): NonNullable<ItemOutcome['error']> {
  const field = typeof error.extensions.field === 'string' ? error.extensions.field.replace(/^input\b/, `input.${index}`) : null;
  return { code: String(error.extensions.code ?? 'BAD_USER_INPUT'), message: error.message.replace(/"input\./g, `"input.${index}.`), field };
}

const IngestItemError = builder.objectRef<NonNullable<ItemOutcome['error']>>('IngestItemError').implement({
  description: 'Why one item of ingestArticles was not stored.',
  fields: (t) => ({
    code: t.exposeString('code', { description: "As a GraphQL error's extensions.code: BAD_USER_INPUT, CONFLICT, NOT_FOUND, ..." }),
    message: t.exposeString('message'),
    field: t.exposeString('field', { nullable: true, description: 'The input field to blame, e.g. "input.3.statements.0.span".' }),
  }),
});

const IngestArticleOutcome = builder.objectRef<ItemOutcome>('IngestArticleOutcome').implement({
  description: 'What became of one item of ingestArticles, in input order.',
  fields: (t) => ({
    ok: t.boolean({ resolve: (o) => o.result != null }),
    article: t.field({
      type: Article,
      nullable: true,
      resolve: async (o, _a, ctx) => (o.result ? ((await ctx.loaders.article.load(o.result.articleId)) ?? null) : null),
    }),
    created: t.boolean({
      nullable: true,
      description: 'False when the URL was already stored and has been updated.',
      resolve: (o) => o.result?.created ?? null,
    }),
    warnings: t.stringList({ description: 'What the extractor could not do with the body.', resolve: (o) => o.result?.warnings ?? [] }),
    error: t.field({ type: IngestItemError, nullable: true, resolve: (o) => o.error ?? null }),
  }),
});

builder.mutationField('ingestArticles', (t) =>
  t.field({
    type: [IngestArticleOutcome],
    description: `Ingests up to ${MAX_INGEST_BATCH} articles, each as ingestArticle does, in one transaction: the stored ones commit together, and an item that cannot be stored (bad spans, a failed extraction, a conflict) is left out alone with its error. Outcomes are in input order.`,
    args: {
      input: t.arg({
        type: [IngestArticleInput],
        required: true,
        validate: { maxLength: [MAX_INGEST_BATCH, { message: `at most ${MAX_INGEST_BATCH} articles per call` }] },
      }),
    },
    resolve: async (_root, { input }, ctx) => {
      await requireEditor(ctx);
      const outcomes: ItemOutcome[] = input.map(() => ({}));
      // Extractions run side by side (the pool bounds them), all before the transaction.
      const prepared = await Promise.all(
        input.map((item, i) =>
          prepareIngest(item, ctx).catch((error: unknown) => {
            if (!(error instanceof GraphQLError)) throw error;
            outcomes[i]!.error = itemError(error, i);
            return null;
          }),
        ),
      );
      const urls = new Map<string, number>();
      prepared.forEach((full, i) => {
        if (!full) return;
        // Twice in one call would store the second as an update of the first: refuse it instead.
        const first = urls.get(full.url);
        if (first != null) outcomes[i]!.error = itemError(badInput(`"input.url": the same URL as item ${first}.`, 'input.url'), i);
        else urls.set(full.url, i);
      });
      const results = await write(ctx, async (tx) => {
        const stored: ItemOutcome[] = outcomes.map((o) => ({ ...o }));
        const now = ctx.clock.now();
        for (const [i, full] of prepared.entries()) {
          if (!full || stored[i]!.error) continue;
          try {
            // A savepoint per item: one that the database refuses is rolled back alone.
            const result = await tx.transaction((item) => ingestInTransaction(item as unknown as typeof tx, full, now));
            stored[i] = { result: { ...result, warnings: full.warnings } };
          } catch (error) {
            const translated = error instanceof GraphQLError ? error : translateDbError(error);
            // A deadlock or a fault of ours ends the whole call (write retries or masks it).
            if (!translated || isRetryable(error)) throw error;
            stored[i] = { error: itemError(translated, i) };
          }
        }
        return stored;
      });
      return results;
    },
  }),
);

const isRow = <T>(row: T | null | Error): row is T => row != null && !(row instanceof Error);
