// Read queries compiled into one SQL statement that builds the response JSON itself (the approach
// of PostGraphile v4 and Hasura): Node only forwards the text, with no resolvers, loaders or JSON
// round trip in between. Only the shapes below compile; anything else (directives, `nodes`,
// merged selections, the extractor) runs through the ordinary executor, which
// stays the reference: tests/compiled-reads.test.ts compares both on every shape that compiles.
import { type SQL, sql } from 'drizzle-orm';
import { type PgColumn, PgDialect } from 'drizzle-orm/pg-core';
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  Kind,
  getArgumentValues,
  getNamedType,
  isEnumType,
  isObjectType,
} from 'graphql';
import { decodeGlobalID } from '../domain/global-id.js';
import type { Db } from '../db/index.js';
import {
  type ListSpec,
  type PageSource,
  type RelationName,
  type RootQuery,
  lists,
  qualified,
  redirectsOf,
  relationSource,
  relations,
  toOneRelations,
} from './loaders.js';
import { type RowTable, fieldRead, tableOf } from './fields.js';
import { type Ordering, type Page, keysetCondition, orderByClause, parsePage } from './pagination.js';

/** Thrown while compiling (or binding arguments) for anything the ordinary executor must answer. */
class Unsupported extends Error {}
function unsupported(): never {
  throw new Unsupported();
}

type Variables = Record<string, unknown>;

/** A request's parameter values; `add` returns the placeholder that stands for one. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * A compiled piece of the response: its SQL text for one request's variables. Text, not drizzle
 * SQL objects: rendering a whole query tree through drizzle on every request cost more CPU than
 * everything else the request does.
 */
type Piece = (variables: Variables, params: Params) => string;
type Entry = { key: string; value: Piece };

const dialect = new PgDialect();
/** Rendered text whose $1..$n stand for `values`, renumbered into the request's parameters. */
const renumber = (text: string, values: unknown[], params: Params) => text.replace(/\$(\d+)/g, (_, n: string) => params.add(values[Number(n) - 1]));

/** A drizzle fragment as text, its values added to the request's parameters. */
function bind(fragment: SQL, params: Params): string {
  const { sql: text, params: values } = dialect.sqlToQuery(fragment);
  return renumber(text, values, params);
}
/** A drizzle fragment without values, as text (once, at compile time). */
const render = (fragment: SQL): string => bind(fragment, new Params());

/**
 * `bind`, remembered by `key` when the fragment holds no values (a relation's join condition, a
 * list's ordering), so the usual request renders nothing through drizzle.
 */
const constantTexts = new WeakMap<object, string>();
function bindOnce(key: object, fragment: () => SQL, params: Params): string {
  const known = constantTexts.get(key);
  if (known !== undefined) return known;
  const { sql: text, params: values } = dialect.sqlToQuery(fragment());
  if (values.length === 0) {
    constantTexts.set(key, text);
    return text;
  }
  return renumber(text, values, params);
}

interface Compiler {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
}

/** The fields a selection set asks of an object type, by response key, in response order. */
function collectFields(type: GraphQLObjectType, selectionSet: SelectionSetNode | undefined, c: Compiler, out = new Map<string, FieldNode>()) {
  for (const selection of selectionSet?.selections ?? unsupported()) {
    if (selection.directives?.length) unsupported();
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      const seen = out.get(key);
      if (seen) {
        // The same leaf twice (e.g. \`id\` and \`... on Node { id }\`) is one field; merging
        // anything else is left to the executor, which knows its rules.
        const leaf = (f: FieldNode) => !f.selectionSet && !f.arguments?.length;
        if (seen.name.value !== selection.name.value || !leaf(seen) || !leaf(selection)) unsupported();
        continue;
      }
      out.set(key, selection);
      continue;
    }
    const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : (c.fragments[selection.name.value] ?? unsupported());
    if (fragment.directives?.length) unsupported();
    const condition = fragment.typeCondition?.name.value;
    if (condition && condition !== type.name && !type.getInterfaces().some((i) => i.name === condition)) continue;
    collectFields(type, fragment.selectionSet, c, out);
  }
  return out;
}

const constant =
  (text: string): Piece =>
  () =>
    text;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

function jsonObject(entries: Entry[]): Piece {
  // json_build_object takes at most 100 arguments.
  if (entries.length > 50) unsupported();
  const keys = entries.map((e) => literal(e.key));
  return (variables, params) => `json_build_object(${entries.map((e, i) => `${keys[i]}, ${e.value(variables, params)}`).join(', ')})`;
}

/** Compiles each selected field with `compileField`; `__typename` is the type's name. */
function compileSelection(
  type: GraphQLObjectType,
  selectionSet: SelectionSetNode | undefined,
  c: Compiler,
  compileField: (name: string, field: FieldNode, definition: GraphQLField<unknown, unknown>) => Piece,
): Piece {
  const entries = [...collectFields(type, selectionSet, c)].map(([key, field]): Entry => {
    const name = field.name.value;
    if (name === '__typename') return { key, value: constant(literal(type.name)) };
    const definition = type.getFields()[name] ?? unsupported();
    return { key, value: compileField(name, field, definition) };
  });
  return jsonObject(entries);
}

const objectType = (definition: GraphQLField<unknown, unknown>) => {
  const named = getNamedType(definition.type);
  return isObjectType(named) ? named : unsupported();
};

// --- Values as the executor serializes them ---------------------------------------------------

const columnName = (c: PgColumn) => render(qualified(c));
const column = (c: PgColumn) => constant(columnName(c));
/** DateTime: ISO 8601 in UTC with milliseconds, as `Date.prototype.toISOString`. */
const timestamp = (c: PgColumn) => constant(`to_char(${columnName(c)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
const day = (c: PgColumn) => constant(`to_char(${columnName(c)}, 'YYYY-MM-DD')`);
/**
 * The Relay global ID: base64url of "Type:id", unpadded, for which base64 with its padding trimmed
 * is enough: "Type:id" is letters, a colon and digits, and base64 writes '+' or '/' only for a
 * byte whose low six bits are 62 or 63 ('>', '?', '~', DEL), which none of those is; and an id is
 * short enough that base64 never wraps a line. (Per ID, three replace() calls cost ~0.1 ms of a
 * 1.2 ms W1 query.)
 */
const globalId = (type: string, id: PgColumn) => {
  if (!/^[A-Za-z]+$/.test(type)) throw new Error(`A Relay type name must be letters only: ${type}`);
  return constant(`rtrim(encode((${literal(`${type}:`)} || ${columnName(id)})::bytea, 'base64'), '=')`);
};

// --- Objects -----------------------------------------------------------------------------------

/** A selected field, compiled from its declaration (src/read/fields.ts); no declaration, no compiling. */
function compileField(type: GraphQLObjectType, table: RowTable, field: FieldNode, definition: GraphQLField<unknown, unknown>, c: Compiler): Piece {
  const read = fieldRead(type, definition) ?? unsupported();
  if ('column' in read) return scalar(type, read.column, definition);
  if ('relation' in read) return compileRelation(read.relation, table, field, definition, c);
  if ('toOne' in read) {
    const { target, foreignKey } = toOneRelations[read.toOne];
    const object = compileObject(objectType(definition), field.selectionSet, c);
    const from = ` from ${render(sql`${target}`)} where ${columnName(target.id)} = ${columnName(foreignKey)})`;
    return (variables, params) => `(select ${object(variables, params)}${from}`;
  }
  if ('list' in read) {
    // Every row, as the list's loader returns them.
    const spec: ListSpec = lists[read.list];
    const object = compileObject(objectType(definition), field.selectionSet, c);
    const from =
      ` from ${render(sql`${spec.link}`)} inner join ${render(sql`${spec.target}`)} on ${columnName(spec.target.id)} = ${columnName(spec.targetColumn)}` +
      ` where ${columnName(spec.parentColumn)} = ${columnName(table.id)}`;
    const order = spec.orderBy.map(columnName).join(', ');
    return (variables, params) => `(select coalesce(json_agg(${object(variables, params)} order by ${order}), '[]'::json)${from})`;
  }
  if ('span' in read) {
    const { start, end } = read.span;
    const span = compileSelection(objectType(definition), field.selectionSet, c, (name) =>
      name === 'start' ? column(start) : name === 'end' ? column(end) : unsupported(),
    );
    const unplaced = `${columnName(start)} is null or ${columnName(end)} is null`;
    return (variables, params) => `case when ${unplaced} then null else ${span(variables, params)} end`;
  }
  if (!('fragments' in read)) return unsupported();
  // The stored fragments, or the span as the one fragment, or none (as storedFragments).
  const { stored, start, end } = read.fragments;
  const fragment = compileSelection(objectType(definition), field.selectionSet, c, (name) =>
    name === 'start' || name === 'end' ? constant(`(statement_fragment.value->>'${name}')::int`) : unsupported(),
  );
  const unplaced = `${columnName(start)} is null or ${columnName(end)} is null`;
  const fragments =
    `coalesce(${columnName(stored)}, case when ${unplaced} then '[]'::jsonb` +
    ` else jsonb_build_array(jsonb_build_object('start', ${columnName(start)}, 'end', ${columnName(end)})) end)`;
  return (variables, params) =>
    `(select coalesce(json_agg(${fragment(variables, params)} order by statement_fragment.position), '[]'::json)` +
    ` from jsonb_array_elements(${fragments}) with ordinality as statement_fragment(value, position))`;
}

/** A column as the field's type serialises it. */
function scalar(type: GraphQLObjectType, value: PgColumn, definition: GraphQLField<unknown, unknown>): Piece {
  const named = getNamedType(definition.type);
  if (named.name === 'ID') return globalId(type.name, value);
  if (named.name === 'DateTime') return timestamp(value);
  if (named.name === 'Date') return day(value);
  if (['String', 'Int', 'Float', 'Boolean'].includes(named.name) || isEnumType(named)) return column(value);
  return unsupported();
}

function compileObject(type: GraphQLObjectType, selectionSet: SelectionSetNode | undefined, c: Compiler): Piece {
  const table = tableOf(type) ?? unsupported();
  return compileSelection(type, selectionSet, c, (_name, field, definition) => compileField(type, table, field, definition, c));
}

// --- Connections -------------------------------------------------------------------------------

/**
 * An edge's cursor as `encodeCursor` writes it: base64url of the JSON array [tag, ...sort keys as
 * text], unpadded. Spelled out so the text matches JSON.stringify's byte for byte.
 */
function cursorText(ordering: Ordering, params: Params): string {
  const keys = bindOnce(
    ordering.keys,
    () =>
      sql.join(
        ordering.keys.map((k) => sql`to_json((${k.sql})::text)::text`),
        sql` || ',' || `,
      ),
    params,
  );
  const json = `${literal(`[${JSON.stringify(ordering.tag)},`)} || ${keys} || ']'`;
  return `replace(replace(replace(replace(encode(convert_to(${json}, 'UTF8'), 'base64'), chr(10), ''), '+', '-'), '/', '_'), '=', '')`;
}

/** A stable key per ordering and reading direction, for the ORDER BY text `bindOnce` keeps. */
const backwardKeys = new WeakMap<Ordering, object>();
function directionKey(ordering: Ordering, page: Page): object {
  if (!page.backward) return ordering;
  let key = backwardKeys.get(ordering);
  if (!key) backwardKeys.set(ordering, (key = {}));
  return key;
}

/**
 * A page's rows up to the first whose edge takes the page past `$maxBytes` (what is left of
 * MAX_RESPONSE_BYTES), that one kept: a page cut short is itself over the limit, so the answer is
 * refused as before, but an oversized page is never aggregated, nor its JSON held, in full.
 */
const withinBytes = (rowsText: string) => {
  const bytes = 'coalesce(octet_length(sized.edge::text), 0)';
  return `(select * from (select sized.*, sum(${bytes}) over (rows unbounded preceding) - ${bytes} as bytes_before from (${rowsText}) sized) sized where sized.bytes_before <= $maxBytes)`;
};

/**
 * A connection's JSON: its page as one ordered, limited subquery (the keyset page the loaders
 * would read), its totalCount as a count over the same rows. With pageInfo, the page reads one
 * row more (is there a next page?) and is aggregated once for edges and pageInfo alike.
 */
function compileConnection(
  type: GraphQLObjectType,
  field: FieldNode,
  c: Compiler,
  source: PageSource,
  rows: (variables: Variables) => { where: SQL | undefined; ordering: Ordering; args: Record<string, unknown>; pageCandidates?: RootQuery['pageCandidates'] },
): Piece {
  const from = render(source.join ? sql`${source.from} inner join ${source.join.table} on ${source.join.on}` : sql`${source.from}`);
  const withPageInfo = [...collectFields(type, field.selectionSet, c).values()].some((f) => f.name.value === 'pageInfo');
  // The request being compiled: set before the entries are evaluated (synchronously, once per
  // request), read by them.
  let current: { where: SQL | undefined; ordering: Ordering; page: Page; candidates: SQL | undefined } | undefined;
  // With pageInfo, the one `edges` selection the aggregate builds (two would need two aggregates).
  let aggregatedEdge: Piece | undefined;

  /** The page's rows: each edge's JSON (and, with pageInfo, its cursor), in order. */
  const pageRows = (edge: Piece, variables: Variables, params: Params, extra: number) => {
    const { where, ordering, page, candidates } = current!;
    const keyset = keysetCondition(ordering, page);
    const conditions = [where && bindOnce(where, () => where, params), candidates && bind(candidates, params), keyset && bind(keyset, params)].filter(Boolean);
    const filter = conditions.length ? ` where ${conditions.join(' and ')}` : '';
    const order = bindOnce(directionKey(ordering, page), () => sql.join(orderByClause(ordering, page), sql`, `), params);
    const cursor = withPageInfo ? `, ${cursorText(ordering, params)} as cursor` : '';
    return `select ${edge(variables, params)} as edge${cursor} from ${from}${filter} order by ${order} limit ${page.limit + extra}`;
  };

  const object = compileSelection(type, field.selectionSet, c, (name, subfield, definition) => {
    if (name === 'edges') {
      const edge = compileSelection(objectType(definition), subfield.selectionSet, c, (edgeName, edgeField, edgeDefinition) => {
        if (edgeName === 'node') return compileObject(objectType(edgeDefinition), edgeField.selectionSet, c);
        if (edgeName === 'cursor') return (_variables, params) => cursorText(current!.ordering, params);
        const edgeColumn = source.edgeColumns?.[edgeName];
        return edgeColumn ? column(edgeColumn) : unsupported();
      });
      if (!withPageInfo) {
        return (variables, params) => {
          const rowsText = withinBytes(pageRows(edge, variables, params, 0));
          // A backward page is read walking the index the other way, and shown in list order.
          return current!.page.backward
            ? `(select coalesce(json_agg(page.edge order by page.n desc), '[]'::json) from (select page_rows.*, row_number() over () as n from ${rowsText} page_rows) page)`
            : `(select coalesce(json_agg(page.edge), '[]'::json) from ${rowsText} page)`;
        };
      }
      if (aggregatedEdge) unsupported();
      aggregatedEdge = edge;
      return constant('page.edges');
    }
    if (name === 'pageInfo') {
      return compileSelection(objectType(definition), subfield.selectionSet, c, (infoName) => {
        // Read forward, one row more means a next page; read backward, a previous one.
        if (infoName === 'hasNextPage') return () => (current!.page.backward ? String(current!.page.cursor != null) : 'page.more');
        if (infoName === 'hasPreviousPage') return () => (current!.page.backward ? 'page.more' : String(current!.page.cursor != null));
        if (infoName === 'startCursor') return constant('page.start_cursor');
        if (infoName === 'endCursor') return constant('page.end_cursor');
        return unsupported();
      });
    }
    if (name === 'totalCount') {
      return (_variables, params) => {
        const { where } = current!;
        return `(select count(*)::int from ${from}${where ? ` where ${bindOnce(where, () => where, params)}` : ''})`;
      };
    }
    return unsupported();
  });

  return (variables, params) => {
    const { where, ordering, args, pageCandidates } = rows(variables);
    // Bad page arguments are the executor's to report, at the field's path.
    const page = parsePage(args, ordering);
    current = { where, ordering, page, candidates: pageCandidates?.(page) };
    if (!withPageInfo) return object(variables, params);
    const limit = page.limit;
    const inPage = `filter (where page.n <= ${limit})`;
    // n counts rows in reading order; a backward page shows them the other way round.
    const [listOrder, reversed] = page.backward ? ['page.n desc', 'page.n'] : ['page.n', 'page.n desc'];
    const aggregated =
      `select coalesce(json_agg(page.edge order by ${listOrder}) ${inPage}, '[]'::json) as edges, count(*) > ${limit} as more, ` +
      `(array_agg(page.cursor order by ${listOrder}) ${inPage})[1] as start_cursor, ` +
      `(array_agg(page.cursor order by ${reversed}) ${inPage})[1] as end_cursor ` +
      `from (select page_rows.*, row_number() over () as n from ${withinBytes(pageRows(aggregatedEdge ?? constant('null'), variables, params, 1))} page_rows) page`;
    // `object` reads the aggregate's columns (page.edges, page.more...).
    return `(select ${object(variables, params)} from (${aggregated}) page)`;
  };
}

function compileRelation(name: RelationName, parent: RowTable, field: FieldNode, definition: GraphQLField<unknown, unknown>, c: Compiler): Piece {
  const spec = relations[name];
  const where = sql`${qualified(spec.parentColumn)} = ${qualified(parent.id)}`;
  return compileConnection(objectType(definition), field, c, relationSource(spec), (variables) => ({
    where,
    ordering: spec.ordering,
    args: getArgumentValues(definition, field, variables),
  }));
}

// --- The root ----------------------------------------------------------------------------------

function compileRoot(type: GraphQLObjectType, operation: OperationDefinitionNode, c: Compiler): Piece {
  return compileSelection(type, operation.selectionSet, c, (name, field, definition) => {
    if (name === 'node') {
      // Every Node type backed by a table, as its declaration says.
      const byType = new Map<string, { object: Piece; from: string; redirect?: { from: string; oldId: string; newId: string } }>();
      for (const type of Object.values(c.schema.getTypeMap())) {
        const table = tableOf(type);
        if (!table || !isObjectType(type) || !type.getInterfaces().some((i) => i.name === 'Node')) continue;
        const redirects = redirectsOf(table);
        byType.set(type.name, {
          object: compileObject(type, field.selectionSet, c),
          from: ` from ${render(sql`${table}`)} where ${columnName(table.id)} = `,
          // an id the table no longer holds answers with the row its redirect names
          redirect: redirects && { from: render(sql`${redirects.table}`), oldId: columnName(redirects.oldId), newId: columnName(redirects.newId) },
        });
      }
      return (variables, params) => {
        const { id } = getArgumentValues(definition, field, variables);
        const { typename, id: rowId } = decodeGlobalID(String(id));
        const node = byType.get(typename) ?? unsupported();
        const key = params.add(Number(rowId));
        const { redirect } = node;
        const where = redirect ? `coalesce((select ${redirect.newId} from ${redirect.from} where ${redirect.oldId} = ${key}), ${key})` : key;
        return `(select ${node.object(variables, params)}${node.from}${where})`;
      };
    }
    const read = fieldRead(type, definition);
    if (!read || !('rootList' in read)) return unsupported();
    const list = read.rootList;
    const probe = list.query(undefined);
    return compileConnection(objectType(definition), field, c, { from: probe.table, columns: probe.columns, ordering: probe.ordering }, (variables) => {
      const args = getArgumentValues(definition, field, variables);
      const query = list.query(args.filter as Record<string, unknown> | null | undefined);
      return { where: query.where, ordering: query.ordering, args, pageCandidates: query.pageCandidates };
    });
  });
}

/**
 * A query operation compiled: for one request's variables, its `data` as JSON text from one SQL
 * statement on `db` (the primary or a read replica), or null when the executor must answer. The
 * text's size in bytes is measured in the database: past `maxBytes`, `data` is null and the text
 * is never sent.
 */
export type CompiledQuery = (db: Db, variables: Variables, maxBytes: number) => Promise<CompiledAnswer | undefined> | null;

export type CompiledAnswer = { data: string | null; bytes: number };

type Prepared = { execute(values: Record<string, unknown>): Promise<CompiledAnswer[]> };

/** Shapes (page sizes, filters, cursors...) one document is prepared for, at most. */
const MAX_SHAPES = 64;

export function compileQuery(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): CompiledQuery | null {
  const queryType = schema.getQueryType();
  if (operation.operation !== 'query' || !queryType) return null;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  let root: Piece;
  try {
    root = compileRoot(queryType, operation, { schema, fragments });
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
  // Prepared per text: every request of a shape has the same text (values are parameters), so
  // PostgreSQL plans it once instead of on every request (planning cost more than running it).
  // Per database: a statement prepared on one pool cannot run on another.
  const preparedByDb = new WeakMap<Db, Map<string, Prepared>>();
  return (db, variables, maxBytes) => {
    let prepared = preparedByDb.get(db);
    if (!prepared) preparedByDb.set(db, (prepared = new Map()));
    const params = new Params();
    let text: string;
    try {
      text = root(variables, params);
    } catch {
      // An argument the resolvers would refuse (or a shape known only now): the executor answers.
      return null;
    }
    let statement = prepared.get(text);
    if (!statement) {
      const chunks = text.split(/\$(\d+|maxBytes)/).map((part, i) => (i % 2 === 0 ? sql.raw(part) : sql.placeholder(part === 'maxBytes' ? part : `p${part}`)));
      // `offset 0` keeps the answer a subquery, built once however often it is named.
      statement = db
        .select({
          data: sql<string | null>`case when octet_length(answer.data) <= ${sql.placeholder('maxBytes')} then answer.data end`.as('data'),
          bytes: sql<number>`octet_length(answer.data)`.as('bytes'),
        })
        .from(sql`(select (${sql.join(chunks)})::text as data offset 0) as answer`)
        .prepare('compiled_read');
      if (prepared.size >= MAX_SHAPES) prepared.clear();
      prepared.set(text, statement);
    }
    const values: Record<string, unknown> = { maxBytes };
    params.values.forEach((value, i) => (values[`p${i + 1}`] = value));
    return statement.execute(values).then((rows) => rows[0]);
  };
}
