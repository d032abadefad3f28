import { prom, type Registry } from '@mpc/runtime';

/** The exporter's Prometheus metrics (docs/operations.md explains each). */
export function createExporterMetrics(registry: Registry) {
  const exports = new prom.Counter({
    name: 'mpc_exports_total',
    help: 'Order export attempts by outcome (complete, updated, skipped, failed, retry, noop)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const duration = new prom.Histogram({
    name: 'mpc_export_duration_seconds',
    help: 'Duration of one export job',
    labelNames: ['outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const plentyCalls = new prom.Counter({
    name: 'mpc_plenty_calls_total',
    help: 'Plenty API calls by system, method, route template and HTTP status (0 = no answer)',
    labelNames: ['system', 'method', 'route', 'status'],
    registers: [registry],
  });
  const plentyCallDuration = new prom.Histogram({
    name: 'mpc_plenty_call_duration_seconds',
    help: 'Plenty API call latency',
    labelNames: ['system', 'kind'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const callsPerOrder = new prom.Histogram({
    name: 'mpc_plenty_calls_per_order',
    help: 'Plenty calls spent on one exported order, by kind',
    labelNames: ['kind'],
    buckets: [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 15],
    registers: [registry],
  });
  const breakerState = new prom.Gauge({
    name: 'mpc_plenty_breaker_state',
    help: 'Circuit breaker per Plenty system: 0 closed, 1 half-open, 2 open',
    labelNames: ['system'],
    registers: [registry],
  });
  const budgetLeft = new prom.Gauge({
    name: 'mpc_plenty_budget_calls_left',
    help: 'Plenty rate-limit budget left by system, kind (read/write) and window (short/long)',
    labelNames: ['system', 'kind', 'window'],
    registers: [registry],
  });
  return { exports, duration, plentyCalls, plentyCallDuration, callsPerOrder, breakerState, budgetLeft };
}
export type ExporterMetrics = ReturnType<typeof createExporterMetrics>;
