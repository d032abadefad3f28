import { type CollectDeps, magentoClients, pageByEntityId, runCollect } from '@mpc/collector';
import { OrderSyncRepository, ScheduleRepository } from '@mpc/db';
import { startScenario } from '@mpc/demo';
import { createLogger } from '@mpc/runtime';
import { generateMagentoOrders, magentoTime } from '@mpc/sandbox';
import { bySize, type ScenarioDef } from '../common';
import { round, type Target } from '../report';

export const collector: ScenarioDef = {
  name: 'collector',
  kind: 'bench',
  summary:
    'a shop of 100,000 orders, 100 new since the last run: Magento requests of an append run vs a full scan',
  expectedS: { tiny: 10, quick: 30, full: 90 },
  async run({ size, progress }) {
    const shop = bySize(size, { tiny: 2_000, quick: 20_000, full: 100_000 });
    const fresh = 100;
    const pageSize = 100;
    // the shop is added lazily (generated orders are materialised only when read)
    const s = await startScenario({
      orders: [],
      scopes: {
        default: {
          api: { collectionBehaviour: 'append', pageSize },
          export: { enabled: true, batchSize: 10_000, logResponse: false },
        },
      },
      pipeline: { exporterConcurrency: 0 },
      active: false,
    });
    try {
      const store = s.magento.store;
      // every order of the shop lies in the past: the generator spaces them ~17 minutes apart and
      // updates an order up to ~21 days after it was placed (closed orders)
      store.addGenerated({
        count: shop,
        seed: 1001,
        storeIds: [1, 3],
        startDate: new Date(Date.now() - shop * 17 * 60_000 - 40 * 86_400_000),
      });
      // the last run saw every order of the shop: its cursor is the newest updated_at
      const newest = store.search(
        {
          filterGroups: [],
          sortOrders: [
            { field: 'updated_at', direction: 'DESC' },
            { field: 'entity_id', direction: 'DESC' },
          ],
          pageSize: 1,
          currentPage: 1,
        } as never,
        { clampPastEnd: false },
      ).items[0]!;
      await s.pipeline.prisma.profile.update({
        where: { id: s.profileId },
        data: {
          cursorUpdatedAt: new Date(`${String(newest.updated_at).replace(' ', 'T')}Z`),
          cursorEntityId: newest.entity_id,
        },
      });
      // 100 orders placed since then
      const added = generateMagentoOrders({
        count: fresh,
        seed: 1002,
        firstEntityId: store.maxId + 1,
        storeIds: [1, 3],
      }).map((o, i) => ({
        ...o,
        created_at: magentoTime(Date.now() - (fresh - i) * 1000),
        updated_at: magentoTime(Date.now() - (fresh - i) * 1000),
      }));
      store.addOrders(added);
      const logger = createLogger({ service: 'bench-collector', level: 'error' });
      const deps: CollectDeps = {
        prisma: s.pipeline.prisma,
        secrets: s.pipeline.secrets,
        redis: s.pipeline.redis,
        keyPrefix: s.prefix,
        exportQueue: s.pipeline.queues.export,
        orderSyncs: new OrderSyncRepository(s.pipeline.prisma),
        schedules: new ScheduleRepository(s.pipeline.prisma),
        orderSource: magentoClients(),
        logger,
      };
      progress(`append run over a shop of ${shop} orders with ${fresh} new`, true);
      const callsBefore = magentoSearches(s.magento.calls.toJSON() as never);
      const t0 = performance.now();
      const outcome = await runCollect(deps, {
        id: 'bench-append',
        data: { profileId: s.profileId, trigger: 'manual' },
        timestamp: Date.now(),
        opts: {},
      });
      const appendS = (performance.now() - t0) / 1000;
      if (outcome.outcome !== 'done') throw new Error(`append run: ${JSON.stringify(outcome)}`);
      const appendRequests = magentoSearches(s.magento.calls.toJSON() as never) - callsBefore;

      // the full scan (replace mode's paging, every order of the shop by entity id)
      progress(`full scan of ${shop + fresh} orders, ${pageSize} per page`, true);
      const ctxSource = magentoClients()({
        magento: { connectionId: 0, baseUrl: s.magento.url, accessToken: 'sandbox-integration-token' },
      } as never);
      let scanRequests = 0;
      let scanned = 0;
      const t1 = performance.now();
      for await (const page of pageByEntityId(ctxSource, {
        baseFilters: [],
        pageSize,
        onRequest: () => void scanRequests++,
      })) {
        scanned += page.items.length;
        progress(`full scan: ${scanned} orders, ${scanRequests} requests`);
      }
      const scanS = (performance.now() - t1) / 1000;
      const targets: Target[] = [
        {
          name: 'Magento requests of an append run (100 new orders)',
          target: '≤ 3',
          measured: `${outcome.stats.requests} requests (${appendRequests} counted by the sandbox) for ${outcome.stats.collected} orders (${outcome.stats.enqueued} enqueued), ${round(appendS, 2)} s; full scan: ${scanRequests} requests, ${round(scanS)} s`,
          met: outcome.stats.requests <= 3 && outcome.stats.collected >= fresh,
        },
      ];
      return {
        parameters: { shopOrders: shop, newOrders: fresh, pageSize, overlapMinutes: 5 },
        figures: {
          append: { ...outcome.stats, requestsSeenBySandbox: appendRequests, seconds: round(appendS, 3) },
          fullScan: {
            requests: scanRequests,
            orders: scanned,
            seconds: round(scanS, 2),
            ordersPerSecond: round(scanned / scanS),
          },
        },
        targets,
        notes: [
          "append reads orders updated since the last run's cursor minus a 5-minute overlap (late commits, second-precision timestamps), by keyset (updated_at, entity_id), one page per request.",
          "The full scan is replace mode's paging (entity_id keyset) over the whole shop, timed without the per-order bookkeeping.",
        ],
      };
    } finally {
      await s.close();
    }
  },
};

function magentoSearches(calls: { byRouteAndStatus?: Record<string, number> }): number {
  return Object.entries(calls.byRouteAndStatus ?? {})
    .filter(([k]) => k.startsWith('GET /rest/') && k.includes('/orders') && !/\/orders\/[{:]/.test(k))
    .reduce((n, [, v]) => n + v, 0);
}
