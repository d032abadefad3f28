import { bySize, RssSampler, type ScenarioDef } from '../common';
import { round, type Target } from '../report';
import { runSequentialExporter } from '../sequential';
import { activate, collected, latencyBoundScenario, PLENTY_LATENCY_MS, runFleet } from '../throughput';

/** The pipeline's configuration in this scenario (and the memory figures it yields). */
export const PIPELINE = { processes: 2, concurrency: 64 };

export const latencyBound: ScenarioDef = {
  name: 'latency-bound',
  kind: 'bench',
  summary: `Plenty at ${PLENTY_LATENCY_MS} ms, no rate limit: our pipeline vs a sequential exporter (same mapping and client, one order at a time); peak RSS per exporter process`,
  expectedS: { tiny: 20, quick: 60, full: 150 },
  async run({ size, progress }) {
    const count = bySize(size, { tiny: 60, quick: 500, full: 2000 });
    const sequentialSample = bySize(size, { tiny: 10, quick: 40, full: 120 });

    // 1. the sequential exporter on a sample of the same kind of shop (2,000 orders one by one would take ~12 min)
    const seq = await latencyBoundScenario(sequentialSample * 2, 901);
    let sequential: Awaited<ReturnType<typeof runSequentialExporter>>;
    try {
      await activate(seq);
      const ids = (await collected(seq)).slice(0, sequentialSample);
      await seq.pipeline.queues.export.obliterate({ force: true });
      progress(`sequential exporter: ${ids.length} orders one after the other`, true);
      sequential = await runSequentialExporter({
        prisma: seq.pipeline.prisma,
        secrets: seq.pipeline.secrets,
        redis: seq.pipeline.redis,
        keyPrefix: seq.prefix,
        profileId: seq.profileId,
        magentoOrderIds: ids,
        onProgress: (done, s) =>
          progress(`sequential: ${done}/${ids.length}, ${(done / s).toFixed(2)} orders/s`),
      });
    } finally {
      await seq.close();
    }

    // 2. the pipeline: exporter processes on the queue the collector filled
    const s = await latencyBoundScenario(count, 902);
    const sampler = new RssSampler();
    sampler.track(process.pid, 'bench host (sandboxes, scheduler, collector)');
    sampler.start(250);
    try {
      const collectStarted = Date.now();
      await activate(s);
      const ids = await collected(s);
      const collectS = (Date.now() - collectStarted) / 1000;
      progress(
        `collected ${ids.length} orders in ${collectS.toFixed(1)} s; ${PIPELINE.processes} exporter processes × ${PIPELINE.concurrency} workers`,
        true,
      );
      const run = await runFleet(s, { ...PIPELINE, expected: ids.length, progress, sampler });
      const rss = sampler.stop();
      const exporters = rss.filter((r) => r.label.startsWith('exporter'));
      const speedup = run.perSecond / sequential.perSecond;
      const steadySpeedup =
        run.steadyPerSecond && sequential.steadyPerSecond
          ? run.steadyPerSecond / sequential.steadyPerSecond
          : null;
      const maxExporterMB = Math.max(...exporters.map((e) => e.peakMB));
      const cpuBound = run.machineBusyShare >= 0.9;
      const targets: Target[] = [
        {
          name: 'pipeline vs sequential exporter (orders/s)',
          target: '≥ 40×',
          measured: `${round(run.perSecond)} vs ${round(sequential.perSecond, 2)} orders/s = ${round(speedup)}×`,
          met: size === 'tiny' ? null : speedup >= 40,
          ...(cpuBound
            ? {
                note: `the machine's cores were the limit: ${Math.round(run.machineBusyShare * 100)}% busy during the pipeline run (exporters, sandboxes, Postgres and Redis share 2 cores)`,
              }
            : {}),
        },
        {
          name: 'the same, warm (orders/s between 10% and 90% settled, both sides)',
          target: 'for information',
          measured: steadySpeedup
            ? `${round(run.steadyPerSecond!)} vs ${round(sequential.steadyPerSecond!, 2)} orders/s = ${round(steadySpeedup)}×`
            : 'n/a',
          met: null,
        },
        {
          name: 'peak RSS per exporter process',
          target: '< 200 MB',
          measured: exporters.map((e) => `${e.peakMB} MB`).join(', '),
          met: maxExporterMB < 200,
        },
      ];
      return {
        parameters: {
          orders: count,
          plentyLatencyMs: PLENTY_LATENCY_MS,
          rateLimit: 'none (sandbox plan)',
          sequentialSample,
          pipeline: PIPELINE,
        },
        figures: {
          sequential: {
            ...sequential,
            perSecond: round(sequential.perSecond, 3),
            steadyPerSecond:
              sequential.steadyPerSecond === null ? null : round(sequential.steadyPerSecond, 3),
            seconds: round(sequential.seconds),
          },
          pipeline: {
            ...run,
            perSecond: round(run.perSecond, 2),
            steadyPerSecond: run.steadyPerSecond === null ? null : round(run.steadyPerSecond, 2),
            seconds: round(run.seconds),
          },
          collectSeconds: round(collectS),
          speedup: round(speedup, 1),
          steadySpeedup: steadySpeedup === null ? null : round(steadySpeedup, 1),
          peakRssMB: rss,
        },
        targets,
        notes: [
          'The sequential exporter runs exportOrder (same mapping, Plenty client, step machine and bookkeeping) on one order at a time; its rate is measured on a sample of the same shop (orders/s is a rate; all 2,000 would take ~12 minutes).',
          'The pipeline clock starts when every exporter process is up (the queue is paused until then) and stops at the last settled order.',
          "Peak RSS is the kernel's VmHWM of each process, sampled every 250 ms from /proc/<pid>/status.",
        ],
      };
    } finally {
      sampler.stop();
      await s.close();
    }
  },
};
