import { z } from 'zod';
import { hardeningEnv } from './plugins/settings.js';

/** Every environment variable the service reads, checked once at start-up. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  PGLITE_DIR: z.string().default('./data'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
  /** Streaming replicas for read-only operations: one URL or a comma-separated list (docs/scaling.md). */
  DATABASE_READ_URL: z
    .string()
    .transform((value) => value.split(',').map((url) => url.trim()).filter(Boolean))
    .pipe(z.array(z.string().url()))
    .optional(),
  DB_READ_BALANCE: z.enum(['round-robin', 'least-outstanding']).default('round-robin'),
  DB_REPLICA_MAX_LAG_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  DB_REPLICA_PROBE_MS: z.coerce.number().int().min(50).max(600_000).default(1_000),
  /** The primary, direct, for LISTEN and the migration lock, when DATABASE_URL goes through PgBouncer. */
  DATABASE_LISTEN_URL: z.string().url().optional(),
  NODE_ENV: z.string().default('development'),
  LIVE_MAX_BUFFERED: z.coerce.number().int().min(1).max(1_000_000).default(1_000),
  LIVE_STALL_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  ...hardeningEnv,
}).refine((env) => env.DATABASE_URL || (!env.DATABASE_READ_URL?.length && !env.DATABASE_LISTEN_URL), {
  message: 'DATABASE_READ_URL and DATABASE_LISTEN_URL need DATABASE_URL (the PostgreSQL primary)',
  path: ['DATABASE_URL'],
});

export type Config = z.infer<typeof envSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    throw new Error(`Invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
