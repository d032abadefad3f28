import { PassThrough } from 'node:stream';
import { migrate } from '@mpc/db';
import { exited, prng, startScenario, testEnv, verifyExactlyOnce } from '@mpc/demo';
import { jobIds } from '@mpc/queue';
import { createLogger } from '@mpc/runtime';
import { bySize, exporterFleet, type ScenarioDef, sleep } from '../common';
import { freePort, PrivatePostgres, PrivateRedis, postgresBinDir } from '../private-services';
import { round, type Target } from '../report';

interface FaultRecord {
  fault: string;
  atS: number;
  downS: number;
  /** orders complete when the fault ended */
  completeAtEnd: number;
  /** seconds from the fault's end to the next completed order */
  recoverS: number | null;
}

export const chaos: ScenarioDef = {
  name: 'chaos',
  kind: 'chaos',
  summary:
    'SIGKILLed exporters, Redis and Postgres restarted, a Plenty outage, 5% 5xx, while exporting: duplicates, lost orders, drain time',
  expectedS: { tiny: 40, quick: 120, full: 300 },
  async run({ size, progress }) {
    const orders = bySize(size, { tiny: 24, quick: 300, full: 1000 });
    const plan = bySize(size, {
      tiny: { redisAt: 1, pgAt: 3, outageAt: 5, outageS: 3, down: 1 },
      quick: { redisAt: 3, pgAt: 8, outageAt: 13, outageS: 20, down: 3 },
      full: { redisAt: 6, pgAt: 16, outageAt: 26, outageS: 60, down: 3 },
    });
    const random = prng(8008);
    const bin = postgresBinDir();
    if (!bin)
      throw new Error(
        'no PostgreSQL binaries under /usr/lib/postgresql/*/bin: the chaos run needs a private cluster it may restart',
      );
    const redis = new PrivateRedis(await freePort());
    const pg = new PrivatePostgres(await freePort(), bin);
    progress(
      `private redis-server on ${redis.port}, private Postgres cluster on ${pg.port} (${pg.dir})`,
      true,
    );
    await redis.start();
    await pg.init();
    await migrate({ databaseUrl: pg.url, createDatabase: true });
    const s = await startScenario({
      orders: { count: orders, seed: 1301, storeIds: [1, 3] },
      plenty: { latencyMs: 50 },
      faults: { error5xxRate: 0.05, faultAfterWriteRatio: 0.5 },
      // the in-process scheduler and collector log every refused connection while Redis/Postgres restart
      pipeline: {
        databaseUrl: pg.url,
        redisUrl: redis.url,
        exporterConcurrency: 0,
        logger: createLogger({
          service: 'chaos-pipeline',
          level: 'error',
          stream: new PassThrough().resume(),
        }),
      },
      scopes: { default: { export: { enabled: true, batchSize: 10_000, logResponse: false } } },
      active: false,
    });
    const fleet = exporterFleet({
      prefix: s.prefix,
      databaseUrl: pg.url,
      redisUrl: redis.url,
      secretsKey: testEnv.secretsKey,
      extra: {
        EXPORTER_CONCURRENCY: '8',
        DATABASE_POOL_SIZE: '4',
        PLENTY_TIMEOUT_MS: '1500',
        EXPORTER_LOCK_DURATION_MS: '4000',
        EXPORTER_STALLED_INTERVAL_MS: '2000',
      },
    });
    const faults: FaultRecord[] = [];
    const timeline: { t: number; complete: number }[] = [];
    let kills = 0;
    try {
      for (let i = 0; i < 3; i++) fleet.start();
      const started = Date.now();
      const at = () => (Date.now() - started) / 1000;
      await s.pipeline.prisma.profile.update({ where: { id: s.profileId }, data: { status: 'active' } });
      await s.pipeline.scheduler.reconcile();

      let done = false;
      let counts: Record<string, number> = {};
      // the observer: completions over time (tolerates the restarts)
      const observe = (async () => {
        while (!done) {
          try {
            const groups = await s.pipeline.prisma.orderSync.groupBy({
              by: ['status'],
              where: { profileId: s.profileId },
              _count: { _all: true },
            });
            counts = Object.fromEntries(groups.map((g) => [g.status, g._count._all]));
            timeline.push({ t: at(), complete: counts.complete ?? 0 });
            progress(`${JSON.stringify(counts)}, ${kills} exporters killed, ${faults.length} faults so far`);
          } catch {
            // Postgres is being restarted
          }
          await sleep(250);
        }
      })();
      // the killer: a random exporter every 2-5 s, replaced at once
      const killer = (async () => {
        while (!done) {
          await sleep(size === 'tiny' ? 3000 + random() * 3000 : 2000 + random() * 3000);
          if (done) break;
          const victims = [...fleet.children];
          const victim = victims[Math.floor(random() * victims.length)];
          if (!victim) continue;
          victim.kill('SIGKILL');
          await exited(victim);
          kills++;
          fleet.start();
        }
      })();
      const completeNow = () => timeline.at(-1)?.complete ?? 0;
      const fault = async (
        name: string,
        startAt: number,
        down: () => Promise<void>,
        up: () => Promise<void>,
        downS: number,
      ) => {
        await sleep(Math.max(0, startAt * 1000 - (Date.now() - started)));
        const t = at();
        progress(`fault: ${name}`, true);
        await down();
        await sleep(downS * 1000);
        await up();
        faults.push({
          fault: name,
          atS: round(t),
          downS: round(at() - t),
          completeAtEnd: completeNow(),
          recoverS: null,
        });
      };
      await fault(
        'Redis restarted (SIGTERM, append-only file kept)',
        plan.redisAt,
        () => redis.stop(),
        () => redis.start(),
        plan.down,
      );
      await fault(
        'Postgres restarted (immediate stop = crash recovery)',
        plan.pgAt,
        () => pg.stop('immediate'),
        () => pg.start(),
        plan.down,
      );
      await fault(
        `Plenty outage ${plan.outageS} s`,
        plan.outageAt,
        async () =>
          s.plenty.configure({
            faults: {
              error5xxRate: 0.05,
              faultAfterWriteRatio: 0.5,
              outage: { durationMs: plan.outageS * 1000 },
            },
          }),
        async () => {},
        plan.outageS,
      );
      const outageEnd = at();
      // drain: every order settled
      // a run that cannot drain (an order whose job is gone) is reported with its unsettled orders as lost
      const deadline = Date.now() + bySize(size, { tiny: 90_000, quick: 300_000, full: 600_000 });
      let drained = true;
      for (;;) {
        const open = (counts.pending ?? 0) + (counts.processing ?? 0);
        const total = Object.values(counts).reduce((a, b) => a + b, 0);
        if (total > 0 && open === 0) {
          const jobs = await s.pipeline.queues.export
            .getJobCounts('waiting', 'active', 'delayed', 'prioritized')
            .catch(() => null);
          if (jobs && Object.values(jobs).every((n) => n === 0)) break;
        }
        if (Date.now() > deadline) {
          drained = false;
          progress(`not drained before the deadline: ${JSON.stringify(counts)}`, true);
          break;
        }
        await sleep(250);
      }
      const drainS = at() - outageEnd;
      done = true;
      await Promise.all([observe, killer]);
      for (const f of faults) {
        const end = f.atS + f.downS;
        const next = timeline.find((p) => p.t >= end && p.complete > f.completeAtEnd);
        f.recoverS = next ? round(next.t - end) : null;
      }
      const report = await verifyExactlyOnce(s.pipeline.prisma, s.plenty.state, s.profileId);
      // what an unsettled order waits for: its row and its export job. One whose job is still
      // scheduled (a retry's backoff outlasted the deadline) is late, not lost; one without a
      // live job would never settle
      const open = await s.pipeline.prisma.orderSync.findMany({
        where: { profileId: s.profileId, status: { in: ['pending', 'processing'] } },
      });
      const unsettledDetail = await Promise.all(
        open.map(async (r) => {
          const jobId = `${jobIds.exportJob(s.profileId, r.magentoOrderId)}-${r.magentoUpdatedAt?.getTime() ?? 0}`;
          const job = await s.pipeline.queues.export.getJob(jobId).catch(() => undefined);
          return {
            incrementId: r.incrementId,
            status: r.status,
            attempts: r.attempts,
            message: r.message,
            job: job ? await job.getState() : 'none',
          };
        }),
      );
      const retrying = unsettledDetail.filter((u) =>
        ['delayed', 'waiting', 'active', 'prioritized', 'waiting-children'].includes(u.job),
      ).length;
      const duplicates =
        report.duplicateOrders.length +
        report.duplicatePayments.length +
        report.duplicateRelations.length +
        report.duplicateContacts.length;
      const lost = report.lost.length + report.unsettled.length - retrying;
      const byStatus = report.byStatus;
      const targets: Target[] = [
        {
          name: 'duplicates (orders, payments, relations, contacts)',
          target: '0',
          measured: String(duplicates),
          met: duplicates === 0,
        },
        {
          name: 'lost orders (complete without their Plenty order, or unsettled without a live export job)',
          target: '0',
          measured: String(lost),
          met: lost === 0,
        },
        {
          name: 'orders exported',
          target: `${orders} eligible`,
          measured: `${byStatus.complete ?? 0} complete, ${byStatus.failed ?? 0} failed, ${byStatus.skipped ?? 0} skipped; ${drained ? `drained ${round(drainS)} s after the Plenty outage` : `NOT drained: ${retrying} still waiting for a retry`}`,
          met: (byStatus.failed ?? 0) === 0,
        },
      ];
      return {
        parameters: {
          orders,
          plentyLatencyMs: 50,
          error5xxRate: 0.05,
          exporters: '3 processes × 8 workers, one SIGKILLed every 2-5 s and replaced',
          plan,
          redis: `private redis-server :${redis.port}`,
          postgres: `private cluster :${pg.port}`,
        },
        figures: {
          byStatus,
          exported: byStatus.complete ?? 0,
          duplicates,
          lost,
          retrying,
          unexpectedOrders: report.unexpectedOrders.length,
          exportersKilled: kills,
          faults,
          drainAfterOutageS: drained ? round(drainS) : null,
          drained,
          unsettledDetail,
          totalS: round(at()),
          plentyFaultsInjected: s.plenty.state.faults.toJSON().total,
        },
        targets,
        notes: [
          'Redis and Postgres are private instances started by the run (the shared ones are never touched); Redis keeps an append-only file like the compose setup, so a restart keeps the queues.',
          'recoverS: seconds from the end of a fault to the next completed order; drainAfterOutageS: from the end of the Plenty outage until every order settled.',
        ],
      };
    } finally {
      await fleet.stopAll('SIGKILL');
      await s.close().catch(() => {});
      await redis.close();
      await pg.close();
    }
  },
};
