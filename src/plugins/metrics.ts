import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** What the live module (subscriptions) reports; it registers itself through `observeLive`. */
export interface LiveStats {
  subscribers(): number;
  listenConnected(): boolean;
}

export interface Metrics {
  registry: Registry;
  /** Adds `newsgraph_subscribers` and `newsgraph_listen_connected`, read at every scrape. */
  observeLive(stats: LiveStats): void;
}

/** A registry of our own per app (not prom-client's global one), so apps and tests do not collide. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    observeLive(stats) {
      for (const name of ['newsgraph_subscribers', 'newsgraph_listen_connected']) registry.removeSingleMetric(name);
      new Gauge({
        name: 'newsgraph_subscribers',
        help: 'Open statementAdded subscriptions.',
        registers: [registry],
        collect() {
          this.set(stats.subscribers());
        },
      });
      new Gauge({
        name: 'newsgraph_listen_connected',
        help: '1 while the LISTEN connection to PostgreSQL is up.',
        registers: [registry],
        collect() {
          this.set(stats.listenConnected() ? 1 : 0);
        },
      });
    },
  };
}

/** Request counts, durations and errors at /metrics. */
export function useMetrics(metrics: Metrics): Plugin {
  return usePrometheus({
    registry: metrics.registry,
    endpoint: '/metrics',
    metrics: {
      // Per-phase histograms (parse, validate, execute...) are off: they cost ~20% of the CPU of
      // a compiled read. The HTTP duration histogram counts and times every request.
      graphql_envelop_request: false,
      graphql_envelop_request_duration: false,
      // Not on the subscribe phase: there it would inspect every event sent to every subscriber.
      graphql_envelop_error_result: ['parse', 'validate', 'context', 'execute'],
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_validate: false,
      graphql_envelop_phase_execute: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_execute_resolver: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_schema_change: false,
      graphql_envelop_deprecated_field: false,
      graphql_yoga_http_duration: true,
    },
    // Operation names come from clients: as labels they would let anyone grow the registry.
    labels: { operationName: false, operationType: true, method: true, statusCode: true, url: false },
  });
}
