import { useOpenTelemetry } from '@envelop/opentelemetry';
import { trace } from '@opentelemetry/api';
import type { Plugin } from 'graphql-yoga';

/**
 * OpenTelemetry spans for every operation, sent to the globally registered tracer provider: start
 * the process with an OpenTelemetry SDK (e.g. `node --import @opentelemetry/auto-instrumentations-node/register`)
 * to export them. Variables and results are left out of the spans: they may hold tokens or text.
 */
export function useTracing(): Plugin {
  return useOpenTelemetry({ resolvers: false, variables: false, result: false }, trace.getTracerProvider(), undefined, undefined, 'newsgraph') as Plugin;
}
