import { createHash } from 'node:crypto';
import { createInMemoryCache, useResponseCache } from '@graphql-yoga/plugin-response-cache';
import { type DocumentNode, type GraphQLSchema, TypeInfo, getNamedType, isObjectType, visit, visitWithTypeInfo } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { encodeId } from '../domain/global-id.js';
import type { EntityChange, EntityChangeFeed } from '../live/entity-changes.js';
import type { ReadPath } from './compiled-reads.js';

export interface ResponseCacheOptions {
  /** The instance's reader of the database's change log (src/live/entity-changes.ts). */
  changes: Pick<EntityChangeFeed, 'catchUp' | 'onChanges'>;
  /** The primary: answers read elsewhere (a replica, which may lag behind the log) are not stored. */
  primary: unknown;
  /** How long an answer is kept at most, even when nothing it holds changes. */
  ttlMs: number;
  /** Answers kept (least recently used go first). */
  maxEntries?: number;
  /** Told of every answer served from the cache (path `cache`, for metrics and the log line). */
  onReadPath?: (path: ReadPath, context: { request?: Request }) => void;
}

type Entity = { typename: string; id?: number | string };
type Cache = ReturnType<typeof createInMemoryCache>;

/** The tag of the answers that read a root list of a type: any write to that type may change them. */
const listTag = (typename: string) => `[${typename}]`;

/** Invalidations applied since an answer's execution began that touch it: it may be older than them. */
const RECENT_BATCHES = 256;

/**
 * The shared response cache: yoga's plugin, keyed by document, operation, variables and the
 * Authorization header (a hash of it: anonymous and authenticated answers never mix, nor two
 * tokens'), holding the entity ids (type and global id) of each answer. Invalidation comes only
 * from the database's change log, so a write through any instance, or plain SQL, drops what it
 * touched everywhere:
 * - an answer holding an entity a write touched (its row, or a row its lists and counts hang
 *   from: drizzle/0011) is dropped;
 * - an answer reading a root list (`statements`, `people`, ...) is dropped by any write to that type;
 * - before a stored answer is served, the log is read up to now (`catchUp`), so a write
 *   acknowledged anywhere before this request began is never answered from before it;
 * - an answer whose execution overlapped an invalidation of something it holds is not stored.
 */
export function useSharedResponseCache(options: ResponseCacheOptions): Plugin[] {
  let store: Cache = createInMemoryCache({ max: options.maxEntries ?? 10_000 });
  let applied = 0;
  const recent: { seq: number; keys: Set<string> | 'all' }[] = [];
  const executions = new WeakMap<object, { startedAt: number; tags: string[] }>();
  const rootListTags = new WeakMap<DocumentNode, string[]>();

  options.changes.onChanges((changes) => {
    applied++;
    recent.push({ seq: applied, keys: changes === 'all' ? 'all' : keysOf(changes) });
    if (recent.length > RECENT_BATCHES) recent.shift();
    if (changes === 'all') {
      store = createInMemoryCache({ max: options.maxEntries ?? 10_000 });
      return;
    }
    store.invalidate(invalidationsOf(changes));
  });

  const overlapsRecent = (startedAt: number, entities: Entity[]) => {
    if (startedAt === applied) return false;
    if (!recent.length || recent[0]!.seq > startedAt + 1) return true; // older than what is remembered
    const keys = entities.map((entity) => (entity.id === undefined ? entity.typename : `${entity.typename}:${entity.id}`));
    return recent.some((batch) => batch.seq > startedAt && (batch.keys === 'all' || keys.some((key) => batch.keys !== 'all' && batch.keys.has(key))));
  };

  const cache = {
    get(key: string) {
      // Nothing stored: nothing to check. Stored: only once the log is read up to now.
      if (!store.get(key)) return null;
      // A copy per request: plugins set things on the answer they send (the size limit's counting
      // `stringify`), which must not carry over to the next request.
      return options.changes.catchUp().then(
        () => {
          const stored = store.get(key);
          return stored && { ...stored };
        },
        () => null,
      );
    },
    set(key: string, result: Record<string, unknown> & { extensions?: Record<string, any> }, collected: Iterable<Entity>, ttl: number) {
      const execution = executions.get(result);
      const entities = [...collected, ...(execution?.tags ?? []).map((typename) => ({ typename }))];
      if (!execution || overlapsRecent(execution.startedAt, entities)) return;
      // Validators are http-cache.ts's (a hash of the bytes): not the plugin's cache key.
      const headers = result.extensions?.http?.headers;
      if (headers) {
        delete headers.ETag;
        delete headers['Last-Modified'];
      }
      // Without this request's serialiser (a compiled read's, or the size limit's with its count).
      const { stringify: _own, ...answer } = result;
      store.set(key, answer, entities, ttl);
    },
    invalidate(entities: Iterable<Entity>) {
      store.invalidate(entities);
    },
  };

  const enabled = (request: Request | undefined) => request !== undefined; // HTTP only: WebSocket operations are not cached

  // Runs before the plugin's own execute hooks: notes when an execution began, and what it reads.
  const noteExecutions: Plugin = {
    onExecute({ args }) {
      const context = args.contextValue as { request?: Request; db?: unknown };
      if (!enabled(context.request) || context.db !== options.primary) return;
      const startedAt = applied;
      const tags = rootListTagsOf(args.document, args.schema);
      return {
        onExecuteDone({ result }) {
          if (result && typeof result === 'object' && !(Symbol.asyncIterator in result)) executions.set(result, { startedAt, tags });
        },
      };
    },
    onResultProcess({ request, result }) {
      if (!Array.isArray(result) && (result as Record<symbol, unknown>)[Symbol.for('servedFromResponseCache')]) {
        options.onReadPath?.('cache', { request });
      }
    },
  };

  function rootListTagsOf(document: DocumentNode, schema: GraphQLSchema): string[] {
    let tags = rootListTags.get(document);
    if (tags) return tags;
    const found = new Set<string>();
    const typeInfo = new TypeInfo(schema);
    const queryType = schema.getQueryType();
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          if (typeInfo.getParentType() !== queryType) return;
          const type = getNamedType(typeInfo.getType());
          if (node.name.value === 'nodes') found.add(listTag('Node'));
          // A connection: its edges' node type.
          const edges = isObjectType(type) ? type.getFields().edges : undefined;
          const edge = edges && getNamedType(edges.type);
          const item = edge && isObjectType(edge) ? edge.getFields().node : undefined;
          if (item) found.add(listTag(getNamedType(item.type).name));
        },
      }),
    );
    rootListTags.set(document, (tags = [...found]));
    return tags;
  }

  const responseCache = useResponseCache({
    cache: cache as unknown as Cache,
    ttl: options.ttlMs,
    session: (request) => {
      const authorization = request.headers.get('authorization');
      return authorization ? createHash('sha256').update(authorization).digest('hex') : null;
    },
    enabled: (request) => enabled(request),
    // The change log invalidates, on every instance: a mutation's own answer adds nothing to it.
    invalidateViaMutation: false,
    includeExtensionMetadata: false,
  }) as Plugin;
  // Its If-None-Match answers compare with its cache key; ours (http-cache.ts) with the bytes' hash.
  const { onRequest: _cacheKeyRevalidation, ...withoutCacheKeyRevalidation } = responseCache;
  return [noteExecutions, withoutCacheKeyRevalidation];
}

function keysOf(changes: EntityChange[]): Set<string> {
  const keys = new Set<string>();
  for (const entity of invalidationsOf(changes)) keys.add(entity.id === undefined ? entity.typename : `${entity.typename}:${entity.id}`);
  return keys;
}

/** The cache's entities for what the log says changed: each row by its global id, and its type's root lists. */
function invalidationsOf(changes: EntityChange[]): Entity[] {
  const entities: Entity[] = [];
  const types = new Set<string>();
  for (const change of changes) {
    entities.push({ typename: change.typename, id: encodeId(change.typename, change.id) });
    types.add(change.typename);
  }
  for (const typename of types) entities.push({ typename: listTag(typename) });
  // `nodes(ids:)`, and `Node`: answers where `node(id:)` was null (the plugin records the field's
  // type then), which a new row may fill.
  if (types.size) entities.push({ typename: listTag('Node') }, { typename: 'Node' });
  return entities;
}
