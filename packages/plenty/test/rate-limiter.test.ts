import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import {
  createPlentyClient,
  createPlentyRateLimiter,
  isPlentyRateLimit,
  type PlanLimits,
  PlentyHttpError,
  PlentyRateLimitedError,
  parsePlentyRateHeaders,
} from '../src/index';
import { type FakePlenty, startFakePlenty } from './fake-plenty';

const creds = { username: 'api', password: 'secret' };
const prefix = `test-${process.pid}-${randomUUID().slice(0, 8)}:`;

describe('plenty rate-limit headers', () => {
  it('parses short, long, route windows and Retry-After', () => {
    const h = parsePlentyRateHeaders(
      {
        'x-plenty-global-short-period-limit': '80',
        'x-plenty-global-short-period-calls-left': '3',
        'x-plenty-global-short-period-decay': '12',
        'X-Plenty-Global-Long-Period-Limit': '48000',
        'X-Plenty-Global-Long-Period-Calls-Left': '47000',
        'X-Plenty-Global-Long-Period-Decay': '3600',
        'x-plenty-route-limit': '10',
        'x-plenty-route-calls-left': '0',
        'x-plenty-route-decay': '30',
        'retry-after': '7',
      },
      0,
    );
    expect(h).to.deep.equal({
      short: { limit: 80, callsLeft: 3, decayMs: 12_000 },
      long: { limit: 48000, callsLeft: 47000, decayMs: 3_600_000 },
      route: { limit: 10, callsLeft: 0, decayMs: 30_000 },
      retryAfterMs: 7_000,
    });
  });

  it('uses Calls-Reset when Retry-After is missing', () => {
    const now = 1_700_000_000_000;
    const h = parsePlentyRateHeaders(
      { 'X-Plenty-Global-Short-Period-Calls-Reset': String(now / 1000 + 9) },
      now,
    );
    expect(h.retryAfterMs).to.equal(9_000);
  });
});

describe('plenty rate limiter (shared through Redis)', function () {
  this.timeout(20_000);
  const redisA = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const redisB = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  let fake: FakePlenty | undefined;

  after(async () => {
    const keys = await redisA.keys(`${prefix}*`);
    if (keys.length) await redisA.del(...keys);
    redisA.disconnect();
    redisB.disconnect();
  });
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  const smallPlan: PlanLimits = { read: { short: 10, long: 10_000 }, write: { short: 5, long: 10_000 } };

  it('two processes (two limiter instances, two Redis connections) never exceed the budget: no 429', async () => {
    fake = await startFakePlenty({ rateLimit: { limit: 10, windowMs: 1_000 } });
    fake.app.get('/rest/webstores', (_req, res) => {
      res.json([]);
    });
    const systemKey = `sys-${randomUUID()}`;
    const mk = (redis: Redis) =>
      createPlentyClient({
        baseUrl: fake!.url,
        ...creds,
        rateLimiter: createPlentyRateLimiter({
          redis,
          systemKey,
          keyPrefix: prefix,
          plan: smallPlan,
          reserve: 1,
        }),
      });
    const a = mk(redisA);
    const b = mk(redisB);
    const started = Date.now();
    await Promise.all([
      ...Array.from({ length: 15 }, () => a.getWebstores()),
      ...Array.from({ length: 15 }, () => b.getWebstores()),
    ]);
    const elapsed = Date.now() - started;
    expect(fake.tooMany, 'Plenty answered 429').to.equal(0);
    expect(fake.calls.filter((c) => c.status === 200)).to.have.length(30);
    // 30 calls at 9 usable per 1 s window need at least 3 windows
    expect(elapsed).to.be.greaterThan(1_900);
    const budget = await a.rateLimiter!.getBudget();
    expect(budget.read.short?.synced).to.equal(true);
    expect(budget.read.short?.limit).to.equal(10);
    expect(budget.read.long?.limit).to.equal(100000);
  });

  it('throttles before the 429: waits when calls-left reaches the reserve', async () => {
    const systemKey = `sys-${randomUUID()}`;
    const limiter = createPlentyRateLimiter({
      redis: redisA,
      systemKey,
      keyPrefix: prefix,
      plan: smallPlan,
      reserve: 2,
    });
    await limiter.update(
      'read',
      {
        'X-Plenty-Global-Short-Period-Limit': '10',
        'X-Plenty-Global-Short-Period-Calls-Left': '3',
        'X-Plenty-Global-Short-Period-Decay': '2',
      },
      200,
    );
    expect((await limiter.tryAcquire('read')).waitMs).to.equal(0); // 3 → 2
    const blocked = await limiter.tryAcquire('read');
    expect(blocked.waitMs).to.be.within(1_000, 2_000);
    expect(blocked.reason).to.equal('read:short');
    // writes have their own counters
    expect((await limiter.tryAcquire('write')).waitMs).to.equal(0);
    // beyond maxWaitMs acquire gives up with a retryable, typed error instead of sleeping
    let err: unknown;
    try {
      await limiter.acquire('read', { maxWaitMs: 100 });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(PlentyRateLimitedError);
    expect(isPlentyRateLimit(err)).to.equal(true);
    expect((err as PlentyRateLimitedError).retryAfterMs).to.be.greaterThan(500);
  });

  it('spreads the remaining calls over the remaining decay when the budget runs low', async () => {
    const systemKey = `sys-${randomUUID()}`;
    const limiter = createPlentyRateLimiter({
      redis: redisA,
      systemKey,
      keyPrefix: prefix,
      plan: smallPlan,
      reserve: 0,
      paceBelow: 0.5,
    });
    await limiter.update(
      'read',
      {
        'X-Plenty-Global-Short-Period-Limit': '100',
        'X-Plenty-Global-Short-Period-Calls-Left': '4',
        'X-Plenty-Global-Short-Period-Decay': '4',
      },
      200,
    );
    expect((await limiter.tryAcquire('read')).waitMs).to.equal(0);
    const next = await limiter.tryAcquire('read');
    // 4 calls over ~4 s: the next one ~1 s later
    expect(next.waitMs).to.be.within(700, 1_100);
  });

  it('429 with Retry-After: the call waits and succeeds, and the other process waits too', async () => {
    fake = await startFakePlenty();
    let first = true;
    let blockedAt = 0;
    fake.app.get('/rest/webstores', (_req, res) => {
      if (first) {
        first = false;
        blockedAt = Date.now();
        res.setHeader('Retry-After', '1');
        res.status(429).json({ error: { message: 'Too Many Requests' } });
        return;
      }
      res.json([]);
    });
    fake.app.get('/rest/orders/referrers', (_req, res) => {
      res.json([]);
    });
    const systemKey = `sys-${randomUUID()}`;
    const a = createPlentyClient({
      baseUrl: fake.url,
      ...creds,
      rateLimiter: createPlentyRateLimiter({ redis: redisA, systemKey, keyPrefix: prefix, plan: smallPlan }),
    });
    const b = createPlentyClient({
      baseUrl: fake.url,
      ...creds,
      rateLimiter: createPlentyRateLimiter({ redis: redisB, systemKey, keyPrefix: prefix, plan: smallPlan }),
    });
    await b.getReferrers(); // b is logged in before the 429
    const pa = a.getWebstores();
    while (!blockedAt) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    await b.getReferrers();
    const bDone = Date.now();
    expect(await pa).to.deep.equal([]);
    expect(bDone - blockedAt, 'process B waited for Retry-After').to.be.greaterThan(900);
    const webstoreCalls = fake.calls.filter((c) => c.path.startsWith('/rest/webstores'));
    expect(webstoreCalls.map((c) => c.status)).to.deep.equal([429, 200]);
    expect(webstoreCalls[1]!.at - blockedAt).to.be.greaterThan(900);
  });

  const headers = (limit: number, left: number, decayS = 60) => ({
    'X-Plenty-Global-Short-Period-Limit': String(limit),
    'X-Plenty-Global-Short-Period-Calls-Left': String(left),
    'X-Plenty-Global-Short-Period-Decay': String(decayS),
  });
  const shortLeft = async (systemKey: string, kind = 'read') =>
    Number(await redisA.hget(`${prefix}plenty-rl:{${systemKey}}:${kind}:short`, 'left'));

  it('a budget far from exhausted is granted ahead: 16 calls cost one script call; never a published plan, a throttled or unknown route', async () => {
    const systemKey = `sys-${randomUUID()}`;
    const limiter = createPlentyRateLimiter({ redis: redisA, systemKey, keyPrefix: prefix, plan: smallPlan });
    // /rest/webstores answered without X-Plenty-Route headers: not throttled on its own
    await limiter.update('read', headers(100_000, 100_000), 200, '/rest/webstores');
    await limiter.acquire('read', { route: '/rest/webstores' });
    // 1 + 15 ahead: headroom above the pacing line is ~50,000 calls
    expect(await shortLeft(systemKey)).to.equal(100_000 - 16);
    for (let i = 0; i < 15; i++) await limiter.acquire('read', { route: '/rest/webstores' });
    expect(await shortLeft(systemKey), 'the 15 came from the lease').to.equal(100_000 - 16);
    await limiter.acquire('read', { route: '/rest/webstores' });
    expect(await shortLeft(systemKey)).to.equal(100_000 - 32);
    // a route not answered yet may have a throttle of unknown size: one by one
    await limiter.acquire('read', { route: '/rest/orders' });
    await limiter.acquire('read', { route: '/rest/orders' });
    expect(await shortLeft(systemKey)).to.equal(100_000 - 34);
    // a route with a throttle of its own: one by one
    await limiter.update(
      'read',
      {
        ...headers(100_000, 99_000),
        'X-Plenty-Route-Limit': '10000',
        'X-Plenty-Route-Calls-Left': '9000',
        'X-Plenty-Route-Decay': '60',
      },
      200,
      '/rest/orders',
    );
    await limiter.acquire('read', { route: '/rest/orders' });
    expect(await shortLeft(systemKey)).to.equal(99_000 - 1);

    // the largest published plan's minute (280 reads): every call is taken from Redis one by one
    const plus = `sys-${randomUUID()}`;
    const small = createPlentyRateLimiter({
      redis: redisA,
      systemKey: plus,
      keyPrefix: prefix,
      plan: 'plus',
    });
    for (const kind of ['read', 'write'] as const) {
      await small.acquire(kind);
      await small.acquire(kind);
    }
    expect(await shortLeft(plus, 'read')).to.equal(280 - 2);
    expect(await shortLeft(plus, 'write')).to.equal(120 - 2);
  });

  it('header readings travel with the next script call (or within 100 ms), keeping the lowest calls-left of a window', async () => {
    const systemKey = `sys-${randomUUID()}`;
    const limiter = createPlentyRateLimiter({ redis: redisA, systemKey, keyPrefix: prefix, plan: smallPlan });
    await limiter.update('read', headers(50, 40), 200);
    await limiter.update('read', headers(50, 30), 200);
    await limiter.update('read', headers(50, 35), 200); // answered later, counted earlier
    expect(await redisA.exists(`${prefix}plenty-rl:{${systemKey}}:read:short`), 'not sent yet').to.equal(0);
    expect((await limiter.tryAcquire('read')).waitMs).to.equal(0);
    expect(await shortLeft(systemKey)).to.equal(29);
    // no acquire follows: the timer sends the reading
    await limiter.update('read', headers(50, 20), 200);
    await new Promise((r) => setTimeout(r, 250));
    expect(await shortLeft(systemKey)).to.equal(20);
    // a reading of a new window (reset much later) replaces the old one
    await limiter.update('read', headers(50, 3, 30), 200);
    await limiter.update('read', headers(50, 45, 120), 200);
    expect((await limiter.getBudget()).read.short?.callsLeft).to.equal(45);
  });

  it("a 429 drops this process's calls granted ahead and blocks at once", async () => {
    const systemKey = `sys-${randomUUID()}`;
    const limiter = createPlentyRateLimiter({ redis: redisA, systemKey, keyPrefix: prefix, plan: smallPlan });
    await limiter.update('read', headers(100_000, 100_000), 200);
    await limiter.acquire('read');
    await limiter.update('read', { 'Retry-After': '1' }, 429);
    expect((await limiter.getBudget()).blockedUntil).to.be.greaterThan(Date.now() + 500);
    const started = Date.now();
    await limiter.acquire('read');
    expect(Date.now() - started, 'waited for the block instead of spending the lease').to.be.greaterThan(800);
  });

  it('a 429 whose Retry-After exceeds the wait budget is a retryable rate-limit error', async () => {
    fake = await startFakePlenty();
    fake.app.get('/rest/webstores', (_req, res) => {
      res.setHeader('Retry-After', '120');
      res.status(429).json({ error: { message: 'Too Many Requests' } });
    });
    const client = createPlentyClient({ baseUrl: fake.url, ...creds, maxRateLimitWaitMs: 1_000 });
    let err: unknown;
    try {
      await client.getWebstores();
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(PlentyRateLimitedError);
    expect((err as PlentyRateLimitedError).retryAfterMs).to.equal(120_000);
    expect(isPlentyRateLimit(err)).to.equal(true);
    expect(err).not.to.be.instanceOf(PlentyHttpError);
  });
});
