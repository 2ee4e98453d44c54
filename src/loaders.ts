import DataLoader from 'dataloader';
import { type SQL, and, asc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './db/index.js';
import {
  articlesNewestFirst,
  eventsNewestFirst,
  peopleByName,
  statementsInTextOrder,
  statementsNewestFirst,
} from './db/orderings.js';
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
  statementMentions,
  statements,
} from './db/schema.js';
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
export type StatementNode = Omit<typeof statements.$inferSelect, 'search'>;

/** Pothos tells object types apart by this brand, so rows can flow through `node`/`nodes`. */
export const typeOf = {
  Article: (row: ArticleRow) => row,
  Person: (row: PersonRow) => row,
  Event: (row: EventRow) => row,
  Statement: (row: StatementNode) => row,
};

/** ids as one text parameter: the statement text stays the same whatever the batch size. */
const idList = (ids: readonly number[]) => sql`string_to_array(${ids.join(',')}, ',')::int[]`;

function byIdLoader<T extends { id: number }>(db: Db, table: PgTable, columns: Record<string, PgColumn>) {
  const idColumn = columns.id!;
  return new DataLoader<number, T | null>(async (ids) => {
    const rows = (await db
      .select(columns)
      .from(table)
      .where(sql`${idColumn} = any(${idList(ids)})`)) as unknown as T[];
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/**
 * A relation from one parent row to a page of target rows, optionally through a link table
 * whose extra columns (e.g. a participant's `role`) ride on the edge.
 */
interface RelationSpec {
  target: PgTable;
  columns: Record<string, PgColumn>;
  ordering: Ordering;
  /** Column holding the parent's id: on the target itself, or on the link table. */
  parentColumn: PgColumn;
  link?: { table: PgTable; targetColumn: PgColumn; edgeColumns?: Record<string, PgColumn> };
}

const relations = {
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
    ordering: statementsNewestFirst,
    parentColumn: statementMentions.personId,
    link: { table: statementMentions, targetColumn: statementMentions.statementId },
  },
  personEvents: {
    target: events,
    columns: getTableColumns(events),
    ordering: eventsNewestFirst,
    parentColumn: eventParticipants.personId,
    link: {
      table: eventParticipants,
      targetColumn: eventParticipants.eventId,
      edgeColumns: { role: eventParticipants.role },
    },
  },
  personArticles: {
    target: articles,
    columns: getTableColumns(articles),
    ordering: articlesNewestFirst,
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
    columns: getTableColumns(articles),
    ordering: articlesNewestFirst,
    parentColumn: articleEvents.eventId,
    link: { table: articleEvents, targetColumn: articleEvents.articleId },
  },
} satisfies Record<string, RelationSpec>;

export type RelationName = keyof typeof relations;

/** What each relation's edges hold, for the resolvers' types. */
interface RelationShapes {
  articleStatements: { node: StatementNode };
  articlePeople: { node: PersonRow };
  articleEvents: { node: EventRow };
  personStatements: { node: StatementNode };
  personMentionedIn: { node: StatementNode };
  personEvents: { node: EventRow; role: string };
  personArticles: { node: ArticleRow };
  eventParticipants: { node: PersonRow; role: string };
  eventStatements: { node: StatementNode };
  eventArticles: { node: ArticleRow };
}
type RelationConnection<N extends RelationName> = Connection<RelationShapes[N]['node'], Omit<RelationShapes[N], 'node'>>;

type Edge = { node: Record<string, unknown>; [extra: string]: unknown };

/**
 * One statement for a page of children of every parent in the batch: a LATERAL subquery runs the
 * keyset-paginated child query once per parent id, each served by its index.
 */
async function loadRelationPages(db: Db, spec: RelationSpec, page: Page, parentIds: readonly number[]) {
  const edgeColumns = spec.link?.edgeColumns ?? {};
  const where = and(eq(spec.parentColumn, sql`parent.id`), keysetCondition(spec.ordering, page));
  let inner = db
    .select({ ...spec.columns, ...edgeColumns, sortKeys: sortKeysSelection(spec.ordering).as('sort_keys') })
    .from(spec.link ? spec.link.table : spec.target)
    .$dynamic();
  if (spec.link) inner = inner.innerJoin(spec.target, eq(spec.link.targetColumn, spec.columns.id!));
  const child = inner
    .where(where)
    .orderBy(...orderByClause(spec.ordering, page))
    .limit(page.limit + 1)
    .as('child');

  const childFields = child as unknown as Record<string, unknown>;
  const rows = (await db
    .select({
      parentId: sql<number>`parent.id`.as('parent_id'),
      node: Object.fromEntries(Object.keys(spec.columns).map((key) => [key, childFields[key]])) as Record<string, PgColumn>,
      edge: Object.fromEntries(Object.keys(edgeColumns).map((key) => [key, childFields[key]])) as Record<string, PgColumn>,
      sortKeys: sql<string>`child.sort_keys`,
    })
    .from(sql`unnest(${idList(parentIds)}) as parent(id)`)
    .crossJoinLateral(child)) as { parentId: number; node: Record<string, unknown>; edge: Record<string, unknown>; sortKeys: string }[];

  const byParent = new Map<number, typeof rows>();
  for (const row of rows) {
    const list = byParent.get(row.parentId) ?? [];
    list.push(row);
    byParent.set(row.parentId, list);
  }
  return parentIds.map((id) => byParent.get(id) ?? []);
}

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

/** Everything a request reads goes through these; built fresh for every request and event. */
export function createLoaders(db: Db) {
  const pageLoaders = new Map<string, DataLoader<number, Connection<Record<string, unknown>, Edge>>>();
  const countLoaders = new Map<RelationName, DataLoader<number, number>>();

  function counts(name: RelationName) {
    let loader = countLoaders.get(name);
    if (!loader) countLoaders.set(name, (loader = countLoader(db, relations[name])));
    return loader;
  }

  return {
    article: byIdLoader<ArticleRow>(db, articles, getTableColumns(articles)),
    person: byIdLoader<PersonRow>(db, people, getTableColumns(people)),
    event: byIdLoader<EventRow>(db, events, getTableColumns(events)),
    statement: byIdLoader<StatementNode>(db, statements, statementColumns),

    statementMentions: new DataLoader<number, PersonRow[]>(async (statementIds) => {
      const rows = await db
        .select({ statementId: statementMentions.statementId, person: people })
        .from(statementMentions)
        .innerJoin(people, eq(people.id, statementMentions.personId))
        .where(inArray(statementMentions.statementId, [...statementIds]))
        .orderBy(asc(people.name), asc(people.id));
      const byStatement = new Map<number, PersonRow[]>();
      for (const row of rows) byStatement.set(row.statementId, [...(byStatement.get(row.statementId) ?? []), row.person]);
      return statementIds.map((id) => byStatement.get(id) ?? []);
    }),

    /** The page of a relation for one parent, batched with every other parent asking the same page. */
    relation<N extends RelationName>(name: N, args: PageArgs, parentId: number): Promise<RelationConnection<N>> {
      const page = parsePage(args, relations[name].ordering);
      const cacheKey = `${name}|${page.key}`;
      let loader = pageLoaders.get(cacheKey);
      if (!loader) {
        const spec: RelationSpec = relations[name];
        loader = new DataLoader(async (parentIds) => {
          const pages = await loadRelationPages(db, spec, page, parentIds);
          return pages.map((rows, i) =>
            toConnection(
              rows,
              spec.ordering,
              page,
              (row) => ({ node: row.node, ...row.edge }),
              () => counts(name).load(parentIds[i]!),
            ),
          );
        });
        pageLoaders.set(cacheKey, loader);
      }
      return loader.load(parentId) as unknown as Promise<RelationConnection<N>>;
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** Root lists share the keyset machinery, without a parent. */
export async function loadRootPage<T>(
  db: Db,
  query: { table: PgTable; columns: Record<string, PgColumn>; where: SQL | undefined; ordering: Ordering },
  page: Page,
): Promise<Connection<T>> {
  const rows = await db
    .select({ node: query.columns, sortKeys: sortKeysSelection(query.ordering) })
    .from(query.table)
    .where(and(query.where, keysetCondition(query.ordering, page)))
    .orderBy(...orderByClause(query.ordering, page))
    .limit(page.limit + 1);
  let total: Promise<number> | undefined;
  return toConnection(
    rows as unknown as { node: T; sortKeys: string }[],
    query.ordering,
    page,
    (row) => ({ node: row.node }),
    () =>
      (total ??= db
        .select({ count: sql<number>`count(*)::int` })
        .from(query.table)
        .where(query.where)
        .then((r) => Number(r[0]?.count ?? 0))),
  );
}
