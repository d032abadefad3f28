import { createPrismaClient, postgresReadiness } from '@mpc/db';
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
import { startScheduler } from './service';

const env = readEnv(
  baseEnvSchema.extend({
    SCHEDULER_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
  }),
);
const logger = createLogger({ service: 'scheduler', level: env.LOG_LEVEL });
const prisma = createPrismaClient(env.DATABASE_URL, 2);
const connection = createRedisConnection(env.REDIS_URL, 'worker');
const queues = createQueues(connection, env.QUEUE_PREFIX);
const scheduler = await startScheduler({
  prisma,
  queues,
  connection,
  prefix: env.QUEUE_PREFIX,
  logger,
  intervalMs: env.SCHEDULER_RECONCILE_INTERVAL_MS,
});
await runWorkerService({
  name: 'scheduler',
  logger,
  healthPort: env.HEALTH_PORT,
  registry: createMetricsRegistry('scheduler'),
  checks: { redis: redisReadiness(connection), postgres: postgresReadiness(prisma) },
  shutdown: [
    { name: 'scheduler', run: () => scheduler.close() },
    { name: 'queues', run: () => queues.close() },
    { name: 'postgres', run: () => prisma.$disconnect() },
    { name: 'redis', run: () => connection.quit() },
  ],
  shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
});
