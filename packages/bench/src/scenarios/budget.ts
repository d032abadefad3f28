import { startScenario, verifyExactlyOnce } from '@mpc/demo';
import { bySize, plentyCalls, type ScenarioDef, sleep } from '../common';
import { round, type Target } from '../report';

/** Classic plan's minute budget (80 writes, 200 reads), on a shortened window so a run takes about a minute. */
const WRITES = 80;
const READS = 200;

export const budget: ScenarioDef = {
  name: 'budget',
  kind: 'bench',
  summary:
    "the Plenty sandbox on the Classic plan's write budget (window shortened): budget use, failures, 429s",
  expectedS: { tiny: 15, quick: 40, full: 80 },
  async run({ size, progress }) {
    const windowSeconds = bySize(size, { tiny: 2, quick: 4, full: 6 });
    const orders = bySize(size, { tiny: 16, quick: 70, full: 180 });
    const s = await startScenario({
      orders: { count: orders, seed: 1101, storeIds: [1, 3] },
      plenty: { plan: { readPerWindow: READS, writePerWindow: WRITES, windowSeconds } },
      pipeline: { exporterConcurrency: 20 },
      scopes: { default: { export: { enabled: true, batchSize: 10_000, logResponse: false } } },
      active: false,
    });
    try {
      const before = plentyCalls(s.plenty);
      await s.pipeline.prisma.profile.update({ where: { id: s.profileId }, data: { status: 'active' } });
      await s.pipeline.scheduler.reconcile();
      // sample the sandbox's write counter: the window from the first to the last write is the busy time
      const samples: { t: number; writes: number }[] = [];
      let settled = false;
      let expected = Number.POSITIVE_INFINITY;
      const started = Date.now();
      while (!settled) {
        const c = plentyCalls(s.plenty);
        samples.push({ t: Date.now(), writes: c.writes - before.writes });
        const groups = await s.pipeline.prisma.orderSync.groupBy({
          by: ['status'],
          where: { profileId: s.profileId },
          _count: { _all: true },
        });
        const byStatus = Object.fromEntries(groups.map((g) => [g.status, g._count._all]));
        const total = groups.reduce((n, g) => n + g._count._all, 0);
        const open = (byStatus.pending ?? 0) + (byStatus.processing ?? 0);
        const schedule = await s.pipeline.prisma.schedule.findFirst({
          where: { profileId: s.profileId, status: 'success' },
        });
        if (schedule && expected === Number.POSITIVE_INFINITY) expected = total;
        settled = total >= expected && open === 0;
        progress(
          `${byStatus.complete ?? 0}/${total} complete, ${c.writes - before.writes} writes, ${c.r429} answered 429`,
        );
        if (Date.now() - started > 900_000) throw new Error('budget run did not settle');
        if (!settled) await sleep(100);
      }
      const after = plentyCalls(s.plenty);
      const first = samples.find((x) => x.writes > 0);
      const total = samples.at(-1)!.writes;
      const last = samples.find((x) => x.writes === total)!;
      const busyS = Math.max(0.001, (last.t - (first?.t ?? last.t)) / 1000);
      const windows = busyS / windowSeconds;
      // whole windows only: the budget of the last, partly used window is not a shortfall
      const perWindow = total / Math.max(1, windows);
      const calls = after.total - before.total;
      const r429 = after.r429 - before.r429;
      const rows = await s.pipeline.prisma.orderSync.groupBy({
        by: ['status'],
        where: { profileId: s.profileId },
        _count: { _all: true },
      });
      const byStatus = Object.fromEntries(rows.map((g) => [g.status, g._count._all]));
      const report = await verifyExactlyOnce(s.pipeline.prisma, s.plenty.state, s.profileId);
      const targets: Target[] = [
        {
          name: 'writes per window vs the budget',
          target: `≥ 90% of ${WRITES}`,
          measured: `${round(perWindow)} writes per ${windowSeconds} s window (${round((perWindow / WRITES) * 100)}%) over ${round(windows)} windows`,
          met: size === 'tiny' ? null : perWindow >= 0.9 * WRITES,
        },
        {
          name: 'orders failed',
          target: '0',
          measured: String(byStatus.failed ?? 0),
          met: (byStatus.failed ?? 0) === 0,
        },
        {
          name: 'calls answered 429',
          target: '≤ 1%',
          measured: `${r429} of ${calls} (${round((r429 / Math.max(1, calls)) * 100, 2)}%)`,
          met: r429 <= 0.01 * calls,
        },
      ];
      return {
        parameters: {
          plan: { readPerWindow: READS, writePerWindow: WRITES, windowSeconds },
          orders,
          exporterConcurrency: 20,
        },
        figures: {
          writes: total,
          reads: after.reads - before.reads,
          busySeconds: round(busyS),
          windows: round(windows, 2),
          writesPerWindow: round(perWindow, 1),
          budgetUse: round(perWindow / WRITES, 3),
          calls,
          answered429: r429,
          byStatus,
          duplicates: report.duplicateOrders.length,
          lost: report.lost.length,
        },
        targets,
        notes: [
          `Classic plan numbers (${WRITES} writes, ${READS} reads per window) with the window shortened from 60 s to ${windowSeconds} s, so a run spends many windows in about a minute.`,
          'Budget use = writes Plenty accepted between the first and the last write, divided by the windows that span covered.',
        ],
      };
    } finally {
      await s.close();
    }
  },
};
