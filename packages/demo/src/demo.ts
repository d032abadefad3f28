import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { apiKeyRepository, createApp, createRemoteSystems } from '@mpc/api';
import { type ScopeSettings, scopeSettingsSchema } from '@mpc/core';
import { migrate, recreateDatabase } from '@mpc/db';
import { createQueues, createRedisConnection } from '@mpc/queue';
import { createMetricsRegistry } from '@mpc/runtime';
import {
  catalogFromOrders,
  generateMagentoOrders,
  loadOrdersFile,
  type MagentoSandbox,
  type PlentySandbox,
  type PlentySandboxOptions,
  startMagentoSandbox,
  startPlentySandbox,
} from '@mpc/sandbox';
import { z } from 'zod';
import { type Pipeline, type SettledCounts, startPipeline, waitForSettled } from './pipeline';
import { setupProfile } from './profile-setup';

/** A profile file: the shape the config REST API accepts (profile fields + settings per scope). */
export const demoProfileFileSchema = z
  .object({
    name: z.string().min(1).default('Demo order export'),
    cronExpression: z.string().default('*/5 * * * * *'),
    timezone: z.string().default('UTC'),
    settings: z.record(z.string(), scopeSettingsSchema).default({}),
  })
  .strict();

export interface DemoOptions {
  ordersFile?: string;
  count: number;
  seed: number;
  profileFile?: string;
  reportFile?: string;
  latencyMs: number;
  faults: PlentySandboxOptions['faults'];
  plan?: PlentySandboxOptions['plan'];
  plentyCatalogFile?: string;
  serve: boolean;
  /** port of the API with --serve (0 = any free port) */
  apiPort?: number;
  timeoutMs: number;
  databaseUrl: string;
  redisUrl: string;
  secretsKey: string;
  log: (line: string) => void;
}

export interface DemoResult {
  ok: boolean;
  counts: SettledCounts;
  wallTimeMs: number;
  rows: Awaited<ReturnType<Pipeline['prisma']['orderSync']['findMany']>>;
}

/** `--faults 5xx=0.1,timeout=0.02,drop=0.01,429=0.05` → the Plenty sandbox's fault options. */
export function parseFaults(spec: string | undefined): PlentySandboxOptions['faults'] {
  if (!spec) return undefined;
  const faults: Record<string, number> = {};
  const names: Record<string, string> = { '5xx': 'error5xxRate', timeout: 'timeoutRate', drop: 'dropRate' };
  for (const part of spec.split(',')) {
    const [k, v] = part.split('=');
    const name = names[k?.trim() ?? ''];
    const rate = Number(v);
    if (!name || !(rate >= 0 && rate <= 1))
      throw new Error(`--faults: "${part}" is not one of 5xx=, timeout=, drop= with a rate from 0 to 1`);
    faults[name] = rate;
  }
  return faults as PlentySandboxOptions['faults'];
}

export async function runDemo(
  opts: DemoOptions,
): Promise<DemoResult & { close(): Promise<void>; urls: Record<string, string> }> {
  const started = Date.now();
  const log = opts.log;
  // the demo owns its database: every run starts from a clean one
  log(`demo: creating the demo database ${new URL(opts.databaseUrl).pathname.slice(1)}`);
  await recreateDatabase(opts.databaseUrl);
  await migrate({ databaseUrl: opts.databaseUrl });

  const orders = opts.ordersFile
    ? loadOrdersFile(opts.ordersFile)
    : generateMagentoOrders({ count: opts.count, seed: opts.seed });
  const catalog = opts.plentyCatalogFile
    ? z
        .array(z.object({ sku: z.string(), variationId: z.number().int(), name: z.string().default('') }))
        .parse(JSON.parse(await readText(opts.plentyCatalogFile)))
    : catalogFromOrders(orders);
  const magento: MagentoSandbox = await startMagentoSandbox({ orders });
  const plenty: PlentySandbox = await startPlentySandbox({
    catalog,
    latencyMs: opts.latencyMs,
    ...(opts.faults ? { faults: opts.faults } : {}),
    ...(opts.plan ? { plan: opts.plan } : {}),
  });
  log(
    `demo: Magento sandbox ${magento.url} (${orders.length} orders), Plenty sandbox ${plenty.url} (${catalog.length} variations)`,
  );

  const prefix = `demo-${Date.now().toString(36)}`;
  const pipeline = await startPipeline({
    databaseUrl: opts.databaseUrl,
    redisUrl: opts.redisUrl,
    prefix,
    secretsKey: opts.secretsKey,
    exporterConcurrency: 20,
    breaker: { resetTimeoutMs: 3000 },
  });
  const profileFile = opts.profileFile
    ? demoProfileFileSchema.parse(JSON.parse(await readText(opts.profileFile)))
    : demoProfileFileSchema.parse({});
  const { profileId } = await setupProfile(pipeline.prisma, pipeline.secrets, {
    name: profileFile.name,
    magento: { baseUrl: magento.url, accessToken: 'sandbox-integration-token' },
    plenty: { baseUrl: plenty.url, username: 'api-user', password: 'api-pass' },
    cronExpression: profileFile.cronExpression,
    timezone: profileFile.timezone,
    ...(Object.keys(profileFile.settings).length
      ? { scopes: profileFile.settings as Record<string, ScopeSettings> }
      : {}),
    active: true,
  });
  await pipeline.scheduler.reconcile();
  log(
    `demo: profile ${profileId} active, schedule "${profileFile.cronExpression}" (${profileFile.timezone}); waiting for the first run`,
  );

  let counts: SettledCounts = { total: 0, byStatus: {} };
  let ok = false;
  let lastLine = '';
  try {
    counts = await waitForSettled(pipeline, profileId, {
      timeoutMs: opts.timeoutMs,
      minRows: 1,
      pollMs: 500,
      onProgress: (c) => {
        const line = `demo: ${c.total} orders in the sync log: ${
          Object.entries(c.byStatus)
            .map(([s, n]) => `${n} ${s}`)
            .join(', ') || 'waiting for the scheduled run'
        }`;
        if (line !== lastLine) log(line);
        lastLine = line;
      },
    });
    ok = (counts.byStatus.failed ?? 0) === 0;
  } catch (err) {
    log(`demo: ${(err as Error).message}`);
  }
  const rows = await pipeline.prisma.orderSync.findMany({
    where: { profileId },
    orderBy: { magentoOrderId: 'asc' },
  });
  const wallTimeMs = Date.now() - started;
  if (opts.reportFile) {
    const history = await pipeline.prisma.orderSyncHistory.findMany({
      where: { profileId },
      orderBy: { id: 'asc' },
    });
    const schedules = await pipeline.prisma.schedule.findMany({
      where: { profileId },
      include: { history: true },
      orderBy: { id: 'asc' },
    });
    await writeFile(
      opts.reportFile,
      JSON.stringify(
        { ok, counts, wallTimeMs, orderSyncs: rows, history, schedules, plenty: plenty.state.snapshot() },
        null,
        2,
      ),
    );
    log(`demo: report written to ${opts.reportFile}`);
  }
  const urls: Record<string, string> = { 'Magento sandbox': magento.url, 'Plenty sandbox': plenty.url };
  const closeApi = opts.serve ? await startApi(pipeline, prefix, opts.apiPort ?? 3000, urls) : async () => {};
  const close = async () => {
    await closeApi();
    await pipeline.close();
    await magento.close();
    await plenty.close();
  };
  return { ok, counts, wallTimeMs, rows, close, urls };
}

const readText = (path: string) => readFile(path, 'utf8');

/** --serve: the config API, Swagger UI and Bull Board on the demo's data, with a fresh admin key. */
async function startApi(
  pipeline: Pipeline,
  prefix: string,
  port: number,
  urls: Record<string, string>,
): Promise<() => Promise<void>> {
  const redis = createRedisConnection(pipeline.redisUrl, 'producer');
  const queues = createQueues(redis, prefix);
  const app = createApp({
    prisma: pipeline.prisma,
    redis,
    queues,
    secrets: pipeline.secrets,
    logger: pipeline.logger,
    metrics: createMetricsRegistry('api'),
    config: {
      rateLimitPerMinute: 600,
      corsOrigins: [],
      trustProxy: 0,
      serviceName: 'api',
      redisKeyPrefix: prefix,
    },
    ...createRemoteSystems({ redis, keyPrefix: prefix, logger: pipeline.logger }),
  });
  const { key } = await apiKeyRepository(pipeline.prisma).create({ name: 'demo admin', role: 'admin' });
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  urls.API = `${base}/api/v1 (Authorization: Bearer ${key})`;
  urls['Swagger UI'] = `${base}/docs`;
  urls['Bull Board'] = `${base}/admin/queues?key=${key}`;
  urls.metrics = `${base}/metrics`;
  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await queues.close();
    await redis.quit();
  };
}

export function randomSecretsKey(): string {
  return randomBytes(32).toString('base64');
}
