import { expect } from 'chai';
import { waitForSettled } from '../src/pipeline';
import { type Scenario, startScenario } from '../src/scenario';
import { verifyExactlyOnce } from '../src/verify';

/** Plenty down for 30 s: the breaker opens, calls during the outage stay few, all completes after. */
describe('outage: Plenty down for 30 s', function () {
  this.timeout(180_000);
  let s: Scenario;
  after(async () => s?.close());

  it('opens the breaker, bounds the calls during the outage and completes everything after recovery', async () => {
    s = await startScenario({
      orders: { count: 60, seed: 41, storeIds: [1, 3] },
      plenty: { latencyMs: 20 },
      pipeline: {
        exporterConcurrency: 10,
        breaker: { resetTimeoutMs: 5000, volumeThreshold: 5 },
        plentyTimeoutMs: 2000,
      },
      active: false,
    });
    const outageMs = 30_000;
    // counted on our side: calls that reached a dead Plenty never show up in its counters
    const plentyCalls = async () =>
      ((await s.pipeline.registry.getSingleMetric('mpc_plenty_calls_total')?.get())?.values ?? []).reduce(
        (n, v) => n + v.value,
        0,
      );
    const callsBefore = await plentyCalls();
    s.plenty.configure({ faults: { outage: { durationMs: outageMs } } });
    const outageStarted = Date.now();
    await s.pipeline.prisma.profile.update({ where: { id: s.profileId }, data: { status: 'active' } });
    await s.pipeline.scheduler.reconcile();
    await new Promise((r) => setTimeout(r, outageMs - (Date.now() - outageStarted)));
    const callsDuringOutage = (await plentyCalls()) - callsBefore;
    const during = await s.pipeline.prisma.orderSync.groupBy({
      by: ['status'],
      where: { profileId: s.profileId },
      _count: { _all: true },
    });
    const counts = await waitForSettled(s.pipeline, s.profileId, { timeoutMs: 120_000, minRows: 60 });
    const drainS = (Date.now() - outageStarted - outageMs) / 1000;
    console.log(
      `      calls during the 30 s outage: ${callsDuringOutage}, rows then: ${JSON.stringify(during.map((g) => [g.status, g._count._all]))}, drained ${drainS.toFixed(1)} s after recovery: ${JSON.stringify(counts.byStatus)}`,
    );
    // without a breaker 10 workers retrying for 30 s would make hundreds of calls
    expect(callsDuringOutage).to.be.lessThan(120);
    expect(during.some((g) => g.status === 'failed')).to.equal(false);
    expect(counts.byStatus.failed ?? 0).to.equal(0);
    expect(counts.byStatus.complete).to.equal(60);
    const report = await verifyExactlyOnce(s.pipeline.prisma, s.plenty.state, s.profileId);
    expect(report.duplicateOrders).to.deep.equal([]);
    expect(report.lost).to.deep.equal([]);
  });
});
