// The root lists' rows for a filter, read by the schema's resolvers and by the compiled reads alike.
import { type SQL, and, eq, getTableColumns, gte, lte, sql } from 'drizzle-orm';
import { articles, events, people, quotations, statementMentions, statements } from '../db/schema.js';
import { badInput } from '../errors.js';
import { normalizeWhitespace } from '../domain/text.js';
import { type RootQuery, articleColumns, quotationColumns, statementColumns } from './loaders.js';
import { articlesNewestFirst, eventsNewestFirst, peopleByName, quotationsNewestFirst, statementsByRank, statementsNewestFirst } from './orderings.js';
import { rankedSearchPage } from './search.js';

export const MAX_SEARCH_LENGTH = 200;

/** `%term%` for ILIKE, with the user's own wildcards taken literally. */
export function likePattern(term: string, field: string): string {
  const trimmed = term.trim();
  if (trimmed.length > MAX_SEARCH_LENGTH) throw badInput(`"${field}" must be at most ${MAX_SEARCH_LENGTH} characters.`, field);
  return `%${trimmed.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Query.articles' rows for a filter (also read by src/read/compiled.ts). */
export function articleList(filter: { source?: string | null; publishedAfter?: Date | null; publishedBefore?: Date | null } | null | undefined): RootQuery {
  return {
    table: articles,
    cacheKey: 'articles',
    columns: articleColumns,
    ordering: articlesNewestFirst,
    where: and(
      filter?.source != null ? eq(articles.source, filter.source) : undefined,
      filter?.publishedAfter ? gte(articles.publishedAt, filter.publishedAfter) : undefined,
      filter?.publishedBefore ? lte(articles.publishedAt, filter.publishedBefore) : undefined,
    ),
  };
}

/** Query.people's rows for a filter (also read by src/read/compiled.ts). */
export function personList(filter: { search?: string | null; wikidataId?: string | null } | null | undefined): RootQuery {
  const pattern = filter?.search ? likePattern(filter.search, 'filter.search') : null;
  return {
    table: people,
    cacheKey: 'people',
    columns: getTableColumns(people),
    ordering: peopleByName,
    where: and(
      pattern ? sql`(${people.name} ilike ${pattern} or person_aliases_text(${people.aliases}) ilike ${pattern})` : undefined,
      filter?.wikidataId != null ? eq(people.wikidataId, filter.wikidataId) : undefined,
    ),
  };
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** Query.events' rows for a filter (also read by src/read/compiled.ts). */
export function eventList(filter: { search?: string | null; from?: Date | null; to?: Date | null } | null | undefined): RootQuery {
  const { search, from, to } = filter ?? {};
  const pattern = search ? likePattern(search, 'filter.search') : null;
  return {
    table: events,
    cacheKey: 'events',
    columns: getTableColumns(events),
    ordering: eventsNewestFirst,
    where: and(
      pattern ? sql`concat_ws(' ', ${events.name}, ${events.kind}, ${events.location}, ${events.description}) ilike ${pattern}` : undefined,
      from ? sql`coalesce(${events.endDate}, ${events.startDate}) >= ${isoDay(from)}::date` : undefined,
      to ? sql`${events.startDate} <= ${isoDay(to)}::date` : undefined,
    ),
  };
}

/** Query.statements' filter, with its IDs decoded. */
export interface StatementListFilter {
  speakerId?: number | undefined;
  articleId?: number | undefined;
  eventId?: number | undefined;
  mentionsPersonId?: number | undefined;
  kind?: (typeof statements.$inferSelect)['kind'] | null | undefined;
  search?: string | null | undefined;
  saidAfter?: Date | null | undefined;
  saidBefore?: Date | null | undefined;
}

/** Query.statements' rows for a filter (also read by src/read/compiled.ts). */
export function statementList(f: StatementListFilter): RootQuery {
  const search = f.search == null ? undefined : normalizeWhitespace(f.search);
  if (search && search.length > MAX_SEARCH_LENGTH) {
    throw badInput(`"filter.search" must be at most ${MAX_SEARCH_LENGTH} characters.`, 'filter.search');
  }
  const query = search ? sql`websearch_to_tsquery('english', ${search})` : null;
  const ordering = query ? statementsByRank(sql`ts_rank(${statements.search}, ${query})`) : statementsNewestFirst;
  const conditions: (SQL | undefined)[] = [
    f.speakerId ? eq(statements.speakerId, f.speakerId) : undefined,
    f.articleId ? eq(statements.articleId, f.articleId) : undefined,
    f.eventId ? eq(statements.eventId, f.eventId) : undefined,
    f.mentionsPersonId
      ? sql`exists (select 1 from ${statementMentions} where ${statementMentions.statementId} = ${statements.id} and ${statementMentions.personId} = ${f.mentionsPersonId})`
      : undefined,
    f.kind ? eq(statements.kind, f.kind) : undefined,
    query ? sql`${statements.search} @@ ${query}` : undefined,
    f.saidAfter ? gte(statements.saidAt, f.saidAfter) : undefined,
    f.saidBefore ? lte(statements.saidAt, f.saidBefore) : undefined,
  ];
  // One word and no other filter: the page is found without ranking every match. (Anything else
  // is ranked in full; so is a "word" the parser splits or drops, which rankedSearchPage checks.)
  const oneWordOnly = query && /^[\p{L}\p{N}]+$/u.test(search!) && conditions.filter(Boolean).length === 1;
  return {
    table: statements,
    columns: statementColumns,
    ordering,
    where: and(...conditions),
    pageCandidates: oneWordOnly ? (page) => rankedSearchPage(query, ordering, page) : undefined,
    // A ranked search's ordering carries the search terms, so it is not prepared.
    cacheKey: query ? undefined : 'statements',
  };
}

export interface QuotationListFilter {
  speakerId?: number | undefined;
  search?: string | null | undefined;
  reportedAfter?: Date | null | undefined;
  minOccurrences?: number | null | undefined;
}

/** Query.quotations' rows for a filter. */
export function quotationList(f: QuotationListFilter): RootQuery {
  const search = f.search == null ? undefined : normalizeWhitespace(f.search);
  if (search && search.length > MAX_SEARCH_LENGTH) throw badInput(`"filter.search" must be at most ${MAX_SEARCH_LENGTH} characters.`, 'filter.search');
  if (f.minOccurrences != null && f.minOccurrences < 1) throw badInput('"filter.minOccurrences" must be at least 1.', 'filter.minOccurrences');
  const conditions: (SQL | undefined)[] = [
    f.speakerId ? eq(quotations.speakerId, f.speakerId) : undefined,
    search ? sql`${quotations.search} @@ websearch_to_tsquery('english', ${search})` : undefined,
    f.reportedAfter ? gte(quotations.firstReportedAt, f.reportedAfter) : undefined,
    f.minOccurrences ? gte(quotations.occurrenceCount, f.minOccurrences) : undefined,
  ];
  return { table: quotations, columns: quotationColumns, ordering: quotationsNewestFirst, where: and(...conditions), cacheKey: 'quotations' };
}
