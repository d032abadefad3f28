import { magentoClients } from '@mpc/collector';
import { OrderSyncRepository, type PrismaClient, type SecretBox } from '@mpc/db';
import { exportOrder, PlentySystems } from '@mpc/exporter';
import type { ExportJob, Redis } from '@mpc/queue';
import { createLogger } from '@mpc/runtime';
import { steadyRate } from './common';

/**
 * The baseline: how a cron-run connector inside a shop exports, one order after the other, with
 * the same mapping, Plenty client and step machine as the product (exportOrder), no queue, no
 * concurrency. Each order waits for its Magento read and every Plenty call in turn.
 */
export async function runSequentialExporter(opts: {
  prisma: PrismaClient;
  secrets: SecretBox;
  redis: Redis;
  keyPrefix: string;
  profileId: number;
  magentoOrderIds: number[];
  onProgress?: (done: number, seconds: number) => void;
}): Promise<{
  orders: number;
  complete: number;
  seconds: number;
  perSecond: number;
  steadyPerSecond: number | null;
}> {
  const logger = createLogger({ service: 'sequential-exporter', level: 'error' });
  const plenty = new PlentySystems({ redis: opts.redis, keyPrefix: `${opts.keyPrefix}-seq`, logger });
  const deps = {
    prisma: opts.prisma,
    secrets: opts.secrets,
    orderSyncs: new OrderSyncRepository(opts.prisma),
    plenty,
    magento: magentoClients(),
    logger,
  };
  const started = performance.now();
  let complete = 0;
  let firstProblem: string | undefined;
  const samples: { s: number; done: number }[] = [];
  try {
    for (const [i, magentoOrderId] of opts.magentoOrderIds.entries()) {
      const job: ExportJob = { profileId: opts.profileId, magentoOrderId, action: 'export' } as ExportJob;
      const r = await exportOrder(deps, job, {
        jobId: `sequential-${opts.profileId}-${magentoOrderId}`,
        attemptsMade: 0,
        maxAttempts: 1,
      });
      if (r.outcome === 'complete') complete++;
      else firstProblem ??= `order ${magentoOrderId}: ${r.outcome}: ${r.message}`;
      const s = (performance.now() - started) / 1000;
      samples.push({ s, done: i + 1 });
      opts.onProgress?.(i + 1, s);
    }
  } finally {
    await plenty.close();
  }
  const seconds = (performance.now() - started) / 1000;
  // a rate of orders that did not export would be no figure at all
  if (firstProblem)
    throw new Error(
      `sequential exporter: ${opts.magentoOrderIds.length - complete} of ${opts.magentoOrderIds.length} orders did not complete (${firstProblem})`,
    );
  return {
    orders: opts.magentoOrderIds.length,
    complete,
    seconds,
    perSecond: opts.magentoOrderIds.length / seconds,
    steadyPerSecond: steadyRate(samples, opts.magentoOrderIds.length),
  };
}
