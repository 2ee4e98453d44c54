// Read queries compiled into one SQL statement that builds the response JSON itself (the approach
// of PostGraphile v4 and Hasura): Node only forwards the text, with no resolvers, loaders or JSON
// round trip in between. Only the shapes below compile; anything else (cursors, pageInfo, backward
// pages, directives, fields without a column) runs through the ordinary executor, which stays the
// reference: tests/compiled-reads.test.ts compares both on every shape that compiles.
import { type SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
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
  isObjectType,
} from 'graphql';
import { decodeGlobalID } from './builder.js';
import { articles, events, people, statements } from './db/schema.js';
import {
  type NodeTypeName,
  type PageSource,
  type RelationName,
  type RootQuery,
  type ToOneName,
  isNodeType,
  nodeTables,
  qualified,
  relationSource,
  relations,
  toOneRelations,
} from './loaders.js';
import { type Ordering, keysetCondition, orderByClause, parsePage } from './pagination.js';
import { articleList } from './schema/article.js';
import { eventList } from './schema/event.js';
import { personList } from './schema/person.js';
import { statementList } from './schema/statement.js';

/** Thrown while compiling (or binding arguments) for anything the ordinary executor must answer. */
class Unsupported extends Error {}
function unsupported(): never {
  throw new Unsupported();
}

type Variables = Record<string, unknown>;
/** A compiled piece of the response: its SQL for one request's variables. */
type Piece = (variables: Variables) => SQL;
type Entry = { key: string; value: Piece };

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

const constant = (value: SQL): Piece => () => value;
const literal = (text: string) => sql.raw(`'${text.replace(/'/g, "''")}'`);

function jsonObject(entries: Entry[]): Piece {
  // json_build_object takes at most 100 arguments.
  if (entries.length > 50) unsupported();
  return (variables) => sql`json_build_object(${sql.join(entries.map((e) => sql`${literal(e.key)}, ${e.value(variables)}`), sql`, `)})`;
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

const objectType = (c: Compiler, definition: GraphQLField<unknown, unknown>) => {
  const named = getNamedType(definition.type);
  return isObjectType(named) ? named : unsupported();
};

// --- Values as the executor serializes them ---------------------------------------------------

const column = (c: PgColumn) => constant(qualified(c));
/** DateTime: ISO 8601 in UTC with milliseconds, as `Date.prototype.toISOString`. */
const timestamp = (c: PgColumn) => constant(sql`to_char(${qualified(c)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
const day = (c: PgColumn) => constant(sql`to_char(${qualified(c)}, 'YYYY-MM-DD')`);
/** The Relay global ID: base64url of "Type:id", unpadded. */
const globalId = (type: NodeTypeName, id: PgColumn) =>
  constant(sql`rtrim(translate(encode(convert_to(${literal(`${type}:`)} || ${qualified(id)}, 'UTF8'), 'base64'), '+/', '-_'), '=')`);

// --- Objects -----------------------------------------------------------------------------------

type FieldCompiler = (field: FieldNode, definition: GraphQLField<unknown, unknown>, c: Compiler) => Piece;

const connection =
  (name: RelationName): FieldCompiler =>
  (field, definition, c) =>
    compileRelation(name, field, definition, c);

const toOne =
  (name: ToOneName): FieldCompiler =>
  (field, definition, c) => {
    const { target, foreignKey } = toOneRelations[name];
    const object = compileObject(objectType(c, definition), field.selectionSet, c);
    return (variables) => sql`(select ${object(variables)} from ${target} where ${qualified(target.id)} = ${qualified(foreignKey)})`;
  };

const objectFields: Record<NodeTypeName, Record<string, FieldCompiler>> = {
  Article: {
    id: () => globalId('Article', articles.id),
    headline: () => column(articles.headline),
    source: () => column(articles.source),
    url: () => column(articles.url),
    publishedAt: () => timestamp(articles.publishedAt),
    body: () => column(articles.body),
    statements: connection('articleStatements'),
    people: connection('articlePeople'),
    events: connection('articleEvents'),
  },
  Person: {
    id: () => globalId('Person', people.id),
    name: () => column(people.name),
    slug: () => column(people.slug),
    aliases: () => column(people.aliases),
    description: () => column(people.description),
    statements: connection('personStatements'),
    mentionedIn: connection('personMentionedIn'),
    events: connection('personEvents'),
    articles: connection('personArticles'),
  },
  Statement: {
    id: () => globalId('Statement', statements.id),
    text: () => column(statements.text),
    kind: () => column(statements.kind),
    speakerLabel: () => column(statements.speakerLabel),
    channel: () => column(statements.channel),
    saidAt: () => timestamp(statements.saidAt),
    speaker: toOne('statementSpeaker'),
    article: toOne('statementArticle'),
    event: toOne('statementEvent'),
    span: (field, definition, c) => {
      const span = compileSelection(objectType(c, definition), field.selectionSet, c, (name) =>
        name === 'start' ? column(statements.spanStart) : name === 'end' ? column(statements.spanEnd) : unsupported(),
      );
      return (variables) =>
        sql`case when ${qualified(statements.spanStart)} is null or ${qualified(statements.spanEnd)} is null then null else ${span(variables)} end`;
    },
  },
  Event: {
    id: () => globalId('Event', events.id),
    name: () => column(events.name),
    kind: () => column(events.kind),
    startDate: () => day(events.startDate),
    endDate: () => day(events.endDate),
    location: () => column(events.location),
    description: () => column(events.description),
    participants: connection('eventParticipants'),
    statements: connection('eventStatements'),
    articles: connection('eventArticles'),
  },
};

function compileObject(type: GraphQLObjectType, selectionSet: SelectionSetNode | undefined, c: Compiler): Piece {
  const fields = isNodeType(type.name) ? objectFields[type.name] : unsupported();
  return compileSelection(type, selectionSet, c, (name, field, definition) => (fields[name] ?? unsupported())(field, definition, c));
}

// --- Connections -------------------------------------------------------------------------------

/**
 * A connection's JSON: its edges as one ordered, limited subquery (the keyset page the loaders
 * would read) and its totalCount as a count over the same rows.
 */
function compileConnection(
  type: GraphQLObjectType,
  field: FieldNode,
  c: Compiler,
  source: PageSource,
  rows: (variables: Variables) => { where: SQL | undefined; ordering: Ordering; args: Record<string, unknown> },
): Piece {
  const edgeParts = (edgesDefinition: GraphQLField<unknown, unknown>, edgesField: FieldNode) => {
    const edgeType = objectType(c, edgesDefinition);
    return compileSelection(edgeType, edgesField.selectionSet, c, (name, edgeField, definition) => {
      if (name === 'node') return compileObject(objectType(c, definition), edgeField.selectionSet, c);
      const edgeColumn = source.edgeColumns?.[name];
      return edgeColumn ? column(edgeColumn) : unsupported();
    });
  };
  const from = source.join ? sql`${source.from} inner join ${source.join.table} on ${source.join.on}` : sql`${source.from}`;
  // The rows of this field for the request being compiled: set before its entries are evaluated
  // (synchronously, once per request), read by them.
  let current: ReturnType<typeof rows> | undefined;
  const object = compileSelection(type, field.selectionSet, c, (name, subfield, definition) => {
    if (name === 'edges') {
      const edge = edgeParts(definition, subfield);
      return (variables) => {
        const { where, ordering, args } = current!;
        const page = parsePage(args, ordering);
        if (page.backward) unsupported();
        const conditions = [where, keysetCondition(ordering, page)].filter((s): s is SQL => s !== undefined);
        const filter = conditions.length ? sql` where ${sql.join(conditions, sql` and `)}` : sql``;
        return sql`(select coalesce(json_agg(page.edge), '[]'::json) from (select ${edge(variables)} as edge from ${from}${filter} order by ${sql.join(orderByClause(ordering, page), sql`, `)} limit ${sql.raw(String(page.limit))}) page)`;
      };
    }
    if (name === 'totalCount') {
      return () => {
        const { where } = current!;
        return sql`(select count(*)::int from ${from}${where ? sql` where ${where}` : sql``})`;
      };
    }
    return unsupported();
  });
  return (variables) => {
    current = rows(variables);
    // Bad page arguments are the executor's to report, at the field's path.
    parsePage(current.args, current.ordering);
    return object(variables);
  };
}

function compileRelation(name: RelationName, field: FieldNode, definition: GraphQLField<unknown, unknown>, c: Compiler): Piece {
  const spec = relations[name];
  const where = sql`${qualified(spec.parentColumn)} = ${qualified(nodeTables[relationParents[name]].table.id)}`;
  return compileConnection(objectType(c, definition), field, c, relationSource(spec), (variables) => ({
    where,
    ordering: spec.ordering,
    args: getArgumentValues(definition, field, variables),
  }));
}

const relationParents: Record<RelationName, NodeTypeName> = {
  articleStatements: 'Article',
  articlePeople: 'Article',
  articleEvents: 'Article',
  personStatements: 'Person',
  personMentionedIn: 'Person',
  personEvents: 'Person',
  personArticles: 'Person',
  eventParticipants: 'Event',
  eventStatements: 'Event',
  eventArticles: 'Event',
};

// --- The root ----------------------------------------------------------------------------------

const decodedId = (value: unknown, type: NodeTypeName): number | undefined => {
  if (value == null) return undefined;
  const decoded = decodeGlobalID(String(value));
  return decoded.typename === type ? Number(decoded.id) : unsupported();
};

const rootLists: Record<string, (filter: Record<string, unknown> | null | undefined) => RootQuery> = {
  articles: (filter) => articleList(filter as Parameters<typeof articleList>[0]),
  people: (filter) => personList(filter as Parameters<typeof personList>[0]),
  events: (filter) => eventList(filter as Parameters<typeof eventList>[0]),
  statements: (filter) =>
    statementList({
      ...(filter as Parameters<typeof statementList>[0]),
      speakerId: decodedId(filter?.speakerId, 'Person'),
      articleId: decodedId(filter?.articleId, 'Article'),
      eventId: decodedId(filter?.eventId, 'Event'),
      mentionsPersonId: decodedId(filter?.mentionsPersonId, 'Person'),
    }),
};

function compileRoot(type: GraphQLObjectType, operation: OperationDefinitionNode, c: Compiler): Piece {
  return compileSelection(type, operation.selectionSet, c, (name, field, definition) => {
    if (name === 'node') {
      const byType = Object.fromEntries(
        (Object.keys(nodeTables) as NodeTypeName[]).map((t) => [t, compileObject(c.schema.getType(t) as GraphQLObjectType, field.selectionSet, c)]),
      ) as Record<NodeTypeName, Piece>;
      return (variables) => {
        const { id } = getArgumentValues(definition, field, variables);
        const { typename, id: rowId } = decodeGlobalID(String(id));
        if (!isNodeType(typename)) unsupported();
        const { table } = nodeTables[typename];
        return sql`(select ${byType[typename](variables)} from ${table} where ${qualified(table.id)} = ${Number(rowId)})`;
      };
    }
    const list = rootLists[name];
    if (!list) return unsupported();
    const probe = list(undefined);
    return compileConnection(objectType(c, definition), field, c, { from: probe.table, columns: probe.columns, ordering: probe.ordering }, (variables) => {
      const args = getArgumentValues(definition, field, variables);
      const query = list(args.filter as Record<string, unknown> | null | undefined);
      return { where: query.where, ordering: query.ordering, args };
    });
  });
}

/** A query operation as one SQL statement returning its `data` as JSON text; null when it does not compile. */
export type CompiledQuery = (variables: Variables) => SQL | null;

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
  return (variables) => {
    try {
      return sql`select (${root(variables)})::text as data`;
    } catch {
      // An argument the resolvers would refuse (or a shape known only now): the executor answers.
      return null;
    }
  };
}
