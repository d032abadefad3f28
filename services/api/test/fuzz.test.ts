import { expect } from 'chai';
import fc from 'fast-check';
import request from 'supertest';
import { as, completeSettings, rowCounts, seedProfile, useHarness } from './helpers';

type Method = 'post' | 'put' | 'patch' | 'get';
interface Target {
  method: Method;
  path: string;
  /** keys the route knows, used to build structurally plausible but wrong bodies / queries */
  keys: string[];
}

/**
 * Random and malformed bodies, queries and path parameters across the routes. Every request is
 * malformed by construction (an unknown field, invalid JSON, a non-numeric id, ...), so each must
 * be answered with a 4xx problem, never a 5xx, and must write nothing (DB row counts and queued
 * jobs unchanged).
 */
describe('api: fuzz (malformed input never yields a 5xx nor writes anything)', function () {
  this.timeout(240_000);
  const h = useHarness({}, { reset: 'once' });
  let bodyTargets: Target[];
  let queryTargets: Target[];

  before(async () => {
    const s = await seedProfile(h);
    const id = s.profile.id;
    await request(h.app)
      .put(`/api/v1/profiles/${id}/settings/default`)
      .set(as(h.adminKey))
      .send(completeSettings)
      .expect(200);
    await h.prisma.orderSync.create({
      data: { profileId: id, magentoOrderId: 1, incrementId: '000001', status: 'failed' },
    });
    const settingsKeys = [
      'export',
      'api',
      'store',
      'orderStatus',
      'payment',
      'shipping',
      'customer',
      'warehouse',
      'item',
    ];
    bodyTargets = [
      {
        method: 'post',
        path: '/api/v1/connections',
        keys: ['kind', 'name', 'baseUrl', 'accessToken', 'username', 'password'],
      },
      {
        method: 'patch',
        path: `/api/v1/connections/${s.plenty.id}`,
        keys: ['name', 'baseUrl', 'username', 'password'],
      },
      {
        method: 'post',
        path: '/api/v1/profiles',
        keys: [
          'name',
          'cronExpression',
          'timezone',
          'magentoConnectionId',
          'plentyConnectionId',
          'direction',
        ],
      },
      {
        method: 'patch',
        path: `/api/v1/profiles/${id}`,
        keys: ['name', 'cronExpression', 'timezone', 'status', 'direction'],
      },
      { method: 'put', path: `/api/v1/profiles/${id}/settings/default`, keys: settingsKeys },
      { method: 'patch', path: `/api/v1/profiles/${id}/settings/store:3`, keys: settingsKeys },
      { method: 'put', path: `/api/v1/profiles/${id}/settings/website:1`, keys: settingsKeys },
      {
        method: 'post',
        path: `/api/v1/profiles/${id}/orders/export`,
        keys: ['status', 'from', 'to', 'incrementIds', 'limit'],
      },
      { method: 'post', path: '/api/v1/api-keys', keys: ['name', 'role'] },
    ];
    queryTargets = [
      {
        method: 'get',
        path: `/api/v1/profiles/${id}/orders`,
        keys: ['limit', 'cursor', 'status', 'from', 'to', 'magentoOrderId', 'incrementId'],
      },
      {
        method: 'get',
        path: `/api/v1/profiles/${id}/history`,
        keys: ['limit', 'cursor', 'status', 'from', 'to', 'magentoOrderId'],
      },
      {
        method: 'get',
        path: `/api/v1/profiles/${id}/schedules`,
        keys: ['limit', 'cursor', 'status', 'from', 'to'],
      },
      {
        method: 'get',
        path: `/api/v1/profiles/${id}/schedule-history`,
        keys: ['limit', 'cursor', 'status', 'scheduleId', 'from', 'to'],
      },
      { method: 'get', path: `/api/v1/profiles/${id}/settings/effective`, keys: ['store'] },
      {
        method: 'get',
        path: '/api/v1/audit-log',
        keys: ['limit', 'cursor', 'entityType', 'entityId', 'from', 'to'],
      },
      { method: 'get', path: '/api/v1/profiles', keys: [] },
    ];
  });

  async function jobCounts() {
    return Promise.all([h.queues.collect.count(), h.queues.export.count(), h.queues.control.count()]);
  }

  async function expectRejectedWithoutWrites(send: () => Promise<request.Response>, what: string) {
    const before = await rowCounts(h.prisma);
    const jobsBefore = await jobCounts();
    const r = await send();
    expect(r.status, `${what} → ${r.status} ${r.text}`).to.be.within(400, 499);
    expect(r.headers['content-type'], what).to.match(/application\/problem\+json/);
    expect(r.body.status, what).to.equal(r.status);
    expect(r.body.detail, what).to.be.a('string');
    expect(await rowCounts(h.prisma), what).to.deep.equal(before);
    expect(await jobCounts(), what).to.deep.equal(jobsBefore);
  }

  const jsonish = fc.jsonValue({ maxDepth: 3 });

  it('bodies: random JSON values with an unknown field, wrong types, non-objects and broken JSON (400 runs)', async () => {
    const targetIdx = fc.nat({ max: 100 });
    const bodyArb = fc.oneof(
      // plausible keys with random values, plus a field no schema knows
      fc
        .record({ t: targetIdx, values: fc.array(jsonish, { minLength: 6, maxLength: 6 }), junk: jsonish })
        .map((x) => ({
          kind: 'object' as const,
          t: x.t,
          build: (keys: string[]) => ({
            ...Object.fromEntries(keys.map((k, i) => [k, x.values[i % 6]])),
            __fuzz: x.junk,
          }),
        })),
      // any JSON that is not an object
      fc
        .record({
          t: targetIdx,
          v: fc.oneof(fc.array(jsonish), fc.string(), fc.double(), fc.boolean(), fc.constant(null)),
        })
        .map((x) => ({
          kind: 'value' as const,
          t: x.t,
          build: () => x.v,
        })),
      // broken JSON text (a JSON text can never end with "{")
      fc
        .record({ t: targetIdx, s: fc.string({ maxLength: 200 }) })
        .map((x) => ({ kind: 'raw' as const, t: x.t, build: () => `${x.s}{` })),
      // one known key with a wrong-shaped value, plus an unknown field deep inside
      fc.record({ t: targetIdx, v: jsonish }).map((x) => ({
        kind: 'nested' as const,
        t: x.t,
        build: (keys: string[]) => ({
          [keys[x.t % keys.length]!]: { __fuzz: x.v, nested: [x.v] },
          __also: 1,
        }),
      })),
    );
    await fc.assert(
      fc.asyncProperty(bodyArb, async (b) => {
        const target = bodyTargets[b.t % bodyTargets.length]!;
        const payload = b.build(target.keys);
        const what =
          `${target.method.toUpperCase()} ${target.path} ${typeof payload === 'string' ? payload : JSON.stringify(payload)}`.slice(
            0,
            300,
          );
        await expectRejectedWithoutWrites(() => {
          const req = request(h.app)
            [target.method](target.path)
            .set(as(h.adminKey))
            .set('Content-Type', 'application/json');
          return req.send(b.kind === 'raw' ? (payload as string) : JSON.stringify(payload));
        }, what);
      }),
      { numRuns: 400, seed: 20261126 },
    );
  });

  it('queries and path parameters: unknown parameters, bad values, non-numeric ids (200 runs)', async () => {
    const qArb = fc.oneof(
      fc
        .record({
          t: fc.nat({ max: 100 }),
          values: fc.array(fc.string({ maxLength: 40 }), { minLength: 7, maxLength: 7 }),
          junk: fc.string({ maxLength: 20 }),
        })
        .map((x) => ({ kind: 'query' as const, ...x })),
      fc
        .record({
          t: fc.nat({ max: 100 }),
          id: fc
            .string({ minLength: 1, maxLength: 30 })
            .filter((s) => !/^[0-9]+$/.test(s) && s.trim() === s && s !== '.' && s !== '..'),
        })
        .map((x) => ({ kind: 'path' as const, ...x })),
    );
    await fc.assert(
      fc.asyncProperty(qArb, async (x) => {
        if (x.kind === 'query') {
          const target = queryTargets[x.t % queryTargets.length]!;
          const params = new URLSearchParams();
          for (const [i, k] of target.keys.entries()) params.append(k, x.values[i]!);
          params.append('zz_fuzz', x.junk);
          const url = `${target.path}?${params.toString()}`;
          await expectRejectedWithoutWrites(() => request(h.app).get(url).set(as(h.adminKey)), `GET ${url}`);
        } else {
          const seg = encodeURIComponent(x.id);
          const urls = [
            `/api/v1/profiles/${seg}`,
            `/api/v1/connections/${seg}`,
            `/api/v1/profiles/${seg}/orders`,
            `/api/v1/profiles/1/orders/${seg}`,
            `/api/v1/profiles/1/settings/${seg}`,
          ];
          const url = urls[x.t % urls.length]!;
          const method = x.t % 2 ? 'get' : 'post';
          await expectRejectedWithoutWrites(
            () =>
              (method === 'get' ? request(h.app).get(url) : request(h.app).post(`${url}/export`)).set(
                as(h.adminKey),
              ),
            `${method} ${url}`,
          );
        }
      }),
      { numRuns: 200, seed: 11262026 },
    );
  });
});
