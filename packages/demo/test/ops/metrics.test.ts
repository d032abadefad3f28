import { expect } from 'chai';
import { waitForSettled } from '../../src/pipeline';
import { exited, spawnService } from '../../src/processes';
import { type Scenario, startScenario } from '../../src/scenario';
import { testEnv } from '../../src/testing';
import { freePort, httpGet, parseMetrics, sumOf, waitForStatus } from './helpers';

/** Metric names and values after a small export, in process and on a worker's /metrics. */
describe('ops: metrics after a demo export', function () {
  this.timeout(120_000);

  describe('in-process pipeline registry', () => {
    let s: Scenario;
    before(async () => {
      s = await startScenario({ orders: { count: 8, seed: 911 } });
    });
    after(async () => {
      await s?.close();
    });

    it('counts exports by outcome, Plenty calls by route and calls per order', async () => {
      const settled = await waitForSettled(s.pipeline, s.profileId, { timeoutMs: 60_000, minRows: 8 });
      const complete = settled.byStatus.complete ?? 0;
      expect(complete, JSON.stringify(settled.byStatus)).to.be.greaterThan(0);
      const m = parseMetrics(await s.pipeline.registry.metrics());

      expect(sumOf(m, 'mpc_exports_total', { outcome: 'complete' })).to.equal(complete);
      expect(sumOf(m, 'mpc_exports_total', { outcome: 'skipped' })).to.equal(settled.byStatus.skipped ?? 0);
      expect(sumOf(m, 'mpc_exports_total', { outcome: 'failed' })).to.equal(0);
      // every attempt is timed once
      expect(sumOf(m, 'mpc_export_duration_seconds_count')).to.equal(sumOf(m, 'mpc_exports_total'));

      const calls = m.filter((x) => x.name === 'mpc_plenty_calls_total');
      expect(sumOf(m, 'mpc_plenty_calls_total')).to.be.greaterThan(0);
      for (const c of calls) {
        expect(c.labels).to.have.keys('service', 'system', 'method', 'route', 'status');
        // route templates, never ids: low cardinality
        expect(c.labels.route, c.labels.route).to.match(/^\/rest\/[a-z/_{}A-Z]+$/);
        expect(c.labels.route).not.to.match(/\/\d+/);
      }
      // one POST /rest/orders per Plenty order created, as the sandbox saw it
      expect(
        sumOf(m, 'mpc_plenty_calls_total', { method: 'POST', route: '/rest/orders', status: '200' }),
      ).to.equal(s.plenty.state.orders.size);
      expect(s.plenty.state.orders.size).to.equal(complete);

      expect(sumOf(m, 'mpc_plenty_calls_per_order_count', { kind: 'write' })).to.equal(complete);
      expect(sumOf(m, 'mpc_plenty_calls_per_order_count', { kind: 'read' })).to.equal(complete);
      // at least the order itself per order
      expect(sumOf(m, 'mpc_plenty_calls_per_order_sum', { kind: 'write' })).to.be.at.least(complete);
    });
  });

  describe('an exporter process /metrics', () => {
    let s: Scenario;
    let exporter: ReturnType<typeof spawnService> | undefined;
    let base = '';
    before(async () => {
      s = await startScenario({ orders: { count: 6, seed: 912 }, pipeline: { exporterConcurrency: 0 } });
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      exporter = spawnService('exporter', {
        DATABASE_URL: testEnv.databaseUrl,
        REDIS_URL: testEnv.redisUrl,
        SECRETS_KEY: testEnv.secretsKey,
        QUEUE_PREFIX: s.prefix,
        LOG_LEVEL: 'error',
        EXPORTER_CONCURRENCY: '4',
        DATABASE_POOL_SIZE: '4',
        HEALTH_PORT: String(port),
      });
      await waitForStatus(`${base}/healthz`, 200, 60_000);
    });
    after(async () => {
      exporter?.kill('SIGKILL');
      if (exporter) await exited(exporter);
      await s?.close();
    });

    it('serves the export metrics, call durations and the Plenty budget, labelled service="exporter"', async () => {
      const settled = await waitForSettled(s.pipeline, s.profileId, { timeoutMs: 60_000, minRows: 6 });
      const complete = settled.byStatus.complete ?? 0;
      expect(complete).to.be.greaterThan(0);
      const res = await httpGet(`${base}/metrics`);
      expect(res.status).to.equal(200);
      const m = parseMetrics(res.body);
      for (const name of [
        'mpc_exports_total',
        'mpc_plenty_calls_total',
        'mpc_plenty_call_duration_seconds_count',
        'mpc_plenty_calls_per_order_count',
        'mpc_plenty_budget_calls_left',
        'process_cpu_user_seconds_total',
        'nodejs_eventloop_lag_p99_seconds',
      ]) {
        const samples = m.filter((x) => x.name === name);
        expect(samples, `${name} missing`).not.to.be.empty;
        for (const x of samples) expect(x.labels.service, name).to.equal('exporter');
      }
      expect(sumOf(m, 'mpc_exports_total', { outcome: 'complete' })).to.equal(complete);
      expect(sumOf(m, 'mpc_plenty_calls_per_order_count', { kind: 'write' })).to.equal(complete);
      // every call is timed, by kind
      expect(sumOf(m, 'mpc_plenty_call_duration_seconds_count')).to.equal(sumOf(m, 'mpc_plenty_calls_total'));
      expect(sumOf(m, 'mpc_plenty_call_duration_seconds_count', { kind: 'write' })).to.equal(
        m
          .filter((x) => x.name === 'mpc_plenty_calls_total' && x.labels.method !== 'GET')
          .reduce((n, x) => n + x.value, 0),
      );
      expect(sumOf(m, 'mpc_plenty_call_duration_seconds_sum')).to.be.greaterThan(0);
      // the budget as the shared limiter holds it: per kind and window, positive, at most the plan's limit
      const host = new URL(s.plenty.url).host;
      for (const [kind, window] of [
        ['write', 'short'],
        ['write', 'long'],
        ['read', 'short'],
        ['read', 'long'],
      ] as const) {
        const b = m.find(
          (x) =>
            x.name === 'mpc_plenty_budget_calls_left' && x.labels.kind === kind && x.labels.window === window,
        );
        expect(b, `${kind}/${window}`).to.not.equal(undefined);
        expect(b!.labels.system).to.equal(host);
        expect(b!.value, `${kind}/${window}`).to.be.greaterThan(0);
      }
    });
  });
});
