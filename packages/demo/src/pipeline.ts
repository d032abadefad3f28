import { magentoClients, startCollectWorker } from '@mpc/collector';
import {
  createPrismaClient,
  OrderSyncRepository,
  type PrismaClient,
  ScheduleRepository,
  SecretBox,
} from '@mpc/db';
import {
  type BreakerOptions,
  createExporterMetrics,
  observeBudgets,
  observePlentyCall,
  PlentySystems,
  promoteOnRecovery,
  startExportWorker,
} from '@mpc/exporter';
import type { PlentyPlan } from '@mpc/plenty';
import { createQueues, createRedisConnection, type Queues, type Redis, type Worker } from '@mpc/queue';
import { createLogger, createMetricsRegistry, type Logger, type Registry } from '@mpc/runtime';
import { type SchedulerService, startScheduler } from '@mpc/scheduler';

export interface PipelineOptions {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  secretsKey: string;
  logger?: Logger;
  logLevel?: string;
  /** export workers in this process (0 = none: exporters run as separate processes) */
  exporterConcurrency?: number;
  collectorConcurrency?: number;
  plentyPlan?: PlentyPlan;
  plentyTimeoutMs?: number;
  breaker?: Partial<BreakerOptions>;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  schedulerIntervalMs?: number;
}

export interface Pipeline {
  redisUrl: string;
  prisma: PrismaClient;
  redis: Redis;
  queues: Queues;
  secrets: SecretBox;
  scheduler: SchedulerService;
  collectWorker: Worker;
  exportWorker: Worker | null;
  registry: Registry;
  logger: Logger;
  close(): Promise<void>;
}

/** The scheduler, collector and exporter in one process (the demo, tests and benchmarks). */
export async function startPipeline(opts: PipelineOptions): Promise<Pipeline> {
  const logger = opts.logger ?? createLogger({ service: 'pipeline', level: opts.logLevel ?? 'warn' });
  const prisma = createPrismaClient(opts.databaseUrl, 20);
  const redis = createRedisConnection(opts.redisUrl, 'worker');
  const queues = createQueues(redis, opts.prefix);
  const secrets = new SecretBox(opts.secretsKey);
  const registry = createMetricsRegistry('pipeline');
  const metrics = createExporterMetrics(registry);
  const orderSyncs = new OrderSyncRepository(prisma);
  const schedules = new ScheduleRepository(prisma);
  const magento = magentoClients();
  const scheduler = await startScheduler({
    prisma,
    queues,
    connection: redis,
    prefix: opts.prefix,
    logger,
    ...(opts.schedulerIntervalMs ? { intervalMs: opts.schedulerIntervalMs } : {}),
  });
  const collectWorker = startCollectWorker(
    {
      prisma,
      secrets,
      redis,
      keyPrefix: opts.prefix,
      exportQueue: queues.export,
      orderSyncs,
      schedules,
      orderSource: magento,
      logger,
    },
    { connection: redis, prefix: opts.prefix, concurrency: opts.collectorConcurrency ?? 2 },
    logger,
  );
  const plenty = new PlentySystems({
    redis,
    keyPrefix: opts.prefix,
    logger,
    ...(opts.plentyPlan ? { plan: opts.plentyPlan } : {}),
    ...(opts.plentyTimeoutMs ? { timeoutMs: opts.plentyTimeoutMs } : {}),
    ...(opts.breaker ? { breaker: opts.breaker } : {}),
    onCall: (system, info) => observePlentyCall(metrics, system, info),
    onBreakerState: promoteOnRecovery(queues.export, logger),
  });
  observeBudgets(metrics, () => plenty.list());
  const exportWorker =
    (opts.exporterConcurrency ?? 20) > 0
      ? startExportWorker(
          { prisma, secrets, orderSyncs, plenty, magento, logger },
          {
            connection: redis,
            prefix: opts.prefix,
            concurrency: opts.exporterConcurrency ?? 20,
            ...(opts.lockDurationMs ? { lockDurationMs: opts.lockDurationMs } : {}),
            ...(opts.stalledIntervalMs ? { stalledIntervalMs: opts.stalledIntervalMs } : {}),
          },
          logger,
          metrics,
        )
      : null;
  return {
    redisUrl: opts.redisUrl,
    prisma,
    redis,
    queues,
    secrets,
    scheduler,
    collectWorker,
    exportWorker,
    registry,
    logger,
    close: async () => {
      await scheduler.close();
      await collectWorker.close();
      await exportWorker?.close();
      await plenty.close();
      await queues.close();
      await prisma.$disconnect();
      await redis.quit();
    },
  };
}

export interface SettledCounts {
  total: number;
  byStatus: Record<string, number>;
}

/** Waits until no OrderSync row of the profile is pending or processing and the export queue is idle. */
export async function waitForSettled(
  pipeline: Pick<Pipeline, 'prisma' | 'queues'>,
  profileId: number,
  opts: { timeoutMs: number; minRows?: number; onProgress?: (c: SettledCounts) => void; pollMs?: number },
): Promise<SettledCounts> {
  const deadline = Date.now() + opts.timeoutMs;
  let last: SettledCounts = { total: 0, byStatus: {} };
  while (Date.now() < deadline) {
    const groups = await pipeline.prisma.orderSync.groupBy({
      by: ['status'],
      where: { profileId },
      _count: { _all: true },
    });
    const byStatus = Object.fromEntries(groups.map((g) => [g.status, g._count._all]));
    last = { total: groups.reduce((n, g) => n + g._count._all, 0), byStatus };
    opts.onProgress?.(last);
    const open = (byStatus.pending ?? 0) + (byStatus.processing ?? 0);
    if (open === 0 && last.total >= (opts.minRows ?? 1)) {
      const counts = await pipeline.queues.export.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      if (Object.values(counts).every((n) => n === 0)) return last;
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
  }
  throw new Error(`orders not settled within ${opts.timeoutMs} ms: ${JSON.stringify(last.byStatus)}`);
}
