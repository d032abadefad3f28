import { type Scenario, startScenario } from '@mpc/demo';
import { cpuByGroup, cpuMeter, exporterFleet, type RssSampler, type Size, sleep, steadyRate } from './common';
import type { Progress } from './progress';

export const PLENTY_LATENCY_MS = 50;

/** A shop of `count` generated orders, Plenty at 50 ms latency and no rate limit, the profile inactive. */
export function latencyBoundScenario(count: number, seed: number): Promise<Scenario> {
  return startScenario({
    orders: { count, seed, storeIds: [1, 3] },
    plenty: { latencyMs: PLENTY_LATENCY_MS, plan: 'sandbox' },
    pipeline: { exporterConcurrency: 0, collectorConcurrency: 2 },
    // one run collects the whole shop (the default batch size of 500 would spread it over runs)
    scopes: { default: { export: { enabled: true, batchSize: 10_000, logResponse: false } } },
    active: false,
  });
}

export async function activate(s: Scenario): Promise<void> {
  await s.pipeline.prisma.profile.update({ where: { id: s.profileId }, data: { status: 'active' } });
  await s.pipeline.scheduler.reconcile();
}

/** Waits until the profile's first run finished collecting; returns the ids of the orders it queued. */
export async function collected(s: Scenario, timeoutMs = 300_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const done = await s.pipeline.prisma.schedule.findFirst({
      where: { profileId: s.profileId, status: { in: ['success', 'error'] } },
    });
    if (done) {
      if (done.status === 'error') throw new Error(`collect run failed: ${done.message}`);
      const rows = await s.pipeline.prisma.orderSync.findMany({
        where: { profileId: s.profileId, status: 'pending' },
        select: { magentoOrderId: true },
        orderBy: { magentoOrderId: 'asc' },
      });
      return rows.map((r) => r.magentoOrderId);
    }
    await sleep(200);
  }
  throw new Error('collect run did not finish');
}

export interface FleetRun {
  processes: number;
  concurrencyPerProcess: number;
  orders: number;
  complete: number;
  seconds: number;
  perSecond: number;
  /** orders/s between 10% and 90% settled (a warm pipeline) */
  steadyPerSecond: number | null;
  machineBusyShare: number;
  /** CPU seconds by process group during the run */
  cpuSeconds: Record<string, number>;
  byStatus: Record<string, number>;
}

/**
 * The product's pipeline: `processes` exporter processes of `concurrency` workers each on an
 * already collected queue (collection is measured apart); the clock runs from the exporters'
 * start to the last settled order.
 */
export async function runFleet(
  s: Scenario,
  opts: {
    processes: number;
    concurrency: number;
    expected: number;
    progress: Progress;
    sampler?: RssSampler;
    timeoutMs?: number;
    label?: string;
  },
): Promise<FleetRun> {
  const fleet = exporterFleet({
    prefix: s.prefix,
    // the exporter's own default pool (10): more connections only cost Postgres CPU here (one
    // backend per connection to wake for each statement): 32 per process took 2.6 ms/order, 10 took 2.0
    extra: { EXPORTER_CONCURRENCY: String(opts.concurrency) },
  });
  const exporterPids: number[] = [];
  // the queue waits until every process is up: the clock measures exporting, not process start-up
  const queue = s.pipeline.queues.export;
  await queue.pause();
  for (let i = 0; i < opts.processes; i++) {
    const child = fleet.start();
    if (child.pid) exporterPids.push(child.pid);
    opts.sampler?.track(child.pid, `exporter-${i + 1}`);
  }
  const ready = Date.now() + 60_000;
  while ((await queue.getWorkersCount()) < opts.processes && Date.now() < ready) {
    if (fleet.children.size < opts.processes) throw new Error('an exporter process exited on start');
    await sleep(200);
  }
  const cpu = cpuMeter();
  const cpuGroups = cpuByGroup(() => ({ exporters: exporterPids, 'bench host': [process.pid] }));
  const started = Date.now();
  const samples: { s: number; done: number }[] = [];
  await queue.resume();
  try {
    const deadline = started + (opts.timeoutMs ?? 600_000);
    for (;;) {
      const groups = await s.pipeline.prisma.orderSync.groupBy({
        by: ['status'],
        where: { profileId: s.profileId },
        _count: { _all: true },
      });
      const byStatus = Object.fromEntries(groups.map((g) => [g.status, g._count._all]));
      const open = (byStatus.pending ?? 0) + (byStatus.processing ?? 0);
      const done = (byStatus.complete ?? 0) + (byStatus.failed ?? 0) + (byStatus.skipped ?? 0);
      const seconds = (Date.now() - started) / 1000;
      samples.push({ s: seconds, done });
      opts.progress(
        `${opts.label ?? ''}${opts.processes} × ${opts.concurrency} workers: ${done}/${opts.expected} settled, ${(done / Math.max(seconds, 0.001)).toFixed(1)} orders/s`,
      );
      if (open === 0 && done >= opts.expected) {
        return {
          processes: opts.processes,
          concurrencyPerProcess: opts.concurrency,
          orders: done,
          complete: byStatus.complete ?? 0,
          seconds,
          perSecond: (byStatus.complete ?? 0) / seconds,
          steadyPerSecond: steadyRate(samples, opts.expected),
          machineBusyShare: cpu().busyShare,
          cpuSeconds: cpuGroups(),
          byStatus,
        };
      }
      if (Date.now() > deadline) throw new Error(`not settled in time: ${JSON.stringify(byStatus)}`);
      if (fleet.children.size === 0)
        throw new Error(`every exporter process exited: ${JSON.stringify(byStatus)}`);
      await sleep(100);
    }
  } finally {
    opts.sampler?.sample();
    await fleet.stopAll('SIGTERM');
  }
}

export const fleetSizes = (size: Size) => size;
