// Composition root of the api service: env → logger → prisma → redis → queues → app → listen.
import type { AddressInfo } from 'node:net';
import { createPrismaClient, SecretBox } from '@mpc/db';
import { createQueues, createRedisConnection } from '@mpc/queue';
import { createLogger, createMetricsRegistry, onShutdown, readEnv } from '@mpc/runtime';
import { createApp } from './app';
import { apiEnvSchema } from './env';
import { createRemoteSystems } from './remote';
import { apiKeyRepository } from './repositories/api-keys';

const SERVICE = 'api';
const env = readEnv(apiEnvSchema);
const logger = createLogger({ service: SERVICE, level: env.LOG_LEVEL });
const prisma = createPrismaClient(env.DATABASE_URL, env.DATABASE_POOL_SIZE);
const redis = createRedisConnection(env.REDIS_URL, 'producer');
redis.on('error', (err) => logger.warn('redis connection error', { err: err.message }));
const queues = createQueues(redis, env.QUEUE_PREFIX);
const secrets = SecretBox.fromEnv(env);

if (
  env.API_BOOTSTRAP_ADMIN_KEY &&
  (await apiKeyRepository(prisma).ensureBootstrapAdmin(env.API_BOOTSTRAP_ADMIN_KEY))
) {
  logger.info('created the bootstrap admin API key from API_BOOTSTRAP_ADMIN_KEY');
}

let shuttingDown = false;
const app = createApp({
  shuttingDown: () => shuttingDown,
  prisma,
  redis,
  queues,
  secrets,
  logger,
  metrics: createMetricsRegistry(SERVICE),
  config: {
    rateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
    corsOrigins: env.CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    trustProxy: env.TRUST_PROXY,
    serviceName: SERVICE,
    redisKeyPrefix: env.QUEUE_PREFIX,
  },
  ...createRemoteSystems({ redis, keyPrefix: env.QUEUE_PREFIX, logger }),
});

const server = app.listen(env.API_PORT, env.API_HOST, () => {
  logger.info('api listening', { port: (server.address() as AddressInfo).port });
});

onShutdown(
  logger,
  [
    { name: 'http', run: () => new Promise<void>((resolve) => server.close(() => resolve())) },
    { name: 'queues', run: () => queues.close() },
    { name: 'redis', run: () => redis.quit() },
    { name: 'prisma', run: () => prisma.$disconnect() },
  ],
  { timeoutMs: env.SHUTDOWN_TIMEOUT_MS, onStart: () => (shuttingDown = true) },
);
