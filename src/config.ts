import { z } from 'zod';
import { frontendEnv } from './plugins/frontend.js';
import { hardeningEnv } from './plugins/settings.js';

const DURATION_UNITS_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "7d", "36h", "90m", "45s" as milliseconds. */
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const match = /^(\d+(?:\.\d+)?)\s*([smhd])$/.exec(value.trim());
      const ms = match ? Number(match[1]) * DURATION_UNITS_MS[match[2] as keyof typeof DURATION_UNITS_MS] : 0;
      if (!(ms >= 1_000)) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration of at least 1 second, such as 7d, 36h, 90m or 45s' });
        return z.NEVER;
      }
      return ms;
    });

/** Every environment variable the service reads, checked once at start-up. */
const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    HOST: z.string().default('0.0.0.0'),
    DATABASE_URL: z.string().url().optional(),
    PGLITE_DIR: z.string().default('./data'),
    DB_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
    /** Streaming replicas for read-only operations: one URL or a comma-separated list (docs/scaling.md). */
    DATABASE_READ_URL: z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((url) => url.trim())
          .filter(Boolean),
      )
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
    /** How long the statement log keeps entries for `statementAdded(after:)` to resume from. */
    STATEMENT_EVENTS_RETENTION: duration('7d'),
    ...hardeningEnv,
    ...frontendEnv,
  })
  .refine((env) => env.PERSISTED_DOCUMENTS !== 'only' || env.PERSISTED_DOCUMENTS_FILE, {
    message: 'PERSISTED_DOCUMENTS=only needs PERSISTED_DOCUMENTS_FILE, the manifest of the documents to accept',
    path: ['PERSISTED_DOCUMENTS_FILE'],
  })
  .refine((env) => env.DATABASE_URL || (!env.DATABASE_READ_URL?.length && !env.DATABASE_LISTEN_URL), {
    message: 'DATABASE_READ_URL and DATABASE_LISTEN_URL need DATABASE_URL (the PostgreSQL primary)',
    path: ['DATABASE_URL'],
  });

export type Config = z.infer<typeof envSchema>;

/** The environment is wrong: one readable line per bad variable in `problems`. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** zod's words for one bad value, as a person reads them. */
function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'number' ? 'must be a number' : `must be a ${issue.expected}`;
    case 'too_small':
      return `must be at least ${issue.minimum}`;
    case 'too_big':
      return `must be at most ${issue.maximum}`;
    case 'invalid_format':
      return issue.format === 'url' ? 'must be a URL' : `must be a valid ${issue.format}`;
    case 'invalid_value':
      return `must be one of ${issue.values.join(', ')}`;
    default:
      return issue.message;
  }
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const value = given[name];
      // A database URL may carry a password: never echoed.
      const shown =
        value === undefined || /URL|PASSWORD|SECRET|TOKEN/.test(name) ? '' : ` (got ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)})`;
      return `${name} ${describeIssue(issue)}${shown}`;
    });
    throw new ConfigError(problems);
  }
  return parsed.data;
}

/**
 * For entry points: the configuration, or one line per bad variable on stderr and exit code 2
 * (a supervisor can tell "fix the settings" from a crash), never a stack trace.
 */
export function readConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return readConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) process.stderr.write(`invalid configuration: ${problem}\n`);
    process.exit(2);
  }
}
