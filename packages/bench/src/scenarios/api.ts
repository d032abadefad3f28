import type { AddressInfo } from 'node:net';
import { apiKeyRepository, createApp } from '@mpc/api';
import { createPrismaClient, migrate, SecretBox } from '@mpc/db';
import { testEnv, uniquePrefix } from '@mpc/demo';
import { createQueues, createRedisConnection } from '@mpc/queue';
import { createLogger, createMetricsRegistry } from '@mpc/runtime';
import { bySize, type ScenarioDef } from '../common';
import { round, type Target } from '../report';

/** The API scenario's own database beside the benchmark's (dropped and re-created each run). */
function apiDatabaseUrl(): string {
  const url = new URL(testEnv.databaseUrl);
  url.pathname = `${url.pathname}_api`;
  return url.toString();
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

export const api: ScenarioDef = {
  name: 'api',
  kind: 'bench',
  summary: 'sync log list endpoints over HTTP with 1,000,000 OrderSync rows: latency percentiles by filter',
  expectedS: { tiny: 10, quick: 40, full: 90 },
  async run({ size, progress }) {
    const rows = bySize(size, { tiny: 20_000, quick: 200_000, full: 1_000_000 });
    const perQuery = bySize(size, { tiny: 20, quick: 100, full: 300 });
    const databaseUrl = apiDatabaseUrl();
    const admin = new URL(databaseUrl);
    const dbName = admin.pathname.slice(1);
    admin.pathname = '/postgres';
    const root = createPrismaClient(admin.toString(), 1);
    await root.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await root.$disconnect();
    await migrate({ databaseUrl, createDatabase: true });
    const prisma = createPrismaClient(databaseUrl, 10);
    const redis = createRedisConnection(testEnv.redisUrl, 'producer');
    const prefix = uniquePrefix('bench-api');
    const queues = createQueues(redis, prefix);
    let server: import('node:http').Server | undefined;
    try {
      const secrets = new SecretBox(testEnv.secretsKey);
      const m = await prisma.connection.create({
        data: {
          kind: 'magento',
          name: 'shop',
          baseUrl: 'http://127.0.0.1:9/',
          secretEncrypted: secrets.encrypt('x'),
        },
      });
      const p = await prisma.connection.create({
        data: {
          kind: 'plenty',
          name: 'erp',
          baseUrl: 'http://127.0.0.1:9/',
          username: 'u',
          secretEncrypted: secrets.encrypt('x'),
        },
      });
      const profile = await prisma.profile.create({
        data: {
          name: 'bench',
          status: 'inactive',
          cronExpression: '*/15 * * * *',
          timezone: 'UTC',
          magentoConnectionId: m.id,
          plentyConnectionId: p.id,
        },
      });
      progress(`inserting ${rows} OrderSync rows (generate_series)`, true);
      const t0 = performance.now();
      // one order every 30 s going back in time; 2% failed, 3% skipped, 0.5% pending, the rest complete
      await prisma.$executeRawUnsafe(`
        INSERT INTO "OrderSync" ("profileId", "magentoOrderId", "incrementId", "customerId", "storeId", "magentoStatus", "magentoUpdatedAt",
          "status", "plentyOrderId", "plentyStatusId", "plentyContactId", "message", "attempts", "createdAt", "updatedAt", "processedAt")
        SELECT ${profile.id}, g, lpad(g::text, 9, '0'), 1000 + g % 50000, 1 + g % 3, 'processing', now() - g * interval '30 seconds',
          (CASE WHEN g % 50 = 0 THEN 'failed' WHEN g % 33 = 0 THEN 'skipped' WHEN g % 200 = 7 THEN 'pending' ELSE 'complete' END)::"OrderSyncStatus",
          CASE WHEN g % 50 = 0 OR g % 33 = 0 THEN NULL ELSE 100000 + g END, 5, 500 + g % 40000,
          CASE WHEN g % 50 = 0 THEN 'Plenty answered 422: the order was rejected' ELSE 'exported as Plenty order' END, 1,
          now() - g * interval '30 seconds', now() - g * interval '30 seconds', now() - g * interval '30 seconds'
        FROM generate_series(1, ${rows}) g`);
      await prisma.$executeRawUnsafe('ANALYZE "OrderSync"');
      const insertS = (performance.now() - t0) / 1000;
      progress(`inserted in ${insertS.toFixed(1)} s`, true);

      const { key } = await apiKeyRepository(prisma).create({ name: 'bench', role: 'viewer' });
      const app = createApp({
        prisma,
        redis,
        queues,
        secrets,
        logger: createLogger({ service: 'bench-api', level: 'error' }),
        metrics: createMetricsRegistry('bench-api'),
        config: { rateLimitPerMinute: 10_000_000, corsOrigins: [], trustProxy: 0, redisKeyPrefix: prefix },
        fetchLookups: async () => ({
          plenty: { ok: false, message: 'n/a' },
          magento: { ok: false, message: 'n/a' },
        }),
        testConnection: async () => ({ ok: false, message: 'n/a' }),
      } as never);
      server = await new Promise<import('node:http').Server>((resolve) => {
        const srv = app.listen(0, '127.0.0.1', () => resolve(srv));
      });
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/profiles/${profile.id}/orders`;
      const headers = { authorization: `Bearer ${key}` };
      // the shared Postgres may cut a connection now and then (others' tests): count it, retry, leave it out of the latencies
      let errors = 0;
      const get = async (query: string, onTime?: (ms: number) => void) => {
        for (let attempt = 1; ; attempt++) {
          const t = performance.now();
          const res = await fetch(`${base}?${query}`, { headers });
          const body = (await res.json()) as { items?: unknown[]; nextCursor?: string | null };
          if (res.status === 200) {
            onTime?.(performance.now() - t);
            return body;
          }
          errors++;
          if (attempt >= 3)
            throw new Error(`GET ?${query}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
        }
      };
      // a day in the middle of the log, and a week
      const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString();
      const spanDays = (rows * 30) / 86_400;
      const mid = Math.max(1, Math.floor(spanDays / 2));
      const queries: Record<string, string> = {
        'newest page': 'limit=50',
        'status=failed': 'status=failed&limit=50',
        'status=failed,skipped': 'status=failed,skipped&limit=50',
        'date range (1 day)': `from=${day(mid + 1)}&to=${day(mid)}&limit=50`,
        'status=complete + 1 day': `status=complete&from=${day(mid + 1)}&to=${day(mid)}&limit=50`,
        'status=failed + 1 week': `status=failed&from=${day(mid + 7)}&to=${day(mid)}&limit=50`,
        'incrementId lookup': `incrementId=${String(Math.floor(rows / 2)).padStart(9, '0')}`,
      };
      const results: Record<
        string,
        { n: number; p50: number; p95: number; p99: number; max: number; items: number }
      > = {};
      for (const [name, q] of Object.entries(queries)) {
        for (let i = 0; i < 5; i++) await get(q); // warm-up
        const times: number[] = [];
        let items = 0;
        for (let i = 0; i < perQuery; i++) {
          const body = await get(q, (ms) => times.push(ms));
          items = body.items?.length ?? 0;
        }
        times.sort((a, b) => a - b);
        results[name] = {
          n: times.length,
          p50: round(pct(times, 50), 2),
          p95: round(pct(times, 95), 2),
          p99: round(pct(times, 99), 2),
          max: round(times.at(-1) ?? 0, 2),
          items,
        };
        progress(`${name}: p50 ${results[name].p50} ms, p99 ${results[name].p99} ms`, true);
      }
      // deep keyset pages: follow nextCursor 20 pages into the failed orders
      const deep: number[] = [];
      let cursor: string | null | undefined = (await get('status=failed&limit=50')).nextCursor;
      for (let i = 0; i < Math.min(perQuery, 100) && cursor; i++) {
        const body = await get(`status=failed&limit=50&cursor=${encodeURIComponent(cursor)}`, (ms) =>
          deep.push(ms),
        );
        cursor = body.nextCursor;
      }
      deep.sort((a, b) => a - b);
      results['status=failed, next pages (cursor)'] = {
        n: deep.length,
        p50: round(pct(deep, 50), 2),
        p95: round(pct(deep, 95), 2),
        p99: round(pct(deep, 99), 2),
        max: round(deep.at(-1) ?? 0, 2),
        items: 50,
      };
      // the same mix with 8 clients at once
      const all = Object.values(queries);
      const concurrent: number[] = [];
      await Promise.all(
        Array.from({ length: 8 }, async (_, c) => {
          for (let i = 0; i < perQuery / 2; i++) {
            await get(all[(c + i) % all.length]!, (ms) => concurrent.push(ms));
          }
        }),
      );
      concurrent.sort((a, b) => a - b);
      const worstP99 = Math.max(...Object.values(results).map((r) => r.p99));
      const targets: Target[] = [
        {
          name: 'p99 of the list endpoints (one client, by filter)',
          target: '< 50 ms',
          measured: `worst p99 ${worstP99} ms over ${Object.keys(results).length} query kinds; 8 clients at once: p99 ${round(pct(concurrent, 99), 1)} ms`,
          met: worstP99 < 50,
        },
      ];
      return {
        parameters: {
          rows,
          requestsPerQuery: perQuery,
          pageSize: 50,
          transport: 'HTTP over loopback (keep-alive), createApp with a viewer API key',
        },
        figures: {
          insertSeconds: round(insertS),
          errorsRetried: errors,
          latencyMs: results,
          eightClients: {
            n: concurrent.length,
            p50: round(pct(concurrent, 50), 2),
            p99: round(pct(concurrent, 99), 2),
            max: round(concurrent.at(-1) ?? 0, 2),
          },
        },
        targets,
        notes: [
          'Each page also counts its total (capped at 10,000) on the first page; next pages use the keyset cursor. Indexes: (profileId, createdAt desc, id desc), (profileId, status, createdAt desc, id desc), (profileId, incrementId).',
        ],
      };
    } finally {
      await new Promise((r) => (server ? server.close(r) : r(null)));
      await queues.close();
      await redis.quit();
      await prisma.$disconnect();
    }
  },
};
