import type { Plugin, YogaServerOptions } from 'graphql-yoga';
import pino, { type Logger } from 'pino';
import type { Db } from '../db/index.js';
import { useReadiness } from './health.js';
import { useInputSanity } from './input.js';
import { useBodySizeLimit, useQueryLimits, useResponseSizeLimit } from './limits.js';
import { createRequestLogging } from './logging.js';
import { type Metrics, useMetrics } from './metrics.js';
import { type HardeningSettings, defaultLimits } from './settings.js';
import { useCompiledExecution } from './jit.js';
import { type ReadPath, useCompiledReads } from './compiled-reads.js';
import { useTracing } from './tracing.js';

export interface HardeningDeps {
  db: Db;
  /** Show unmasked errors (development only). */
  exposeErrors?: boolean;
  /** JSON logs; silent when absent (tests). */
  logger?: Logger;
  /** Limits and switches; defaults as documented in the README. */
  hardening?: Partial<HardeningSettings>;
  /** Prometheus registry for /metrics; absent means no /metrics. */
  metrics?: Metrics;
  /** True once shutdown has begun (`/ready` answers 503). */
  draining?: () => boolean;
}

export const defaultSettings: HardeningSettings = {
  limits: defaultLimits,
  production: false,
  introspection: true,
  corsOrigins: undefined,
  metrics: true,
  tracing: false,
  jit: true,
  compiledReads: true,
};

/** Everything that makes the yoga instance fit for the public internet, as yoga options. */
export function hardenedYogaOptions(deps: HardeningDeps) {
  const settings = { ...defaultSettings, ...deps.hardening, limits: { ...defaultLimits, ...deps.hardening?.limits } };
  const logger = deps.logger ?? pino({ level: 'silent' });
  const logging = createRequestLogging(logger);
  const plugins: Plugin[] = [
    logging.plugin,
    useInputSanity(),
    ...useQueryLimits(settings),
    useReadiness({ db: deps.db, draining: deps.draining }),
    // After logging's onResultProcess, which gives errors their request id.
    useResponseSizeLimit(settings.limits.maxResponseBytes, logging.requestIdOf),
  ];
  if (deps.metrics && settings.metrics) plugins.push(useMetrics(deps.metrics));
  if (settings.tracing) plugins.push(useTracing());
  if (settings.jit) plugins.push(...useCompiledExecution());
  // After variable coercion (above), which answers bad variables first. Installed either way: it
  // reports which path answered each query (the `readPath` log field, newsgraph_reads_total).
  const reportReadPath = (path: ReadPath, context: { request?: Request }) => {
    if (deps.metrics && settings.metrics) deps.metrics.countRead(path);
    if (context.request) logging.noteReadPath(context.request, path);
  };
  plugins.push(
    useCompiledReads({
      compile: settings.compiledReads,
      maskError: (error) => logging.maskError(error, 'Unexpected error.', deps.exposeErrors ?? false),
      onReadPath: reportReadPath,
    }),
  );
  // After every request parser is in place (it wraps the one chosen), as yoga's own would be.
  plugins.push(useBodySizeLimit(settings.limits.maxBodyBytes));
  const options = {
    plugins,
    logging: logging.yogaLogger,
    maskedErrors: { maskError: logging.maskError, isDev: deps.exposeErrors ?? false },
    healthCheckEndpoint: '/health',
    maxRequestBodySize: false, // useBodySizeLimit above
    batching: settings.limits.maxBatch > 0 ? { limit: settings.limits.maxBatch } : false,
    // No file uploads in this API: multipart parsing would only be attack surface.
    multipart: false,
    cors: settings.corsOrigins === false ? false : settings.corsOrigins ? { origin: settings.corsOrigins } : undefined,
  } satisfies Partial<YogaServerOptions<object, object>>;
  // Not yoga options: for live events masked past the plugins (src/live/shared-results.ts), and
  // for plugins outside this list that answer reads (the response cache).
  return { ...options, logEventErrors: logging.logEventErrors, limits: settings.limits, reportReadPath };
}
