import {
  type MagentoSandbox,
  type PlentySandbox,
  startMagentoSandbox,
  startPlentySandbox,
} from '@mpc/sandbox';
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../src/app';
import { createRemoteSystems } from '../src/remote';
import { as, closedPort, useHarness } from './helpers';

type Named = { id: number; name: string };
interface PlentyData {
  orderStatuses: Named[];
  shippingProfiles: Named[];
  warehouses: Named[];
  referrers: Named[];
  paymentMethods: Named[];
  webstores: { id: number; plentyId: number; name: string }[];
  languages: string[];
}
interface MagentoData {
  storeViews: { id: number; code: string; website_id: number }[];
  websites: { id: number; code: string }[];
}

/**
 * The api with its REAL remote functions (src/remote.ts → @mpc/plenty and @mpc/magento clients,
 * the Plenty calls through the shared Redis rate limiter) against the Magento and Plenty sandboxes.
 */
describe('api: connection tests and lookups against the sandboxes (real clients)', function () {
  this.timeout(60_000);
  const h = useHarness();
  let app: Express;
  let magento: MagentoSandbox;
  let plenty: PlentySandbox;
  let unreachable: string;

  before(async () => {
    [magento, plenty] = await Promise.all([
      startMagentoSandbox({ orders: { count: 5, seed: 7 } }),
      startPlentySandbox(),
    ]);
    unreachable = `http://127.0.0.1:${await closedPort()}`;
    app = createApp({
      ...h.deps,
      ...createRemoteSystems({ redis: h.redis, keyPrefix: h.prefix, logger: h.deps.logger, timeoutMs: 5000 }),
    });
  });
  beforeEach(() => plenty.reset());
  after(async () => {
    await Promise.all([magento?.close(), plenty?.close()]);
  });

  const admin = () => ({ post: (u: string) => request(app).post(u).set(as(h.adminKey)) });
  const connection = async (body: Record<string, unknown>) => {
    const r = await admin().post('/api/v1/connections').send(body);
    expect(r.status, JSON.stringify(r.body)).to.equal(201);
    return r.body.id as number;
  };
  const magentoConn = (baseUrl = magento.url, accessToken = 'sandbox-integration-token') =>
    connection({ kind: 'magento', name: `shop ${baseUrl}`, baseUrl, accessToken });
  const plentyConn = (baseUrl = plenty.url, password = 'api-pass') =>
    connection({
      kind: 'plenty',
      name: `erp ${baseUrl} ${password}`,
      baseUrl,
      username: 'api-user',
      password,
    });
  const test = async (id: number) => {
    const r = await admin().post(`/api/v1/connections/${id}/test`);
    expect(r.status).to.equal(200);
    return r.body as { ok: boolean; stage?: string; message: string };
  };

  it('POST /connections/{id}/test: ok for both sandboxes; wrong password → auth; closed port → network; wrong system → network', async () => {
    expect(await test(await magentoConn())).to.deep.equal({
      ok: true,
      message: `connected to ${magento.url} and authenticated`,
    });
    expect(await test(await plentyConn())).to.deep.equal({
      ok: true,
      message: `connected to ${plenty.url} and authenticated`,
    });
    expect(plenty.state.calls.total).to.be.greaterThan(0);

    const wrongPassword = await test(await plentyConn(plenty.url, 'wrong-pass-SECRET'));
    expect(wrongPassword).to.include({ ok: false, stage: 'auth' });
    const plentyHost = new URL(plenty.url).host;
    expect(wrongPassword.message).to.equal(
      `Plenty (${plentyHost}) rejected the login of API user "api-user": invalid credentials; check the user name and password of the connection`,
    );
    expect(wrongPassword.message).not.to.include('wrong-pass-SECRET');

    const wrongToken = await test(await magentoConn(magento.url, 'not-the-token'));
    expect(wrongToken).to.include({ ok: false, stage: 'auth' });
    expect(wrongToken.message).to.include('Magento rejected the access token (401)');

    const host = new URL(unreachable).host;
    expect(await test(await plentyConn(unreachable))).to.deep.equal({
      ok: false,
      stage: 'network',
      message: `Cannot reach Plenty at ${host} for POST /rest/login: ECONNREFUSED (connect ECONNREFUSED ${host})`,
    });
    expect(await test(await magentoConn(unreachable))).to.deep.equal({
      ok: false,
      stage: 'network',
      message: `Cannot reach Magento at ${host} for GET /V1/store/storeViews: ECONNREFUSED (connect ECONNREFUSED ${host})`,
    });
    // a Plenty connection pointing at the Magento sandbox: not a Plenty system
    const wrongSystem = await test(await plentyConn(magento.url));
    expect(wrongSystem).to.include({ ok: false, stage: 'network' });
    expect(wrongSystem.message).to.include('does not look like a Plenty system');
  });

  it('profile: lookups collected from both sandboxes, mapped with their ids, activated; unknown ids rejected naming the lookup', async () => {
    const warehouses = plenty.state.lookups.warehouses;
    warehouses.push({ ...structuredClone(warehouses[0]!), id: 777, name: 'Only in this test' });
    const created = await admin()
      .post('/api/v1/profiles')
      .send({
        name: 'sandbox',
        magentoConnectionId: await magentoConn(),
        plentyConnectionId: await plentyConn(),
        cronExpression: '*/15 * * * *',
        timezone: 'Europe/Berlin',
      });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body.lookups).to.deep.include({ ok: true });
    expect(created.body.lookups.plenty).to.include({ ok: true, error: null });
    expect(created.body.lookups.magento).to.include({ ok: true, error: null });
    const id = created.body.id as number;
    // Plenty calls of the lookups went through the shared rate limiter under QUEUE_PREFIX
    expect(await h.redis.keys(`${h.prefix}:plenty-rl:*`)).to.not.be.empty;

    const lookups = await request(app).get(`/api/v1/profiles/${id}/lookups`).set(as(h.viewerKey));
    expect(lookups.status).to.equal(200);
    const p = lookups.body.plenty.data as PlentyData;
    const m = lookups.body.magento.data as MagentoData;
    expect(lookups.body.plenty.ageSeconds).to.be.at.most(5);
    // what this sandbox serves right now (a warehouse added for this test only), not fakes
    expect(p.warehouses.map((w) => [w.id, w.name])).to.deep.include([777, 'Only in this test']);
    for (const list of [p.orderStatuses, p.shippingProfiles, p.warehouses, p.referrers, p.paymentMethods])
      expect(list.length).to.be.greaterThan(0);
    expect(m.storeViews.length).to.be.greaterThan(1);

    const status = (name: RegExp) => p.orderStatuses.find((s) => name.test(s.name))!.id;
    const views = m.storeViews.filter((v) => v.id !== 0);
    const settings = {
      orderStatus: {
        statusMapping: [
          { magentoStatus: 'pending', plentyStatusId: status(/^Waiting for payment$/) },
          { magentoStatus: 'processing', plentyStatusId: status(/^Cleared for shipping$/) },
          { magentoStatus: 'complete', plentyStatusId: status(/^Outgoing items booked$/) },
        ],
      },
      shipping: { defaultShippingProfileId: p.shippingProfiles[0]!.id },
      warehouse: { mainWarehouseId: p.warehouses[0]!.id },
      store: {
        referrerId: p.referrers.at(-1)!.id,
        storeMapping: views.map((v, i) => ({
          magentoStoreId: v.id,
          language: p.languages.includes('en') ? 'en' : p.languages[0]!,
          plentyId: p.webstores[i % p.webstores.length]!.plentyId,
        })),
      },
      payment: {
        methodMapping: [
          { magentoMethod: 'checkmo', plentyMethodId: p.paymentMethods[0]!.id, createPayment: true },
        ],
      },
    };
    const put = await request(app)
      .put(`/api/v1/profiles/${id}/settings/default`)
      .set(as(h.adminKey))
      .send(settings);
    expect(put.status, JSON.stringify(put.body)).to.equal(200);
    const website = await request(app)
      .patch(`/api/v1/profiles/${id}/settings/website:${views[0]!.website_id}`)
      .set(as(h.adminKey))
      .send({ warehouse: { mainWarehouseId: 777 } });
    expect(website.status, JSON.stringify(website.body)).to.equal(200);

    const activated = await admin().post(`/api/v1/profiles/${id}/activate`);
    expect(activated.status, JSON.stringify(activated.body)).to.equal(200);
    expect(activated.body.status).to.equal('active');

    // ids that are not in the lookups: refused, naming the id and the lookup
    const badWarehouse = Math.max(...p.warehouses.map((w) => w.id)) + 1000;
    const badStatus = 99.9;
    const bad = await request(app)
      .patch(`/api/v1/profiles/${id}/settings/default`)
      .set(as(h.adminKey))
      .send({
        warehouse: { mainWarehouseId: badWarehouse },
        orderStatus: { statusMapping: [{ magentoStatus: 'processing', plentyStatusId: badStatus }] },
      });
    expect(bad.status).to.equal(422);
    const msgs = bad.body.errors.map((e: { path: string; message: string }) => `${e.path}: ${e.message}`);
    expect(msgs).to.include.members([
      `body.warehouse.mainWarehouseId: Plenty warehouse ${badWarehouse} does not exist (lookup warehouses)`,
      `body.orderStatus.statusMapping[0].plentyStatusId: Plenty order status ${badStatus} does not exist (lookup orderStatuses)`,
    ]);
    const badView = Math.max(...m.storeViews.map((v) => v.id)) + 1;
    const scope = await request(app)
      .put(`/api/v1/profiles/${id}/settings/store:${badView}`)
      .set(as(h.adminKey))
      .send({});
    expect(scope.status).to.equal(422);
    expect(scope.body.errors[0]).to.deep.equal({
      path: 'params.scope',
      message: `Magento store view ${badView} does not exist (lookup storeViews)`,
    });
    // the active profile kept its valid configuration
    const eff = await request(app)
      .get(`/api/v1/profiles/${id}/settings/effective?store=${views[0]!.id}`)
      .set(as(h.viewerKey));
    expect(eff.body.values['warehouse.mainWarehouseId']).to.deep.equal({
      value: 777,
      origin: `website:${views[0]!.website_id}`,
    });

    // refreshing the lookups on request hits the sandboxes again
    const before = plenty.state.calls.total;
    const refresh = await admin().post(`/api/v1/profiles/${id}/lookups`);
    expect(refresh.status, JSON.stringify(refresh.body)).to.equal(200);
    expect(plenty.state.calls.total).to.be.greaterThan(before);
  });

  it('profile against an unreachable Plenty: created, and lookups say why (network), Magento side still saved', async () => {
    const r = await admin()
      .post('/api/v1/profiles')
      .send({
        name: 'half',
        magentoConnectionId: await magentoConn(),
        plentyConnectionId: await plentyConn(unreachable),
        cronExpression: '0 * * * *',
        timezone: 'UTC',
      });
    expect(r.status).to.equal(201);
    expect(r.body.lookups.ok).to.equal(false);
    expect(r.body.lookups.magento.ok).to.equal(true);
    expect(r.body.lookups.plenty.ok).to.equal(false);
    expect(r.body.lookups.plenty.error).to.include(`Cannot reach Plenty at ${new URL(unreachable).host}`);
    const l = await request(app).get(`/api/v1/profiles/${r.body.id}/lookups`).set(as(h.viewerKey));
    expect(l.body.plenty).to.equal(null);
    expect(l.body.magento.data.storeViews.length).to.be.greaterThan(1);
    const act = await admin().post(`/api/v1/profiles/${r.body.id}/activate`);
    expect(act.status).to.equal(422);
  });
});
