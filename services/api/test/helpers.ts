import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import type { MagentoLookups } from '@mpc/core';
import { plentyLookups } from '@mpc/core/testing';
import { createPrismaClient, type PrismaClient, SecretBox } from '@mpc/db';
import { createQueues, createRedisConnection, type Queues, type Redis } from '@mpc/queue';
import { createLogger, createMetricsRegistry } from '@mpc/runtime';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../src/app';
import type { AppDeps, ConnectionTestResult, FetchedLookups } from '../src/deps';
import { apiKeyRepository } from '../src/repositories/api-keys';

export { plentyLookups };

export const TABLES = [
  'ApiKey',
  'AuditLog',
  'Connection',
  'Profile',
  'ProfileSetting',
  'Lookup',
  'OrderSync',
  'OrderSyncHistory',
  'Schedule',
  'ScheduleHistory',
];

export const magentoLookups: MagentoLookups = {
  websites: [
    { id: 0, code: 'admin', name: 'Admin' },
    { id: 1, code: 'base', name: 'Main Website' },
  ],
  storeGroups: [{ id: 1, website_id: 1, code: 'main', name: 'Main Store' }],
  storeViews: [
    { id: 0, code: 'admin', website_id: 0, store_group_id: 0, name: 'Admin' },
    { id: 1, code: 'default', website_id: 1, store_group_id: 1, name: 'Default Store View' },
    { id: 3, code: 'de', website_id: 1, store_group_id: 1, name: 'German' },
  ],
  storeConfigs: [{ id: 1, code: 'default', website_id: 1, locale: 'en_US', base_currency_code: 'EUR' }],
};

/** a complete configuration for both store views of the lookups above */
export const completeSettings = {
  orderStatus: {
    statusMapping: [
      { magentoStatus: 'processing', plentyStatusId: 5 },
      { magentoStatus: 'complete', plentyStatusId: 7 },
    ],
  },
  shipping: { defaultShippingProfileId: 6 },
  warehouse: { mainWarehouseId: 1 },
  store: {
    storeMapping: [
      { magentoStoreId: 1, language: 'en', plentyId: 1000 },
      { magentoStoreId: 3, language: 'de', plentyId: 1001 },
    ],
    referrerId: 4.02,
  },
  payment: { methodMapping: [{ magentoMethod: 'checkmo', plentyMethodId: 1, createPayment: true }] },
};

export interface Harness {
  app: Express;
  deps: AppDeps;
  prisma: PrismaClient;
  redis: Redis;
  queues: Queues;
  prefix: string;
  logLines: string[];
  remote: {
    lookups: () => Promise<FetchedLookups>;
    test: (creds: unknown) => Promise<ConnectionTestResult>;
    calls: unknown[];
  };
  adminKey: string;
  viewerKey: string;
  close(): Promise<void>;
  reset(): Promise<void>;
  rebuild(config?: Partial<AppDeps['config']>): void;
}

export const SECRETS_KEY = randomBytes(32).toString('base64');

/** what the fake remote answers until a test says otherwise: both sides collected */
export const lookupsOk = async (): Promise<FetchedLookups> => ({
  plenty: { ok: true, data: plentyLookups },
  magento: { ok: true, data: magentoLookups },
});
const connected = async (): Promise<ConnectionTestResult> => ({ ok: true, message: 'connected' });

/** fills `h` (so a harness handed out before the suite starts is the one the tests use) */
export async function createHarness(
  config: Partial<AppDeps['config']> = {},
  h = {} as Harness,
): Promise<Harness> {
  const prisma = createPrismaClient(
    process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/mpc_test',
    4,
  );
  const redis = createRedisConnection(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'producer');
  const prefix = `test-api-${process.pid}-${randomBytes(4).toString('hex')}`;
  const queues = createQueues(redis, prefix);
  const logLines: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const logger = createLogger({ service: 'api', level: 'silly', stream });
  const remote: Harness['remote'] = { lookups: lookupsOk, test: connected, calls: [] };
  const metrics = createMetricsRegistry('api-test');
  Object.assign(h, { prisma, redis, queues, prefix, logLines, remote, adminKey: '', viewerKey: '' });
  h.rebuild = (extra = {}) => {
    h.deps = {
      prisma,
      redis,
      queues,
      logger,
      metrics,
      secrets: new SecretBox(SECRETS_KEY),
      config: {
        rateLimitPerMinute: 100_000,
        corsOrigins: [],
        trustProxy: 0,
        redisKeyPrefix: prefix,
        ...config,
        ...extra,
      },
      fetchLookups: async (ctx) => {
        remote.calls.push({ fetchLookups: ctx.profile.id });
        return remote.lookups();
      },
      testConnection: async (creds) => {
        remote.calls.push({ testConnection: creds });
        return remote.test(creds);
      },
    };
    h.app = createApp(h.deps);
  };
  h.rebuild();
  const deleteRedisKeys = () =>
    redis.eval(
      `local keys = redis.call('keys', ARGV[1]) for i=1,#keys,5000 do redis.call('del', unpack(keys, i, math.min(i+4999, #keys))) end return #keys`,
      0,
      `${prefix}:*`,
    );
  h.reset = async () => {
    await prisma.$executeRawUnsafe(
      `TRUNCATE ${TABLES.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`,
    );
    await deleteRedisKeys();
    const keys = apiKeyRepository(prisma);
    h.adminKey = (await keys.create({ name: 'alice-admin', role: 'admin' })).key;
    h.viewerKey = (await keys.create({ name: 'victor-viewer', role: 'viewer' })).key;
    remote.calls.length = 0;
    remote.lookups = lookupsOk;
    remote.test = connected;
    logLines.length = 0;
  };
  h.close = async () => {
    await deleteRedisKeys();
    await queues.close();
    await redis.quit();
    await prisma.$disconnect();
  };
  return h;
}

/**
 * The mocha hooks of a suite on one harness: created before the suite, reset (empty tables and
 * Redis keys, fresh API keys) before each test — or once before the suite with `reset: 'once'` —
 * and closed after it. Call it inside `describe`; its hooks run before the suite's own.
 */
export function useHarness(
  config: Partial<AppDeps['config']> = {},
  { reset = 'each' }: { reset?: 'each' | 'once' } = {},
): Harness {
  const h = {} as Harness;
  before(async () => {
    await createHarness(config, h);
    if (reset === 'once') await h.reset();
  });
  if (reset === 'each') beforeEach(() => h.reset());
  after(() => h.close());
  return h;
}

/** a 127.0.0.1 port nobody listens on (bound, then released) */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const as = (key: string) => ({ Authorization: `Bearer ${key}` });

/** creates a Magento + a Plenty connection and a profile (with lookups collected by the fake remote) */
export async function seedProfile(h: Harness, name = 'main') {
  const m = await request(h.app).post('/api/v1/connections').set(as(h.adminKey)).send({
    kind: 'magento',
    name: 'shop',
    baseUrl: 'http://127.0.0.1:9/',
    accessToken: 'magento-token-SECRET-1234',
  });
  const p = await request(h.app).post('/api/v1/connections').set(as(h.adminKey)).send({
    kind: 'plenty',
    name: 'erp',
    baseUrl: 'http://127.0.0.1:9',
    username: 'api-user',
    password: 'plenty-password-SECRET-5678',
  });
  const profile = await request(h.app).post('/api/v1/profiles').set(as(h.adminKey)).send({
    name,
    magentoConnectionId: m.body.id,
    plentyConnectionId: p.body.id,
    cronExpression: '*/15 * * * *',
    timezone: 'Europe/Berlin',
  });
  if (profile.status !== 201) throw new Error(`seed failed: ${JSON.stringify(profile.body)}`);
  return {
    magento: m.body as { id: number },
    plenty: p.body as { id: number },
    profile: profile.body as { id: number; lookups: unknown },
  };
}

export async function rowCounts(prisma: PrismaClient): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) {
    const [r] = await prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${t}"`);
    out[t] = Number(r!.n);
  }
  return out;
}
