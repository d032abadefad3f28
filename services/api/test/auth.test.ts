import { expect } from 'chai';
import request from 'supertest';
import { apiKeyRepository } from '../src/repositories/api-keys';
import { as, useHarness } from './helpers';

describe('api: auth, roles and HTTP behaviour', () => {
  const h = useHarness();

  it('401 with WWW-Authenticate for a missing, malformed, unknown or revoked key', async () => {
    const keys = apiKeyRepository(h.prisma);
    const { key: revoked, row } = await keys.create({ name: 'old', role: 'admin' });
    await keys.revoke(row.id);
    for (const headers of [
      {},
      { Authorization: 'Basic abc' },
      as('mpc_unknown'),
      as(revoked),
      as('x'.repeat(500)),
    ]) {
      const r = await request(h.app).get('/api/v1/profiles').set(headers);
      expect(r.status, JSON.stringify(headers)).to.equal(401);
      expect(r.headers['www-authenticate']).to.match(/^Bearer/);
      expect(r.headers['content-type']).to.match(/application\/problem\+json/);
      expect(r.body).to.include({ status: 401, title: 'Unauthorized' });
      expect(r.body.type).to.be.a('string');
      expect(r.body.errors).to.be.an('array');
    }
  });

  it('healthz is public; readyz reports Postgres and Redis', async () => {
    expect((await request(h.app).get('/healthz')).body).to.deep.equal({ status: 'ok' });
    const r = await request(h.app).get('/readyz');
    expect(r.status).to.equal(200);
    expect(r.body).to.deep.equal({ ready: true, checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('readyz answers 503 when Redis is unreachable', async () => {
    const original = h.deps.redis.ping.bind(h.deps.redis);
    (h.deps.redis as unknown as { ping: () => Promise<string> }).ping = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    try {
      const r = await request(h.app).get('/readyz');
      expect(r.status).to.equal(503);
      expect(r.body.checks.redis).to.match(/ECONNREFUSED/);
    } finally {
      (h.deps.redis as unknown as { ping: typeof original }).ping = original;
    }
  });

  it('viewers read, admins write; a viewer writing gets 403 (not 401)', async () => {
    expect((await request(h.app).get('/api/v1/connections').set(as(h.viewerKey))).status).to.equal(200);
    const body = { kind: 'magento', name: 'x', baseUrl: 'http://127.0.0.1:9', accessToken: 't' };
    const v = await request(h.app).post('/api/v1/connections').set(as(h.viewerKey)).send(body);
    expect(v.status).to.equal(403);
    expect(v.body.detail).to.match(/admin/);
    expect((await request(h.app).post('/api/v1/connections').set(as(h.adminKey)).send(body)).status).to.equal(
      201,
    );
    expect((await request(h.app).get('/api/v1/audit-log').set(as(h.viewerKey))).status).to.equal(403);
  });

  it('bootstrap admin key: created only when no admin key exists, never resurrected once revoked', async () => {
    const keys = apiKeyRepository(h.prisma);
    const boot = 'bootstrap-key-with-at-least-24-chars';
    expect(await keys.ensureBootstrapAdmin(boot)).to.equal(false); // alice-admin exists
    await h.prisma.apiKey.updateMany({ where: { role: 'admin' }, data: { revokedAt: new Date() } });
    expect(await keys.ensureBootstrapAdmin(boot)).to.equal(true);
    expect((await request(h.app).get('/api/v1/profiles').set(as(boot))).status).to.equal(200);
    expect(await keys.ensureBootstrapAdmin(boot)).to.equal(false);
    await h.prisma.apiKey.updateMany({ where: { role: 'admin' }, data: { revokedAt: new Date() } });
    expect(await keys.ensureBootstrapAdmin(boot)).to.equal(false);
  });

  it('api keys: created through the API are stored hashed, listed without the key, revocable', async () => {
    const c = await request(h.app)
      .post('/api/v1/api-keys')
      .set(as(h.adminKey))
      .send({ name: 'ci', role: 'viewer' });
    expect(c.status).to.equal(201);
    expect(c.body.key).to.match(/^mpc_/);
    const rows = await h.prisma.apiKey.findMany();
    expect(JSON.stringify(rows)).not.to.include(c.body.key);
    const list = await request(h.app).get('/api/v1/api-keys').set(as(h.adminKey));
    expect(JSON.stringify(list.body)).not.to.include(c.body.key);
    expect(list.body.items.map((k: { name: string }) => k.name)).to.include('ci');
    expect((await request(h.app).get('/api/v1/profiles').set(as(c.body.key))).status).to.equal(200);
    expect(
      (await request(h.app).delete(`/api/v1/api-keys/${c.body.id}`).set(as(h.adminKey))).status,
    ).to.equal(200);
    expect((await request(h.app).get('/api/v1/profiles').set(as(c.body.key))).status).to.equal(401);
    expect((await request(h.app).delete('/api/v1/api-keys/999').set(as(h.adminKey))).status).to.equal(404);
  });

  it('malformed JSON → 400 problem; too large → 413 problem; unknown route → 404 problem', async () => {
    const bad = await request(h.app)
      .post('/api/v1/connections')
      .set(as(h.adminKey))
      .set('Content-Type', 'application/json')
      .send('{"kind": "magento",');
    expect(bad.status).to.equal(400);
    expect(bad.headers['content-type']).to.match(/problem\+json/);
    expect(bad.body.errors[0].path).to.equal('body');
    const big = await request(h.app)
      .post('/api/v1/connections')
      .set(as(h.adminKey))
      .send({ kind: 'magento', name: 'x'.repeat(200_000) });
    expect(big.status).to.equal(413);
    expect(big.headers['content-type']).to.match(/problem\+json/);
    const none = await request(h.app).get('/api/v1/nothing').set(as(h.adminKey));
    expect(none.status).to.equal(404);
    expect(none.headers['content-type']).to.match(/problem\+json/);
    const noBody = await request(h.app)
      .post('/api/v1/connections')
      .set(as(h.adminKey))
      .set('Content-Type', 'text/plain')
      .send('hi');
    expect(noBody.status).to.equal(400);
    expect(noBody.body.errors[0]).to.deep.equal({
      path: 'body',
      message: 'a JSON body is required (Content-Type: application/json)',
    });
  });

  it('unknown query parameters and fields are rejected with their path', async () => {
    const q = await request(h.app).get('/api/v1/profiles?foo=1').set(as(h.adminKey));
    expect(q.status).to.equal(400);
    expect(q.body.errors[0].path).to.equal('query.foo');
    const b = await request(h.app)
      .post('/api/v1/connections')
      .set(as(h.adminKey))
      .send({ kind: 'magento', name: 'x', baseUrl: 'http://127.0.0.1:9', accessToken: 't', extra: true });
    expect(b.status).to.equal(400);
    expect(b.body.errors).to.deep.include({
      path: 'body.extra',
      message: 'unknown field; remove it (see the OpenAPI document for the allowed fields)',
    });
  });

  it('helmet headers are set; CORS is off by default and on for configured origins only', async () => {
    const r = await request(h.app).get('/healthz').set('Origin', 'https://evil.example');
    expect(r.headers['x-content-type-options']).to.equal('nosniff');
    expect(r.headers['content-security-policy']).to.be.a('string');
    expect(r.headers['access-control-allow-origin']).to.equal(undefined);
    h.rebuild({ corsOrigins: ['https://console.example'] });
    try {
      const ok = await request(h.app).get('/healthz').set('Origin', 'https://console.example');
      expect(ok.headers['access-control-allow-origin']).to.equal('https://console.example');
      const other = await request(h.app).get('/healthz').set('Origin', 'https://evil.example');
      expect(other.headers['access-control-allow-origin']).to.equal(undefined);
    } finally {
      h.rebuild();
    }
  });

  it('rate limit per key: 429 problem with Retry-After; other keys are unaffected', async () => {
    h.rebuild({ rateLimitPerMinute: 3 });
    try {
      for (let i = 0; i < 3; i++)
        expect((await request(h.app).get('/api/v1/profiles').set(as(h.viewerKey))).status).to.equal(200);
      const r = await request(h.app).get('/api/v1/profiles').set(as(h.viewerKey));
      expect(r.status).to.equal(429);
      expect(r.headers['content-type']).to.match(/problem\+json/);
      expect(Number(r.headers['retry-after'])).to.be.greaterThan(0);
      expect((await request(h.app).get('/api/v1/profiles').set(as(h.adminKey))).status).to.equal(200);
    } finally {
      h.rebuild();
    }
  });

  it('metrics expose the request duration histogram by route template', async () => {
    await request(h.app).get('/api/v1/profiles/12345').set(as(h.viewerKey));
    const m = await request(h.app).get('/metrics');
    expect(m.status).to.equal(200);
    expect(m.text).to.match(/http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/profiles\/:id"/);
    expect(m.text).not.to.include('12345');
  });
});
