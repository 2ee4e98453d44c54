import { createYoga } from 'graphql-yoga';
import type { Clock } from './clock.js';
import { createContext } from './context.js';
import { type TransportContext, transportDisconnect } from './live/disconnect.js';
import type { EntityChangeFeed } from './live/entity-changes.js';
import type { LiveStatements } from './live/live-statements.js';
import { useSharedSubscriptionResults } from './live/shared-results.js';
import { useSharedSseFrames } from './live/sse.js';
import { useSubscriberSlots } from './live/subscriber-slots.js';
import type { Db } from './db/index.js';
import type { ReadRouter } from './db/replicas.js';
import type { Extractor } from './extract-pool.js';
import { type FrontendSettings, frontendYogaOptions } from './plugins/frontend.js';
import { type HardeningDeps, hardenedYogaOptions } from './plugins/index.js';
import { type LivePageOptions, useLivePage } from './plugins/live-page.js';
import { useReadRouting } from './plugins/read-routing.js';
import { useSharedResponseCache } from './plugins/response-cache.js';
import { schema } from './schema/index.js';

export interface AppDeps extends HardeningDeps {
  db: Db;
  /** The new-statement feed (src/live/); without it `statementAdded` answers SERVICE_UNAVAILABLE. */
  live?: LiveStatements;
  clock?: Clock;
  /** Read replicas: query operations go to them (src/plugins/read-routing.ts). */
  reads?: ReadRouter | undefined;
  /** Where extraction runs (src/extract-pool.ts); without it, on the request's own thread. */
  extractor?: Extractor;
  /** Persisted documents, HTTP caching (src/plugins/frontend.ts); defaults as in the README. */
  frontend?: Partial<FrontendSettings>;
  /** GET /live, the page of statements as they are stored (src/plugins/live-page.ts). */
  livePage?: LivePageOptions;
  /** What every write touched (src/live/entity-changes.ts): needed with `frontend.responseCache: 'on'`. */
  entityChanges?: EntityChangeFeed;
}

const EXAMPLE_QUERY = /* GraphQL */ `# Who said what in the seed article: try changing the search.
#
# Reading your own writes (with read replicas): a mutation's response carries
# extensions.consistency.lsn (and the x-newsgraph-lsn header). Send it back on the next reads
# as the header  {"x-newsgraph-min-lsn": "<lsn>"}  (Headers tab below) and they show the write.
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

const stringParam = (value: unknown) => (typeof value === 'string' ? value : undefined);

export function createApp(deps: AppDeps) {
  const { logEventErrors, limits, reportReadPath, ...hardened } = hardenedYogaOptions(deps);
  const sharedResults = useSharedSubscriptionResults({ ...hardened.maskedErrors, logEventErrors });
  const subscriberSlots = useSubscriberSlots(limits);
  const frontend = frontendYogaOptions(deps.frontend, schema);
  if (frontend.settings.responseCache === 'on' && !deps.entityChanges) throw new Error('RESPONSE_CACHE=on needs the entity change feed');
  // After the compiled reads (hardened.plugins): it wraps their execute function, so it sees what they answer.
  const responseCache =
    frontend.settings.responseCache === 'on' && deps.entityChanges
      ? useSharedResponseCache({
          changes: deps.entityChanges,
          primary: deps.db,
          ttlMs: frontend.settings.responseCacheTtlSeconds * 1000,
          onReadPath: reportReadPath,
        })
      : [];
  if (deps.live && deps.metrics) deps.metrics.observeLive({ subscribers: subscriberSlots.openStreams, listenConnected: deps.live.stats.listenConnected });
  return createYoga({
    schema,
    // Over HTTP the token comes in the Authorization header; over WebSocket in connectionParams.
    context: (initial: { request?: Request; connectionParams?: Record<string, unknown> } & TransportContext) =>
      createContext(deps.db, {
        clock: deps.clock,
        live: deps.live,
        authorization: initial.request?.headers.get('authorization') ?? stringParam(initial.connectionParams?.authorization),
        disconnect: transportDisconnect(initial),
        extractor: deps.extractor,
        extractionBudgetMs: deps.hardening?.limits?.maxExtractionMs,
      }),
    graphqlEndpoint: '/graphql',
    extraParamNames: frontend.extraParamNames,
    landingPage: false,
    // Limits, masking (maskError), request ids and logs, /health, /ready, /metrics: src/plugins/.
    ...hardened,
    // Last, so its subscribe function is the one used (after graphql-jit's); the SSE frames plugin
    // after yoga's result processors (always first), so it sees the one they chose; the subscriber
    // slots after both, so they see which stream no transport took. Read routing first: every
    // plugin that reads must see the database it chose.
    plugins: [
      ...frontend.first,
      ...(deps.reads ? [useReadRouting(deps.reads)] : []),
      ...hardened.plugins,
      // After the request id and log line; /live and its script are answered before any GraphQL.
      useLivePage(deps.livePage),
      ...responseCache,
      ...frontend.plugins,
      sharedResults,
      useSharedSseFrames(sharedResults, subscriberSlots),
      subscriberSlots,
    ],
    // GraphiQL's assets come from the package, not a CDN: it works in an air-gapped newsroom.
    // Loaded on the first GraphiQL page view: its bundled assets weigh ~80 MB of heap and most of a
    // second at start-up, which the API itself never needs.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    // The example as the editor's text too (`query`, which render-graphiql reads and yoga's type
    // lacks): with `defaultQuery` alone a reload opened GraphiQL 5's stored tab with an empty
    // editor. Not when the URL has ?query= (a shared link, or an edit, which GraphiQL keeps there).
    graphiql: (request) => ({
      title: 'Newsgraph',
      defaultQuery: EXAMPLE_QUERY,
      ...(new URL(request.url).searchParams.has('query') ? {} : { query: EXAMPLE_QUERY }),
    }),
  });
}

export type App = ReturnType<typeof createApp>;
