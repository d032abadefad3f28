import { magentoClients } from '@mpc/collector';
import { createPrismaClient, OrderSyncRepository, postgresReadiness, SecretBox } from '@mpc/db';
import { createRedisConnection, Queue, queueNames } from '@mpc/queue';
import {
  baseEnvSchema,
  createLogger,
  createMetricsRegistry,
  readEnv,
  redisReadiness,
  runWorkerService,
} from '@mpc/runtime';
import { z } from 'zod';
import { createExporterMetrics, observeBudgets, observePlentyCall } from './metrics';
import { PlentySystems } from './plenty-systems';
import { promoteOnRecovery } from './recovery';
import { startExportWorker } from './worker';

const env = readEnv(
  baseEnvSchema
    .extend({
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
const exportQueue = new Queue(queueNames.export, { connection, prefix: env.QUEUE_PREFIX });
const onRecovery = promoteOnRecovery(exportQueue, logger);
const plenty = new PlentySystems({
  redis: connection,
  keyPrefix: env.QUEUE_PREFIX,
  logger,
  plan: env.PLENTY_PLAN,
  timeoutMs: env.PLENTY_TIMEOUT_MS,
  onCall: (system, info) => observePlentyCall(metrics, system, info),
  onBreakerState: (system, state) => {
    metrics.breakerState.set({ system }, state === 'closed' ? 0 : state === 'halfOpen' ? 1 : 2);
    void onRecovery(system, state);
  },
});
observeBudgets(metrics, () => plenty.list());
const worker = startExportWorker(
  {
    prisma,
    secrets: SecretBox.fromEnv(env),
    orderSyncs: new OrderSyncRepository(prisma),
    plenty,
    magento: magentoClients(),
    logger,
  },
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
// SIGTERM: stop taking jobs and finish the running ones (close waits for them) within the deadline;
// a job still running past it stalls and re-runs elsewhere, which the step machine makes safe
await runWorkerService({
  name: 'exporter',
  logger,
  healthPort: env.HEALTH_PORT,
  registry,
  isAlive: () => worker.isRunning(),
  checks: { redis: redisReadiness(connection), postgres: postgresReadiness(prisma) },
  shutdown: [
    { name: 'worker', run: () => worker.close() },
    { name: 'plenty', run: () => plenty.close() },
    { name: 'queue', run: () => exportQueue.close() },
    { name: 'postgres', run: () => prisma.$disconnect() },
    { name: 'redis', run: () => connection.quit() },
  ],
  shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  started: { concurrency: env.EXPORTER_CONCURRENCY },
});
