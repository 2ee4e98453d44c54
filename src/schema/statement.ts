import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type PothosTypes, builder, TextSpan } from '../builder.js';
import { type Db, rowsOf } from '../db/index.js';
import { normalizeWhitespace } from '../domain/text.js';
import { type Span, checkFragmentText, placeStatement, storedFragments, textMustMatchFragments } from '../domain/spans.js';
import { rules } from '../domain/validation.js';
import { decodeId, encodeId, filterId } from '../domain/global-id.js';
import { statementList } from '../read/lists.js';
import { lockedCount, lockedExists, mustAllExist, mustExist, notFound, notNull, write } from './write.js';
import { loadNodes } from './refs.js';
import { listField, requiredToOneField, rootListConnection, toOneField } from './reads.js';
import { reads, readsTable } from '../read/fields.js';
import { articlePeople, articles, editorTokens, events, people, quotations, statementMentions, statements } from '../db/schema.js';
import { requireEditor } from '../auth/editor.js';
import { badInput, userError } from '../errors.js';
import type { StatementNode } from '../read/loaders.js';
import { matchingQuotation, quotationOf, relinkQuotations } from '../ingest/quotations.js';
import type { StatementKindValue } from '../domain/statement-kinds.js';
import { Article, Event, Person, Statement, StatementConnection, StatementKind } from './refs.js';

builder.node(Statement, {
  description: 'Something a person (or an unnamed source) said, as an article reports it.',
  id: { resolve: (statement) => statement.id },
  loadMany: (ids, ctx) => loadNodes(ids, ctx.loaders.statement, Statement),
  ...readsTable(statements),
  fields: (t) => ({
    text: t.exposeString('text', { description: 'The words, with whitespace normalised.' }),
    kind: t.expose('kind', { type: StatementKind }),
    speaker: t.field({
      type: Person,
      nullable: true,
      description: 'Who said it; null when the article does not name the source.',
      ...toOneField('statementSpeaker'),
    }),
    speakerConfidence: t.exposeFloat('speakerConfidence', {
      nullable: true,
      description:
        'How sure ingest was of the speaker, 0-1: 1 named in full, lower for a surname resolved to the salient or dominant person; null when an editor set it or there is none.',
    }),
    speakerLabel: t.exposeString('speakerLabel', {
      nullable: true,
      description: 'How the article names the source, e.g. "a source", "the White House".',
    }),
    channel: t.exposeString('channel', { nullable: true, description: 'e.g. "tweet", "letter", "statement", "RIA Novosti".' }),
    saidAt: t.expose('saidAt', { type: 'DateTime' }),
    article: t.field({ type: Article, ...requiredToOneField('statementArticle') }),
    event: t.field({ type: Event, nullable: true, ...toOneField('statementEvent') }),
    mentions: t.field({ type: [Person], description: 'People the statement refers to.', ...listField('statementMentions') }),
    span: t.field({
      type: TextSpan,
      nullable: true,
      description: "Where the statement's words stand in the article body.",
      ...reads({ span: { start: statements.spanStart, end: statements.spanEnd } }),
      resolve: (s) => (s.spanStart == null || s.spanEnd == null ? null : { start: s.spanStart, end: s.spanEnd }),
    }),
    spans: t.field({
      type: [TextSpan],
      description:
        'Its fragments in the body, in order: several when the attribution interrupts a quote (its text then joins their words with " … "); otherwise `[span]`, or none when it is not placed.',
      ...reads({ fragments: { stored: statements.spans, start: statements.spanStart, end: statements.spanEnd } }),
      resolve: storedFragments,
    }),
  }),
});

const StatementFilter = builder.inputType('StatementFilter', {
  fields: (t) => ({
    // Plain IDs, decoded in the resolver: a wrong or malformed one is then an error naming its path.
    speakerId: t.id(),
    articleId: t.id(),
    eventId: t.id(),
    mentionsPersonId: t.id(),
    kind: t.field({ type: StatementKind }),
    search: t.string({ description: 'PostgreSQL full-text search (web-search syntax); results come best match first.' }),
    saidAfter: t.field({ type: 'DateTime' }),
    saidBefore: t.field({ type: 'DateTime' }),
  }),
});

type StatementFilterInput = typeof StatementFilter.$inferInput;

/** The statements a filter selects, its IDs decoded (a wrong one is an error naming its path). */
function statementsMatching(f: StatementFilterInput | null | undefined) {
  return statementList({
    ...f,
    speakerId: filterId(f?.speakerId, 'Person', 'filter.speakerId'),
    articleId: filterId(f?.articleId, 'Article', 'filter.articleId'),
    eventId: filterId(f?.eventId, 'Event', 'filter.eventId'),
    mentionsPersonId: filterId(f?.mentionsPersonId, 'Person', 'filter.mentionsPersonId'),
  });
}

builder.queryField('statements', (t) =>
  t.connection(
    {
      type: Statement,
      description: 'Statements, newest first, or best match first when searching.',
      args: { filter: t.arg({ type: StatementFilter }) },
      ...rootListConnection<StatementNode>()(statementsMatching),
    },
    StatementConnection,
  ),
);

// --- Mutations -------------------------------------------------------------------------------

const TextSpanInput = builder.inputType('TextSpanInput', {
  description: 'Character offsets into the article body (UTF-16 code units, end exclusive).',
  fields: (t) => ({
    start: t.int({ required: true, validate: { schema: z.number().int().min(0, 'must not be negative') } }),
    end: t.int({ required: true, validate: { schema: z.number().int().min(1, 'must be positive') } }),
  }),
  validate: { schema: z.object({ start: z.number(), end: z.number() }).refine((s) => s.end > s.start, { message: 'end must be after start', path: ['end'] }) },
});

const FRAGMENTS_DESCRIPTION =
  'Each fragment, in order, when the attribution interrupts the quote; span is then their overall range, and the text their words joined by " … ".';

/** Quotation marks and spaces around a quote, and the punctuation that closes it before its attribution ("…," she said), which its span may or may not take in. */
const QUOTE_EDGES = /^[\s"'“”‘’«»„]+|[\s"'“”‘’«»„,;:.]+$/gu;

/** A quote's text against the body at its span: the same words, however spaced, quote marks aside. */
function quoteMatchesSpan(text: string, atSpan: string): boolean {
  return normalizeWhitespace(text).replace(QUOTE_EDGES, '') === normalizeWhitespace(atSpan).replace(QUOTE_EDGES, '');
}

const truncate = (text: string, length: number) => (text.length > length ? `${text.slice(0, length)}…` : text);

const statementFields = {
  text: rules.statementText,
  label: rules.optionalShortText,
};

builder.relayMutationField(
  'createStatement',
  {
    inputFields: (t) => ({
      articleId: t.id({ required: true }),
      text: t.string({ required: true, validate: { schema: statementFields.text } }),
      kind: t.field({ type: StatementKind, required: true }),
      speakerId: t.id({ description: 'Leave out for an unnamed source, and give speakerLabel.' }),
      speakerLabel: t.string({ validate: { schema: statementFields.label } }),
      eventId: t.id(),
      channel: t.string({ validate: { schema: statementFields.label } }),
      saidAt: t.field({ type: 'DateTime', description: "Defaults to the article's publication time." }),
      span: t.field({ type: TextSpanInput, description: 'The overall range; may be left out when spans is given.' }),
      spans: t.field({ type: [TextSpanInput], description: FRAGMENTS_DESCRIPTION }),
      mentionIds: t.idList({ validate: { schema: z.array(z.string()).max(100, 'at most 100 mentions') } }),
    }),
  },
  {
    description: 'Stores a statement reported in an article; subscribers to statementAdded receive it.',
    resolve: (_root, { input }, ctx) => {
      const articleId = decodeId(input.articleId, 'Article', 'input.articleId');
      const speakerId = input.speakerId == null ? null : decodeId(input.speakerId, 'Person', 'input.speakerId');
      const eventId = input.eventId == null ? null : decodeId(input.eventId, 'Event', 'input.eventId');
      const mentionIds = [...new Set((input.mentionIds ?? []).map((id, i) => decodeId(id, 'Person', `input.mentionIds.${i}`)))];
      if (speakerId == null && !input.speakerLabel?.trim()) {
        throw badInput(
          '"input.speakerId": say who made the statement: give speakerId, or speakerLabel for an unnamed source ("a White House official").',
          'input.speakerId',
        );
      }
      const text = normalizeWhitespace(input.text);
      const quotation = speakerId == null ? null : quotationOf({ speakerId, kind: input.kind, text, saidAt: new Date(0) });
      // A span must fit in the body, and a quote's span hold its words: only then is the body read.
      const placed = input.span != null || input.spans != null;
      const compareWords = input.kind !== 'PARAPHRASE' && placed;
      // Without a span to check first, the write's one statement checks the token too: one round trip.
      const credentials = placed ? null : ctx.credentials();
      const editor = credentials?.ok ? credentials : null;
      const written = write(
        ctx,
        async (db) => {
          for (let attempt = 1; ; attempt++) {
            let placement: { span: Span | null; spans: Span[] | null } = { span: null, spans: null };
            let articleVersion: string | null = null;
            if (placed) {
              // Read without a lock: the insert below writes only if the article is still this version.
              const [article] = rowsOf<{ version: string; bodyLength: number; body: string | null }>(
                await db.execute(sql`select xmin::text as version, length(body) as "bodyLength", ${compareWords ? sql`body` : sql`null`} as body
                from ${articles} where id = ${articleId}`),
              );
              if (!article) throw notFound('article', 'input.articleId');
              placement = placeStatement(input, Number(article.bodyLength), 'input');
              const { span, spans } = placement;
              if (article.body != null && textMustMatchFragments(input.kind, input.spans ?? null))
                checkFragmentText(input.text, input.kind, spans, article.body, 'input');
              else if (compareWords && span && !quoteMatchesSpan(input.text, article.body!.slice(span.start, span.end))) {
                throw badInput(
                  `"input.text": a quote must be the words at its span; the body there reads "${truncate(article.body!.slice(span.start, span.end), 120)}".`,
                  'input.text',
                );
              }
              articleVersion = article.version;
            }
            const result = await insertStatement(db, {
              editor,
              articleId,
              articleVersion,
              speakerId,
              speakerLabel: input.speakerLabel ?? null,
              quotation,
              eventId,
              kind: input.kind,
              text,
              channel: input.channel ?? null,
              saidAt: input.saidAt ?? null,
              spanStart: placement.span?.start ?? null,
              spanEnd: placement.span?.end ?? null,
              spans: placement.spans,
              mentionIds,
            });
            if (!result.found.editor) {
              await requireEditor(ctx); // throws, saying why: an unknown or a revoked token
              if (attempt < 5) continue; // the token became valid meanwhile
              throw userError('UNAUTHENTICATED', 'The editor token is not valid.');
            }
            if (!result.found.article) throw notFound('article', 'input.articleId');
            if (!result.found.articleUnchanged) {
              if (attempt < 5) continue;
              throw userError('CONFLICT', '"input.articleId": the article kept changing while the statement was placed in it; try again.', {
                field: 'input.articleId',
              });
            }
            if (!result.found.speaker) throw notFound('person', 'input.speakerId');
            if (!result.found.event) throw notFound('event', 'input.eventId');
            if (!result.found.mentions) throw notFound('person', 'input.mentionIds');
            return { statementId: result.row!.id, row: result.row! };
          }
        },
        undefined,
        { oneStatement: true, editorInStatement: editor !== null },
      );
      // The payload shows the row as inserted (nothing else in the statement changes it), so
      // reading it back would only repeat it.
      return written.then((result) => (ctx.loaders.statement.prime(result.statementId, result.row), result));
    },
  },
  { outputFields: (t) => ({ statement: statementField(t) }) },
);

builder.relayMutationField(
  'updateStatement',
  {
    inputFields: (t) => ({
      id: t.id({ required: true }),
      text: t.string({ validate: { schema: statementFields.text } }),
      kind: t.field({ type: StatementKind }),
      speakerId: t.id({ description: 'null makes the statement unattributed.' }),
      speakerLabel: t.string({ validate: { schema: statementFields.label } }),
      eventId: t.id({ description: 'null detaches it from its event.' }),
      channel: t.string({ validate: { schema: statementFields.label } }),
      saidAt: t.field({ type: 'DateTime' }),
      span: t.field({ type: TextSpanInput, description: 'Given without spans, the statement becomes one fragment.' }),
      spans: t.field({ type: [TextSpanInput], description: `${FRAGMENTS_DESCRIPTION} null makes it one fragment, its span.` }),
      mentionIds: t.idList({ description: 'Replaces the mentions.', validate: { schema: z.array(z.string()).max(100, 'at most 100 mentions') } }),
    }),
  },
  {
    description: 'Changes the given fields of a statement.',
    resolve: (_root, { input }, ctx) => {
      const id = decodeId(input.id, 'Statement', 'input.id');
      const speakerId = input.speakerId == null ? input.speakerId : decodeId(input.speakerId, 'Person', 'input.speakerId');
      const eventId = input.eventId == null ? input.eventId : decodeId(input.eventId, 'Event', 'input.eventId');
      const mentionIds = notNull(input.mentionIds, 'input.mentionIds')?.map((m, i) => decodeId(m, 'Person', `input.mentionIds.${i}`));
      const changes = {
        text: notNull(input.text, 'input.text'),
        kind: notNull(input.kind, 'input.kind'),
        saidAt: notNull(input.saidAt, 'input.saidAt'),
      };
      return write(ctx, async (tx) => {
        const [current] = await tx
          .select({
            articleId: statements.articleId,
            speakerId: statements.speakerId,
            text: statements.text,
            kind: statements.kind,
            spans: statements.spans,
            spanStart: statements.spanStart,
            spanEnd: statements.spanEnd,
            // Only when a new span must fit: measuring the body reads all of it.
            bodyLength: input.span || input.spans ? sql<number>`length(${articles.body})` : sql<null>`null`,
          })
          .from(statements)
          .innerJoin(articles, eq(articles.id, statements.articleId))
          .where(eq(statements.id, id))
          .for('update', { of: statements });
        if (!current) throw notFound('statement', 'input.id');
        // New fragments replace the old; a new span (or none) alone makes the statement one piece.
        const currentSpan = current.spanStart == null || current.spanEnd == null ? null : { start: current.spanStart, end: current.spanEnd };
        const placement =
          input.spans === null && input.span === undefined
            ? { span: currentSpan, spans: null }
            : input.spans !== undefined || input.span !== undefined
              ? placeStatement({ span: input.span, spans: input.spans }, Number(current.bodyLength), 'input')
              : undefined;
        const fragments = placement ? placement.spans : current.spans;
        const text = changes.text ?? current.text;
        const kind = changes.kind ?? current.kind;
        if ((placement || changes.text !== undefined || changes.kind !== undefined) && textMustMatchFragments(kind, fragments)) {
          const [article] = await tx.select({ body: articles.body }).from(articles).where(eq(articles.id, current.articleId));
          checkFragmentText(text, kind, fragments, article!.body, 'input');
        }
        if (speakerId != null) await mustExist(tx, people, speakerId, 'person', 'input.speakerId');
        if (eventId != null) await mustExist(tx, events, eventId, 'event', 'input.eventId');
        if (mentionIds) await mustAllExist(tx, people, mentionIds, 'person', 'input.mentionIds');
        await tx
          .update(statements)
          .set({
            ...(changes.text !== undefined ? { text: normalizeWhitespace(changes.text) } : {}),
            ...(changes.kind !== undefined ? { kind: changes.kind } : {}),
            ...(changes.saidAt !== undefined ? { saidAt: changes.saidAt } : {}),
            ...(speakerId !== undefined ? { speakerId, speakerConfidence: null } : {}),
            ...(eventId !== undefined ? { eventId } : {}),
            ...(input.speakerLabel !== undefined ? { speakerLabel: input.speakerLabel } : {}),
            ...(input.channel !== undefined ? { channel: input.channel } : {}),
            ...(placement ? { spanStart: placement.span?.start ?? null, spanEnd: placement.span?.end ?? null, spans: placement.spans } : {}),
            updatedAt: ctx.clock.now(),
          })
          .where(eq(statements.id, id));
        // New words, kind or speaker: the statement reports another quotation (or none).
        if (changes.text !== undefined || changes.kind !== undefined || speakerId !== undefined) await relinkQuotations(tx, [id]);
        if (mentionIds) await tx.delete(statementMentions).where(eq(statementMentions.statementId, id));
        await linkMentions(tx, id, mentionIds ?? []);
        await linkArticlePeople(tx, current.articleId, speakerId ?? null, mentionIds ?? []);
        return { statementId: id };
      });
    },
  },
  { outputFields: (t) => ({ statement: statementField(t) }) },
);

builder.relayMutationField(
  'deleteStatement',
  { inputFields: (t) => ({ id: t.id({ required: true }) }) },
  {
    description: 'Deletes a statement.',
    resolve: (_root, { input }, ctx) => {
      const id = decodeId(input.id, 'Statement', 'input.id');
      return write(ctx, async (tx) => {
        const [row] = await tx.delete(statements).where(eq(statements.id, id)).returning({ id: statements.id });
        if (!row) throw notFound('statement', 'input.id');
        return { deletedId: row.id };
      });
    },
  },
  { outputFields: (t) => ({ deletedId: t.id({ resolve: (payload) => encodeId('Statement', payload.deletedId) }) }) },
);

/** Mentions, and the article's people list, follow the statement's speaker and mentions. */
/** The statement's mentions (it may already have some: those stay). */
async function linkMentions(tx: Db, statementId: number, mentionIds: number[]) {
  if (mentionIds.length === 0) return;
  await tx
    .insert(statementMentions)
    .values(mentionIds.map((personId) => ({ statementId, personId })))
    .onConflictDoNothing();
}

/** The article names everyone who speaks or is mentioned in it. */
async function linkArticlePeople(tx: Db, articleId: number, speakerId: number | null, mentionIds: number[]) {
  const personIds = [...new Set([...(speakerId != null ? [speakerId] : []), ...mentionIds])];
  if (personIds.length === 0) return;
  await tx
    .insert(articlePeople)
    .values(personIds.map((personId) => ({ articleId, personId })))
    .onConflictDoNothing();
}

interface NewStatement {
  /** The token to check in the statement (nothing is written unless it is an editor's); null when checked before. */
  editor: { keyId: string; tokenHash: string } | null;
  articleId: number;
  /** The article's row version (`xmin`) its spans were checked against, if they were. */
  articleVersion: string | null;
  speakerId: number | null;
  speakerLabel: string | null;
  /** The quotation's key and words when the statement reports one. */
  quotation: { key: string; words: string } | null;
  eventId: number | null;
  kind: StatementKindValue;
  text: string;
  channel: string | null;
  /** Null: the article's publication time. */
  saidAt: Date | null;
  spanStart: number | null;
  spanEnd: number | null;
  spans: { start: number; end: number }[] | null;
  mentionIds: number[];
}

const intList = (ids: readonly number[]) => sql`string_to_array(${ids.join(',')}, ',')::int[]`;

/**
 * The whole write of createStatement in one SQL statement, so one transaction with no BEGIN or
 * COMMIT round trip: it checks the editor's token when given one, and checks (and locks until
 * commit) the article, speaker, event and mentions, and only when all are there inserts the statement, its new quotation (if its words are the first
 * report of one), its mentions and the article's links to its people as data-modifying CTEs. It
 * returns which check failed, or the row. The quotation meets a concurrent insert of the same words
 * on its unique key (as linkQuotations does); the triggers (live log, quotation counts) and foreign
 * keys run at the end of the statement, when every CTE's rows are there.
 */
async function insertStatement(db: Db, s: NewStatement) {
  const editorFound =
    s.editor == null
      ? sql`true`
      : sql`exists (select 1 from ${editorTokens} where key_id = ${s.editor.keyId}::text and token_hash = ${s.editor.tokenHash}::text and revoked_at is null)`;
  const saidAt = sql`coalesce(${s.saidAt?.toISOString() ?? null}::timestamptz, ok.published_at)`;
  const matched = s.quotation
    ? sql`(${matchingQuotation(sql`${s.speakerId}::int`, sql`${s.quotation.key}::text`, sql`${s.quotation.words}::text`)})`
    : sql`null::int`;
  const newQuotation = s.quotation
    ? sql`insert into ${quotations} (speaker_id, key, words, text, first_reported_at)
          select ${s.speakerId}::int, ${s.quotation.key}::text, ${s.quotation.words}::text, ${s.text}::text, ${saidAt} from ok, mq where mq.id is null
          on conflict (speaker_id, key) do update set first_reported_at = least(${quotations}.first_reported_at, excluded.first_reported_at)
          returning id`
    : sql`select null::int as id where false`;
  const personIds = [...new Set([...(s.speakerId != null ? [s.speakerId] : []), ...s.mentionIds])];
  const [row] = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      with a as (
        select published_at, ${s.articleVersion == null ? sql`true` : sql`xmin = ${s.articleVersion}::xid`} as unchanged
        from ${articles} where id = ${s.articleId}::int for share
      ),
      found as (
        select ${editorFound} as editor, exists (select 1 from a) as article, coalesce((select unchanged from a), false) as article_unchanged,
          ${s.speakerId == null ? sql`true` : lockedExists(people, s.speakerId)} as speaker,
          ${s.eventId == null ? sql`true` : lockedExists(events, s.eventId)} as event,
          ${s.mentionIds.length === 0 ? sql`true` : sql`${lockedCount(people, s.mentionIds)} = ${s.mentionIds.length}::int`} as mentions
      ),
      ok as (select a.published_at from a, found where found.editor and a.unchanged and found.speaker and found.event and found.mentions),
      mq as (select ${matched} as id),
      q as (${newQuotation}),
      s as (
        insert into ${statements} (article_id, speaker_id, speaker_label, quotation_id, event_id, kind, text, channel, said_at, span_start, span_end, spans)
        select ${s.articleId}::int, ${s.speakerId}::int, ${s.speakerLabel}::text, coalesce((select id from mq), (select id from q)), ${s.eventId}::int,
          ${s.kind}::statement_kind, ${s.text}::text, ${s.channel}::text, ${saidAt}, ${s.spanStart}::int, ${s.spanEnd}::int,
          ${s.spans == null ? null : JSON.stringify(s.spans)}::jsonb
        from ok
        returning id, article_id, speaker_id, speaker_label, speaker_confidence, quotation_id, event_id, kind, text, channel, said_at, span_start, span_end, spans, created_at, updated_at
      ),
      m as (
        insert into ${statementMentions} (statement_id, person_id)
        select s.id, p from s, unnest(${intList(s.mentionIds)}) p
        on conflict do nothing
      ),
      ap as (
        insert into ${articlePeople} (article_id, person_id)
        select ${s.articleId}::int, p from ok, unnest(${intList(personIds)}) p
        on conflict do nothing
      )
      select found.editor, found.article, found.article_unchanged, found.speaker, found.event, found.mentions, s.* from found left join s on true`),
  );
  const r = row!;
  const found = {
    editor: Boolean(r.editor),
    article: Boolean(r.article),
    articleUnchanged: Boolean(r.article_unchanged),
    speaker: Boolean(r.speaker),
    event: Boolean(r.event),
    mentions: Boolean(r.mentions),
  };
  if (r.id == null) return { found, row: null };
  const date = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));
  const num = (v: unknown) => (v == null ? null : Number(v));
  const spans = typeof r.spans === 'string' ? JSON.parse(r.spans) : r.spans;
  const statement: StatementNode = {
    id: Number(r.id),
    articleId: Number(r.article_id),
    speakerId: num(r.speaker_id),
    speakerLabel: (r.speaker_label as string | null) ?? null,
    speakerConfidence: num(r.speaker_confidence),
    quotationId: num(r.quotation_id),
    eventId: num(r.event_id),
    kind: r.kind as StatementKindValue,
    text: r.text as string,
    channel: (r.channel as string | null) ?? null,
    saidAt: date(r.said_at),
    spanStart: num(r.span_start),
    spanEnd: num(r.span_end),
    spans: (spans as { start: number; end: number }[] | null) ?? null,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
  return { found, row: statement };
}

function statementField<P extends { statementId: number }>(t: PothosSchemaTypes.ObjectFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<PothosTypes>, P>) {
  return t.field({ type: Statement, resolve: async (payload, _args, ctx) => (await ctx.loaders.statement.load(payload.statementId))! });
}
