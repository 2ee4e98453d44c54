import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { createYoga, maskError as defaultMaskError } from 'graphql-yoga';
import { createContext } from './context.js';
import type { Db } from './db/index.js';
import { schema } from './schema/index.js';

export interface AppDeps {
  db: Db;
  /** Show unmasked errors (development only). */
  exposeErrors?: boolean;
}

const EXAMPLE_QUERY = /* GraphQL */ `# Who said what in the seed article: try changing the search.
query WhoSaidWhat {
  people(filter: { search: "paul" }) {
    totalCount
    edges {
      node {
        name
        aliases
        description
        statements(first: 5) {
          edges {
            node {
              kind
              text
              channel
              saidAt
              article { headline source }
            }
          }
        }
      }
    }
  }
  events(first: 3) {
    edges {
      node {
        name
        startDate
        location
        participants { edges { role node { name } } }
      }
    }
  }
}
`;

/** Input errors raised inside Pothos plugins (IDs of the wrong type, ...) are the client's fault. */
function maskError(error: unknown, message: string, isDev?: boolean): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof PothosValidationError) {
    return new GraphQLError(original.message, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return defaultMaskError(error, message, isDev);
}

export function createApp(deps: AppDeps) {
  return createYoga({
    schema,
    context: () => createContext(deps.db),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    maskedErrors: { maskError, isDev: deps.exposeErrors ?? false },
    // GraphiQL's assets come from the package, not a CDN: it works in an air-gapped newsroom.
    renderGraphiQL,
    graphiql: { title: 'Newsgraph', defaultQuery: EXAMPLE_QUERY },
  });
}

export type App = ReturnType<typeof createApp>;
