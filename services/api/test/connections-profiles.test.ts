import { expect } from 'chai';
import request from 'supertest';
import {
  as,
  completeSettings,
  type Harness,
  lookupsOk,
  magentoLookups,
  plentyLookups,
  seedProfile,
  useHarness,
} from './helpers';

async function controlJobs(h: Harness) {
  const jobs = await h.queues.control.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
  return jobs.map((j) => j.data);
}

describe('api: connections', () => {
  const h = useHarness();

  it('CRUD with write-only secrets (secretSet), audited without secrets', async () => {
    const c = await request(h.app).post('/api/v1/connections').set(as(h.adminKey)).send({
      kind: 'plenty',
      name: 'erp',
      baseUrl: 'https://p123.my.plentysystems.com/',
      username: 'api',
      password: 'pw-SECRET',
    });
    expect(c.status).to.equal(201);
    expect(c.body).to.include({
      kind: 'plenty',
      name: 'erp',
      baseUrl: 'https://p123.my.plentysystems.com',
      username: 'api',
      secretSet: true,
    });
    expect(c.body).not.to.have.property('password');
    expect(c.body).not.to.have.property('secretEncrypted');
    const stored = await h.prisma.connection.findUniqueOrThrow({ where: { id: c.body.id } });
    expect(stored.secretEncrypted).to.match(/^v1:/);
    expect(h.deps.secrets.decrypt(stored.secretEncrypted!)).to.equal('pw-SECRET');

    const g = await request(h.app).get(`/api/v1/connections/${c.body.id}`).set(as(h.viewerKey));
    expect(g.body.secretSet).to.equal(true);
    const l = await request(h.app).get('/api/v1/connections').set(as(h.viewerKey));
    expect(l.body.items).to.have.length(1);

    const u = await request(h.app)
      .patch(`/api/v1/connections/${c.body.id}`)
      .set(as(h.adminKey))
      .send({ name: 'erp2', password: 'new-SECRET' });
    expect(u.status).to.equal(200);
    expect(u.body.name).to.equal('erp2');
    const after = await h.prisma.connection.findUniqueOrThrow({ where: { id: c.body.id } });
    expect(h.deps.secrets.decrypt(after.secretEncrypted!)).to.equal('new-SECRET');
    const wrong = await request(h.app)
      .patch(`/api/v1/connections/${c.body.id}`)
      .set(as(h.adminKey))
      .send({ accessToken: 'x' });
    expect(wrong.status).to.equal(400);
    expect(wrong.body.errors[0].path).to.equal('body.accessToken');

    const audit = await request(h.app).get('/api/v1/audit-log').set(as(h.adminKey));
    expect(audit.body.items.map((a: { action: string }) => a.action)).to.deep.equal([
      'connection.update',
      'connection.create',
    ]);
    expect(audit.body.items[0].actor).to.match(/alice-admin/);
    expect(audit.body.items[0].before.name).to.equal('erp');
    expect(audit.body.items[0].after).to.include({ name: 'erp2', secretChanged: true });
    expect(JSON.stringify(audit.body)).not.to.match(/SECRET|v1:/);

    expect(
      (await request(h.app).delete(`/api/v1/connections/${c.body.id}`).set(as(h.adminKey))).status,
    ).to.equal(204);
    expect(
      (await request(h.app).get(`/api/v1/connections/${c.body.id}`).set(as(h.adminKey))).status,
    ).to.equal(404);
  });

  it('validates kind-specific fields with their paths', async () => {
    const r = await request(h.app)
      .post('/api/v1/connections')
      .set(as(h.adminKey))
      .send({ kind: 'plenty', name: 'x', baseUrl: 'ftp://x' });
    expect(r.status).to.equal(400);
    const paths = r.body.errors.map((e: { path: string }) => e.path);
    expect(paths).to.include.members(['body.baseUrl', 'body.username', 'body.password']);
    const k = await request(h.app)
      .post('/api/v1/connections')
      .set(as(h.adminKey))
      .send({ kind: 'shopify', name: 'x' });
    expect(k.status).to.equal(400);
    expect(k.body.errors[0].path).to.equal('body.kind');
    expect(
      (await request(h.app).get('/api/v1/connections/abc').set(as(h.adminKey))).body.errors[0].path,
    ).to.equal('params.id');
    expect((await request(h.app).get('/api/v1/connections/99999999999').set(as(h.adminKey))).status).to.equal(
      400,
    );
  });

  it('delete of a connection used by a profile → 409 naming the profiles', async () => {
    const s = await seedProfile(h, 'shop-de');
    const r = await request(h.app).delete(`/api/v1/connections/${s.plenty.id}`).set(as(h.adminKey));
    expect(r.status).to.equal(409);
    expect(r.body.detail).to.include('"shop-de"');
    expect(r.body.profiles).to.deep.equal([{ id: s.profile.id, name: 'shop-de' }]);
  });

  it('POST /connections/{id}/test: 200 with ok, or ok:false + stage + message; never echoes the secret', async () => {
    const s = await seedProfile(h);
    const ok = await request(h.app).post(`/api/v1/connections/${s.magento.id}/test`).set(as(h.adminKey));
    expect(ok.status).to.equal(200);
    expect(ok.body.ok).to.equal(true);
    expect(h.remote.calls.at(-1)).to.deep.equal({
      testConnection: {
        kind: 'magento',
        baseUrl: 'http://127.0.0.1:9',
        accessToken: 'magento-token-SECRET-1234',
      },
    });
    h.remote.test = async () => ({
      ok: false,
      stage: 'auth',
      message: 'login refused for plenty-password-SECRET-5678',
    });
    const bad = await request(h.app).post(`/api/v1/connections/${s.plenty.id}/test`).set(as(h.adminKey));
    expect(bad.status).to.equal(200);
    expect(bad.body).to.deep.equal({ ok: false, stage: 'auth', message: 'login refused for [redacted]' });
    expect(
      (await request(h.app).post(`/api/v1/connections/${s.plenty.id}/test`).set(as(h.viewerKey))).status,
    ).to.equal(403);
  });
});

describe('api: profiles', () => {
  const h = useHarness();

  it('create: inactive, next five runs in its time zone, lookups collected, control job enqueued', async () => {
    const s = await seedProfile(h);
    const p = s.profile as unknown as Record<string, unknown> & {
      nextRuns: string[];
      lookups: { ok: boolean };
    };
    expect(p).to.include({
      status: 'inactive',
      entityType: 'order',
      direction: 'export',
      timezone: 'Europe/Berlin',
    });
    expect(p.nextRuns).to.have.length(5);
    expect(new Date(p.nextRuns[0]!).getUTCMinutes() % 15).to.equal(0);
    expect(p.lookups.ok).to.equal(true);
    const lk = await request(h.app).get(`/api/v1/profiles/${s.profile.id}/lookups`).set(as(h.viewerKey));
    expect(lk.body.plenty.data).to.deep.equal(plentyLookups);
    expect(lk.body.magento.data).to.deep.equal(magentoLookups);
    expect(lk.body.plenty.ageSeconds).to.be.within(0, 5);
    expect(lk.body.plenty.fetchedAt).to.be.a('string');
    expect(await controlJobs(h)).to.deep.equal([{ kind: 'profile-changed', profileId: s.profile.id }]);
  });

  it('create with a daily cron in New York: next runs follow the time zone', async () => {
    const s = await seedProfile(h);
    const r = await request(h.app)
      .patch(`/api/v1/profiles/${s.profile.id}`)
      .set(as(h.adminKey))
      .send({ cronExpression: '0 2 * * *', timezone: 'America/New_York' });
    expect(r.status).to.equal(200);
    for (const run of r.body.nextRuns as string[]) expect([6, 7]).to.include(new Date(run).getUTCHours());
    expect(await controlJobs(h)).to.have.length(2);
    const rename = await request(h.app)
      .patch(`/api/v1/profiles/${s.profile.id}`)
      .set(as(h.adminKey))
      .send({ name: 'renamed' });
    expect(rename.body.name).to.equal('renamed');
    expect(await controlJobs(h)).to.have.length(2); // a rename does not concern the scheduler
  });

  it('create still succeeds when a remote is unreachable, and says why', async () => {
    h.remote.lookups = async () => ({
      plenty: { ok: false, message: 'connect ECONNREFUSED 127.0.0.1:9' },
      magento: { ok: true, data: magentoLookups },
    });
    const s = await seedProfile(h);
    expect(s.profile.lookups).to.deep.include({ ok: false });
    expect((s.profile.lookups as { plenty: { error: string } }).plenty.error).to.match(/ECONNREFUSED/);
    const lk = await request(h.app).get(`/api/v1/profiles/${s.profile.id}/lookups`).set(as(h.viewerKey));
    expect(lk.body.plenty).to.equal(null);
    expect(lk.body.magento.data).to.deep.equal(magentoLookups);
    const again = await request(h.app).post(`/api/v1/profiles/${s.profile.id}/lookups`).set(as(h.adminKey));
    expect(again.status).to.equal(502);
    h.remote.lookups = lookupsOk;
    const ok = await request(h.app).post(`/api/v1/profiles/${s.profile.id}/lookups`).set(as(h.adminKey));
    expect(ok.status).to.equal(200);
    expect(ok.body.ok).to.equal(true);
  });

  it('lookups with an unexpected shape are reported, not saved', async () => {
    h.remote.lookups = async () => ({
      plenty: { ok: true, data: { orderStatuses: 'nope' } as never },
      magento: { ok: true, data: magentoLookups },
    });
    const s = await seedProfile(h);
    expect((s.profile.lookups as { plenty: { error: string } }).plenty.error).to.match(/unexpected shape/);
  });

  it('validates cron expressions with the time zone and connections with their kind', async () => {
    const s = await seedProfile(h);
    const base = { name: 'x', magentoConnectionId: s.magento.id, plentyConnectionId: s.plenty.id };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ cronExpression: '61 * * * *' }, 'body.cronExpression', /invalid cron expression/],
      [{ cronExpression: '* * *' }, 'body.cronExpression', /5 fields/],
      [{ cronExpression: '* * * * * *' }, 'body.cronExpression', /60 seconds apart/],
      [{ timezone: 'Mars/Olympus' }, 'body.timezone', /IANA/],
      [{ magentoConnectionId: s.plenty.id }, 'body.magentoConnectionId', /plenty connection, not a magento/],
      [{ plentyConnectionId: 4242 }, 'body.plentyConnectionId', /does not exist/],
    ];
    for (const [change, path, message] of cases) {
      const r = await request(h.app)
        .post('/api/v1/profiles')
        .set(as(h.adminKey))
        .send({ ...base, ...change });
      expect(r.status, JSON.stringify(change)).to.equal(422);
      expect(r.body.errors[0].path).to.equal(path);
      expect(r.body.errors[0].message).to.match(message);
    }
    const p = await request(h.app)
      .patch(`/api/v1/profiles/${s.profile.id}`)
      .set(as(h.adminKey))
      .send({ timezone: 'Nowhere' });
    expect(p.status).to.equal(422);
    const missing = await request(h.app).post('/api/v1/profiles').set(as(h.adminKey)).send({ name: 'x' });
    expect(missing.status).to.equal(400);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).to.include.members([
      'body.magentoConnectionId',
      'body.plentyConnectionId',
    ]);
  });

  it('status changes only through activate; activate lists EVERY missing piece', async () => {
    const s = await seedProfile(h);
    const id = s.profile.id;
    const patch = await request(h.app)
      .patch(`/api/v1/profiles/${id}`)
      .set(as(h.adminKey))
      .send({ status: 'active' });
    expect(patch.status).to.equal(422);
    expect(patch.body.errors[0]).to.deep.equal({
      path: 'body.status',
      message: `use POST /api/v1/profiles/${id}/activate`,
    });

    const r = await request(h.app).post(`/api/v1/profiles/${id}/activate`).set(as(h.adminKey));
    expect(r.status).to.equal(422);
    const paths = r.body.errors.map((e: { path: string }) => e.path);
    for (const store of [1, 3]) {
      expect(paths).to.include.members([
        `effective[store:${store}].orderStatus.statusMapping`,
        `effective[store:${store}].shipping.defaultShippingProfileId`,
        `effective[store:${store}].warehouse.mainWarehouseId`,
        `effective[store:${store}].store.storeMapping`,
      ]);
    }
    expect(paths.some((p: string) => p.includes('store:0'))).to.equal(false); // admin store view
    // ids that don't exist: stored directly (as if lookups had changed since)
    await h.prisma.profileSetting.create({
      data: {
        profileId: id,
        scope: 'default',
        settings: {
          ...completeSettings,
          orderStatus: { statusMapping: [{ magentoStatus: 'processing', plentyStatusId: 5.7 }] },
          shipping: { defaultShippingProfileId: 99 },
          warehouse: { mainWarehouseId: 55 },
          store: { storeMapping: [{ magentoStoreId: 1, language: 'it', plentyId: 2000 }], referrerId: 9.9 },
          payment: { methodMapping: [{ magentoMethod: 'paypal', plentyMethodId: 777, createPayment: true }] },
        },
      },
    });
    const r2 = await request(h.app).post(`/api/v1/profiles/${id}/activate`).set(as(h.adminKey));
    expect(r2.status).to.equal(422);
    const msgs = r2.body.errors.map((e: { path: string; message: string }) => `${e.path}: ${e.message}`);
    expect(msgs).to.include.members([
      'settings.default.orderStatus.statusMapping[0].plentyStatusId: Plenty order status 5.7 does not exist (lookup orderStatuses)',
      'settings.default.shipping.defaultShippingProfileId: Plenty shipping profile 99 does not exist (lookup shippingProfiles)',
      'settings.default.warehouse.mainWarehouseId: Plenty warehouse 55 does not exist (lookup warehouses)',
      'settings.default.store.referrerId: Plenty referrer 9.9 does not exist (lookup referrers)',
      'settings.default.payment.methodMapping[0].plentyMethodId: Plenty payment method 777 does not exist (lookup paymentMethods)',
      'settings.default.store.storeMapping[0].plentyId: Plenty client (webstore) with plentyId 2000 does not exist (lookup webstores)',
      'settings.default.store.storeMapping[0].language: Plenty language "it" is not active in this Plenty system (lookup languages)',
    ]);
    expect(paths.length).to.be.greaterThan(0);
  });

  it('activate refuses when lookups are missing; succeeds when complete; deactivate; both notify the scheduler', async () => {
    h.remote.lookups = async () => ({
      plenty: { ok: false, message: 'down' },
      magento: { ok: false, message: 'down' },
    });
    const s = await seedProfile(h);
    const id = s.profile.id;
    const r = await request(h.app).post(`/api/v1/profiles/${id}/activate`).set(as(h.adminKey));
    expect(r.status).to.equal(422);
    expect(r.body.errors.map((e: { path: string }) => e.path)).to.include('lookups');
    h.remote.lookups = lookupsOk;
    await request(h.app).post(`/api/v1/profiles/${id}/lookups`).set(as(h.adminKey)).expect(200);
    await request(h.app)
      .put(`/api/v1/profiles/${id}/settings/default`)
      .set(as(h.adminKey))
      .send(completeSettings)
      .expect(200);
    const a = await request(h.app).post(`/api/v1/profiles/${id}/activate`).set(as(h.adminKey));
    expect(a.status, JSON.stringify(a.body)).to.equal(200);
    expect(a.body.status).to.equal('active');
    const d = await request(h.app).post(`/api/v1/profiles/${id}/deactivate`).set(as(h.adminKey));
    expect(d.body.status).to.equal('inactive');
    expect((await controlJobs(h)).filter((j) => j.profileId === id)).to.have.length(3);
    expect(
      (await request(h.app).post(`/api/v1/profiles/${id}/activate`).set(as(h.viewerKey))).status,
    ).to.equal(403);
  });

  it('a store view with export disabled needs no mapping', async () => {
    const s = await seedProfile(h);
    const id = s.profile.id;
    await request(h.app)
      .put(`/api/v1/profiles/${id}/settings/default`)
      .set(as(h.adminKey))
      .send({
        ...completeSettings,
        store: { storeMapping: [{ magentoStoreId: 1, language: 'en', plentyId: 1000 }] },
      })
      .expect(200);
    expect(
      (await request(h.app).post(`/api/v1/profiles/${id}/activate`).set(as(h.adminKey))).status,
    ).to.equal(422);
    await request(h.app)
      .put(`/api/v1/profiles/${id}/settings/store:3`)
      .set(as(h.adminKey))
      .send({ export: { enabled: false } })
      .expect(200);
    expect(
      (await request(h.app).post(`/api/v1/profiles/${id}/activate`).set(as(h.adminKey))).status,
    ).to.equal(200);
  });

  it('list, get, delete (notifies the scheduler), 404s', async () => {
    const s = await seedProfile(h);
    expect((await request(h.app).get('/api/v1/profiles').set(as(h.viewerKey))).body.items).to.have.length(1);
    expect(
      (await request(h.app).get(`/api/v1/profiles/${s.profile.id}`).set(as(h.viewerKey))).body.name,
    ).to.equal('main');
    expect(
      (await request(h.app).delete(`/api/v1/profiles/${s.profile.id}`).set(as(h.viewerKey))).status,
    ).to.equal(403);
    expect(
      (await request(h.app).delete(`/api/v1/profiles/${s.profile.id}`).set(as(h.adminKey))).status,
    ).to.equal(204);
    expect(
      (await request(h.app).get(`/api/v1/profiles/${s.profile.id}`).set(as(h.viewerKey))).status,
    ).to.equal(404);
    expect(
      (await request(h.app).delete(`/api/v1/profiles/${s.profile.id}`).set(as(h.adminKey))).status,
    ).to.equal(404);
    expect((await controlJobs(h)).filter((j) => j.profileId === s.profile.id)).to.have.length(2);
    const audit = await request(h.app).get('/api/v1/audit-log?entityType=profile').set(as(h.adminKey));
    expect(audit.body.items.map((a: { action: string }) => a.action)).to.deep.equal([
      'profile.delete',
      'profile.create',
    ]);
  });

  it('run now: 202 with the job id, deduplicated per profile; refused while inactive', async () => {
    const s = await seedProfile(h);
    const id = s.profile.id;
    expect((await request(h.app).post(`/api/v1/profiles/${id}/runs`).set(as(h.adminKey))).status).to.equal(
      409,
    );
    await request(h.app)
      .put(`/api/v1/profiles/${id}/settings/default`)
      .set(as(h.adminKey))
      .send(completeSettings)
      .expect(200);
    await request(h.app).post(`/api/v1/profiles/${id}/activate`).set(as(h.adminKey)).expect(200);
    const r1 = await request(h.app).post(`/api/v1/profiles/${id}/runs`).set(as(h.adminKey));
    expect(r1.status).to.equal(202);
    expect(r1.body.queue).to.equal('collect');
    expect(r1.body.deduplicated).to.equal(false);
    const r2 = await request(h.app).post(`/api/v1/profiles/${id}/runs`).set(as(h.adminKey));
    expect(r2.status).to.equal(202);
    expect(r2.body.jobId).to.equal(r1.body.jobId);
    expect(r2.body.deduplicated).to.equal(true);
    expect(r2.body.scheduleId).to.equal(undefined);
    const jobs = await h.queues.collect.getJobs(['waiting', 'delayed', 'active']);
    expect(jobs).to.have.length(1);
    expect(jobs[0]!.data).to.deep.equal({ profileId: id, trigger: 'manual', scheduleId: r1.body.scheduleId });
    // the run is on the schedule tab at once, pending until the collector starts it
    const planned = await h.prisma.schedule.findUniqueOrThrow({ where: { id: r1.body.scheduleId } });
    expect(planned).to.deep.include({
      profileId: id,
      trigger: 'manual',
      status: 'pending',
      jobCode: `order_export_profile_${id}`,
    });
    expect((await request(h.app).post(`/api/v1/profiles/${id}/runs`).set(as(h.viewerKey))).status).to.equal(
      403,
    );
    expect((await request(h.app).post('/api/v1/profiles/999/runs').set(as(h.adminKey))).status).to.equal(404);
  });
});
