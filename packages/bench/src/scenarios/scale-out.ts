import { bySize, RssSampler, type ScenarioDef } from '../common';
import { round, type Target } from '../report';
import {
  activate,
  collected,
  type FleetRun,
  latencyBoundScenario,
  PLENTY_LATENCY_MS,
  runFleet,
} from '../throughput';

/** Workers per exporter process: fixed, so that more processes mean more orders in flight. */
const CONCURRENCY = 6;

export const scaleOut: ScenarioDef = {
  name: 'scale-out',
  kind: 'bench',
  summary: `1, 2 and 4 exporter processes (${CONCURRENCY} workers each), Plenty at ${PLENTY_LATENCY_MS} ms: orders/s per fleet size`,
  expectedS: { tiny: 30, quick: 60, full: 150 },
  async run({ size, progress }) {
    const count = bySize(size, { tiny: 20, quick: 120, full: 400 });
    const runs: FleetRun[] = [];
    const peakRssMB: Record<string, number[]> = {};
    for (const processes of [1, 2, 4]) {
      const s = await latencyBoundScenario(count, 1200 + processes);
      try {
        await activate(s);
        const ids = await collected(s);
        progress(`${processes} process(es): ${ids.length} orders`, true);
        const sampler = new RssSampler();
        sampler.start(250);
        runs.push(
          await runFleet(s, {
            processes,
            concurrency: CONCURRENCY,
            expected: ids.length,
            progress,
            sampler,
            label: 'scale-out ',
          }),
        );
        peakRssMB[String(processes)] = sampler.stop().map((r) => r.peakMB);
      } finally {
        await s.close();
      }
    }
    const [one, two, four] = runs as [FleetRun, FleetRun, FleetRun];
    const x2 = two.perSecond / one.perSecond;
    const x4 = four.perSecond / one.perSecond;
    const busy = (r: FleetRun) => `${Math.round(r.machineBusyShare * 100)}%`;
    const coresLimit = runs
      .filter((r) => r.machineBusyShare >= 0.9)
      .map((r) => `${r.processes} process(es): machine ${busy(r)} busy`);
    const targets: Target[] = [
      {
        name: '2 exporter processes vs 1',
        target: '≥ 1.7×',
        measured: `${round(two.perSecond)} vs ${round(one.perSecond)} orders/s = ${round(x2, 2)}× (4 processes: ${round(four.perSecond)} orders/s = ${round(x4, 2)}×)`,
        met: size === 'tiny' ? null : x2 >= 1.7,
        ...(coresLimit.length
          ? { note: `the machine's 2 cores were the limit for ${coresLimit.join('; ')}` }
          : {}),
      },
    ];
    return {
      parameters: {
        orders: count,
        plentyLatencyMs: PLENTY_LATENCY_MS,
        concurrencyPerProcess: CONCURRENCY,
        processes: [1, 2, 4],
      },
      figures: {
        runs: runs.map((r) => ({ ...r, perSecond: round(r.perSecond, 2), seconds: round(r.seconds, 1) })),
        speedup2: round(x2, 2),
        speedup4: round(x4, 2),
        peakRssMBPerExporter: peakRssMB,
      },
      targets,
      notes: [
        'Each fleet size runs on a fresh shop of the same size; the clock starts when every process has registered its worker (the queue is paused until then).',
        'machineBusyShare is the whole machine (all users) from /proc/stat; cpuSeconds splits it by process group (other = processes not part of this run).',
      ],
    };
  },
};
