import { z } from 'zod';

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

const count = (fallback: number, max = 1_000_000) => z.coerce.number().int().min(1).max(max).default(fallback);

/**
 * The environment variables for limits and operations (merged into src/config.ts). Every limit has
 * a default that lets the documented queries and GraphiQL through; each is overridable.
 */
export const hardeningEnv = {
  MAX_DEPTH: count(12, 1000),
  /** Introspection nests `ofType` deeper than any data query: GraphiQL's own query needs 15. */
  MAX_INTROSPECTION_DEPTH: count(16, 1000),
  MAX_ALIASES: count(15),
  MAX_TOKENS: count(2000),
  MAX_DIRECTIVES: count(20),
  MAX_COST: count(50_000, 1_000_000_000),
  MAX_BODY_BYTES: count(512 * 1024, 1024 * 1024 * 1024),
  /** The time one request's extractions may take together; past it the extraction is stopped. */
  MAX_EXTRACTION_MS: count(10_000, 600_000),
  /** Extractor worker threads; unset: the cores less one, from one to four. */
  EXTRACT_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  MAX_RESPONSE_BYTES: count(16 * 1024 * 1024, 1024 * 1024 * 1024),
  MAX_SUBSCRIPTIONS: count(10_000),
  MAX_SUBSCRIPTIONS_PER_ADDRESS: count(100),
  MAX_BATCH: z.coerce.number().int().min(0).max(1000).default(10),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(2_000),
  INTROSPECTION: flag(true),
  /** Unset: yoga's default (any origin). `none` turns CORS off; otherwise a comma-separated list. */
  CORS_ORIGINS: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  METRICS: flag(true),
  OTEL_TRACING: flag(false),
  /** Compile each operation to JavaScript (graphql-jit): ~20-30% less CPU per request. */
  GRAPHQL_JIT: flag(true),
  /** Answer read queries the SQL compiler supports with one statement that builds the JSON (src/read/compiled.ts). */
  COMPILED_READS: flag(true),
  /**
   * The embedded default's first-start editor token is written to this file (mode 0600) instead of
   * stdout; in production it is made only when this is set.
   */
  DEV_TOKEN_FILE: z.string().optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
};

export interface Limits {
  maxDepth: number;
  maxIntrospectionDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxCost: number;
  maxBodyBytes: number;
  /** Size of one HTTP response (a batch's answers together); past it, RESPONSE_TOO_LARGE. */
  maxResponseBytes: number;
  maxBatch: number;
  maxExtractionMs: number;
  /** Open subscriptions (SSE and WebSocket) on the instance, and from one client address. */
  maxSubscriptions: number;
  maxSubscriptionsPerAddress: number;
}

export interface HardeningSettings {
  limits: Limits;
  /** Production: no field suggestions ("did you mean ..."), which would map the schema for attackers. */
  production: boolean;
  introspection: boolean;
  corsOrigins?: string[] | false | undefined;
  metrics: boolean;
  tracing: boolean;
  jit: boolean;
  compiledReads: boolean;
}

export const defaultLimits: Limits = {
  maxDepth: 12,
  maxIntrospectionDepth: 16,
  maxAliases: 15,
  maxTokens: 2000,
  maxDirectives: 20,
  maxCost: 50_000,
  maxBodyBytes: 512 * 1024,
  maxResponseBytes: 16 * 1024 * 1024,
  maxBatch: 10,
  maxExtractionMs: 10_000,
  maxSubscriptions: 10_000,
  maxSubscriptionsPerAddress: 100,
};

type HardeningEnv = z.infer<z.ZodObject<typeof hardeningEnv>> & { NODE_ENV: string };

export function settingsFromConfig(config: HardeningEnv): HardeningSettings {
  const cors = config.CORS_ORIGINS?.trim();
  return {
    limits: {
      maxDepth: config.MAX_DEPTH,
      maxIntrospectionDepth: config.MAX_INTROSPECTION_DEPTH,
      maxAliases: config.MAX_ALIASES,
      maxTokens: config.MAX_TOKENS,
      maxDirectives: config.MAX_DIRECTIVES,
      maxCost: config.MAX_COST,
      maxBodyBytes: config.MAX_BODY_BYTES,
      maxResponseBytes: config.MAX_RESPONSE_BYTES,
      maxBatch: config.MAX_BATCH,
      maxExtractionMs: config.MAX_EXTRACTION_MS,
      maxSubscriptions: config.MAX_SUBSCRIPTIONS,
      maxSubscriptionsPerAddress: config.MAX_SUBSCRIPTIONS_PER_ADDRESS,
    },
    production: config.NODE_ENV === 'production',
    introspection: config.INTROSPECTION,
    corsOrigins: !cors ? undefined : cors === 'none' ? false : cors.split(',').map((origin) => origin.trim()),
    metrics: config.METRICS,
    tracing: config.OTEL_TRACING,
    jit: config.GRAPHQL_JIT,
    compiledReads: config.COMPILED_READS,
  };
}
