import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { type DocumentNode, type GraphQLSchema, parse, validate } from 'graphql';
import { type Plugin, createGraphQLError } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';

export type PersistedDocumentsMode = 'off' | 'apq' | 'only';

/** Where clients put a document's id: the GraphQL-over-HTTP proposal, Relay's names, APQ's extension. */
export const DOCUMENT_ID_PARAMS = ['documentId', 'doc_id', 'id'] as const;

/** The manifest is unusable: the service must not start with it. */
export class PersistedDocumentsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PersistedDocumentsError';
  }
}

/**
 * Reads the id -> document map Relay's compiler (`persistConfig`) and graphql-codegen's client
 * preset (`persistedDocuments`) write, and checks every document against the schema now: a stale
 * manifest fails the start, not the first user who sends one of its ids.
 */
export function loadPersistedDocuments(file: string, schema: GraphQLSchema): Map<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PersistedDocumentsError(`PERSISTED_DOCUMENTS_FILE ${file} cannot be read as JSON: ${(error as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new PersistedDocumentsError(`PERSISTED_DOCUMENTS_FILE ${file} must be a JSON object of document id -> document text`);
  }
  const documents = new Map<string, string>();
  for (const [id, text] of Object.entries(raw)) {
    if (typeof text !== 'string') throw new PersistedDocumentsError(`PERSISTED_DOCUMENTS_FILE ${file}: the entry "${id}" is not a document string`);
    let document: DocumentNode;
    try {
      document = parse(text);
    } catch (error) {
      throw new PersistedDocumentsError(`PERSISTED_DOCUMENTS_FILE ${file}: the document "${id}" does not parse: ${(error as Error).message}`);
    }
    const errors = validate(schema, document);
    if (errors.length)
      throw new PersistedDocumentsError(`PERSISTED_DOCUMENTS_FILE ${file}: the document "${id}" does not fit the schema: ${errors[0]!.message}`);
    documents.set(id, text);
  }
  return documents;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function apqHash(extensions: unknown): string | null {
  const persisted = isRecord(extensions) ? extensions.persistedQuery : undefined;
  return isRecord(persisted) && persisted.version === 1 && typeof persisted.sha256Hash === 'string' ? persisted.sha256Hash : null;
}

/** The id a request names its document by, in the body, the URL (GET) or APQ's extension. */
function documentIdOf(params: Record<string, unknown>, request: Request): string | null {
  const url = request.method === 'GET' ? new URL(request.url).searchParams : undefined;
  for (const name of DOCUMENT_ID_PARAMS) {
    const value = params[name] ?? url?.get(name);
    if (typeof value === 'string' && value) return value;
  }
  return apqHash(params.extensions);
}

const notFound = () =>
  createGraphQLError('PersistedQueryNotFound', {
    extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 200 } },
  });

export interface PersistedDocumentsOptions {
  mode: PersistedDocumentsMode;
  /** id -> text; required for `only`, preloaded (and never evicted) for `apq`. */
  documents?: Map<string, string> | undefined;
  /** Documents APQ clients may register per instance (least recently used go first). */
  apqMax?: number;
}

/**
 * `apq`: Apollo's automatic persisted queries (a hash alone; PERSISTED_QUERY_NOT_FOUND; then the
 * hash with its document registers it, checked against the hash). `only`: trusted documents,
 * nothing but the manifest's ids; any other document is refused with PERSISTED_QUERY_ONLY (400).
 * A persisted id resolves to the manifest's text, so yoga's parse cache hands out one
 * DocumentNode per id and the SQL compiler (keyed by DocumentNode) compiles each id once.
 */
export function usePersistedDocuments(options: PersistedDocumentsOptions): Plugin[] {
  const manifest = options.documents ?? new Map<string, string>();
  if (options.mode === 'only') {
    return [
      usePersistedOperations({
        allowArbitraryOperations: false,
        extractPersistedOperationId: (params, request) => documentIdOf(params as Record<string, unknown>, request),
        getPersistedOperation: (id) => manifest.get(id) ?? null,
        customErrors: {
          notFound: {
            message: 'No persisted document has this id: this service runs only the documents of its manifest.',
            extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 400 } },
          },
          keyNotFound: {
            message: 'Send a persisted document id ("documentId", or extensions.persistedQuery.sha256Hash): this service runs only known documents.',
            extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED', http: { status: 400 } },
          },
          persistedQueryOnly: {
            message: "This service runs only persisted documents: send the document's id instead of its text.",
            extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
          },
        },
      }) as Plugin,
    ];
  }
  const registered = new LRUCache<string, string>({ max: options.apqMax ?? 10_000 });
  const lookup = (id: string) => manifest.get(id) ?? registered.get(id) ?? null;
  // APQ's registration step: a document sent with its hash is remembered once the hash matches.
  const register: Plugin = {
    onParams({ params, setParams }) {
      const hash = apqHash(params.extensions);
      if (hash === null) return;
      if (typeof params.query !== 'string') {
        const known = lookup(hash);
        if (known === null) throw notFound();
        setParams({ ...params, query: known });
        return;
      }
      if (sha256(params.query) !== hash.toLowerCase()) {
        throw createGraphQLError('The persisted query hash is not the SHA-256 of the document sent with it.', {
          extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH', http: { status: 400 } },
        });
      }
      if (!manifest.has(hash)) registered.set(hash, params.query);
    },
  };
  // Manifest ids (documentId / doc_id / id) work in `apq` too; arbitrary documents stay allowed.
  const byId: Plugin = {
    onParams({ params, request, setParams }) {
      if (typeof params.query === 'string' || apqHash(params.extensions) !== null) return;
      const id = documentIdOf(params as Record<string, unknown>, request);
      if (id === null) return;
      const known = lookup(id);
      if (known === null) throw notFound();
      setParams({ ...params, query: known });
    },
  };
  return [register, byId];
}
