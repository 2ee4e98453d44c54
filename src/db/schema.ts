import { sql } from 'drizzle-orm';
import { STATEMENT_KINDS } from '../domain/statement-kinds.js';
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
};

export const statementKind = pgEnum('statement_kind', STATEMENT_KINDS);

export const articles = pgTable(
  'articles',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    url: text('url').notNull(),
    headline: text('headline').notNull(),
    source: text('source').notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }).notNull(),
    body: text('body').notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('articles_url_key').on(t.url),
    // Query.articles orders newest first; the source filter rides the same index.
    index('articles_published_idx').on(t.publishedAt.desc(), t.id.desc()),
    index('articles_source_published_idx').on(t.source, t.publishedAt.desc(), t.id.desc()),
  ],
);

export const people = pgTable(
  'people',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    aliases: text('aliases').array().notNull().default(sql`'{}'::text[]`),
    description: text('description'),
    /** Editor-set Wikidata item ("Q22686"), so newsrooms can join with their knowledge graphs. */
    wikidataId: text('wikidata_id'),
    /** Family name and suffix, lowercased ("clinton", "trump jr"): src/ingest/name-match.ts `surnameKey`. */
    surnameKey: text('surname_key'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('people_slug_key').on(t.slug),
    uniqueIndex('people_wikidata_id_key').on(t.wikidataId),
    check('people_wikidata_id_format', sql`${t.wikidataId} ~ '^Q[1-9][0-9]*$'`),
    // Resolution across articles looks people up by family name (src/ingest/resolve.ts).
    index('people_surname_key_idx').on(t.surnameKey),
    index('people_name_idx').on(t.name, t.id),
    // Query.people's search (a name or alias containing the text): trigram indexes (drizzle/0006),
    // so a rare name is found without walking everyone in name order.
    index('people_name_trgm_idx').using('gin', t.name.op('gin_trgm_ops')),
    index('people_aliases_trgm_idx').using('gin', sql`person_aliases_text(${t.aliases}) gin_trgm_ops`),
  ],
);

export const events = pgTable(
  'events',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    kind: text('kind').notNull(),
    startDate: date('start_date', { mode: 'string' }),
    endDate: date('end_date', { mode: 'string' }),
    location: text('location'),
    description: text('description'),
    ...timestamps,
  },
  (t) => [
    check('events_dates_ordered', sql`${t.endDate} IS NULL OR ${t.startDate} IS NULL OR ${t.endDate} >= ${t.startDate}`),
    // Query.events orders by start date, newest first, undated last.
    index('events_start_idx').on(sql`coalesce(${t.startDate}, '-infinity'::date) DESC NULLS LAST`, t.id.desc()),
  ],
);

export const statements = pgTable(
  'statements',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    articleId: integer('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    // A deleted person leaves their statements standing, unattributed.
    speakerId: integer('speaker_id').references(() => people.id, { onDelete: 'set null' }),
    speakerLabel: text('speaker_label'),
    /** The saying this statement reports, shared with every other report of it (quotations). */
    /** How sure ingest was that `speakerId` is who the article means (1: named in full; null: set by an editor). */
    speakerConfidence: real('speaker_confidence'),
    quotationId: integer('quotation_id').references(() => quotations.id, { onDelete: 'set null' }),
    eventId: integer('event_id').references(() => events.id, { onDelete: 'set null' }),
    kind: statementKind('kind').notNull(),
    text: text('text').notNull(),
    channel: text('channel'),
    // Every statement has a time (the article's publication when the text gives none), so
    // newest-first keyset pagination never has to order NULLs.
    saidAt: timestamp('said_at', { withTimezone: true, mode: 'date' }).notNull(),
    spanStart: integer('span_start'),
    spanEnd: integer('span_end'),
    // The fragments of a quote its attribution interrupts, in order ([{start, end}, …]); null when
    // the statement is one piece, which is [span_start, span_end].
    spans: jsonb('spans').$type<{ start: number; end: number }[]>(),
    search: tsvector('search').notNull().generatedAlwaysAs(sql`to_tsvector('english', coalesce(speaker_label, '') || ' ' || text)`),
    ...timestamps,
  },
  (t) => [
    check('statements_span_ordered', sql`${t.spanStart} IS NULL OR (${t.spanStart} >= 0 AND ${t.spanEnd} > ${t.spanStart})`),
    // Article.statements: in order of appearance, unplaced statements last.
    index('statements_article_position_idx').on(t.articleId, sql`coalesce(${t.spanStart}, 2147483647)`, t.id),
    index('statements_speaker_said_idx').on(t.speakerId, t.saidAt.desc(), t.id.desc()),
    index('statements_event_said_idx').on(t.eventId, t.saidAt.desc(), t.id.desc()),
    index('statements_quotation_said_idx').on(t.quotationId, t.saidAt.desc(), t.id.desc()),
    index('statements_said_idx').on(t.saidAt.desc(), t.id.desc()),
    index('statements_search_idx').using('gin', t.search),
  ],
);

/** Who is mentioned in which article. */
export const articlePeople = pgTable(
  'article_people',
  {
    articleId: integer('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    /** The article's publication time, kept equal to it by triggers (drizzle/0004), as event_start. */
    articlePublishedAt: timestamp('article_published_at', { withTimezone: true, mode: 'date' }),
    /** How many times the article names the person (Person.mentionCount sums these). */
    mentionCount: integer('mention_count').notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.articleId, t.personId] }),
    index('article_people_person_idx').on(t.personId, t.articleId),
    // Person.articles: newest first, as articles_published_idx orders Query.articles.
    index('article_people_person_published_idx').on(t.personId, t.articlePublishedAt.desc(), t.articleId.desc()),
  ],
);

/** A merged-away person's ID, still answering for the person it was merged into. */
export const personRedirects = pgTable('person_redirects', {
  oldId: integer('old_id').primaryKey(),
  personId: integer('person_id')
    .notNull()
    .references(() => people.id, { onDelete: 'cascade' }),
});

/**
 * One saying of one person, however many articles report it. `key` is the md5 of its normalised
 * words (src/ingest/quotations.ts), so a report finds its quotation with one index lookup and
 * concurrent reports meet on the unique key. occurrence_count and first_reported_at are kept by a
 * trigger on statements (drizzle/0007), whatever writes them.
 */
export const quotations = pgTable(
  'quotations',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    speakerId: integer('speaker_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    /** The normalised words (src/ingest/quotations.ts): a partial report is found inside them. */
    words: text('words').notNull(),
    text: text('text').notNull(),
    occurrenceCount: integer('occurrence_count').notNull().default(0),
    firstReportedAt: timestamp('first_reported_at', { withTimezone: true, mode: 'date' }).notNull(),
    search: tsvector('search').notNull().generatedAlwaysAs(sql`to_tsvector('english', text)`),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('quotations_speaker_key').on(t.speakerId, t.key),
    // Query.quotations: newest first, overall and per speaker.
    index('quotations_first_reported_idx').on(t.firstReportedAt.desc(), t.id.desc()),
    index('quotations_speaker_first_reported_idx').on(t.speakerId, t.firstReportedAt.desc(), t.id.desc()),
    index('quotations_search_idx').using('gin', t.search),
  ],
);

/** Which articles report which events. */
export const articleEvents = pgTable(
  'article_events',
  {
    articleId: integer('article_id')
      .notNull()
      .references(() => articles.id, { onDelete: 'cascade' }),
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.eventId] }), index('article_events_event_idx').on(t.eventId, t.articleId)],
);

/** Who took part in which event, and as what. */
export const eventParticipants = pgTable(
  'event_participants',
  {
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    /**
     * The event's start date, kept equal to it by triggers (drizzle/0004): a person's events,
     * newest first, are then read off an index in order, however many there are, instead of
     * joined and sorted (a much-quoted person takes part in thousands).
     */
    eventStart: date('event_start', { mode: 'string' }),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.personId] }),
    index('event_participants_person_idx').on(t.personId, t.eventId),
    // Person.events: newest first, undated last, as events_start_idx orders Query.events.
    index('event_participants_person_start_idx').on(t.personId, sql`coalesce(${t.eventStart}, '-infinity'::date) DESC NULLS LAST`, t.eventId.desc()),
  ],
);

/** Which statements mention whom. */
export const statementMentions = pgTable(
  'statement_mentions',
  {
    statementId: integer('statement_id')
      .notNull()
      .references(() => statements.id, { onDelete: 'cascade' }),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    /** When the statement was made, kept equal to it by triggers (drizzle/0004), as event_start. */
    statementSaidAt: timestamp('statement_said_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    primaryKey({ columns: [t.statementId, t.personId] }),
    index('statement_mentions_person_idx').on(t.personId, t.statementId),
    // Person.mentionedIn: newest first, as statements_said_idx orders Query.statements.
    index('statement_mentions_person_said_idx').on(t.personId, t.statementSaidAt.desc(), t.statementId.desc()),
  ],
);

/**
 * A ranked search's upper tiers (drizzle/0005): for each statement, the words whose own rank in it
 * (`ts_rank` for that word alone) is above the lowest a match can have (one plain occurrence).
 * Kept by a trigger on statements. Every other match of a one-word search ranks exactly that
 * lowest value, so the best matches of a word are read off this index instead of by ranking
 * all of its matches.
 */
export const statementSearchTiers = pgTable(
  'statement_search_tiers',
  {
    statementId: integer('statement_id')
      .notNull()
      .references(() => statements.id, { onDelete: 'cascade' }),
    lexeme: text('lexeme').notNull(),
    rank: real('rank').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.statementId, t.lexeme] }),
    index('statement_search_tiers_lexeme_rank_idx').on(t.lexeme, t.rank.desc(), t.statementId.desc()),
  ],
);

/**
 * Editors who may write through the API. Only a SHA-256 of each token is kept; `keyId` is the
 * token's public prefix, so a lookup never compares secrets in the database.
 */
export const editorTokens = pgTable(
  'editor_tokens',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    keyId: text('key_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('editor_tokens_key_id_key').on(t.keyId),
    // A name is reusable once its token is revoked.
    uniqueIndex('editor_tokens_active_name_key').on(t.name).where(sql`${t.revokedAt} IS NULL`),
  ],
);

const xid8 = customType<{ data: string }>({ dataType: () => 'xid8' });

/**
 * One row per stored statement, written by a trigger on `statements` (so plain-SQL inserts count
 * too). `xid` is the writing transaction: readers only pass positions below the oldest in-flight
 * transaction, which makes (xid, position) a gap-free resume cursor although ids are not taken
 * in commit order.
 */
export const statementEvents = pgTable(
  'statement_events',
  {
    position: bigserial('position', { mode: 'number' }).primaryKey(),
    statementId: integer('statement_id').notNull(),
    xid: xid8('xid').notNull().default(sql`pg_current_xact_id()`),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('statement_events_xid_position_idx').on(t.xid, t.position)],
);

/**
 * How far the statement log has been pruned (at most one row): every entry up to (xid, position)
 * is gone, none after it. A resume cursor before it may have lost entries: CURSOR_EXPIRED.
 */
export const statementLogPruned = pgTable(
  'statement_log_pruned',
  {
    id: boolean('id').primaryKey().default(true),
    xid: xid8('xid').notNull(),
    position: bigint('position', { mode: 'number' }).notNull(),
    prunedAt: timestamp('pruned_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [check('statement_log_pruned_one_row', sql`${t.id}`)],
);

/**
 * What each committed write touched, one row per (type, id) per SQL statement, written by
 * triggers on every table a read answer is built from (drizzle/0011), so plain-SQL writes count
 * too. Instances read it to drop the cached answers that hold those entities (src/live/entity-changes.ts);
 * `xid` makes reading it in commit order safe as for `statement_events`.
 */
export const entityChanges = pgTable(
  'entity_changes',
  {
    position: bigserial('position', { mode: 'number' }).primaryKey(),
    typename: text('typename').notNull(),
    entityId: integer('entity_id').notNull(),
    xid: xid8('xid').notNull().default(sql`pg_current_xact_id()`),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('entity_changes_xid_position_idx').on(t.xid, t.position)],
);

/** How far `entity_changes` has been pruned (at most one row): every entry up to (xid, position) is gone. */
export const entityChangesPruned = pgTable(
  'entity_changes_pruned',
  {
    id: boolean('id').primaryKey().default(true),
    xid: xid8('xid').notNull(),
    position: bigint('position', { mode: 'number' }).notNull(),
  },
  (t) => [check('entity_changes_pruned_one_row', sql`${t.id}`)],
);

export type ArticleRow = typeof articles.$inferSelect;
export type PersonRow = typeof people.$inferSelect;
export type EventRow = typeof events.$inferSelect;
export type StatementRow = typeof statements.$inferSelect;
export type QuotationRow = typeof quotations.$inferSelect;
