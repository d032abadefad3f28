import type { CallInfo } from '@mpc/plenty';
import { prom, type Registry } from '@mpc/runtime';
import type { PlentySystem } from './plenty-systems';

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

/** Counts a Plenty call (the clients' onCall hook). */
export function observePlentyCall(metrics: ExporterMetrics, system: string, info: CallInfo): void {
  metrics.plentyCalls.inc({ system, method: info.method, route: info.route, status: String(info.status) });
  metrics.plentyCallDuration.observe({ system, kind: info.kind }, info.durationMs / 1000);
}

/**
 * Publishes the shared rate-limit budget (Redis, as Plenty's headers last said) of every system
 * this process talks to, read at scrape time; a slow or dead Redis must not hang /metrics, so each
 * read is bounded and the last values stay.
 */
export function observeBudgets(
  metrics: ExporterMetrics,
  systems: () => PlentySystem[],
  timeoutMs = 1000,
): void {
  Object.assign(metrics.budgetLeft, {
    collect: async () => {
      await Promise.all(
        systems().map(async ({ client }) => {
          const budget = await withTimeout(client.rateLimiter?.getBudget(), timeoutMs).catch(() => undefined);
          if (!budget) return;
          for (const kind of ['read', 'write'] as const) {
            for (const window of ['short', 'long'] as const) {
              const w = budget[kind][window];
              if (w) metrics.budgetLeft.set({ system: client.host, kind, window }, w.callsLeft);
            }
          }
        }),
      );
    },
  });
}

function withTimeout<T>(p: Promise<T> | undefined, ms: number): Promise<T | undefined> {
  if (!p) return Promise.resolve(undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
