import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiKeyRepository, createApp, createRemoteSystems } from '@mpc/api';
import { createQueues, createRedisConnection, type Queues, type Redis } from '@mpc/queue';
import { createMetricsRegistry } from '@mpc/runtime';
import { expect } from 'chai';
import { waitForSettled } from '../src/pipeline';
import { type Scenario, startScenario } from '../src/scenario';
import { verifyExactlyOnce } from '../src/verify';

/**
 * An admin's day: Plenty rejects orders (a status was deleted there), the sync log shows them
 * `failed` with Plenty's message, the admin fixes Plenty and re-exports them in bulk through the
 * API; they complete, each exactly once. Also: run now through the API.
 */
describe('failed orders re-exported through the API complete exactly once', function () {
  this.timeout(120_000);
  let s: Scenario;
  let server: Server;
  let redis: Redis;
  let queues: Queues;
  let base: string;
  let key: string;

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  before(async () => {
    s = await startScenario({
      orders: { count: 20, seed: 61, storeIds: [1, 3] },
      scopes: { default: { orderStatus: { processStatuses: ['processing'] } } },
      active: false,
    });
    for (const id of s.magento.store.ids()) s.magento.store.patchOrder(id, { status: 'processing' });
    redis = createRedisConnection(s.pipeline.redisUrl, 'producer');
    queues = createQueues(redis, s.prefix);
    const app = createApp({
      prisma: s.pipeline.prisma,
      redis,
      queues,
      secrets: s.pipeline.secrets,
      logger: s.pipeline.logger,
      metrics: createMetricsRegistry('api'),
      config: {
        rateLimitPerMinute: 10_000,
        corsOrigins: [],
        trustProxy: 0,
        serviceName: 'api',
        redisKeyPrefix: s.prefix,
      },
      ...createRemoteSystems({ redis, keyPrefix: s.prefix, logger: s.pipeline.logger }),
    });
    key = (await apiKeyRepository(s.pipeline.prisma).create({ name: 'ops admin', role: 'admin' })).key;
    server = await new Promise((resolve) => {
      const srv = app.listen(0, '127.0.0.1', () => resolve(srv));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((r) => server?.close(r));
    await queues?.close();
    await redis?.quit();
    await s?.close();
  });

  it('fails with Plenty’s message, then completes after the fix and a bulk re-export', async () => {
    // the Plenty status that "processing" maps to is deleted in Plenty after the profile was set up
    const statuses = s.plenty.state.lookups.orderStatuses;
    const mapped = 5;
    const removed = statuses.filter((st) => st.statusId === mapped);
    s.plenty.state.lookups.orderStatuses = statuses.filter((st) => st.statusId !== mapped);

    const activate = await api('POST', `/profiles/${s.profileId}/activate`);
    expect(activate.status, JSON.stringify(activate.body)).to.equal(200);
    const run = await api('POST', `/profiles/${s.profileId}/runs`);
    expect(run.status, JSON.stringify(run.body)).to.equal(202);
    const first = await waitForSettled(s.pipeline, s.profileId, { timeoutMs: 60_000, minRows: 20 });
    expect(first.byStatus).to.deep.equal({ failed: 20 });

    const failed = await api('GET', `/profiles/${s.profileId}/orders?status=failed&limit=50`);
    const items = failed.body.items as { message: string; plentyOrderId: number | null }[];
    expect(items).to.have.length(20);
    expect(items[0]!.message).to.match(/^Plenty rejected POST \/rest\/orders \(422\).*statusId/);
    expect(items.every((i) => i.plentyOrderId === null)).to.equal(true);

    // the admin restores the status in Plenty and re-exports everything that failed
    s.plenty.state.lookups.orderStatuses = [...s.plenty.state.lookups.orderStatuses, ...removed];
    const bulk = await api('POST', `/profiles/${s.profileId}/orders/export`, { status: ['failed'] });
    expect(bulk.status, JSON.stringify(bulk.body)).to.equal(202);
    const second = await waitForSettled(s.pipeline, s.profileId, { timeoutMs: 60_000, minRows: 20 });
    expect(second.byStatus).to.deep.equal({ complete: 20 });

    // a re-export of a complete order creates nothing new
    const one = (await api('GET', `/profiles/${s.profileId}/orders?limit=1`)).body.items as {
      magentoOrderId: number;
    }[];
    const again = await api('POST', `/profiles/${s.profileId}/orders/${one[0]!.magentoOrderId}/export`);
    expect(again.status).to.equal(202);
    await waitForSettled(s.pipeline, s.profileId, { timeoutMs: 30_000, minRows: 20 });
    const report = await verifyExactlyOnce(s.pipeline.prisma, s.plenty.state, s.profileId);
    expect(report).to.deep.include({
      duplicateOrders: [],
      duplicatePayments: [],
      duplicateRelations: [],
      lost: [],
      unsettled: [],
    });
    expect(s.plenty.state.orders.size).to.equal(20);
    const detail = await api('GET', `/profiles/${s.profileId}/orders/${one[0]!.magentoOrderId}`);
    const history = (detail.body.history as { action: string; status: string }[]).map(
      (h) => `${h.status}:${h.action}`,
    );
    expect(history).to.include.members(['failed:export', 'complete:complete']);
  });
});
