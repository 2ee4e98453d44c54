// What each GraphQL field reads, declared once at its Pothos field (`extensions.read`) and read
// back from the built schema: the look-ahead plan (plan.ts) and the SQL compiler (compiled.ts)
// keep no table of fields of their own. A field with no declaration is answered by the executor.
import { getTableColumns } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { type GraphQLField, type GraphQLNamedType, type GraphQLObjectType, getNamedType, isObjectType } from 'graphql';
import type { ListName, RelationName, RootQuery, ToOneName } from './loaders.js';

/** A field's data need. */
export type FieldRead =
  /** The row's column, serialised as the field's GraphQL type says (DateTime, Date, ID...). */
  | { column: PgColumn }
  /** A connection over a relation of the catalogue (src/read/loaders.ts `relations`). */
  | { relation: RelationName }
  /** One row, by the foreign key the catalogue's `toOneRelations` names. */
  | { toOne: ToOneName }
  /** Every related row, in the order the catalogue's `lists` gives. */
  | { list: ListName }
  /** A text span from two columns: null when either is. */
  | { span: { start: PgColumn; end: PgColumn } }
  /** The stored fragments, else the span as the one fragment, else none. */
  | { fragments: { stored: PgColumn; start: PgColumn; end: PgColumn } }
  /** A root list: its rows for the field's `filter` argument, as the resolver reads them. */
  | { rootList: RootList };

export interface RootList {
  /** Throws a coded error for a filter the list refuses (a wrong ID): the executor then reports it. */
  query(filter: Record<string, unknown> | null | undefined): RootQuery;
}

/** A table whose rows have an integer `id`. */
export type RowTable = PgTable & { id: PgColumn };

/** A type's data: its rows are rows of `table`, so its exposed fields are that table's columns. */
export interface TypeRead {
  table: RowTable;
}

declare module 'graphql' {
  interface GraphQLFieldExtensions<_TSource, _TContext, _TArgs> {
    read?: FieldRead;
    /** Set by Pothos' `t.expose*`: the row property the field shows. */
    pothosExposedField?: string;
  }
  interface GraphQLObjectTypeExtensions<_TSource, _TContext> {
    read?: TypeRead;
  }
}

/** Field options declaring a field's read (`t.string({ ...reads({ column: articles.body }), resolve })`). */
export const reads = (read: FieldRead) => ({ extensions: { read } });
/** Type options declaring the table behind a type. */
export const readsTable = (table: RowTable) => ({ extensions: { read: { table } satisfies TypeRead } });

/** The table behind an object type, when it declares one. */
export const tableOf = (type: GraphQLNamedType): RowTable | undefined => (isObjectType(type) ? type.extensions.read?.table : undefined);

/**
 * A field's read: what it declares, or, on a type backed by a table, the column an exposed field
 * shows (`t.exposeString('headline')` is `articles.headline`) and, for `id`, the table's id.
 */
export function fieldRead(type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): FieldRead | undefined {
  if (field.extensions.read) return field.extensions.read;
  const table = tableOf(type);
  if (!table) return undefined;
  if (field.name === 'id' && type.getInterfaces().some((i) => i.name === 'Node')) return { column: table.id };
  const exposed = field.extensions.pothosExposedField;
  const column = exposed === undefined ? undefined : (getTableColumns(table) as Record<string, PgColumn>)[exposed];
  return column ? { column } : undefined;
}

/** The node type of a connection field (its edges' `node`), or undefined for any other field. */
export function connectionNodeType(field: GraphQLField<unknown, unknown>): GraphQLObjectType | undefined {
  const connection = getNamedType(field.type);
  const edges = isObjectType(connection) ? connection.getFields().edges : undefined;
  const edge = edges && getNamedType(edges.type);
  const node = edge && isObjectType(edge) ? edge.getFields().node : undefined;
  const nodeType = node && getNamedType(node.type);
  return nodeType && isObjectType(nodeType) ? nodeType : undefined;
}
