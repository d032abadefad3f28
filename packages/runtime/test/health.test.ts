import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import { type HealthServer, redisReadiness, runReadinessChecks, startHealthServer } from '../src/health';
import { createMetricsRegistry, prom } from '../src/metrics';

async function get(port: number, path: string): Promise<{ status: number; body: string; ms: number }> {
  const t0 = Date.now();
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text(), ms: Date.now() - t0 };
}

describe('health server', () => {
  let server: HealthServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('answers /readyz 503 naming the failing check, within the check timeout, while /healthz stays 200', async () => {
    let redisUp = true;
    server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      checkTimeoutMs: 300,
      checks: {
        redis: async () => {
          if (!redisUp) await new Promise(() => {}); // a PING queued forever by an offline queue
        },
        postgres: async () => {},
      },
    });
    expect(await get(server.port, '/readyz')).to.include({ status: 200 });
    redisUp = false;
    const down = await get(server.port, '/readyz');
    expect(down.status).to.equal(503);
    expect(JSON.parse(down.body)).to.deep.equal({
      ready: false,
      checks: { redis: 'timed out after 300 ms', postgres: 'ok' },
    });
    expect(down.ms).to.be.below(1500);
    expect(await get(server.port, '/healthz')).to.include({ status: 200, body: '{"status":"ok"}' });
    redisUp = true;
    expect(await get(server.port, '/readyz')).to.include({ status: 200 });
  });

  it('reports liveness from isAlive, not from the readiness checks', async () => {
    let alive = true;
    server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      isAlive: () => alive,
      checks: { redis: async () => Promise.reject(new Error('down')) },
    });
    expect((await get(server.port, '/healthz')).status).to.equal(200);
    alive = false;
    expect((await get(server.port, '/healthz')).status).to.equal(503);
  });

  it('turns not ready once a shutdown starts', async () => {
    server = await startHealthServer({ port: 0, host: '127.0.0.1', checks: { redis: async () => {} } });
    expect((await get(server.port, '/readyz')).status).to.equal(200);
    server.markShuttingDown();
    const r = await get(server.port, '/readyz');
    expect(r.status).to.equal(503);
    expect(JSON.parse(r.body).checks).to.deep.equal({ shutdown: 'shutting down' });
  });

  it('serves the registry on /metrics, and 500 (not a hang or a crash) when a collector throws', async () => {
    const registry = createMetricsRegistry('t');
    const g = new prom.Gauge({ name: 'mpc_test_gauge', help: 'x', registers: [registry] });
    g.set(3);
    server = await startHealthServer({ port: 0, host: '127.0.0.1', registry, checks: {} });
    const ok = await get(server.port, '/metrics');
    expect(ok.status).to.equal(200);
    expect(ok.body).to.match(/^mpc_test_gauge\{service="t"\} 3$/m);
    new prom.Gauge({
      name: 'mpc_test_broken',
      help: 'x',
      registers: [registry],
      collect: () => {
        throw new Error('boom');
      },
    });
    expect((await get(server.port, '/metrics')).status).to.equal(500);
    expect((await get(server.port, '/nope')).status).to.equal(404);
  });
});

describe('readiness checks', () => {
  it('run in parallel, each bounded by the timeout', async () => {
    const t0 = Date.now();
    const r = await runReadinessChecks(
      { a: () => new Promise(() => {}), b: () => new Promise(() => {}), c: async () => {} },
      200,
    );
    expect(Date.now() - t0).to.be.below(600);
    expect(r).to.deep.equal({
      ready: false,
      checks: { a: 'timed out after 200 ms', b: 'timed out after 200 ms', c: 'ok' },
    });
  });

  it('redisReadiness fails at once on a connection that is not ready, without sending a PING', async () => {
    let pings = 0;
    const redis = { status: 'reconnecting', ping: async () => void pings++ };
    const r = await runReadinessChecks({ redis: redisReadiness(redis) }, 5000);
    expect(r.checks.redis).to.equal('redis connection is reconnecting');
    expect(pings).to.equal(0);
    redis.status = 'ready';
    expect((await runReadinessChecks({ redis: redisReadiness(redis) })).ready).to.equal(true);
    expect(pings).to.equal(1);
  });

  it('redisReadiness fails when the connection drops while its PING is held (not at the timeout)', async () => {
    const redis = Object.assign(new EventEmitter(), { status: 'ready', ping: () => new Promise(() => {}) });
    const t0 = Date.now();
    const pending = runReadinessChecks({ redis: redisReadiness(redis) }, 5000);
    setImmediate(() => redis.emit('close'));
    expect((await pending).checks.redis).to.equal('redis connection lost');
    expect(Date.now() - t0).to.be.below(1000);
    expect(redis.listenerCount('close')).to.equal(0);
  });
});
