import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ZodPlugin from '@pothos/plugin-zod';
import { GraphQLScalarType, Kind } from 'graphql';
import { DateResolver, DateTimeResolver } from 'graphql-scalars';
import type { Context } from './context.js';
import { decodeGlobalID, encodeId } from './domain/global-id.js';
import { prefetchNode } from './read/plan.js';
import { zodInputError } from './domain/validation.js';
import { parseDateTimeInput } from './domain/text.js';

export interface PothosTypes {
  Context: Context;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    Date: { Input: Date; Output: Date | string };
  };
  // Every connection can report its size; it is computed only when asked for.
  Connection: { totalCount: () => Promise<number> };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}

export const builder = new SchemaBuilder<PothosTypes>({
  plugins: [RelayPlugin, ZodPlugin],
  defaultFieldNullability: false,
  // Input validation failures name the offending field, e.g. "input.publishedAt".
  zod: { validationError: zodInputError },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // loadNodes brands rows itself: the plugin's branding throws on a row DataLoader already handed out.
    brandLoadedObjects: false,
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    nodeQueryOptions: {
      resolve: async (_root, args, ctx, info, resolveNode) => {
        await prefetchNode(ctx, info, args.id.typename, Number(args.id.id));
        return resolveNode(args.id);
      },
    },
    encodeGlobalID: (typename, id) => encodeId(typename, Number(id)),
    decodeGlobalID,
  },
});

/** graphql-scalars' DateTime, taking input by our one rule (src/domain/text.ts): a date alone is its midnight UTC. */
const DateTime = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  description: `${DateTimeResolver.description ?? ''} As input, a date alone ("2026-12-01") is its midnight UTC, and a date-time without an offset is UTC.`,
  parseValue(value) {
    const parsed = typeof value === 'string' ? parseDateTimeInput(value) : null;
    return parsed ?? DateTimeResolver.parseValue(value);
  },
  parseLiteral(ast, variables) {
    const parsed = ast.kind === Kind.STRING ? parseDateTimeInput(ast.value) : null;
    return parsed ?? DateTimeResolver.parseLiteral(ast, variables);
  },
});

builder.addScalarType('DateTime', DateTime);
builder.addScalarType('Date', DateResolver);

builder.queryType({});
builder.mutationType({ description: 'Writes; every one needs an editor token (Authorization: Bearer <token>).' });
builder.subscriptionType({});

builder.globalConnectionField('totalCount', (t) =>
  t.int({ description: 'Number of items in the whole list, across all pages.', resolve: (connection) => connection.totalCount() }),
);

export const TextSpan = builder.objectRef<{ start: number; end: number }>('TextSpan').implement({
  description: 'Character offsets into the article body (UTF-16 code units, end exclusive).',
  fields: (t) => ({ start: t.exposeInt('start'), end: t.exposeInt('end') }),
});
