import {
  createPrismaClient,
  OrderSyncRepository,
  postgresReadiness,
  ScheduleRepository,
  SecretBox,
} from '@mpc/db';
import { createQueues, createRedisConnection } from '@mpc/queue';
import {
  baseEnvSchema,
  createLogger,
  createMetricsRegistry,
  readEnv,
  redisReadiness,
  runWorkerService,
} from '@mpc/runtime';
import { z } from 'zod';
import { magentoClients } from './magento-source';
import { startCollectWorker } from './worker';

const env = readEnv(
  baseEnvSchema.extend({ COLLECTOR_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(2) }),
);
const logger = createLogger({ service: 'collector', level: env.LOG_LEVEL });
const prisma = createPrismaClient(env.DATABASE_URL, env.DATABASE_POOL_SIZE);
const connection = createRedisConnection(env.REDIS_URL, 'worker');
const queues = createQueues(connection, env.QUEUE_PREFIX);
const worker = startCollectWorker(
  {
    prisma,
    secrets: SecretBox.fromEnv(env),
    redis: connection,
    keyPrefix: env.QUEUE_PREFIX,
    exportQueue: queues.export,
    orderSyncs: new OrderSyncRepository(prisma),
    schedules: new ScheduleRepository(prisma),
    orderSource: magentoClients(),
    logger,
  },
  { connection, prefix: env.QUEUE_PREFIX, concurrency: env.COLLECTOR_CONCURRENCY },
  logger,
);
await runWorkerService({
  name: 'collector',
  logger,
  healthPort: env.HEALTH_PORT,
  registry: createMetricsRegistry('collector'),
  isAlive: () => worker.isRunning(),
  checks: { redis: redisReadiness(connection), postgres: postgresReadiness(prisma) },
  shutdown: [
    { name: 'worker', run: () => worker.close() },
    { name: 'queues', run: () => queues.close() },
    { name: 'postgres', run: () => prisma.$disconnect() },
    { name: 'redis', run: () => connection.quit() },
  ],
  shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
});
