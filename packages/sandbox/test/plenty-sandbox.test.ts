import { VAT_AREA_OF } from '@mpc/core';
import { expect } from 'chai';
import { storeViewFixtures, taxRates } from '../src/magento/fixtures';
import { type PlentySandbox, startPlentySandbox } from '../src/plenty/server';
import { client } from './helpers';

const order = (extra: Record<string, unknown> = {}) => ({
  typeId: 1,
  plentyId: 41234,
  statusId: 5.1,
  referrerId: 4.02,
  properties: [
    { typeId: 7, value: '000000042' },
    { typeId: 2, value: '6' },
    { typeId: 3, value: '6000' },
  ],
  orderItems: [
    {
      typeId: 1,
      itemVariationId: 2000,
      quantity: 2,
      orderItemName: 'Bag',
      countryVatId: 1,
      vatField: 0,
      amounts: [{ currency: 'EUR', priceOriginalGross: 40.46 }],
    },
    {
      typeId: 1,
      itemVariationId: 2006,
      quantity: 1,
      orderItemName: 'Book',
      countryVatId: 1,
      vatField: 1,
      amounts: [{ currency: 'EUR', priceOriginalGross: 25.68, discount: 10, isPercentage: true }],
    },
    {
      typeId: 6,
      quantity: 1,
      orderItemName: 'Shipping',
      countryVatId: 1,
      vatField: 0,
      amounts: [{ currency: 'EUR', priceOriginalGross: 5.95, surcharge: 1, discount: 0.95 }],
    },
  ],
  ...extra,
});
const address = {
  name2: 'Ada',
  name3: 'Müller',
  address1: 'Hauptstraße',
  address2: '12a',
  postalCode: '10115',
  town: 'Berlin',
  countryId: 1,
};

describe('Plenty sandbox', () => {
  let sb: PlentySandbox;
  let p: ReturnType<typeof client>;
  let clock = Date.UTC(2024, 5, 1);

  const login = async (c = p) => {
    const r = await c.call('POST', '/rest/login', { username: 'api-user', password: 'api-pass' });
    c.setToken(r.body.access_token);
    return r;
  };
  before(async () => {
    sb = await startPlentySandbox({ now: () => clock, tokenLifetimeSeconds: 3600 });
    p = client(sb.url);
  });
  beforeEach(async () => {
    sb.reset();
    sb.configure({
      plan: 'sandbox',
      latencyMs: 0,
      jitterMs: 0,
      maxConcurrentSessions: null,
      routeLimits: {},
    });
    await login();
  });
  after(() => sb.close());

  describe('auth', () => {
    it('logs in with a JSON body or query params and answers both token spellings', async () => {
      const r = await login();
      expect(r.body).to.include({
        token_type: 'Bearer',
        tokenType: 'Bearer',
        expires_in: 3600,
        expiresIn: 3600,
      });
      expect(r.body.accessToken).to.equal(r.body.access_token);
      const q = await p.call('POST', '/rest/login?username=api-user&password=api-pass');
      expect(q.status).to.equal(200);
      const bad = await p.call('POST', '/rest/login', { username: 'api-user', password: 'x' });
      expect(bad.status).to.equal(401);
      expect(bad.body.error).to.equal('invalid_credentials');
    });
    it('expires tokens (401), refreshes them (old refresh token dies), limits concurrent sessions (429)', async () => {
      const first = await login();
      clock += 3600 * 1000;
      const expired = await p.call('GET', '/rest/webstores');
      expect(expired.status).to.equal(401);
      clock -= 3600 * 1000;
      const refreshed = await p.call('POST', '/rest/login/refresh', {
        refresh_token: first.body.refresh_token,
      });
      expect(refreshed.status).to.equal(200);
      expect(
        (await p.call('POST', '/rest/login/refresh', { refresh_token: first.body.refresh_token })).status,
      ).to.equal(401);
      sb.configure({ maxConcurrentSessions: 1 });
      const s = await p.call('POST', '/rest/login', { username: 'api-user', password: 'api-pass' });
      expect(s.status).to.equal(429);
      expect(s.body.error).to.equal('too_many_concurrent_sessions');
    });
  });

  describe('rate limiting', () => {
    it('sends the header families, counts reads and writes separately, answers 429 with Retry-After', async () => {
      sb.configure({
        plan: {
          readPerWindow: 2,
          writePerWindow: 1,
          windowSeconds: 10,
          longReadPerDay: 100,
          longWritePerDay: 50,
        },
      });
      const r1 = await p.call('GET', '/rest/webstores');
      expect(r1.headers.get('X-Plenty-Global-Short-Period-Limit')).to.equal('2');
      expect(r1.headers.get('X-Plenty-Global-Short-Period-Calls-Left')).to.equal('1');
      expect(r1.headers.get('X-Plenty-Global-Short-Period-Decay')).to.equal('10');
      expect(r1.headers.get('X-Plenty-Global-Long-Period-Limit')).to.equal('100');
      expect(r1.headers.get('X-Plenty-Global-Long-Period-Calls-Left')).to.equal('99');
      const w = await p.call('POST', '/rest/accounts/addresses', address);
      expect(w.status).to.equal(200);
      expect(w.headers.get('X-Plenty-Global-Short-Period-Limit')).to.equal('1');
      expect((await p.call('GET', '/rest/webstores')).status).to.equal(200);
      clock += 4000;
      const over = await p.call('GET', '/rest/webstores');
      expect(over.status).to.equal(429);
      expect(over.headers.get('Retry-After')).to.equal('6');
      expect(over.headers.get('X-Plenty-Global-Short-Period-Calls-Reset')).to.equal(
        String(Math.floor((clock + 6000) / 1000)),
      );
      expect(sb.state.throttled.get('GET /rest/webstores')).to.equal(1);
      clock += 6000;
      expect((await p.call('GET', '/rest/webstores')).status).to.equal(200);
    });
    it('uses the published plan numbers and route limits', async () => {
      sb.configure({
        plan: 'classic',
        routeLimits: { 'GET /rest/orders/search': { limit: 1, windowSeconds: 30 } },
      });
      const r = await p.call('GET', '/rest/orders/search?orderProperty_7=1');
      expect(r.headers.get('X-Plenty-Global-Short-Period-Limit')).to.equal('200');
      expect(r.headers.get('X-Plenty-Global-Long-Period-Limit')).to.equal('166000');
      expect(r.headers.get('X-Plenty-Route-Limit')).to.equal('1');
      const again = await p.call('GET', '/rest/orders/search?orderProperty_7=1');
      expect(again.status).to.equal(429);
      expect(again.headers.get('X-Plenty-Route-Calls-Reset')).to.be.a('string');
    });
  });

  describe('faults', () => {
    it('injects a 5xx after the write was applied (order created, answer lost)', async () => {
      sb.configure({
        faults: { scripted: [{ route: 'POST /rest/orders', kind: '5xx', phase: 'after', status: 502 }] },
      });
      const r = await p.call('POST', '/rest/orders', order());
      expect(r.status).to.equal(502);
      expect(sb.state.orders.size).to.equal(1);
      const found = await p.call('GET', '/rest/orders/search?orderProperty_7=000000042&plentyId=41234');
      expect(found.body.totalsCount).to.equal(1);
      // and before the write: nothing happens
      sb.configure({ faults: { scripted: [{ route: 'POST /rest/orders', kind: '5xx', phase: 'before' }] } });
      expect((await p.call('POST', '/rest/orders', order())).status).to.equal(500);
      expect(sb.state.orders.size).to.equal(1);
    });
    it('times out (no answer until the client gives up) and drops connections, after the write too', async () => {
      sb.configure({
        faults: { scripted: [{ route: 'POST /rest/accounts/addresses', kind: 'timeout', phase: 'after' }] },
      });
      const err = await fetch(`${sb.url}/rest/accounts/addresses`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${(await login()).body.access_token}`,
        },
        body: JSON.stringify(address),
        signal: AbortSignal.timeout(300),
      }).catch((e: Error) => e);
      expect(err).to.be.instanceOf(Error);
      expect(sb.state.addresses.size).to.equal(1);
      sb.configure({
        faults: { scripted: [{ route: 'POST /rest/accounts/addresses', kind: 'drop', phase: 'after' }] },
      });
      const dropped = await p.call('POST', '/rest/accounts/addresses', address).catch((e: Error) => e);
      expect(dropped).to.be.instanceOf(Error);
      expect(sb.state.addresses.size).to.equal(2);
      expect(sb.state.faults.get('POST /rest/accounts/addresses drop:after')).to.equal(1);
    });
    it('injects random 5xx at a configured rate (seeded) and 429 bursts', async () => {
      sb.configure({ faults: { error5xxRate: 0.5, routes: ['GET /rest/webstores'] } });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await p.call('GET', '/rest/webstores')).status);
      const failed = statuses.filter((s) => s >= 500).length;
      expect(failed).to.be.within(8, 32);
      sb.configure({ faults: { error5xxRate: 0, burst429: { count: 2, retryAfterSeconds: 3 } } });
      const b = await p.call('GET', '/rest/payments/methods');
      expect(b.status).to.equal(429);
      expect(b.headers.get('Retry-After')).to.equal('3');
      expect((await p.call('GET', '/rest/payments/methods')).status).to.equal(429);
      expect((await p.call('GET', '/rest/payments/methods')).status).to.equal(200);
    });
    it('has outage windows: all 503, or connection refused until the window ends', async () => {
      sb.configure({ faults: { outage: { durationMs: 60_000 } } });
      expect((await p.call('GET', '/rest/webstores')).status).to.equal(503);
      clock += 60_000;
      expect((await p.call('GET', '/rest/webstores')).status).to.equal(200);
      const real = await startPlentySandbox({});
      real.configure({ faults: { outage: { durationMs: 200, mode: 'refused' } } });
      await new Promise((r) => setTimeout(r, 30));
      const e = await fetch(`${real.url}/rest/webstores`).catch(
        (x: Error & { cause?: { code?: string } }) => x.cause?.code,
      );
      expect(e).to.equal('ECONNREFUSED');
      await new Promise((r) => setTimeout(r, 250));
      expect((await fetch(`${real.url}/rest/webstores`)).status).to.equal(401);
      await real.close();
    });
    it('adds latency', async () => {
      sb.configure({ latencyMs: 60, jitterMs: 10 });
      const t = Date.now();
      await p.call('GET', '/rest/webstores');
      expect(Date.now() - t).to.be.at.least(55);
    });
  });

  describe('validation (422) and errors', () => {
    it('rejects unknown ids and malformed bodies like Plenty', async () => {
      const r = await p.call(
        'POST',
        '/rest/orders',
        order({
          plentyId: 1,
          statusId: 5.7,
          referrerId: 99,
          properties: [
            { typeId: 2, value: '999' },
            { typeId: 3, value: '31337' },
            { typeId: 1, value: '77' },
          ],
          addressRelations: [{ typeId: 1, addressId: 999 }],
          orderItems: [
            {
              typeId: 1,
              itemVariationId: 5,
              quantity: 1,
              orderItemName: 'x',
              countryVatId: 99,
              amounts: [{ currency: 'EUR', priceOriginalGross: 1 }],
            },
          ],
        }),
      );
      expect(r.status).to.equal(422);
      expect(r.body.error).to.deep.equal({ message: 'validation error found' });
      expect(Object.keys(r.body.validation_errors)).to.have.members([
        'plentyId',
        'statusId',
        'referrerId',
        'properties.0.value',
        'properties.1.value',
        'properties.2.value',
        'orderItems.0.itemVariationId',
        'orderItems.0.countryVatId',
        'addressRelations.0.addressId',
      ]);
      const malformed = await p.call('POST', '/rest/orders', { typeId: 'one', orderItems: 'x' });
      expect(malformed.status).to.equal(422);
      expect(malformed.body.validation_errors).to.have.keys('typeId', 'plentyId', 'orderItems');
      const country = await p.call('POST', '/rest/accounts/addresses', { ...address, countryId: 999 });
      expect(country.body.validation_errors.countryId).to.deep.equal(['The selected countryId is invalid.']);
      const pay = await p.call('POST', '/rest/payments', { mopId: 42, amount: 1, currency: 'eur' });
      expect(pay.body.validation_errors).to.have.keys('mopId', 'currency');
    });
    it('answers 404 for unknown ids and 401 without token in the error shape', async () => {
      const r = await p.call('GET', '/rest/orders/999');
      expect(r.status).to.equal(404);
      expect(r.body.error.message).to.be.a('string');
      expect((await p.call('POST', '/rest/payment/1/order/1')).status).to.equal(404);
      const anon = client(sb.url);
      expect((await anon.call('GET', '/rest/webstores')).body).to.deep.equal({
        error: { message: 'Unauthenticated.', code: 401 },
      });
    });
  });

  describe('records', () => {
    it('de-duplicates identical contact addresses and finds contacts by e-mail', async () => {
      const c = await p.call('POST', '/rest/accounts/contacts', {
        typeId: 1,
        plentyId: 41234,
        options: [{ typeId: 2, subTypeId: 4, value: 'Ada@Example.com' }],
      });
      const a1 = await p.call('POST', `/rest/accounts/contacts/${c.body.id}/addresses?typeId=1`, address);
      const a2 = await p.call('POST', `/rest/accounts/contacts/${c.body.id}/addresses?typeId=2`, {
        ...address,
        town: ' berlin ',
      });
      const a3 = await p.call('POST', `/rest/accounts/contacts/${c.body.id}/addresses?typeId=2`, {
        ...address,
        address2: '13',
      });
      expect(a2.body.id).to.equal(a1.body.id);
      expect(a3.body.id).to.not.equal(a1.body.id);
      expect(sb.state.contactAddressLinks.get(c.body.id)).to.have.length(3);
      expect(
        (await p.call('GET', '/rest/accounts/contacts?contactEmail=ada@example')).body.totalsCount,
      ).to.equal(1);
      expect(
        (await p.call('GET', '/rest/accounts/contacts?email=ada@example.com')).body.totalsCount,
      ).to.equal(1);
      expect((await p.call('GET', '/rest/accounts/contacts?email=ada@example')).body.totalsCount).to.equal(0);
      const withAddr = await p.call('GET', `/rest/accounts/contacts/${c.body.id}?with[]=addresses`);
      expect(withAddr.body.addresses).to.have.length(3);
    });
    it('computes order amounts with the item price formula and tracks payments', async () => {
      const o = (await p.call('POST', '/rest/orders', order())).body;
      const a = o.amounts[0];
      // 2 × 40.46 + 25.68 × 0.9 (= 23.11) + (5.95 + 1 − 0.95) = 80.92 + 23.11 + 6.00
      expect(a.grossTotal).to.equal(110.03);
      expect(a.vats.find((v: { vatRate: number }) => v.vatRate === 7).grossTotal).to.equal(23.11);
      expect(a.netTotal + a.vatTotal).to.be.closeTo(a.grossTotal, 0.001);
      expect(o.orderItems[1].amounts[0].priceGross).to.equal(23.11);
      expect(o.relations.find((r: { relation: string }) => r.relation === 'sender').referenceType).to.equal(
        'warehouse',
      );
      const pay = await p.call('POST', '/rest/payments', {
        mopId: 6000,
        amount: 110.03,
        currency: 'EUR',
        properties: [{ typeId: 1, value: 'TX9' }],
      });
      await p.call('POST', `/rest/payment/${pay.body.id}/order/${o.id}`);
      const after = (await p.call('GET', `/rest/orders/${o.id}`)).body;
      expect(after.amounts[0].paidAmount).to.equal(110.03);
      expect(after.properties.find((x: { typeId: number }) => x.typeId === 4).value).to.equal('fullyPaid');
      expect((await p.call('GET', '/rest/payments/property/1/TX9')).body).to.have.length(1);
      expect((await p.call('GET', `/rest/payments/orders/${o.id}`)).body).to.have.length(1);
    });
    it('finds orders by external order id both ways, filtered by plentyId; updates the status', async () => {
      const o = (await p.call('POST', '/rest/orders', order())).body;
      await p.call('POST', '/rest/orders', order({ plentyId: 41235 }));
      expect((await p.call('GET', '/rest/orders?externalOrderId=000000042')).body.totalsCount).to.equal(2);
      expect(
        (await p.call('GET', '/rest/orders?externalOrderId=000000042&plentyId=41234')).body.entries[0].id,
      ).to.equal(o.id);
      expect(
        (await p.call('GET', '/rest/orders/search?orderProperty_7=000000042&plentyId=41235')).body
          .totalsCount,
      ).to.equal(1);
      const u = await p.call('PUT', `/rest/orders/${o.id}`, { statusId: 7 });
      expect(u.body.statusId).to.equal(7);
      expect((await p.call('PUT', `/rest/orders/${o.id}`, { statusId: 7.7 })).status).to.equal(422);
    });
    it('exposes lookups in Plenty shapes (float ids, duplicate ISO codes, envelopes)', async () => {
      const statuses = (await p.call('GET', '/rest/orders/statuses')).body;
      expect(statuses.entries.some((s: { statusId: number }) => s.statusId === 5.1)).to.equal(true);
      expect(
        (await p.call('GET', '/rest/orders/referrers')).body.some((r: { id: number }) => r.id === 4.02),
      ).to.equal(true);
      const countries = (await p.call('GET', '/rest/orders/shipping/countries')).body as {
        id: number;
        isoCode2: string;
      }[];
      expect(countries.filter((c) => c.isoCode2 === 'GR').map((c) => c.id)).to.deep.equal([13, 64]);
      expect(countries.filter((c) => c.isoCode2 === 'ES').map((c) => c.id)).to.deep.equal([8, 65]);
      expect((await p.call('GET', '/rest/webstores')).body[0].storeIdentifier).to.equal(41234);
      expect((await p.call('GET', '/rest/vat')).body.entries[0].vatRates[0].vatRate).to.equal(19);
      expect(
        (await p.call('GET', '/rest/items/variations?numberExact=TS-RED-M')).body.entries[0].number,
      ).to.equal('TS-RED-M');
      expect((await p.call('GET', '/rest/items/variations?number=NOPE')).body.entries).to.deep.equal([]);
    });
    it('serves currencies with exchange rates against EUR (units per 1 EUR) and narrows by columns', async () => {
      const list = (await p.call('GET', '/rest/orders/currencies')).body as {
        currency: string;
        exchangeRate: number;
        isActive: boolean;
        isErasable: boolean;
      }[];
      const rate = (iso: string) => list.find((c) => c.currency === iso)?.exchangeRate;
      expect(rate('EUR')).to.equal(1);
      expect(list.find((c) => c.currency === 'EUR')?.isErasable).to.equal(false);
      // realistic: a franc and a pound are worth more than a euro, a dollar less
      expect(rate('CHF')).to.be.within(0.85, 1);
      expect(rate('GBP')).to.be.within(0.8, 0.9);
      expect(rate('USD')).to.be.within(1.0, 1.25);
      expect(list.every((c) => /^[A-Z]{3}$/.test(c.currency) && c.exchangeRate > 0)).to.equal(true);
      const narrow = (await p.call('GET', '/rest/orders/currencies?columns[]=exchangeRate')).body;
      expect(narrow[0]).to.deep.equal({ currency: 'EUR', exchangeRate: 1 });
    });
    it('has a VAT configuration, or a tax-free Magento rate, for every country the Magento sandbox sells to', async () => {
      const vat = (await p.call('GET', '/rest/vat')).body.entries as {
        countryId: number;
        vatRates: { vatRate: number }[];
      }[];
      const countries = (await p.call('GET', '/rest/orders/shipping/countries')).body as {
        id: number;
        isoCode2: string;
      }[];
      const idOf = (iso: string) => Math.min(...countries.filter((c) => c.isoCode2 === iso).map((c) => c.id));
      const gb = vat.find((v) => v.countryId === 12);
      expect(gb?.vatRates.map((r) => r.vatRate)).to.deep.equal([20, 5, 0, 0]);
      const problems: string[] = [];
      for (const view of storeViewFixtures) {
        for (const [iso] of view.countries) {
          const config = vat.find((v) => v.countryId === idOf(VAT_AREA_OF[iso] ?? iso));
          const { standard, reduced } = taxRates[iso] ?? { standard: 0, reduced: 0 };
          if (!config && (standard !== 0 || reduced !== 0)) problems.push(`${iso}: taxed, no configuration`);
          for (const r of config ? [standard, reduced] : []) {
            if (!config!.vatRates.some((x) => x.vatRate === r))
              problems.push(`${iso}: ${r} % not configured`);
          }
        }
      }
      expect(problems).to.deep.equal([]);
    });
    it('reports state and call counts per route template; resets', async () => {
      await p.call('POST', '/rest/orders', order());
      await p.call('GET', '/rest/orders/1001');
      const s = (await p.call('GET', '/sandbox/state')).body;
      expect(s.orders).to.have.length(1);
      expect(s.calls.byRoute['POST /rest/orders']).to.equal(1);
      expect(s.calls.byRoute['GET /rest/orders/{orderId}']).to.equal(1);
      expect((await p.call('POST', '/sandbox/config', { faults: { error5xxRate: 2 } })).status).to.equal(400);
      await p.call('POST', '/sandbox/reset');
      expect(sb.state.orders.size).to.equal(0);
    });
  });
});
