import { expect } from 'chai';
import { exited, spawnService } from '../../src/processes';
import { testEnv, uniquePrefix } from '../../src/testing';
import { freePort, httpGet, PrivateRedis, waitForStatus } from './helpers';

/**
 * Readiness follows Redis, liveness never does: each service runs as its own process against a
 * private redis-server that the test kills and starts again on the same port.
 */
describe('ops: /readyz flips when Redis stops, /healthz does not', function () {
  this.timeout(120_000);
  let redis: PrivateRedis;
  const services: { name: string; base: string; child: ReturnType<typeof spawnService> }[] = [];

  before(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    const common = {
      DATABASE_URL: testEnv.databaseUrl,
      REDIS_URL: redis.url,
      SECRETS_KEY: testEnv.secretsKey,
      QUEUE_PREFIX: uniquePrefix('ops-ready'),
      LOG_LEVEL: 'error',
      DATABASE_POOL_SIZE: '2',
    };
    for (const name of ['collector', 'exporter'] as const) {
      const port = await freePort();
      services.push({
        name,
        base: `http://127.0.0.1:${port}`,
        child: spawnService(name, { ...common, HEALTH_PORT: String(port) }),
      });
    }
    const apiPort = await freePort();
    services.push({
      name: 'api',
      base: `http://127.0.0.1:${apiPort}`,
      child: spawnService('api', { ...common, API_PORT: String(apiPort), API_HOST: '127.0.0.1' }),
    });
    await Promise.all(
      services.map(async (s) => {
        try {
          await waitForStatus(`${s.base}/readyz`, 200, 60_000);
        } catch (err) {
          throw new Error(
            `${s.name} never became ready: ${(err as Error).message}\n${(s.child as { stderrTail?: () => string }).stderrTail?.()}`,
          );
        }
      }),
    );
  });

  after(async () => {
    for (const s of services) s.child.kill('SIGKILL');
    await Promise.all(services.map((s) => exited(s.child)));
    await redis?.kill();
  });

  it('answers 503 naming redis within seconds of Redis dying, stays alive, and 200 again when Redis is back', async () => {
    await redis.kill();
    const killedAt = Date.now();
    const down = await Promise.all(services.map((s) => waitForStatus(`${s.base}/readyz`, 503, 10_000)));
    console.log(`      ${down.map((d, i) => `${services[i]!.name}: ${d.body}`).join('\n      ')}`);
    for (const [i, d] of down.entries()) {
      const body = JSON.parse(d.body) as { ready: boolean; checks: Record<string, string> };
      expect(body.ready, services[i]!.name).to.equal(false);
      expect(body.checks.postgres, `${services[i]!.name}: ${d.body}`).to.equal('ok');
      // fails fast (the connection is known to be down), not by waiting for a PING that never returns
      expect(body.checks.redis, `${services[i]!.name}: ${d.body}`)
        .to.be.a('string')
        .and.not.match(/^ok$|timed out/);
      expect(d.at - killedAt, `${services[i]!.name} noticed late`).to.be.below(5000);
    }
    // a dead Redis must not make the probe slow (probes give up after 3 s)
    for (const s of services) {
      const t0 = Date.now();
      const r = await httpGet(`${s.base}/readyz`, 5000);
      expect(r.status, s.name).to.equal(503);
      expect(Date.now() - t0, `${s.name} /readyz took too long`).to.be.below(1000);
      // liveness never depends on Redis
      expect((await httpGet(`${s.base}/healthz`)).status, `${s.name} /healthz`).to.equal(200);
    }

    await redis.start();
    await Promise.all(services.map((s) => waitForStatus(`${s.base}/readyz`, 200, 20_000)));
    for (const s of services) {
      expect(s.child.exitCode, `${s.name} exited`).to.equal(null);
      expect((await httpGet(`${s.base}/healthz`)).status).to.equal(200);
    }
  });
});
