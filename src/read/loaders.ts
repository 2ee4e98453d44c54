import DataLoader from 'dataloader';
import { type InferModelFromColumns, type SQL, and, asc, eq, getTableColumns, getTableName, inArray, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../db/index.js';
import type { RowTable } from './fields.js';
import {
  articlesNewestFirst,
  eventsNewestFirst,
  personArticlesNewestFirst,
  personEventsNewestFirst,
  personMentionsNewestFirst,
  peopleByName,
  statementsInTextOrder,
  statementsNewestFirst,
} from './orderings.js';
import {
  type ArticleRow,
  type EventRow,
  type PersonRow,
  articleEvents,
  articlePeople,
  articles,
  eventParticipants,
  events,
  people,
  personRedirects,
  quotations,
  statementMentions,
  statements,
  type QuotationRow,
} from '../db/schema.js';
import {
  type Connection,
  type Ordering,
  type Page,
  type PageArgs,
  keysetCondition,
  orderByClause,
  parsePage,
  sortKeysSelection,
  toConnection,
} from './pagination.js';

/** Statement columns without the stored tsvector, which no resolver reads. */
export const { search: _search, ...statementColumns } = getTableColumns(statements);

/**
 * Article columns without the body: lists and joins never ship whole articles; `Article.body`
 * loads it on its own when a query asks for it.
 */
export const { body: _body, ...articleColumns } = getTableColumns(articles);
/** Quotation columns without the stored tsvector. */
export const { search: _quotationSearch, ...quotationColumns } = getTableColumns(quotations);
export type QuotationNode = Omit<QuotationRow, 'search'>;
/** What ingest knows of a person across articles (summed from article_people). */
export interface PersonStats {
  mentionCount: number;
  firstSeenAt: Date | null;
}
export type ArticleNode = Omit<ArticleRow, 'body'> & { body?: string };
export type StatementNode = Omit<typeof statements.$inferSelect, 'search'>;

/** ids as one text parameter: the statement text stays the same whatever the batch size. */
const idList = (ids: readonly number[]) => sql`string_to_array(${ids.join(',')}, ',')::int[]`;

type PreparedStatement = { execute(values: Record<string, unknown>): Promise<unknown> };

function byIdLoader<T extends { id: number }>(db: Db, table: PgTable, columns: Record<string, PgColumn>, cache: Map<string, PreparedStatement>) {
  const key = `byId|${getTableName(table)}`;
  const prepared =
    cache.get(key) ??
    db
      .select(columns)
      .from(table)
      .where(sql`${columns.id!} = any(string_to_array(${sql.placeholder('ids')}, ',')::int[])`)
      .prepare(`by_id_${getTableName(table)}`);
  cache.set(key, prepared);
  return new DataLoader<number, T | null>(async (ids) => {
    const rows = (await prepared.execute({ ids: ids.join(',') })) as T[];
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/**
 * A relation from one parent row to a page of target rows, optionally through a link table
 * whose extra columns (e.g. a participant's `role`) ride on the edge.
 */
export interface RelationSpec {
  target: PgTable;
  columns: Record<string, PgColumn>;
  ordering: Ordering;
  /** Column holding the parent's id: on the target itself, or on the link table. */
  parentColumn: PgColumn;
  link?: { table: PgTable; targetColumn: PgColumn; edgeColumns?: Record<string, PgColumn> };
}

export const relations = {
  articleStatements: {
    target: statements,
    columns: statementColumns,
    ordering: statementsInTextOrder,
    parentColumn: statements.articleId,
  },
  articlePeople: {
    target: people,
    columns: getTableColumns(people),
    ordering: peopleByName,
    parentColumn: articlePeople.articleId,
    link: { table: articlePeople, targetColumn: articlePeople.personId },
  },
  articleEvents: {
    target: events,
    columns: getTableColumns(events),
    ordering: eventsNewestFirst,
    parentColumn: articleEvents.articleId,
    link: { table: articleEvents, targetColumn: articleEvents.eventId },
  },
  personStatements: {
    target: statements,
    columns: statementColumns,
    ordering: statementsNewestFirst,
    parentColumn: statements.speakerId,
  },
  personMentionedIn: {
    target: statements,
    columns: statementColumns,
    ordering: personMentionsNewestFirst,
    parentColumn: statementMentions.personId,
    link: { table: statementMentions, targetColumn: statementMentions.statementId },
  },
  personEvents: {
    target: events,
    columns: getTableColumns(events),
    ordering: personEventsNewestFirst,
    parentColumn: eventParticipants.personId,
    link: {
      table: eventParticipants,
      targetColumn: eventParticipants.eventId,
      edgeColumns: { role: eventParticipants.role },
    },
  },
  personArticles: {
    target: articles,
    columns: articleColumns,
    ordering: personArticlesNewestFirst,
    parentColumn: articlePeople.personId,
    link: { table: articlePeople, targetColumn: articlePeople.articleId },
  },
  eventParticipants: {
    target: people,
    columns: getTableColumns(people),
    ordering: peopleByName,
    parentColumn: eventParticipants.eventId,
    link: {
      table: eventParticipants,
      targetColumn: eventParticipants.personId,
      edgeColumns: { role: eventParticipants.role },
    },
  },
  eventStatements: {
    target: statements,
    columns: statementColumns,
    ordering: statementsNewestFirst,
    parentColumn: statements.eventId,
  },
  eventArticles: {
    target: articles,
    columns: articleColumns,
    ordering: articlesNewestFirst,
    parentColumn: articleEvents.eventId,
    link: { table: articleEvents, targetColumn: articleEvents.articleId },
  },
  quotationOccurrences: {
    target: statements,
    columns: statementColumns,
    ordering: statementsNewestFirst,
    parentColumn: statements.quotationId,
  },
} satisfies Record<string, RelationSpec>;

export type RelationName = keyof typeof relations;

export const relationOrdering = (name: RelationName): Ordering => relations[name].ordering;

/** The type a node of each table is read as, for the resolvers' types. */
interface NodeRows {
  articles: ArticleNode;
  people: PersonRow;
  events: EventRow;
  statements: StatementNode;
  quotations: QuotationNode;
}
type Relation<N extends RelationName> = (typeof relations)[N];
/** What a relation's edges hold: its target's node, and its link's edge columns (a participant's `role`). */
type EdgeColumnsOf<S> = S extends { link: { edgeColumns: infer E extends Record<string, PgColumn> } } ? InferModelFromColumns<E> : object;
type RelationConnection<N extends RelationName> = Connection<NodeRows[Relation<N>['target']['_']['name']], EdgeColumnsOf<Relation<N>>>;

/**
 * A to-one row a page query can carry along with each node (priming the by-id loader), so a
 * statement's speaker or article costs no statement of its own.
 */
export const toOneRelations = {
  statementSpeaker: { foreignKey: statements.speakerId, key: 'speakerId', target: people, loader: 'person' },
  statementArticle: { foreignKey: statements.articleId, key: 'articleId', target: articles, loader: 'article' },
  statementEvent: { foreignKey: statements.eventId, key: 'eventId', target: events, loader: 'event' },
  statementQuotation: { foreignKey: statements.quotationId, key: 'quotationId', target: quotations, loader: 'quotation' },
  quotationSpeaker: { foreignKey: quotations.speakerId, key: 'speakerId', target: people, loader: 'person' },
} as const;
export type ToOneName = keyof typeof toOneRelations;

/**
 * Every row related to a parent through a link table, in one order (no pages): what the loader
 * batches and the SQL compiler aggregates alike.
 */
export interface ListSpec {
  target: RowTable;
  link: PgTable;
  /** The link's column holding the parent's id, and the one holding the target's. */
  parentColumn: PgColumn;
  targetColumn: PgColumn;
  orderBy: PgColumn[];
}

export const lists = {
  /** The people a statement mentions, by name. */
  statementMentions: {
    target: people,
    link: statementMentions,
    parentColumn: statementMentions.statementId,
    targetColumn: statementMentions.personId,
    orderBy: [people.name, people.id],
  },
} satisfies Record<string, ListSpec>;
export type ListName = keyof typeof lists;

/** What each list's rows are, for the resolvers' types. */
interface ListRows {
  statementMentions: PersonRow;
}

function listLoader<N extends ListName>(db: Db, name: N) {
  const spec: ListSpec = lists[name];
  return new DataLoader<number, ListRows[N][]>(async (parentIds) => {
    const rows = (await db
      .select({ parentId: spec.parentColumn, row: spec.target })
      .from(spec.link)
      .innerJoin(spec.target, eq(spec.target.id, spec.targetColumn))
      .where(inArray(spec.parentColumn, [...parentIds]))
      .orderBy(...spec.orderBy.map((column) => asc(column)))) as { parentId: number; row: ListRows[N] }[];
    const byParent = new Map<number, ListRows[N][]>();
    for (const { parentId, row } of rows) byParent.set(parentId, [...(byParent.get(parentId) ?? []), row]);
    return parentIds.map((id) => byParent.get(id) ?? []);
  });
}

/**
 * The tables whose rows are nodes, by the loader that hands them out by id: the columns a node
 * carries (no article body, no tsvector). Which GraphQL type reads which table is declared at the
 * type (`readsTable`, src/read/fields.ts).
 */
/** Old ids that answer with the row they became (a person merged into another keeps its ID). */
export interface Redirects {
  table: PgTable;
  oldId: PgColumn;
  newId: PgColumn;
}

export interface NodeTable {
  table: RowTable;
  columns: Record<string, PgColumn>;
  redirects?: Redirects;
}

export const nodeTables = {
  article: { table: articles, columns: articleColumns },
  person: {
    table: people,
    columns: getTableColumns(people),
    redirects: { table: personRedirects, oldId: personRedirects.oldId, newId: personRedirects.personId },
  },
  event: { table: events, columns: getTableColumns(events) },
  statement: { table: statements, columns: statementColumns },
  quotation: { table: quotations, columns: quotationColumns },
} satisfies Record<string, NodeTable>;
type NodeLoaderName = keyof typeof nodeTables;
const nodeLoaderByTable = new Map<PgTable, NodeLoaderName>(Object.entries(nodeTables).map(([name, { table }]) => [table, name as NodeLoaderName]));
const nodeLoaderOf = (table: PgTable): NodeLoaderName | undefined => nodeLoaderByTable.get(table);
/** The redirects a node table declares, if any: the by-id loader and the compiled `node` both follow them. */
export const redirectsOf = (table: PgTable): Redirects | undefined => {
  const name = nodeLoaderOf(table);
  return name === undefined ? undefined : (nodeTables[name] as NodeTable).redirects;
};

/**
 * What to fetch along with a page, decided by looking ahead at the GraphQL selection: to-one rows
 * and nested connections ride in the same SQL statement (as JSON) and prime the loaders that
 * their resolvers will ask.
 */
export interface FetchPlan {
  with: ToOneName[];
  nested: { relation: RelationName; args: PageArgs; plan: FetchPlan }[];
}
export const EMPTY_PLAN: FetchPlan = { with: [], nested: [] };

/** A page source: a relation (child rows of a parent) or a root list. */
export interface PageSource {
  from: PgTable;
  columns: Record<string, PgColumn>;
  ordering: Ordering;
  join?: { table: PgTable; on: SQL };
  edgeColumns?: Record<string, PgColumn>;
}

export const relationSource = (spec: RelationSpec): PageSource => ({
  from: spec.link ? spec.link.table : spec.target,
  columns: spec.columns,
  ordering: spec.ordering,
  join: spec.link ? { table: spec.target, on: eq(spec.link.targetColumn, spec.columns.id!) } : undefined,
  edgeColumns: spec.link?.edgeColumns,
});

/** "table"."column", always: inside nested subqueries drizzle would leave some names bare. */
export const qualified = (column: PgColumn) => sql`${sql.identifier(getTableName(column.table))}.${sql.identifier(column.name)}`;
const columnList = (columns: Record<string, PgColumn>) => sql.join(Object.values(columns).map(qualified), sql`, `);

/**
 * The keyset page as a subquery whose rows carry, besides the node's columns, the edge columns,
 * the sort keys (for cursors), each planned to-one row and each planned nested page (as JSON).
 */
/**
 * Values go into the SQL through `bind`, under names derived from where they stand in the page
 * tree, so the text can be built once per shape and prepared (see `preparedPage`).
 */
type Bind = (name: string, value: unknown) => SQL | unknown;
const literal: Bind = (_name, value) => value;
const placeholder: Bind = (name) => sql.placeholder(name);

function pageSelect(db: Db, source: PageSource, page: Page, where: SQL | undefined, plan: FetchPlan, bind: Bind = literal, path = 'p') {
  const extras: Record<string, SQL.Aliased> = {};
  for (const name of plan.with) {
    const { target, foreignKey } = toOneRelations[name];
    extras[`with_${name}`] =
      sql`(select to_json(j) from (select ${columnList(nodeColumns(target))} from ${target} where ${qualified(target.id)} = ${qualified(foreignKey)}) j)`.as(
        `with_${name}`,
      );
  }
  plan.nested.forEach((nested, i) => {
    const spec: RelationSpec = relations[nested.relation];
    const nestedPage = parsePage(nested.args, spec.ordering);
    const nestedWhere = sql`${qualified(spec.parentColumn)} = ${qualified(source.columns.id!)}`;
    const inner = pageSelect(db, relationSource(spec), nestedPage, nestedWhere, nested.plan, bind, `${path}n${i}`);
    const alias = `${path}n${i}`;
    extras[`nested_${i}`] = sql`(select coalesce(json_agg(${sql.identifier(alias)}), '[]'::json) from ${inner.as(alias)})`.as(`nested_${i}`);
  });
  let query = db
    .select({ ...source.columns, ...(source.edgeColumns ?? {}), sort_keys: sortKeysSelection(source.ordering).as('sort_keys'), ...extras })
    .from(source.from)
    .$dynamic();
  if (source.join) query = query.innerJoin(source.join.table, source.join.on);
  return query
    .where(
      and(
        where,
        keysetCondition(source.ordering, page, (i) => bind(`${path}c${i}`, page.cursor![i])),
      ),
    )
    .orderBy(...orderByClause(source.ordering, page))
    .limit(bind(`${path}l`, page.limit + 1) as number);
}

/** The values `pageSelect` binds, by name, for a page tree of a given shape. */
function pageValues(page: Page, plan: FetchPlan, path = 'p', values: Record<string, unknown> = {}): Record<string, unknown> {
  plan.nested.forEach((nested, i) => pageValues(parsePage(nested.args, relations[nested.relation].ordering), nested.plan, `${path}n${i}`, values));
  page.cursor?.forEach((value, i) => (values[`${path}c${i}`] = value));
  values[`${path}l`] = page.limit + 1;
  return values;
}

/** What a plan's SQL depends on: its structure and page shapes, not its cursor values. */
function planShape(plan: FetchPlan): string {
  if (plan.with.length === 0 && plan.nested.length === 0) return '';
  const nested = plan.nested.map((n) => `${n.relation}:${parsePage(n.args, relations[n.relation].ordering).shape}{${planShape(n.plan)}}`);
  return `${plan.with.join(',')}[${nested.join(';')}]`;
}

type JsonRow = Record<string, unknown>;

/** The columns a node of this table carries when it rides along with another page. */
const nodeColumns = (table: PgTable): Record<string, PgColumn> => {
  const name = nodeLoaderOf(table);
  return name === undefined ? getTableColumns(table) : nodeTables[name].columns;
};

/** A by-id loader that answers an id missing from the table with the row its redirect names. */
function redirectingLoader<T extends { id: number }>(db: Db, node: NodeTable & { redirects: Redirects }, cache: Map<string, PreparedStatement>) {
  const direct = byIdLoader<T>(db, node.table, node.columns, cache);
  const { table, oldId, newId } = node.redirects;
  return new DataLoader<number, T | null>(async (ids) => {
    const found = await direct.loadMany(ids);
    const missing = ids.filter((_, i) => found[i] == null);
    if (missing.length === 0) return found as (T | null)[];
    const redirected = await db
      .select({ oldId: sql<number>`${oldId}`, row: node.columns })
      .from(table)
      .innerJoin(node.table, eq(node.table.id, newId))
      .where(inArray(oldId, missing));
    const byOld = new Map(redirected.map((r) => [Number(r.oldId), r.row as unknown as T]));
    return ids.map((id, i) => (found[i] as T | null) ?? byOld.get(id) ?? null);
  });
}

/** Turns a row that came back as JSON into the shape drizzle would have given it. */
function decode<T>(columns: Record<string, PgColumn>, json: JsonRow): T {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(columns)) {
    const value = json[column.name];
    row[key] = value == null ? null : column.mapFromDriverValue(value);
  }
  return row as T;
}

const parseJson = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

function countLoader(db: Db, spec: RelationSpec) {
  return new DataLoader<number, number>(async (parentIds) => {
    const rows = await db
      .select({ parentId: sql<number>`${spec.parentColumn}`, count: sql<number>`count(*)::int` })
      .from(spec.link ? spec.link.table : spec.target)
      .where(sql`${spec.parentColumn} = any(${idList(parentIds)})`)
      .groupBy(spec.parentColumn);
    const counts = new Map(rows.map((r) => [Number(r.parentId), Number(r.count)]));
    return parentIds.map((id) => counts.get(id) ?? 0);
  });
}

export interface RootQuery {
  table: PgTable;
  columns: Record<string, PgColumn>;
  where: SQL | undefined;
  ordering: Ordering;
  /**
   * A condition that holds for every row of the requested page (and may hold for others), which
   * lets the database find the page without reading every row `where` selects. totalCount
   * ignores it.
   */
  pageCandidates?: ((page: Page) => SQL) | undefined;
  /**
   * Names the list for the prepared-statement cache. Leave it out when the ordering itself
   * carries request values (full-text ranking), which a prepared statement would freeze.
   */
  cacheKey?: string;
}

/** Renders a filter once and swaps its parameters for placeholders: its text keys the cache. */
function parameterize(db: Db, where: SQL | undefined): { text: string; sql: SQL | undefined; values: Record<string, unknown> } {
  if (!where) return { text: '', sql: undefined, values: {} };
  const dialect = (db as unknown as { dialect: { sqlToQuery(sql: SQL): { sql: string; params: unknown[] } } }).dialect;
  const rendered = dialect.sqlToQuery(where);
  const values: Record<string, unknown> = {};
  const parts = rendered.sql.split(/\$(\d+)/);
  const chunks = parts.map((part, i) => {
    if (i % 2 === 0) return sql.raw(part);
    values[`w${part}`] = rendered.params[Number(part) - 1];
    return sql.placeholder(`w${part}`);
  });
  return { text: rendered.sql, sql: sql.join(chunks), values };
}

const lazy = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};

/** Everything a request reads goes through these; built fresh for every request and event. */
/** Prepared page statements, per database and shape; they outlive requests, the loaders do not. */
const preparedByDb = new WeakMap<Db, Map<string, PreparedStatement>>();

export function createLoaders(db: Db) {
  const statementCache = preparedByDb.get(db) ?? new Map();
  preparedByDb.set(db, statementCache);
  const pageLoaders = new Map<string, DataLoader<number, Connection<unknown, object>>>();
  const countLoaders = new Map<RelationName, DataLoader<number, number>>();
  // Each loader is built when first asked for: a request answered by compiled SQL asks none.
  const byId = {
    article: lazy(() => byIdLoader<ArticleNode>(db, nodeTables.article.table, nodeTables.article.columns, statementCache)),
    articleBody: lazy(
      () =>
        new DataLoader<number, string | null>(async (ids) => {
          const rows = await db
            .select({ id: articles.id, body: articles.body })
            .from(articles)
            .where(inArray(articles.id, [...ids]));
          const bodies = new Map(rows.map((r) => [r.id, r.body]));
          return ids.map((id) => bodies.get(id) ?? null);
        }),
    ),
    person: lazy(() => redirectingLoader<PersonRow>(db, nodeTables.person, statementCache)),
    quotation: lazy(() => byIdLoader<QuotationNode>(db, nodeTables.quotation.table, nodeTables.quotation.columns, statementCache)),
    event: lazy(() => byIdLoader<EventRow>(db, nodeTables.event.table, nodeTables.event.columns, statementCache)),
    statement: lazy(() => byIdLoader<StatementNode>(db, nodeTables.statement.table, nodeTables.statement.columns, statementCache)),
  };
  const personStats = lazy(
    () =>
      new DataLoader<number, PersonStats>(async (personIds) => {
        const rows = await db
          .select({
            personId: articlePeople.personId,
            mentionCount: sql<number>`coalesce(sum(${articlePeople.mentionCount}), 0)::int`,
            firstSeenAt: sql<string | null>`min(${articlePeople.articlePublishedAt})`,
          })
          .from(articlePeople)
          .where(inArray(articlePeople.personId, [...personIds]))
          .groupBy(articlePeople.personId);
        const byPerson = new Map(rows.map((r) => [r.personId, r]));
        return personIds.map((id) => {
          const row = byPerson.get(id);
          return { mentionCount: Number(row?.mentionCount ?? 0), firstSeenAt: row?.firstSeenAt ? new Date(row.firstSeenAt) : null };
        });
      }),
  );
  const listLoaders = new Map<ListName, DataLoader<number, unknown[]>>();

  function counts(name: RelationName) {
    let loader = countLoaders.get(name);
    if (!loader) countLoaders.set(name, (loader = countLoader(db, relations[name])));
    return loader;
  }

  /** Shapes JSON rows of one page into a connection, priming the loaders with what rode along. */
  function connectionOf(source: PageSource, page: Page, plan: FetchPlan, rows: JsonRow[], total: () => Promise<number>) {
    const edgeColumns = source.edgeColumns ?? {};
    // Each nested page is parsed once per page, not once per row.
    const nestedPages = plan.nested.map((nested) => {
      const spec: RelationSpec = relations[nested.relation];
      const nestedPage = parsePage(nested.args, spec.ordering);
      return { spec, page: nestedPage, loader: pageLoader(nested.relation, nestedPage, nested.plan) };
    });
    return toConnection(
      rows,
      source.ordering,
      page,
      (row) => {
        const node = decode<{ id: number }>(source.columns, row);
        for (const name of plan.with) {
          const joined = parseJson(row[`with_${name}`]) as JsonRow | null;
          const { target, loader } = toOneRelations[name];
          if (joined) byId[loader]().prime(Number(joined.id), decode(nodeColumns(target), joined) as never);
        }
        plan.nested.forEach((nested, i) => {
          const { spec, page: nestedPage, loader } = nestedPages[i]!;
          const nestedRows = (parseJson(row[`nested_${i}`]) as JsonRow[] | null) ?? [];
          const connection = connectionOf(relationSource(spec), nestedPage, nested.plan, nestedRows, () => counts(nested.relation).load(node.id));
          loader.prime(node.id, connection);
        });
        return { node, ...decode<object>(edgeColumns, row) };
      },
      total,
    );
  }

  function pageLoader(name: RelationName, page: Page, plan: FetchPlan) {
    const cacheKey = `${name}|${page.key}|${JSON.stringify(plan)}`;
    let loader = pageLoaders.get(cacheKey);
    if (!loader) {
      const spec: RelationSpec = relations[name];
      const source = relationSource(spec);
      loader = new DataLoader(async (parentIds) => {
        // One statement for the page of every parent in the batch: a LATERAL subquery runs the
        // keyset-paginated child query once per parent id, each served by its index. Its text is
        // built once per shape and prepared; later requests only bind values.
        const shapeKey = `${name}|${page.shape}|${planShape(plan)}`;
        let prepared = statementCache.get(shapeKey);
        if (!prepared) {
          const child = pageSelect(db, source, page, eq(spec.parentColumn, sql`parent.id`), plan, placeholder).as('child');
          prepared = db
            .select({ parentId: sql<number>`parent.id`.as('parent_id'), row: sql<JsonRow>`to_json(child)`.as('row') })
            .from(sql`unnest(string_to_array(${sql.placeholder('ids')}, ',')::int[]) as parent(id)`)
            .crossJoinLateral(child)
            .prepare(`page_${statementCache.size}`);
          statementCache.set(shapeKey, prepared);
        }
        const rows = (await prepared.execute({ ...pageValues(page, plan), ids: parentIds.join(',') })) as { parentId: number; row: unknown }[];
        const byParent = new Map<number, JsonRow[]>();
        for (const { parentId, row } of rows) {
          const list = byParent.get(Number(parentId)) ?? [];
          list.push(parseJson(row) as JsonRow);
          byParent.set(Number(parentId), list);
        }
        return parentIds.map((id) => connectionOf(source, page, plan, byParent.get(id) ?? [], () => counts(name).load(id)));
      });
      pageLoaders.set(cacheKey, loader);
    }
    return loader;
  }

  return {
    get article() {
      return byId.article();
    },
    get articleBody() {
      return byId.articleBody();
    },
    get person() {
      return byId.person();
    },
    get event() {
      return byId.event();
    },
    get statement() {
      return byId.statement();
    },
    get quotation() {
      return byId.quotation();
    },
    get personStats() {
      return personStats();
    },

    /** Look-ahead plans, per field of this request's operation (see src/read/plan.ts). */
    plans: new WeakMap<readonly object[], FetchPlan>(),

    /** Every row of a list for one parent, batched with every other parent asking it. */
    list<N extends ListName>(name: N): DataLoader<number, ListRows[N][]> {
      let loader = listLoaders.get(name);
      if (!loader) listLoaders.set(name, (loader = listLoader(db, name)));
      return loader as DataLoader<number, ListRows[N][]>;
    },

    /** The page of a relation for one parent, batched with every other parent asking the same page. */
    relation<N extends RelationName>(name: N, args: PageArgs, parentId: number, plan: FetchPlan = EMPTY_PLAN): Promise<RelationConnection<N>> {
      const page = parsePage(args, relations[name].ordering);
      return pageLoader(name, page, plan).load(parentId) as Promise<RelationConnection<N>>;
    },

    /** A root list's page; its total is counted only when asked for. */
    async rootPage<T>(query: RootQuery, args: PageArgs, plan: FetchPlan = EMPTY_PLAN): Promise<Connection<T>> {
      const page = parsePage(args, query.ordering);
      const where = and(query.where, query.pageCandidates?.(page));
      const source: PageSource = { from: query.table, columns: query.columns, ordering: query.ordering };
      const build = (where: SQL | undefined, bind: Bind) =>
        db.select({ row: sql<JsonRow>`to_json(page)`.as('row') }).from(pageSelect(db, source, page, where, plan, bind).as('page'));
      let rows: { row: unknown }[];
      if (query.cacheKey === undefined) {
        rows = await build(where, literal);
      } else {
        // The filter's own values become placeholders too, so one prepared statement serves every
        // request with the same filters, page shape and plan.
        const filter = parameterize(db, where);
        const shapeKey = `root|${query.cacheKey}|${filter.text}|${page.shape}|${planShape(plan)}`;
        let prepared = statementCache.get(shapeKey);
        if (!prepared) {
          prepared = build(filter.sql, placeholder).prepare(`root_${statementCache.size}`);
          statementCache.set(shapeKey, prepared);
        }
        rows = (await prepared.execute({ ...filter.values, ...pageValues(page, plan) })) as { row: unknown }[];
      }
      let total: Promise<number> | undefined;
      const count = () =>
        (total ??= db
          .select({ count: sql<number>`count(*)::int` })
          .from(query.table)
          .where(query.where)
          .then((r) => Number(r[0]?.count ?? 0)));
      return connectionOf(
        source,
        page,
        plan,
        rows.map((r) => parseJson(r.row) as JsonRow),
        count,
      ) as Connection<T>;
    },

    /** One node of a table with the pages its selection asks for, in one statement; primes the loaders. */
    async prefetchNode(table: PgTable, id: number, plan: FetchPlan): Promise<void> {
      const loader = nodeLoaderOf(table);
      if (loader === undefined) return;
      const { columns } = nodeTables[loader];
      const byIdOrder: Ordering = { tag: 'i', direction: 'asc', keys: [{ sql: sql`${columns.id}`, type: 'int' }] };
      const page = await this.rootPage<{ id: number }>(
        { table, columns, ordering: byIdOrder, where: eq(columns.id, id), cacheKey: `node:${loader}` },
        { first: 1 },
        plan,
      );
      const node = page.edges[0]?.node;
      if (node) byId[loader]().prime(node.id, node as never);
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
