import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.js';

/** `graphql()` typed by Newsgraph's schema.graphql (src/graphql-env.d.ts is generated from it). */
export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { DateTime: string; ID: string };
}>();

export type { FragmentOf, ResultOf, VariablesOf } from 'gql.tada';
export { readFragment } from 'gql.tada';
