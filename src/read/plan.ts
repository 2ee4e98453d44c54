// Looking ahead at the GraphQL selection, so one SQL statement can fetch a page together with the
// rows its resolvers will ask for next (a statement's speaker, each event's participants...).
// The resolvers still ask their loaders as usual; the answers are simply already there.
// Which fields are relations and to-one rows is read off the schema: each field's declaration
// (src/read/fields.ts).
import { type GraphQLObjectType, type GraphQLResolveInfo, isObjectType } from 'graphql';
import { type ResolveTree, parseResolveInfo } from 'graphql-parse-resolve-info';
import type { Context } from '../context.js';
import { connectionNodeType, fieldRead, tableOf } from './fields.js';
import { EMPTY_PLAN, type FetchPlan, type ToOneName, relationOrdering } from './loaders.js';
import { type PageArgs, parsePage } from './pagination.js';

const childrenNamed = (tree: ResolveTree, name: string): ResolveTree[] =>
  Object.values(tree.fieldsByTypeName).flatMap((fields) => Object.values(fields).filter((f) => f.name === name));

/** The fields selected on the nodes of a connection field, whatever aliases or fragments carry them. */
function nodeFields(connection: ResolveTree, nodeType: string): ResolveTree[] {
  return childrenNamed(connection, 'edges')
    .flatMap((edges) => childrenNamed(edges, 'node'))
    .flatMap((node) => Object.values(node.fieldsByTypeName[nodeType] ?? {}));
}

// A plan depends only on the selection below it (the query depth limit bounds how deep it goes),
// so the plan a parent nests for a child page is the plan that page's own resolver computes:
// both name the same cached loader.
function planForFields(fields: ResolveTree[], nodeType: GraphQLObjectType): FetchPlan {
  const withNames = new Set<ToOneName>();
  const nested = new Map<string, FetchPlan['nested'][number]>();
  const definitions = nodeType.getFields();
  for (const field of fields) {
    const definition = definitions[field.name];
    const read = definition && fieldRead(nodeType, definition);
    if (!read) continue;
    if ('toOne' in read) withNames.add(read.toOne);
    if (!('relation' in read)) continue;
    const { relation } = read;
    const childType = connectionNodeType(definition)!;
    const args = field.args as PageArgs;
    try {
      parsePage(args, relationOrdering(relation));
    } catch {
      continue; // bad arguments: leave the error to the field's own resolver, at its own path
    }
    const plan = planForFields(nodeFields(field, childType.name), childType);
    const entry = { relation, args: { first: args.first, after: args.after, last: args.last, before: args.before }, plan };
    nested.set(JSON.stringify(entry), entry);
  }
  if (withNames.size === 0 && nested.size === 0) return EMPTY_PLAN;
  return { with: [...withNames].sort(), nested: [...nested.values()] };
}

/** The plan for the page a connection field's resolver is about to load. */
export function planFor(ctx: Context, info: GraphQLResolveInfo): FetchPlan {
  const cached = ctx.loaders.plans.get(info.fieldNodes);
  if (cached) return cached;
  const nodeType = connectionNodeType(info.parentType.getFields()[info.fieldName]!);
  const tree = nodeType && (parseResolveInfo(info) as ResolveTree | null);
  const plan = tree ? planForFields(nodeFields(tree, nodeType.name), nodeType) : EMPTY_PLAN;
  ctx.loaders.plans.set(info.fieldNodes, plan);
  return plan;
}

/**
 * `node(id)` knows its id before the row is loaded: fetch the row together with everything its
 * selection asks for below it, in one statement, and prime the loaders the resolvers will ask.
 */
export async function prefetchNode(ctx: Context, info: GraphQLResolveInfo, typename: string, id: number): Promise<void> {
  const type = info.schema.getType(typename);
  const table = type && tableOf(type);
  if (!table || !isObjectType(type)) return;
  const tree = parseResolveInfo(info) as ResolveTree | null;
  const plan = planForFields(Object.values(tree?.fieldsByTypeName[typename] ?? {}), type);
  try {
    await ctx.loaders.prefetchNode(table, id, plan);
  } catch {
    // The node's own look-up (and each field's resolver) reports any failure at the right path.
  }
}
