// Fields whose resolver and declaration come from one name in the read catalogue
// (src/read/loaders.ts): the resolver asks the loader the declaration names, and the look-ahead
// plan and the SQL compiler read the same declaration off the schema (src/read/fields.ts).
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../context.js';
import { type RootList, reads } from '../read/fields.js';
import { type ListName, type RelationName, type RootQuery, type ToOneName, toOneRelations } from '../read/loaders.js';
import type { Connection } from '../read/pagination.js';
import type { PageArgs } from '../read/pagination.js';
import { planFor } from '../read/plan.js';

/** A connection over a relation: `statements: t.connection({ type: Statement, ...relationConnection('articleStatements') })`. */
export const relationConnection = <N extends RelationName>(relation: N) => ({
  ...reads({ relation }),
  resolve: (parent: { id: number }, args: PageArgs, ctx: Context, info: GraphQLResolveInfo) =>
    ctx.loaders.relation(relation, args, parent.id, planFor(ctx, info)),
});

/**
 * A root list of rows `T`, read by `query` from the field's `filter`, for the resolver and the
 * compiled SQL alike (so a filter's IDs are decoded in one place):
 * `...rootListConnection<StatementNode>()(statementsMatching)`.
 */
export const rootListConnection =
  <T>() =>
  <F>(query: (filter: F | null | undefined) => RootQuery) => ({
    ...reads({ rootList: { query } as RootList }),
    resolve: (_root: object, args: PageArgs & { filter?: F | null }, ctx: Context, info: GraphQLResolveInfo): Promise<Connection<T>> =>
      ctx.loaders.rootPage<T>(query(args.filter), args, planFor(ctx, info)),
  });

type ToOne = (typeof toOneRelations)[ToOneName];
type ToOneRow<N extends ToOneName> = NonNullable<Awaited<ReturnType<Context['loaders'][(typeof toOneRelations)[N]['loader']]['load']>>>;

/** The row a foreign key points at; null when the key is. */
export function toOneField<N extends ToOneName>(relation: N) {
  const { key, loader }: ToOne = toOneRelations[relation];
  return {
    ...reads({ toOne: relation }),
    resolve: (row: { [K in (typeof toOneRelations)[N]['key']]: number | null }, _args: object, ctx: Context) => {
      const id = (row as Record<string, number | null>)[key];
      return id == null ? null : (ctx.loaders[loader].load(id) as Promise<ToOneRow<N> | null>);
    },
  };
}

/** The row a foreign key that is never null points at (a row always has it, by the foreign key). */
export function requiredToOneField<N extends ToOneName>(relation: N) {
  const { resolve, ...declaration } = toOneField(relation);
  return {
    ...declaration,
    resolve: async (...args: Parameters<typeof resolve>) => (await resolve(...args))!,
  };
}

/** Every row of a list for the parent. */
export const listField = <N extends ListName>(list: N) => ({
  ...reads({ list }),
  resolve: (parent: { id: number }, _args: object, ctx: Context) => ctx.loaders.list(list).load(parent.id),
});
