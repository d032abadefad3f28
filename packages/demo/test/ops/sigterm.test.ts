import { expect } from 'chai';
import { waitForSettled } from '../../src/pipeline';
import { exited } from '../../src/processes';
import { type Scenario, startScenario } from '../../src/scenario';
import { testEnv } from '../../src/testing';
import { verifyExactlyOnce } from '../../src/verify';
import { type CapturedProcess, pollUntil, spawnCaptured } from './helpers';

const CLEAN = {
  duplicateOrders: [],
  duplicatePayments: [],
  duplicateRelations: [],
  duplicateContacts: [],
  unsettled: [],
  lost: [],
  unexpectedOrders: [],
};

function exporterEnv(s: Scenario, extra: Record<string, string>): Record<string, string> {
  return {
    DATABASE_URL: testEnv.databaseUrl,
    REDIS_URL: testEnv.redisUrl,
    SECRETS_KEY: testEnv.secretsKey,
    QUEUE_PREFIX: s.prefix,
    LOG_LEVEL: 'info',
    DATABASE_POOL_SIZE: '4',
    HEALTH_PORT: '0',
    ...extra,
  };
}

async function counts(s: Scenario): Promise<Record<string, number>> {
  const groups = await s.pipeline.prisma.orderSync.groupBy({
    by: ['status'],
    where: { profileId: s.profileId },
    _count: { _all: true },
  });
  return Object.fromEntries(groups.map((g) => [g.status, g._count._all]));
}

function messages(p: CapturedProcess): string[] {
  return p.lines().flatMap((l) => {
    try {
      return [String((JSON.parse(l) as { message?: unknown }).message)];
    } catch {
      return [];
    }
  });
}

describe('ops: SIGTERM to an exporter mid-export', function () {
  this.timeout(180_000);

  describe('within SHUTDOWN_TIMEOUT_MS', () => {
    let s: Scenario;
    const children: CapturedProcess[] = [];
    before(async () => {
      s = await startScenario({ orders: { count: 24, seed: 901 }, pipeline: { exporterConcurrency: 0 } });
      s.plenty.configure({ latencyMs: 200 });
    });
    after(async () => {
      for (const c of children) c.child.kill('SIGKILL');
      await Promise.all(children.map((c) => exited(c.child)));
      await s?.close();
    });

    it('stops taking jobs, finishes the running ones, exits 0 before the deadline; a second exporter drains the rest exactly once', async () => {
      const env = exporterEnv(s, {
        EXPORTER_CONCURRENCY: '4',
        SHUTDOWN_TIMEOUT_MS: '20000',
        EXPORTER_LOCK_DURATION_MS: '5000',
        EXPORTER_STALLED_INTERVAL_MS: '2000',
        PLENTY_TIMEOUT_MS: '5000',
      });
      const first = spawnCaptured('exporter', env);
      children.push(first);
      // mid-export: some orders done, some claimed right now, most still waiting
      await pollUntil(
        'exports in flight',
        async () => {
          const c = await counts(s);
          return (c.complete ?? 0) >= 2 && (c.processing ?? 0) >= 1 ? c : undefined;
        },
        60_000,
        50,
      );
      const atSigterm = await counts(s);
      const t0 = Date.now();
      first.child.kill('SIGTERM');
      const { code, signal } = await exited(first.child);
      const tookMs = Date.now() - t0;
      const afterExit = await counts(s);
      console.log(
        `      at SIGTERM ${JSON.stringify(atSigterm)}, after exit (${tookMs} ms) ${JSON.stringify(afterExit)}`,
      );
      expect({ code, signal }, first.stderr()).to.deep.equal({ code: 0, signal: null });
      expect(tookMs).to.be.below(20_000);
      const said = messages(first);
      expect(said).to.include.members(['shutting down', 'shut down']);
      expect(said).not.to.include('shutdown step failed');
      expect(said).not.to.include('shutdown deadline passed, exiting');
      // the running exports finished: nothing is left claimed, no job is active
      expect(afterExit.processing ?? 0).to.equal(0);
      expect(await s.pipeline.queues.export.getActiveCount()).to.equal(0);
      // it stopped taking jobs: at most the jobs it already held (concurrency 4) finished after SIGTERM
      expect((afterExit.complete ?? 0) - (atSigterm.complete ?? 0)).to.be.at.most(4);
      expect(afterExit.pending ?? 0, 'nothing left for the second exporter').to.be.greaterThan(0);

      const second = spawnCaptured('exporter', env);
      children.push(second);
      const settled = await waitForSettled(s.pipeline, s.profileId, { timeoutMs: 120_000, minRows: 24 });
      const report = await verifyExactlyOnce(s.pipeline.prisma, s.plenty.state, s.profileId);
      expect(report).to.deep.include(CLEAN);
      expect(settled.byStatus.failed ?? 0, JSON.stringify(settled.byStatus)).to.equal(0);
      expect(settled.byStatus.complete ?? 0).to.be.greaterThan(0);
      expect(await s.pipeline.queues.export.getFailedCount()).to.equal(0);
    });
  });

  describe('past SHUTDOWN_TIMEOUT_MS (exports slower than the deadline)', () => {
    let s: Scenario;
    const children: CapturedProcess[] = [];
    before(async () => {
      s = await startScenario({ orders: { count: 6, seed: 902 }, pipeline: { exporterConcurrency: 0 } });
      s.plenty.configure({ latencyMs: 3000 });
    });
    after(async () => {
      for (const c of children) c.child.kill('SIGKILL');
      await Promise.all(children.map((c) => exited(c.child)));
      await s?.close();
    });

    it('exits 1 at the deadline; its jobs run again elsewhere once their locks expire, without duplicates', async () => {
      // lock (8 s) longer than a Plenty call can stay in flight (timeout 6 s): a re-run never races
      // an answer Plenty is still preparing for the process that died
      const env = exporterEnv(s, {
        EXPORTER_CONCURRENCY: '6',
        SHUTDOWN_TIMEOUT_MS: '1000',
        EXPORTER_LOCK_DURATION_MS: '8000',
        EXPORTER_STALLED_INTERVAL_MS: '2000',
        PLENTY_TIMEOUT_MS: '6000',
      });
      const first = spawnCaptured('exporter', env);
      children.push(first);
      await pollUntil(
        'exports in flight',
        async () => {
          const c = await counts(s);
          return (c.processing ?? 0) >= 2 ? c : undefined;
        },
        60_000,
        50,
      );
      const t0 = Date.now();
      first.child.kill('SIGTERM');
      const { code } = await exited(first.child);
      const tookMs = Date.now() - t0;
      const afterExit = await counts(s);
      console.log(`      exit ${code} after ${tookMs} ms, rows ${JSON.stringify(afterExit)}`);
      expect(code, first.stderr()).to.equal(1);
      expect(tookMs).to.be.within(900, 3000);
      expect(messages(first)).to.include('shutdown deadline passed, exiting');
      expect(afterExit.processing ?? 0, 'the deadline cut exports short').to.be.greaterThan(0);

      s.plenty.configure({ latencyMs: 100 });
      const second = spawnCaptured('exporter', env);
      children.push(second);
      const settled = await waitForSettled(s.pipeline, s.profileId, { timeoutMs: 120_000, minRows: 6 });
      const report = await verifyExactlyOnce(s.pipeline.prisma, s.plenty.state, s.profileId);
      expect(report).to.deep.include(CLEAN);
      expect(settled.byStatus.failed ?? 0, JSON.stringify(settled.byStatus)).to.equal(0);
      expect(await s.pipeline.queues.export.getFailedCount()).to.equal(0);
    });
  });
});
