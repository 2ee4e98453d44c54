import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import type { GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { z } from 'zod';
import { useHttpCaching } from './http-cache.js';
import { DOCUMENT_ID_PARAMS, type PersistedDocumentsMode, loadPersistedDocuments, usePersistedDocuments } from './persisted.js';

/** The environment variables for what frontends expect (merged into src/config.ts). */
export const frontendEnv = {
  /** `off`, `apq` (automatic persisted queries) or `only` (nothing but PERSISTED_DOCUMENTS_FILE's documents). */
  PERSISTED_DOCUMENTS: z.enum(['off', 'apq', 'only']).default('off'),
  /** The id -> document JSON map Relay's compiler or graphql-codegen's client preset writes. */
  PERSISTED_DOCUMENTS_FILE: z.string().optional(),
  /** `max-age` of anonymous GET reads, in seconds; 0: `no-cache` (revalidate by ETag each time). */
  HTTP_CACHE_MAX_AGE: z.coerce.number().int().min(0).max(31_536_000).default(5),
  /** `on`: the shared response cache, invalidated from the database's change log (src/plugins/response-cache.ts). */
  RESPONSE_CACHE: z.enum(['off', 'on']).default('off'),
  /** How long a cached answer is kept at most, in seconds, even when nothing in it changes. */
  RESPONSE_CACHE_TTL: z.coerce.number().int().min(1).max(86_400).default(300),
};

export interface FrontendSettings {
  persistedDocuments: PersistedDocumentsMode;
  persistedDocumentsFile?: string | undefined;
  httpCacheMaxAgeSeconds: number;
  responseCache: 'off' | 'on';
  responseCacheTtlSeconds: number;
}

export const defaultFrontendSettings: FrontendSettings = {
  persistedDocuments: 'off',
  httpCacheMaxAgeSeconds: 5,
  responseCache: 'off',
  responseCacheTtlSeconds: 300,
};

export function frontendSettingsFromConfig(config: z.infer<z.ZodObject<typeof frontendEnv>>): FrontendSettings {
  return {
    persistedDocuments: config.PERSISTED_DOCUMENTS,
    persistedDocumentsFile: config.PERSISTED_DOCUMENTS_FILE,
    httpCacheMaxAgeSeconds: config.HTTP_CACHE_MAX_AGE,
    responseCache: config.RESPONSE_CACHE,
    responseCacheTtlSeconds: config.RESPONSE_CACHE_TTL,
  };
}

/** The yoga plugins and options for these settings; a bad manifest throws PersistedDocumentsError. */
export function frontendYogaOptions(settings: Partial<FrontendSettings> | undefined, schema: GraphQLSchema) {
  const s = { ...defaultFrontendSettings, ...settings };
  if (s.persistedDocuments === 'only' && !s.persistedDocumentsFile) {
    throw new Error('PERSISTED_DOCUMENTS=only needs PERSISTED_DOCUMENTS_FILE, the manifest of the documents to accept');
  }
  const documents = s.persistedDocuments !== 'off' && s.persistedDocumentsFile ? loadPersistedDocuments(s.persistedDocumentsFile, schema) : undefined;
  // Before everything else that reads the params: they see the document an id stands for.
  const first: Plugin[] = s.persistedDocuments === 'off' ? [] : usePersistedDocuments({ mode: s.persistedDocuments, documents });
  const plugins: Plugin[] = [useDeferStream() as Plugin, useHttpCaching({ maxAgeSeconds: s.httpCacheMaxAgeSeconds })];
  return { first, plugins, extraParamNames: s.persistedDocuments === 'off' ? [] : [...DOCUMENT_ID_PARAMS], settings: s };
}
