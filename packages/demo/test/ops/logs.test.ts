import { Writable } from 'node:stream';
import { createLogger } from '@mpc/runtime';
import { expect } from 'chai';
import { waitForSettled } from '../../src/pipeline';
import { exited } from '../../src/processes';
import { type Scenario, startScenario } from '../../src/scenario';
import { testEnv, uniquePrefix } from '../../src/testing';
import { type CapturedProcess, freePort, spawnCaptured, waitForStatus } from './helpers';

type Line = Record<string, unknown> & { message: string; level: string };

describe('ops: logs', function () {
  this.timeout(120_000);

  describe('correlation fields', () => {
    let s: Scenario;
    const lines: Line[] = [];
    before(async () => {
      const stream = new Writable({
        write(chunk, _e, cb) {
          for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Line);
          cb();
        },
      });
      // Plenty 5xx faults: retries, interrupted attempts and resumed steps log too, not only successes
      s = await startScenario({
        orders: { count: 8, seed: 921 },
        faults: { error5xxRate: 0.1, faultAfterWriteRatio: 0.5 },
        pipeline: { logger: createLogger({ service: 'pipeline', level: 'debug', stream }) },
      });
    });
    after(async () => {
      await s?.close();
    });

    it('every line about an order carries profileId, orderId and jobId; run lines carry profileId and jobId', async () => {
      const settled = await waitForSettled(s.pipeline, s.profileId, { timeoutMs: 60_000, minRows: 8 });
      const rows = await s.pipeline.prisma.orderSync.findMany({ where: { profileId: s.profileId } });
      const orderIds = new Set(rows.map((r) => r.magentoOrderId));
      const incrementIds = rows.map((r) => r.incrementId);
      // a line is about an order when it names one: an order id field, or an order's id or increment id in its text
      const aboutOrder = lines.filter((l) => {
        if (l.orderId !== undefined || l.magentoOrderId !== undefined || l.plentyOrderId !== undefined)
          return true;
        const text = JSON.stringify(l);
        return incrementIds.some((inc) => text.includes(inc)) || /\border\b/i.test(l.message);
      });
      console.log(
        `      ${lines.length} lines, ${aboutOrder.length} about orders; rows ${JSON.stringify(settled.byStatus)}; messages: ${[...new Set(lines.map((l) => l.message))].join(' | ')}`,
      );
      expect(aboutOrder.length).to.be.at.least(orderIds.size);
      for (const l of aboutOrder) {
        expect(l, JSON.stringify(l)).to.include.keys('profileId', 'orderId', 'jobId');
        expect(l.profileId).to.equal(s.profileId);
        expect(orderIds.has(l.orderId as number), JSON.stringify(l)).to.equal(true);
        expect(l.jobId).to.be.a('string').and.not.equal('');
      }
      // every exported order said so once, with its ids
      expect(
        aboutOrder.filter((l) => l.message !== 'order exported'),
        'no retry lines: the faults did not bite',
      ).not.to.be.empty;
      const exported = aboutOrder.filter((l) => l.message === 'order exported');
      expect(new Set(exported.map((l) => l.orderId)).size).to.equal(settled.byStatus.complete ?? 0);
      // collector runs: profileId and jobId
      const runs = lines.filter((l) => l.message === 'run finished');
      expect(runs).not.to.be.empty;
      for (const l of runs) expect(l, JSON.stringify(l)).to.include.keys('profileId', 'jobId');
      // and no line carries personal data of the orders
      const text = lines.map((l) => JSON.stringify(l)).join('\n');
      expect(text).not.to.match(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/);
    });
  });

  describe('LOG_LEVEL per service', () => {
    const procs: CapturedProcess[] = [];
    after(async () => {
      for (const p of procs) p.child.kill('SIGKILL');
      await Promise.all(procs.map((p) => exited(p.child)));
    });

    async function runService(
      name: 'api' | 'scheduler' | 'collector' | 'exporter',
      level: string,
    ): Promise<{ name: string; lines: Line[]; stderr: string }> {
      const port = await freePort();
      const env: Record<string, string> = {
        DATABASE_URL: testEnv.databaseUrl,
        REDIS_URL: testEnv.redisUrl,
        SECRETS_KEY: testEnv.secretsKey,
        QUEUE_PREFIX: uniquePrefix('ops-log'),
        LOG_LEVEL: level,
        DATABASE_POOL_SIZE: '2',
        ...(name === 'api'
          ? { API_PORT: String(port), API_HOST: '127.0.0.1' }
          : { HEALTH_PORT: String(port) }),
      };
      const p = spawnCaptured(name, env);
      procs.push(p);
      await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, 60_000);
      // started, served a probe; now a whole graceful shutdown (info lines: shutting down, shut down)
      p.child.kill('SIGTERM');
      const { code } = await exited(p.child);
      expect(code, `${name}: ${p.stderr()}`).to.equal(0);
      return { name, lines: p.lines().map((l) => JSON.parse(l) as Line), stderr: p.stderr() };
    }

    it('LOG_LEVEL=error prints no info lines (and info does, as a control)', async () => {
      const quiet = await Promise.all(
        (['api', 'scheduler', 'collector', 'exporter'] as const).map((n) => runService(n, 'error')),
      );
      for (const q of quiet) {
        const below = q.lines.filter((l) => l.level !== 'error');
        expect(below, `${q.name} printed below error: ${JSON.stringify(below)}`).to.deep.equal([]);
      }
      const loud = await runService('exporter', 'info');
      const messages = loud.lines.map((l) => l.message);
      expect(messages).to.include.members(['exporter started', 'shutting down', 'shut down']);
      for (const l of loud.lines)
        expect(l).to.include({ service: 'exporter' }).and.to.include.keys('timestamp', 'level');
    });
  });
});
