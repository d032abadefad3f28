import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runAborters } from '../src/common';
import type { Report } from '../src/report';
import { runScenarios, scenarios } from '../src/run';

/**
 * Smoke test of `pnpm bench` / `pnpm chaos`: every scenario runs on tiny sizes and writes a JSON
 * report of the right shape. Timing figures are not asserted (benchmarks are commands, not tests).
 */
describe('bench: every scenario runs on tiny sizes and writes its report', function () {
  this.timeout(240_000);
  const dir = mkdtempSync(join(tmpdir(), 'mpc-bench-test-'));
  // a scenario cut short by a timeout leaves no exporter, redis-server or Postgres cluster behind
  after(() => runAborters());
  const read = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Report;

  function checkShape(r: Report, name: string) {
    expect(r.scenario).to.equal(name);
    expect(r.size).to.equal('tiny');
    expect(r.command).to.match(/^pnpm (bench|chaos) /);
    expect(r.machine.cpus).to.be.greaterThan(0);
    expect(r.machine.memoryMB).to.be.greaterThan(0);
    expect(r.machine.node).to.match(/^v\d+/);
    expect(r.git).to.have.keys('commit', 'dirty');
    expect(r.durationS).to.be.greaterThan(0);
    expect(r.targets.length).to.be.greaterThan(0);
    for (const t of r.targets) expect(t).to.include.keys('name', 'target', 'measured', 'met');
    expect(r.parameters).to.be.an('object');
    expect(r.figures).to.be.an('object');
  }

  it('bench scenarios', async () => {
    const names = scenarios.filter((s) => s.kind === 'bench').map((s) => s.name);
    expect(names).to.have.members([
      'calls-per-order',
      'latency-bound',
      'budget',
      'scale-out',
      'collector',
      'api',
    ]);
    await runScenarios({ kind: 'bench', names: [], size: 'tiny', resultsDir: dir, silent: true });
    for (const n of names) checkShape(read(n), n);

    const calls = read('calls-per-order').figures as {
      mix: { orders: number; writesPerOrder: number };
      notComplete: number;
      perCategory: Record<string, unknown>;
    };
    expect(calls.mix.orders).to.equal(20);
    expect(calls.notComplete).to.equal(0);
    expect(calls.mix.writesPerOrder).to.be.within(1, 7);
    expect(calls.perCategory).to.have.keys('repeat', 'new', 'guest');

    const lb = read('latency-bound').figures as {
      sequential: { complete: number };
      pipeline: { complete: number; perSecond: number };
      peakRssMB: { peakMB: number }[];
    };
    expect(lb.sequential.complete).to.be.greaterThan(0);
    expect(lb.pipeline.complete).to.be.greaterThan(0);
    expect(lb.pipeline.perSecond).to.be.greaterThan(0);
    expect(lb.peakRssMB.every((p) => p.peakMB > 0)).to.equal(true);

    const budget = read('budget').figures as {
      byStatus: Record<string, number>;
      duplicates: number;
      writes: number;
    };
    expect(budget.byStatus.failed ?? 0).to.equal(0);
    expect(budget.duplicates).to.equal(0);
    expect(budget.writes).to.be.greaterThan(0);

    const so = read('scale-out').figures as { runs: { processes: number; complete: number }[] };
    expect(so.runs.map((r) => r.processes)).to.deep.equal([1, 2, 4]);
    expect(so.runs.every((r) => r.complete > 0)).to.equal(true);

    const col = read('collector').figures as {
      append: { requests: number; enqueued: number };
      fullScan: { requests: number; orders: number };
    };
    expect(col.append.requests).to.be.within(1, 3);
    expect(col.append.enqueued).to.be.greaterThan(90);
    expect(col.fullScan.orders).to.equal(2_100);

    const api = read('api').figures as { latencyMs: Record<string, { n: number; p99: number }> };
    expect(Object.keys(api.latencyMs).length).to.be.greaterThan(5);
    for (const v of Object.values(api.latencyMs)) expect(v.p99).to.be.greaterThan(0);
  });

  it('chaos scenario', async () => {
    await runScenarios({ kind: 'chaos', names: ['chaos'], size: 'tiny', resultsDir: dir, silent: true });
    const r = read('chaos');
    checkShape(r, 'chaos');
    const f = r.figures as { duplicates: number; lost: number; exported: number; faults: unknown[] };
    expect(f.duplicates).to.equal(0);
    expect(f.lost).to.equal(0);
    expect(f.exported).to.be.greaterThan(0);
    expect(f.faults).to.have.length(3);
  });

  it('rejects unknown scenario names', async () => {
    let err: Error | undefined;
    try {
      await runScenarios({ kind: 'bench', names: ['nope'], size: 'tiny', silent: true, write: false });
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.match(/unknown bench scenario/);
  });
});
