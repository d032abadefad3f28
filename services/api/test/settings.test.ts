import { expect } from 'chai';
import request from 'supertest';
import { as, completeSettings, seedProfile, useHarness } from './helpers';

describe('api: scoped settings', () => {
  const h = useHarness();
  let id: number;
  const url = (scope: string) => `/api/v1/profiles/${id}/settings/${scope}`;
  beforeEach(async () => {
    id = (await seedProfile(h)).profile.id;
  });

  it('GET of an empty scope is {}; PUT replaces; PATCH merges; null removes a key so it inherits again', async () => {
    expect((await request(h.app).get(url('default')).set(as(h.viewerKey))).body).to.deep.equal({
      scope: 'default',
      settings: {},
      updatedAt: null,
    });
    const put = await request(h.app).put(url('default')).set(as(h.adminKey)).send(completeSettings);
    expect(put.status).to.equal(200);
    expect(put.body.settings.shipping).to.deep.equal({ defaultShippingProfileId: 6 });
    const put2 = await request(h.app)
      .put(url('default'))
      .set(as(h.adminKey))
      .send({ export: { batchSize: 50 } });
    expect(put2.body.settings).to.deep.equal({ export: { batchSize: 50 } });

    const patch = await request(h.app)
      .patch(url('default'))
      .set(as(h.adminKey))
      .send({ export: { logResponse: true }, warehouse: { mainWarehouseId: 104 } });
    expect(patch.body.settings).to.deep.equal({
      export: { batchSize: 50, logResponse: true },
      warehouse: { mainWarehouseId: 104 },
    });
    const rm = await request(h.app)
      .patch(url('default'))
      .set(as(h.adminKey))
      .send({ export: { batchSize: null }, warehouse: null });
    expect(rm.body.settings).to.deep.equal({ export: { logResponse: true } });
    const eff = await request(h.app).get(`/api/v1/profiles/${id}/settings/effective`).set(as(h.viewerKey));
    expect(eff.body.values['export.batchSize']).to.deep.equal({ value: 500, origin: 'built-in' });
    expect(eff.body.values['export.logResponse']).to.deep.equal({ value: true, origin: 'default' });
  });

  it('effective settings for a store: store over website over default, each with its origin', async () => {
    await request(h.app).put(url('default')).set(as(h.adminKey)).send(completeSettings).expect(200);
    await request(h.app)
      .put(url('website:1'))
      .set(as(h.adminKey))
      .send({ export: { batchSize: 20 }, warehouse: { mainWarehouseId: 104 } })
      .expect(200);
    await request(h.app)
      .put(url('store:3'))
      .set(as(h.adminKey))
      .send({ export: { batchSize: 5 } })
      .expect(200);
    const r = await request(h.app)
      .get(`/api/v1/profiles/${id}/settings/effective?store=3`)
      .set(as(h.viewerKey));
    expect(r.status).to.equal(200);
    expect(r.body.storeId).to.equal(3);
    expect(r.body.websiteId).to.equal(1);
    expect(r.body.values['export.batchSize']).to.deep.equal({ value: 5, origin: 'store:3' });
    expect(r.body.values['warehouse.mainWarehouseId']).to.deep.equal({ value: 104, origin: 'website:1' });
    expect(r.body.values['shipping.defaultShippingProfileId']).to.deep.equal({ value: 6, origin: 'default' });
    expect(r.body.values['customer.createCustomer']).to.deep.equal({ value: true, origin: 'built-in' });
    expect(r.body.settings.export.batchSize).to.equal(5);
    const s1 = await request(h.app)
      .get(`/api/v1/profiles/${id}/settings/effective?store=1`)
      .set(as(h.viewerKey));
    expect(s1.body.values['export.batchSize']).to.deep.equal({ value: 20, origin: 'website:1' });
    const bad = await request(h.app)
      .get(`/api/v1/profiles/${id}/settings/effective?store=77`)
      .set(as(h.viewerKey));
    expect(bad.status).to.equal(400);
    expect(bad.body.errors[0]).to.deep.equal({
      path: 'query.store',
      message: 'Magento store view 77 does not exist (lookup storeViews)',
    });
    expect(
      (await request(h.app).get(`/api/v1/profiles/${id}/settings/effective?store=x`).set(as(h.viewerKey)))
        .status,
    ).to.equal(400);
  });

  it('rejects ids that do not exist in the lookups, naming the id and the lookup', async () => {
    const r = await request(h.app)
      .put(url('default'))
      .set(as(h.adminKey))
      .send({
        orderStatus: {
          statusMapping: [
            { magentoStatus: 'pending', plentyStatusId: 3 },
            { magentoStatus: 'processing', plentyStatusId: 5 },
            { magentoStatus: 'complete', plentyStatusId: 5.7 },
          ],
        },
        shipping: {
          defaultShippingProfileId: 8,
          methodMapping: [{ magentoMethod: 'flatrate_flatrate', plentyShippingProfileId: 9 }],
        },
        warehouse: { mainWarehouseId: 2 },
        store: { referrerId: 3, storeMapping: [{ magentoStoreId: 5, language: 'de', plentyId: 1000 }] },
        payment: { methodMapping: [{ magentoMethod: 'checkmo', plentyMethodId: 12 }] },
      });
    expect(r.status).to.equal(422);
    const msgs = r.body.errors.map((e: { path: string; message: string }) => `${e.path}: ${e.message}`);
    expect(msgs).to.have.members([
      'body.orderStatus.statusMapping[2].plentyStatusId: Plenty order status 5.7 does not exist (lookup orderStatuses)',
      'body.shipping.defaultShippingProfileId: Plenty shipping profile 8 does not exist (lookup shippingProfiles)',
      'body.shipping.methodMapping[0].plentyShippingProfileId: Plenty shipping profile 9 does not exist (lookup shippingProfiles)',
      'body.warehouse.mainWarehouseId: Plenty warehouse 2 does not exist (lookup warehouses)',
      'body.store.referrerId: Plenty referrer 3 does not exist (lookup referrers)',
      'body.store.storeMapping[0].magentoStoreId: Magento store view 5 does not exist (lookup storeViews)',
      'body.payment.methodMapping[0].plentyMethodId: Plenty payment method 12 does not exist (lookup paymentMethods)',
    ]);
    expect(await h.prisma.profileSetting.count()).to.equal(0);
    const scope = await request(h.app).put(url('store:9')).set(as(h.adminKey)).send({});
    expect(scope.status).to.equal(422);
    expect(scope.body.errors[0]).to.deep.equal({
      path: 'params.scope',
      message: 'Magento store view 9 does not exist (lookup storeViews)',
    });
    expect((await request(h.app).put(url('website:4')).set(as(h.adminKey)).send({})).status).to.equal(422);
  });

  it('without lookups, ids are only checked for shape', async () => {
    await h.prisma.lookup.deleteMany();
    const r = await request(h.app)
      .put(url('default'))
      .set(as(h.adminKey))
      .send({ warehouse: { mainWarehouseId: 2 } });
    expect(r.status).to.equal(200);
  });

  it('validates shapes: unknown sections and keys, wrong types, duplicates, scope names', async () => {
    const cases: [unknown, string][] = [
      [{ exports: {} }, 'body.exports'],
      [{ export: { enabled: 'yes' } }, 'body.export.enabled'],
      [{ export: { batchSize: 0 } }, 'body.export.batchSize'],
      [{ export: { colour: 'red' } }, 'body.export.colour'],
      [{ api: { collectionBehaviour: 'merge' } }, 'body.api.collectionBehaviour'],
      [
        { store: { storeMapping: [{ magentoStoreId: 1, language: 'xx', plentyId: 1000 }] } },
        'body.store.storeMapping[0].language',
      ],
      [
        { store: { storeMapping: [{ magentoStoreId: 1, language: 'de', plentyId: 1000, extra: 1 }] } },
        'body.store.storeMapping[0].extra',
      ],
      [
        {
          orderStatus: {
            statusMapping: [
              { magentoStatus: 'a', plentyStatusId: 5 },
              { magentoStatus: 'a', plentyStatusId: 7 },
            ],
          },
        },
        'body.orderStatus.statusMapping[1]',
      ],
      [[], 'body'],
    ];
    for (const [body, path] of cases) {
      const r = await request(h.app)
        .put(url('default'))
        .set(as(h.adminKey))
        .send(body as object);
      expect(r.status, JSON.stringify(body)).to.equal(400);
      expect(
        r.body.errors.map((e: { path: string }) => e.path),
        JSON.stringify(r.body),
      ).to.include(path);
    }
    const p = await request(h.app)
      .patch(url('default'))
      .set(as(h.adminKey))
      .send({ export: { bogus: null } });
    expect(p.status).to.equal(400);
    expect(p.body.errors[0].path).to.equal('body.export.bogus');
    for (const scope of ['global', 'store:', 'website:x', 'store:1:2']) {
      const r = await request(h.app).get(url(scope)).set(as(h.viewerKey));
      expect(r.status, scope).to.equal(400);
      expect(r.body.errors[0].path).to.equal('params.scope');
    }
    expect((await request(h.app).put(url('default')).set(as(h.viewerKey)).send({})).status).to.equal(403);
    expect(
      (await request(h.app).get('/api/v1/profiles/999/settings/default').set(as(h.viewerKey))).status,
    ).to.equal(404);
    expect(await h.prisma.profileSetting.count()).to.equal(0);
  });

  it('an active profile cannot be left incomplete; DELETE of a scope restores inheritance; changes are audited', async () => {
    await request(h.app).put(url('default')).set(as(h.adminKey)).send(completeSettings).expect(200);
    await request(h.app).post(`/api/v1/profiles/${id}/activate`).set(as(h.adminKey)).expect(200);
    const r = await request(h.app)
      .patch(url('default'))
      .set(as(h.adminKey))
      .send({ warehouse: { mainWarehouseId: null } });
    expect(r.status).to.equal(422);
    expect(r.body.detail).to.match(/active/);
    await request(h.app)
      .put(url('store:3'))
      .set(as(h.adminKey))
      .send({ export: { batchSize: 7 } })
      .expect(200);
    expect((await request(h.app).delete(url('store:3')).set(as(h.adminKey))).status).to.equal(204);
    expect((await request(h.app).get(url('store:3')).set(as(h.viewerKey))).body.settings).to.deep.equal({});
    const audit = await request(h.app)
      .get('/api/v1/audit-log?entityType=profile-settings')
      .set(as(h.adminKey));
    const actions = audit.body.items.map(
      (a: { action: string; entityId: string }) => `${a.action} ${a.entityId}`,
    );
    expect(actions).to.deep.equal([
      `settings.clear ${id}/store:3`,
      `settings.replace ${id}/store:3`,
      `settings.replace ${id}/default`,
    ]);
    expect(audit.body.items[1].after).to.deep.equal({ export: { batchSize: 7 } });
  });
});
