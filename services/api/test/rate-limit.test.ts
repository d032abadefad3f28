import { createRedisConnection, type Redis } from '@mpc/queue';
import { expect } from 'chai';
import type { Options } from 'express-rate-limit';
import request from 'supertest';
import { createApp } from '../src/app';
import { RedisWithMemoryFallbackStore } from '../src/http/rate-limit-store';
import { as, closedPort, useHarness } from './helpers';

describe('api: rate limit per API key shared by every replica (Redis), memory while Redis is down', () => {
  const h = useHarness();

  it('two api replicas share one limit per key (counters in Redis under QUEUE_PREFIX)', async () => {
    const config = { ...h.deps.config, rateLimitPerMinute: 4 };
    const a = createApp({ ...h.deps, config });
    const b = createApp({ ...h.deps, config });
    const get = (app: typeof a, key = h.viewerKey) => request(app).get('/api/v1/profiles').set(as(key));
    expect((await get(a)).status).to.equal(200);
    expect((await get(b)).status).to.equal(200);
    expect((await get(a)).status).to.equal(200);
    const fourth = await get(b);
    expect(fourth.status).to.equal(200);
    expect(fourth.headers.ratelimit).to.match(/r=0/);
    const limited = await get(a);
    expect(limited.status).to.equal(429);
    expect(limited.body.detail).to.include('rate limit of 4 requests per minute for this API key exceeded');
    expect(Number(limited.headers['retry-after'])).to.be.within(1, 60);
    expect((await get(b)).status).to.equal(429);
    expect((await get(a, h.adminKey)).status).to.equal(200); // other keys are unaffected
    const viewer = await h.prisma.apiKey.findFirstOrThrow({ where: { role: 'viewer' } });
    expect((await h.redis.keys(`${h.prefix}:api-rl:*`)).sort()).to.have.length(2);
    expect(await h.redis.get(`${h.prefix}:api-rl:key-${viewer.id}`)).to.equal('6');
  });

  it('Redis unreachable: requests are served and limited in memory, one warning in the log', async () => {
    const port = await closedPort();
    const broken = createRedisConnection(`redis://127.0.0.1:${port}`, 'producer', {
      retryStrategy: () => null,
    });
    broken.on('error', () => {});
    try {
      const app = createApp({
        ...h.deps,
        redis: broken,
        config: { ...h.deps.config, rateLimitPerMinute: 3 },
      });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await request(app).get('/api/v1/profiles').set(as(h.viewerKey))).status);
      expect(statuses).to.deep.equal([200, 200, 200, 429]);
      const warnings = h.logLines.filter((l) => l.includes('rate limiter: Redis unavailable'));
      expect(warnings).to.have.length(1);
    } finally {
      broken.disconnect();
    }
  });

  describe('RedisWithMemoryFallbackStore', () => {
    const options = { windowMs: 60_000 } as Options;
    let clock: number;
    let mode: 'up' | 'down' | 'hang';
    let redisCalls: number;
    const flaky = () =>
      ({
        call: (...args: [string, ...string[]]) => {
          redisCalls++;
          if (mode === 'down') return Promise.reject(new Error("Stream isn't writeable"));
          if (mode === 'hang') return new Promise(() => {});
          return h.redis.call(...args);
        },
      }) as unknown as Redis;
    const store = () => {
      const s = new RedisWithMemoryFallbackStore({
        redis: flaky(),
        prefix: `${h.prefix}:api-rl:`,
        timeoutMs: 100,
        retryAfterMs: 5000,
        now: () => clock,
      });
      s.init(options);
      return s;
    };
    beforeEach(() => {
      clock = Date.now();
      mode = 'up';
      redisCalls = 0;
    });

    it('down at start: counts in memory without calling Redis again until the retry time, then Redis takes over', async () => {
      mode = 'down';
      const s = store();
      expect((await s.increment('k')).totalHits).to.equal(1); // memory
      expect(s.degraded).to.equal(true);
      const calls = redisCalls;
      expect((await s.increment('k')).totalHits).to.equal(2); // memory, Redis not tried
      expect(redisCalls).to.equal(calls);
      mode = 'up';
      clock += 5001;
      expect((await s.increment('k')).totalHits).to.equal(1); // Redis (scripts loaded now)
      expect(s.degraded).to.equal(false);
      expect((await s.increment('k')).totalHits).to.equal(2);
      expect(await h.redis.get(`${h.prefix}:api-rl:k`)).to.equal('2');
      s.shutdown();
    });

    it('a Redis that stops answering falls back after the timeout; decrement/resetKey reach both stores', async () => {
      const s = store();
      expect((await s.increment('x')).totalHits).to.equal(1);
      mode = 'hang';
      const t0 = Date.now();
      expect((await s.increment('x')).totalHits).to.equal(1); // memory had no hits for x yet
      expect(Date.now() - t0).to.be.lessThan(1000);
      expect(s.degraded).to.equal(true);
      mode = 'up';
      clock += 6000;
      expect((await s.increment('x')).totalHits).to.equal(2); // Redis again (its counter kept going)
      await s.decrement('x');
      expect((await s.get('x'))!.totalHits).to.equal(1);
      await s.resetKey('x');
      expect(await h.redis.exists(`${h.prefix}:api-rl:x`)).to.equal(0);
      s.shutdown();
    });
  });
});
