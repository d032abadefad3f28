import { magentoClients } from '@mpc/collector';
import { createPrismaClient, OrderSyncRepository, SecretBox } from '@mpc/db';
import type { PlentyClient } from '@mpc/plenty';
import { createRedisConnection } from '@mpc/queue';
import {
  baseEnvSchema,
  createLogger,
  createMetricsRegistry,
  onShutdown,
  readEnv,
  redisReadiness,
  startHealthServer,
} from '@mpc/runtime';
import { z } from 'zod';
import { createExporterMetrics } from './metrics';
import { PlentySystems } from './plenty-systems';
import { startExportWorker } from './worker';

const env = readEnv(
  baseEnvSchema.extend({
    EXPORTER_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(20),
    PLENTY_PLAN: z.enum(['basic', 'classic', 'flex', 'plus']).default('classic'),
    PLENTY_TIMEOUT_MS: z.coerce.number().int().min(500).default(30_000),
    /** a worker that dies loses its jobs' locks after this long; they then run again elsewhere */
    EXPORTER_LOCK_DURATION_MS: z.coerce.number().int().min(1000).default(30_000),
    EXPORTER_STALLED_INTERVAL_MS: z.coerce.number().int().min(1000).default(30_000),
  })
  // a job may only run again once any Plenty call of its dead worker has ended; otherwise the
  // re-run's lookup can miss an order whose create is still in flight and book it twice
  .refine((e) => e.EXPORTER_LOCK_DURATION_MS >= e.PLENTY_TIMEOUT_MS, {
    path: ['EXPORTER_LOCK_DURATION_MS'],
    message: 'must be at least PLENTY_TIMEOUT_MS',
  }),
);
const logger = createLogger({ service: 'exporter', level: env.LOG_LEVEL });
const registry = createMetricsRegistry('exporter');
const metrics = createExporterMetrics(registry);
const prisma = createPrismaClient(env.DATABASE_URL, env.DATABASE_POOL_SIZE);
const connection = createRedisConnection(env.REDIS_URL, 'worker');
// every Plenty client this process created, by system host: mpc_plenty_budget_calls_left reads their limiters on scrape
const clients = new Map<string, PlentyClient>();
class ObservedPlentySystems extends PlentySystems {
  override get(conn: Parameters<PlentySystems['get']>[0]) {
    const system = super.get(conn);
    clients.set(new URL(conn.baseUrl).host, system.client);
    return system;
  }
}
const plenty = new ObservedPlentySystems({
  redis: connection,
  keyPrefix: env.QUEUE_PREFIX,
  logger,
  plan: env.PLENTY_PLAN,
  timeoutMs: env.PLENTY_TIMEOUT_MS,
  onCall: (system, info) => {
    metrics.plentyCalls.inc({ system, method: info.method, route: info.route, status: String(info.status) });
    metrics.plentyCallDuration.observe({ system, kind: info.kind }, info.durationMs / 1000);
  },
  onBreakerState: (system, state) =>
    metrics.breakerState.set({ system }, state === 'closed' ? 0 : state === 'halfOpen' ? 1 : 2),
});
// the shared budget (Redis) as Plenty's headers last said, read at scrape time; a slow or dead Redis
// must not hang /metrics, so the read is bounded and the last values stay
Object.assign(metrics.budgetLeft, {
  collect: async () => {
    await Promise.all(
      [...clients].map(async ([system, client]) => {
        const budget = await withTimeout(client.rateLimiter?.getBudget(), 1000).catch(() => undefined);
        if (!budget) return;
        for (const kind of ['read', 'write'] as const) {
          for (const window of ['short', 'long'] as const) {
            const w = budget[kind][window];
            if (w) metrics.budgetLeft.set({ system, kind, window }, w.callsLeft);
          }
        }
      }),
    );
  },
});
function withTimeout<T>(p: Promise<T> | undefined, ms: number): Promise<T | undefined> {
  if (!p) return Promise.resolve(undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
const orderSyncs = new OrderSyncRepository(prisma);
const worker = startExportWorker(
  { prisma, secrets: SecretBox.fromEnv(env), orderSyncs, plenty, magento: magentoClients(), logger },
  {
    connection,
    prefix: env.QUEUE_PREFIX,
    concurrency: env.EXPORTER_CONCURRENCY,
    lockDurationMs: env.EXPORTER_LOCK_DURATION_MS,
    stalledIntervalMs: env.EXPORTER_STALLED_INTERVAL_MS,
  },
  logger,
  metrics,
);
const health = await startHealthServer({
  port: env.HEALTH_PORT,
  registry,
  isAlive: () => worker.isRunning(),
  checks: {
    redis: redisReadiness(connection),
    postgres: async () => void (await prisma.$queryRaw`SELECT 1`),
  },
});
logger.info('exporter started', { healthPort: health.port, concurrency: env.EXPORTER_CONCURRENCY });
// SIGTERM: stop taking jobs and finish the running ones (close waits for them) within the deadline;
// a job still running past it stalls and re-runs elsewhere, which the step machine makes safe
onShutdown(
  logger,
  [
    { name: 'worker', run: () => worker.close() },
    { name: 'plenty', run: () => plenty.close() },
    { name: 'health', run: () => health.close() },
    { name: 'postgres', run: () => prisma.$disconnect() },
    { name: 'redis', run: () => connection.quit() },
  ],
  { timeoutMs: env.SHUTDOWN_TIMEOUT_MS, onStart: () => health.markShuttingDown() },
);
