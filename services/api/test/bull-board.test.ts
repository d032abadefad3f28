import { expect } from 'chai';
import request from 'supertest';
import { as, useHarness } from './helpers';

describe('api: Bull Board behind API keys', () => {
  const h = useHarness();

  it('401 without a key; Bearer works; ?key= sets an HttpOnly SameSite=Strict cookie and redirects without the key', async () => {
    const none = await request(h.app).get('/admin/queues/api/queues');
    expect(none.status).to.equal(401);
    expect(none.headers['www-authenticate']).to.match(/Bearer/);
    expect((await request(h.app).get('/admin/queues/api/queues').set(as(h.viewerKey))).status).to.equal(200);

    const bad = await request(h.app).get('/admin/queues?key=mpc_wrong');
    expect(bad.status).to.equal(401);
    expect(bad.headers['set-cookie']).to.equal(undefined);

    const login = await request(h.app).get(`/admin/queues?key=${encodeURIComponent(h.adminKey)}&page=2`);
    expect(login.status).to.equal(303);
    expect(login.headers.location).to.equal('/admin/queues?page=2');
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0]!;
    expect(cookie).to.match(/HttpOnly/);
    expect(cookie).to.match(/SameSite=Strict/);
    expect(cookie).to.match(/Path=\/admin\/queues/);
    const page = await request(h.app).get('/admin/queues').set('Cookie', cookie.split(';')[0]!);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('<base href="/admin/queues/"');
    const q = await request(h.app).get('/admin/queues/api/queues').set('Cookie', cookie.split(';')[0]!);
    expect(q.status).to.equal(200);
    expect(q.body.queues.map((x: { name: string }) => x.name).sort()).to.deep.equal([
      'collect',
      'control',
      'export',
    ]);
    // the cookie does not authenticate the REST API
    expect(
      (await request(h.app).get('/api/v1/profiles').set('Cookie', cookie.split(';')[0]!)).status,
    ).to.equal(401);
  });

  it('viewers get a read-only board; admins may retry and clean', async () => {
    await h.queues.export.add(
      'export',
      { profileId: 1, magentoOrderId: 1, action: 'export' },
      { jobId: 'export-1-1' },
    );
    // mark it failed directly (no worker runs in this test)
    await h.redis.zadd(`${h.prefix}:export:failed`, Date.now(), 'export-1-1');
    await h.redis.lrem(`${h.prefix}:export:wait`, 0, 'export-1-1');
    await h.redis.hset(
      `${h.prefix}:export:export-1-1`,
      'failedReason',
      'boom',
      'finishedOn',
      String(Date.now()),
    );

    const viewerQueues = await request(h.app)
      .get('/admin/queues/api/queues?activeQueue=export&status=failed')
      .set(as(h.viewerKey));
    expect(viewerQueues.status).to.equal(200);
    const exp = viewerQueues.body.queues.find((x: { name: string }) => x.name === 'export');
    expect(exp.readOnlyMode).to.equal(true);
    const vRetry = await request(h.app)
      .put('/admin/queues/api/queues/export/retry/failed')
      .set(as(h.viewerKey));
    expect(vRetry.status).to.equal(403);
    const vClean = await request(h.app)
      .put('/admin/queues/api/queues/export/clean/failed')
      .set(as(h.viewerKey));
    expect(vClean.status).to.equal(403);
    expect(await h.redis.zcard(`${h.prefix}:export:failed`)).to.equal(1);

    const adminQueues = await request(h.app).get('/admin/queues/api/queues').set(as(h.adminKey));
    expect(adminQueues.body.queues.find((x: { name: string }) => x.name === 'export').readOnlyMode).to.equal(
      false,
    );
    const aRetry = await request(h.app)
      .put('/admin/queues/api/queues/export/retry/failed')
      .set(as(h.adminKey));
    expect(aRetry.status).to.equal(200);
    expect(await h.redis.zcard(`${h.prefix}:export:failed`)).to.equal(0);
    const aClean = await request(h.app)
      .put('/admin/queues/api/queues/export/clean/completed')
      .set(as(h.adminKey));
    expect(aClean.status).to.equal(200);
  });
});

describe('api: Bull Board session cookie', () => {
  const h = useHarness();

  it('does not carry the key, ends when the key is revoked, and rejects tampering', async () => {
    const login = await request(h.app).get(`/admin/queues?key=${encodeURIComponent(h.viewerKey)}`);
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    expect(cookie).not.to.include(h.viewerKey);
    expect((await request(h.app).get('/admin/queues/api/queues').set('Cookie', cookie)).status).to.equal(200);
    const tampered = `${cookie.slice(0, -4)}AAAA`;
    expect((await request(h.app).get('/admin/queues/api/queues').set('Cookie', tampered)).status).to.equal(
      401,
    );
    await h.prisma.apiKey.updateMany({ where: { role: 'viewer' }, data: { revokedAt: new Date() } });
    expect((await request(h.app).get('/admin/queues/api/queues').set('Cookie', cookie)).status).to.equal(401);
  });
});
