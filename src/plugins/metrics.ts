import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ReadRouter, ReplicaState } from '../db/replicas.js';
import type { ReadPath } from './compiled-reads.js';

/** What the live module (subscriptions) reports; it registers itself through `observeLive`. */
export interface LiveStats {
  subscribers(): number;
  listenConnected(): boolean;
}

export interface Metrics {
  registry: Registry;
  /** Adds `newsgraph_subscribers` and `newsgraph_listen_connected`, read at every scrape. */
  observeLive(stats: LiveStats): void;
  /** Adds per-replica state and lag, and read operations per target (primary or replica). */
  observeReads(reads: Pick<ReadRouter, 'replicas' | 'reads'>): void;
  /** Counts a query answered by `path` (newsgraph_reads_total{path}). */
  countRead(path: ReadPath): void;
}

const REPLICA_STATES: ReplicaState[] = ['unknown', 'up', 'lagging', 'down', 'not_standby'];

/** A registry of our own per app (not prom-client's global one), so apps and tests do not collide. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const byPath: Record<ReadPath, number> = { compiled: 0, executor: 0, cache: 0 };
  let router: Pick<ReadRouter, 'reads'> | undefined;
  // One metric, two views of the same reads: by path always, by target when reads are routed.
  new Counter({
    name: 'newsgraph_reads_total',
    help: 'Read operations (queries) served: by path ("compiled" SQL, the "executor" or the response "cache"), and, with read replicas, by target ("primary" or a replica).',
    labelNames: ['path', 'target'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [path, count] of Object.entries(byPath)) this.inc({ path }, count);
      for (const [target, count] of Object.entries(router?.reads() ?? {})) this.inc({ target }, count);
    },
  });
  return {
    registry,
    countRead(path) {
      byPath[path]++;
    },
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
    observeReads(reads) {
      new Gauge({
        name: 'newsgraph_replica_state',
        help: 'Each read replica\'s state: 1 for the current one (only "up" is in the read rotation).',
        labelNames: ['replica', 'state'],
        registers: [registry],
        collect() {
          for (const replica of reads.replicas()) {
            for (const state of REPLICA_STATES) this.set({ replica: replica.name, state }, replica.state === state ? 1 : 0);
          }
        },
      });
      new Gauge({
        name: 'newsgraph_replica_lag_seconds',
        help: "How old each read replica's data is, as its probes measure it (absent while unknown).",
        labelNames: ['replica'],
        registers: [registry],
        collect() {
          this.reset();
          for (const replica of reads.replicas()) if (replica.lagMs != null) this.set({ replica: replica.name }, replica.lagMs / 1000);
        },
      });
      router = reads;
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
