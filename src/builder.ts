import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ZodPlugin from '@pothos/plugin-zod';
import { GraphQLScalarType, Kind } from 'graphql';
import { DateResolver, DateTimeResolver } from 'graphql-scalars';
import type { Context } from './context.js';
import { badInput } from './errors.js';
import { prefetchNode } from './schema/lookahead.js';
import { zodInputError } from './schema/validation.js';
import { parseDateTimeInput } from './text.js';

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

const GLOBAL_ID_TYPES = new Set(['Article', 'Person', 'Statement', 'Event']);

/** What a global ID is, for error messages. */
export const GLOBAL_ID_FORM = 'an ID as the API returns it: the base64 of "Type:number" (URL-safe or standard, padded or not), e.g. "UGVyc29uOjE" for Person 1';

/**
 * A global ID's type and row id, or null when it is not one. The API writes unpadded URL-safe
 * base64; what `btoa` gives ("UGVyc29uOjE=", standard alphabet, padded) is the same ID.
 */
export function parseGlobalID(globalID: string): { typename: string; id: string } | null {
  if (!/^[A-Za-z0-9_+/-]{1,64}={0,2}$/.test(globalID)) return null;
  const decoded = Buffer.from(globalID.replace(/=+$/, ''), 'base64url').toString('utf8');
  const match = /^([A-Za-z]+):([1-9]\d{0,9})$/.exec(decoded);
  if (!match || !GLOBAL_ID_TYPES.has(match[1]!) || Number(match[2]) > 2_147_483_647) return null;
  return { typename: match[1]!, id: match[2]! };
}

export function decodeGlobalID(globalID: string): { typename: string; id: string } {
  const parsed = parseGlobalID(globalID);
  if (!parsed) throw badInput(`"${globalID.slice(0, 80)}" is not a valid Newsgraph ID: expected ${GLOBAL_ID_FORM}.`);
  return parsed;
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
    encodeGlobalID: (typename, id) => Buffer.from(`${typename}:${id}`, 'utf8').toString('base64url'),
    decodeGlobalID,
  },
});

/** graphql-scalars' DateTime, taking input by our one rule (src/text.ts): a date alone is its midnight UTC. */
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
