import { expect } from 'chai';
import {
  type CallInfo,
  createPlentyClient,
  fetchPlentyLookups,
  PlentyAuthError,
  PlentyHttpError,
  PlentyNetworkError,
  PlentyRequestValidationError,
  testPlentyConnection,
} from '../src/index';
import { type FakePlenty, page, startFakePlenty } from './fake-plenty';

const creds = { username: 'api', password: 'secret' };

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('plenty client: auth', () => {
  let fake: FakePlenty;
  afterEach(async () => fake?.close());

  it('logs in once, sends the bearer token, reports every call', async () => {
    fake = await startFakePlenty();
    fake.app.get('/rest/webstores', (_req, res) => {
      res.json([{ id: 1, name: 'Main', storeIdentifier: 1234, type: 'plentyment' }]);
    });
    const calls: CallInfo[] = [];
    const client = createPlentyClient({ baseUrl: fake.url, ...creds, onCall: (c) => calls.push(c) });
    const stores = await client.getWebstores();
    await client.getWebstores();
    expect(stores[0]).to.include({ id: 1, storeIdentifier: 1234 });
    expect(fake.logins).to.equal(1);
    expect(fake.calls.every((c) => c.auth === 'Bearer access-1')).to.equal(true);
    expect(calls.map((c) => `${c.method} ${c.route} ${c.status} ${c.kind}`)).to.deep.equal([
      'POST /rest/login 200 write',
      'GET /rest/webstores 200 read',
      'GET /rest/webstores 200 read',
    ]);
    expect(calls[0]?.auth).to.equal(true);
  });

  it('accepts the snake_case-only token spelling', async () => {
    fake = await startFakePlenty({
      loginResponse: (_req, res) => {
        fake.validTokens.add('snake');
        res.json({ access_token: 'snake', refresh_token: 'r', expires_in: 100, token_type: 'Bearer' });
        return true;
      },
    });
    fake.app.get('/rest/webstores', (_req, res) => {
      res.json([]);
    });
    const client = createPlentyClient({ baseUrl: fake.url, ...creds });
    expect(await client.getWebstores()).to.deep.equal([]);
    expect(fake.calls[0]?.auth).to.equal('Bearer snake');
  });

  it('refreshes the token before it expires (safety margin)', async () => {
    fake = await startFakePlenty({ expiresIn: 2 });
    fake.app.get('/rest/webstores', (_req, res) => {
      res.json([]);
    });
    const client = createPlentyClient({ baseUrl: fake.url, ...creds, refreshMarginMs: 1500 });
    await client.getWebstores();
    await new Promise((r) => setTimeout(r, 1100)); // margin capped at half the 2 s lifetime: renew now
    await client.getWebstores();
    expect(fake.logins).to.equal(1);
    expect(fake.refreshes).to.equal(1);
    expect(fake.calls.at(-1)?.auth).to.equal('Bearer access-2');
  });

  it('falls back to a fresh login when the refresh is refused', async () => {
    fake = await startFakePlenty({ expiresIn: 2 });
    fake.app.get('/rest/webstores', (_req, res) => {
      res.json([]);
    });
    const client = createPlentyClient({ baseUrl: fake.url, ...creds, refreshMarginMs: 1500 });
    await client.getWebstores();
    fake.validTokens.clear(); // refresh answers 401
    await new Promise((r) => setTimeout(r, 1100));
    await client.getWebstores();
    expect(fake.refreshes).to.equal(1);
    expect(fake.logins).to.equal(2);
  });

  it('on 401 drops the token, logs in again once and retries', async () => {
    fake = await startFakePlenty();
    fake.app.get('/rest/webstores', (_req, res) => {
      res.json([]);
    });
    const client = createPlentyClient({ baseUrl: fake.url, ...creds });
    await client.getWebstores();
    fake.validTokens.clear(); // token revoked server-side
    await client.getWebstores();
    expect(fake.logins).to.equal(2);
    expect(fake.calls.map((c) => c.status)).to.deep.equal([200, 401, 200]);
  });

  it('gives up after one re-login when 401 persists', async () => {
    fake = await startFakePlenty();
    fake.app.get('/rest/webstores', (_req, res) => {
      res.json([]);
    });
    // every issued token is immediately invalid
    const client = createPlentyClient({ baseUrl: fake.url, ...creds });
    const origAdd = fake.validTokens.add.bind(fake.validTokens);
    fake.validTokens.add = (v: string) => {
      origAdd(v);
      fake.validTokens.delete(v);
      return fake.validTokens;
    };
    const err = await rejection(client.getWebstores());
    expect(err).to.be.instanceOf(PlentyHttpError);
    expect((err as PlentyHttpError).status).to.equal(401);
    expect((err as PlentyHttpError).retryable).to.equal(false);
    expect(fake.logins).to.equal(2);
  });

  it('shares one in-flight login between concurrent callers (no stampede)', async () => {
    fake = await startFakePlenty({ loginDelayMs: 150 });
    fake.app.get('/rest/webstores', (_req, res) => {
      res.json([]);
    });
    const client = createPlentyClient({ baseUrl: fake.url, ...creds });
    await Promise.all(Array.from({ length: 12 }, () => client.getWebstores()));
    expect(fake.logins).to.equal(1);
    // and after a revocation, 12 concurrent 401s still cause one re-login
    fake.validTokens.clear();
    await Promise.all(Array.from({ length: 12 }, () => client.getWebstores()));
    expect(fake.logins).to.equal(2);
  });

  it('types login failures: invalid_credentials and too_many_concurrent_sessions, never echoing the password', async () => {
    fake = await startFakePlenty();
    const bad = createPlentyClient({ baseUrl: fake.url, username: 'api', password: 'wrong-pw' });
    const e1 = (await rejection(bad.getWebstores())) as PlentyAuthError;
    expect(e1).to.be.instanceOf(PlentyAuthError);
    expect(e1.reason).to.equal('invalid_credentials');
    expect(e1.retryable).to.equal(false);
    expect(e1.message)
      .to.match(/invalid credentials/)
      .and.not.match(/wrong-pw/);
    await fake.close();

    fake = await startFakePlenty({
      loginResponse: (_req, res) => {
        res
          .status(429)
          .json({ error: 'too_many_concurrent_sessions', max_current_sessions: 3, message: 'x' });
        return true;
      },
    });
    const busy = createPlentyClient({ baseUrl: fake.url, ...creds });
    const e2 = (await rejection(busy.getWebstores())) as PlentyAuthError;
    expect(e2.reason).to.equal('too_many_concurrent_sessions');
    expect(e2.retryable).to.equal(true);
    expect(e2.message).to.match(/too many concurrent sessions \(max 3\)/);
  });
});

describe('plenty client: errors', () => {
  let fake: FakePlenty;
  afterEach(async () => fake?.close());

  it('parses 422 validation errors in object-of-arrays form', async () => {
    fake = await startFakePlenty();
    fake.app.post('/rest/comments', (_req, res) => {
      res.status(422).json({
        error: { message: 'validation error found' },
        validation_errors: { text: ['text must not be empty.'], referenceValue: 'must be an integer.' },
      });
    });
    const client = createPlentyClient({ baseUrl: fake.url, ...creds });
    const err = (await rejection(client.addOrderComment(1, ''))) as PlentyHttpError;
    expect(err).to.be.instanceOf(PlentyHttpError);
    expect(err.status).to.equal(422);
    expect(err.retryable).to.equal(false);
    expect(err.validationErrors).to.deep.equal({
      text: ['text must not be empty.'],
      referenceValue: ['must be an integer.'],
    });
    expect(err.message).to.contain('text: text must not be empty.');
  });

  it('parses 422 validation errors in array form', async () => {
    fake = await startFakePlenty();
    fake.app.post('/rest/comments', (_req, res) => {
      res.status(422).json({
        error: { message: 'validation error found' },
        validation_errors: [['The text field is required.'], { field: 'userId', message: 'unknown user' }],
      });
    });
    const client = createPlentyClient({ baseUrl: fake.url, ...creds });
    const err = (await rejection(client.addOrderComment(1, 'x'))) as PlentyHttpError;
    expect(err.validationErrors).to.deep.equal({
      '0': ['The text field is required.'],
      userId: ['unknown user'],
    });
  });

  it('403 lists missing permissions; 404 is not retryable; 5xx is retryable', async () => {
    fake = await startFakePlenty();
    fake.app.get('/rest/orders/:id', (req, res) => {
      if (req.params.id === '1') {
        res
          .status(403)
          .json({ error: { message: 'This action is unauthorized.', missing_permissions: ['order.show'] } });
      } else if (req.params.id === '2')
        res.status(404).json({ error: { message: 'No query results', code: 0 } });
      else res.status(503).send('<html>maintenance</html>');
    });
    const client = createPlentyClient({ baseUrl: fake.url, ...creds });
    const e403 = (await rejection(client.getOrder(1))) as PlentyHttpError;
    expect(e403.missingPermissions).to.deep.equal(['order.show']);
    expect(e403.message).to.contain('missing permissions: order.show');
    const e404 = (await rejection(client.getOrder(2))) as PlentyHttpError;
    expect([e404.status, e404.retryable]).to.deep.equal([404, false]);
    const e503 = (await rejection(client.getOrder(3))) as PlentyHttpError;
    expect([e503.status, e503.retryable]).to.deep.equal([503, true]);
    expect(e503.message).to.match(/server error 503 on GET \/rest\/orders\/\{orderId\}/);
  });

  it('a timeout becomes a retryable network error with a precise message', async () => {
    fake = await startFakePlenty();
    fake.app.get('/rest/webstores', (_req, res) => {
      setTimeout(() => res.json([]), 500);
    });
    const calls: CallInfo[] = [];
    const client = createPlentyClient({
      baseUrl: fake.url,
      ...creds,
      timeoutMs: 100,
      onCall: (c) => calls.push(c),
    });
    const err = (await rejection(client.getWebstores())) as PlentyNetworkError;
    expect(err).to.be.instanceOf(PlentyNetworkError);
    expect(err.retryable).to.equal(true);
    expect(err.timedOut).to.equal(true);
    expect(err.message).to.match(/did not answer GET \/rest\/webstores within 100 ms/);
    expect(calls.at(-1)?.status).to.equal(0);
  });

  it('a refused connection becomes a retryable network error', async () => {
    fake = await startFakePlenty();
    const url = fake.url;
    await fake.close();
    const client = createPlentyClient({ baseUrl: url, ...creds });
    const err = (await rejection(client.getWebstores())) as PlentyNetworkError;
    expect(err).to.be.instanceOf(PlentyNetworkError);
    expect(err.retryable).to.equal(true);
    expect(err.message).to.match(
      /Cannot reach Plenty at 127\.0\.0\.1:\d+ for POST \/rest\/login: ECONNREFUSED/,
    );
  });

  it('validates request bodies with core schemas before sending', async () => {
    fake = await startFakePlenty();
    const client = createPlentyClient({ baseUrl: fake.url, ...creds });
    // biome-ignore lint/suspicious/noExplicitAny: deliberately invalid body
    const err = await rejection(client.createOrder({ typeId: 1, plentyId: 1 } as any));
    expect(err).to.be.instanceOf(PlentyRequestValidationError);
    expect(fake.calls).to.have.length(0);
  });
});

describe('plenty client: lists and typed routes', () => {
  let fake: FakePlenty;
  afterEach(async () => fake?.close());

  it('reads all pages of the envelope and plain arrays; builds core lookups', async () => {
    fake = await startFakePlenty();
    const statuses = Array.from({ length: 7 }, (_, i) => ({
      statusId: i < 5 ? i + 1 : 5 + (i - 4) / 10,
      names: { de: `Status ${i}`, en: `status ${i}` },
    }));
    fake.app.get('/rest/orders/statuses', (req, res) => {
      res.json(page(statuses, Number(req.query.page ?? 1), 3));
    });
    fake.app.get('/rest/orders/shipping/presets', (_req, res) => {
      res.json([
        { id: 6, backendName: 'DHL', parcelServicePresetNames: [{ lang: 'de', name: 'DHL Paket' }] },
      ]);
    });
    fake.app.get('/rest/payments/methods', (_req, res) => {
      res.json([{ id: 6001, name: 'Vorkasse', paymentKey: 'PREPAYMENT', pluginKey: 'plenty' }]);
    });
    fake.app.get('/rest/orders/referrers', (_req, res) => {
      res.json([
        { id: 1, name: 'Client' },
        { id: 4.02, backendName: 'Magento' },
      ]);
    });
    fake.app.get('/rest/stockmanagement/warehouses', (_req, res) => {
      res.json([{ id: 1, name: 'Main' }]);
    });
    fake.app.get('/rest/webstores', (_req, res) => {
      res.json([{ id: 0, name: 'Shop', storeIdentifier: 1234 }]);
    });
    fake.app.get('/rest/orders/shipping/countries', (_req, res) => {
      res.json([
        { id: 1, name: 'Germany', isoCode2: 'DE' },
        { id: 13, names: [{ lang: 'en', name: 'Greece' }], isoCode2: 'GR' },
      ]);
    });
    fake.app.get('/rest/vat', (req, res) => {
      const all = [
        { id: 1, countryId: 1, locationId: 1, vatRates: [{ id: 0, vatRate: '19.00', name: 'A' }] },
      ];
      res.json(page(all, Number(req.query.page ?? 1), 100));
    });
    fake.app.get('/rest/orders/currencies', (_req, res) => {
      res.json([
        { currency: 'EUR', htmlCode: '&euro;', isActive: true, isErasable: false, exchangeRate: 1 },
        { currency: 'usd', isActive: true, exchangeRate: '1.0795' },
        { currency: 'CHF', isActive: true, exchangeRate: 0.9412 },
        { currency: 'SEK', isActive: false, exchangeRate: 0 },
        { currency: 'JPY', isActive: true, exchangeRate: null },
      ]);
    });
    const client = createPlentyClient({ baseUrl: fake.url, ...creds });
    const all = await client.getOrderStatuses();
    expect(all.map((s) => s.statusId)).to.deep.equal([1, 2, 3, 4, 5, 5.1, 5.2]);
    expect(fake.calls.filter((c) => c.path.startsWith('/rest/orders/statuses'))).to.have.length(3);
    const lookups = await fetchPlentyLookups(client);
    expect(lookups.orderStatuses[5]).to.deep.equal({ id: 5.1, name: 'status 5' });
    expect(lookups.shippingProfiles).to.deep.equal([{ id: 6, name: 'DHL Paket' }]);
    expect(lookups.referrers[1]).to.deep.equal({ id: 4.02, name: 'Magento' });
    expect(lookups.webstores).to.deep.equal([{ id: 0, plentyId: 1234, name: 'Shop' }]);
    expect(lookups.countries.map((c) => c.name)).to.deep.equal(['Germany', 'Greece']);
    expect(lookups.vat).to.deep.equal([{ id: 1, countryId: 1, rates: [{ id: 0, rate: 19 }] }]);
    expect(lookups.languages).to.include('de');
    expect(lookups.systemCurrency).to.equal('EUR');
    // usable rates only (SEK 0 and JPY null dropped), codes upper-cased, numeric strings coerced
    expect(lookups.currencies).to.deep.equal([
      { currency: 'EUR', exchangeRate: 1 },
      { currency: 'USD', exchangeRate: 1.0795 },
      { currency: 'CHF', exchangeRate: 0.9412 },
    ]);
    expect(fake.calls.filter((c) => c.path.startsWith('/rest/orders/currencies'))).to.have.length(1);
  });

  it('findVariationIdsBySku: one numberExact call per distinct SKU, exact matches only', async () => {
    fake = await startFakePlenty();
    const variations: Record<string, { id: number; number: string; isActive: boolean }[]> = {
      'TS-RED-M': [{ id: 1012, number: 'TS-RED-M', isActive: true }],
      CHAIR: [
        { id: 7, number: 'CHAIR', isActive: false },
        { id: 8, number: 'CHAIR', isActive: true },
      ],
    };
    fake.app.get('/rest/items/variations', (req, res) => {
      const n = String(req.query.numberExact);
      res.json(page(variations[n] ?? [], 1, 10));
    });
    const client = createPlentyClient({ baseUrl: fake.url, ...creds });
    const map = await client.findVariationIdsBySku(['TS-RED-M', 'CHAIR', 'TS-RED-M', 'NOPE', ' ']);
    expect([...map.entries()]).to.deep.equal([
      ['TS-RED-M', 1012],
      ['CHAIR', 8],
    ]);
    expect(fake.calls.filter((c) => c.path.startsWith('/rest/items/variations'))).to.have.length(3);
  });

  it('findContactByEmail skips guests and near-matches', async () => {
    fake = await startFakePlenty();
    fake.app.get('/rest/accounts/contacts', (req, res) => {
      expect(req.query.contactEmail).to.equal('ada@example.com');
      res.json(
        page(
          [
            { id: 3, email: 'ada@example.com.au', plentyId: 1234 },
            { id: 4, email: 'ada@example.com', singleAccess: '1', plentyId: 1234 },
            { id: 9, email: 'ADA@example.com', plentyId: 1234, singleAccess: false },
            { id: 10, email: 'ada@example.com', plentyId: 999 },
          ],
          1,
          50,
        ),
      );
    });
    const client = createPlentyClient({ baseUrl: fake.url, ...creds });
    expect((await client.findContactByEmail('ada@example.com', 1234))?.id).to.equal(9);
  });

  it('findOrdersByExternalId matches property 7 and plentyId exactly', async () => {
    fake = await startFakePlenty();
    fake.app.get('/rest/orders', (req, res) => {
      expect(req.query.externalOrderId).to.equal('000000123');
      res.json(
        page(
          [
            { id: 1, plentyId: 1234, properties: [{ typeId: 7, value: '000000123' }] },
            { id: 2, plentyId: 1234, properties: [{ typeId: 7, value: '0000001234' }] },
            { id: 3, plentyId: 555, properties: [{ typeId: 7, value: '000000123' }] },
          ],
          1,
          50,
        ),
      );
    });
    const client = createPlentyClient({ baseUrl: fake.url, ...creds });
    expect((await client.findOrdersByExternalId('000000123', 1234)).map((o) => o.id)).to.deep.equal([1]);
  });

  it('payments: find by transaction id ignores deleted; relations and status update', async () => {
    fake = await startFakePlenty();
    fake.app.get('/rest/payments/property/1/:txn', (req, res) => {
      expect(req.params.txn).to.equal('pi_3N/x');
      res.json([
        { id: 1, mopId: 6001, amount: 10, deleted: 1 },
        { id: 2, mopId: 6001, amount: 10, deleted: 0 },
      ]);
    });
    fake.app.post('/rest/payment/:p/order/:o', (req, res) => {
      res.json({ id: 77, paymentId: Number(req.params.p), orderId: Number(req.params.o), assignedAt: 'x' });
    });
    fake.app.put('/rest/orders/:id', (req, res) => {
      res.json({ id: Number(req.params.id), statusId: req.body.statusId, plentyId: 1 });
    });
    const client = createPlentyClient({ baseUrl: fake.url, ...creds });
    expect((await client.findPaymentsByTransactionId('pi_3N/x')).map((p) => p.id)).to.deep.equal([2]);
    expect(await client.createPaymentOrderRelation(2, 9)).to.include({ id: 77, paymentId: 2, orderId: 9 });
    expect((await client.updateOrderStatus(9, 5.1)).statusId).to.equal(5.1);
  });
});

describe('testPlentyConnection', () => {
  let fake: FakePlenty;
  afterEach(async () => fake?.close());

  it('reports ok / auth / permission / network precisely', async () => {
    fake = await startFakePlenty();
    let forbid = false;
    fake.app.get('/rest/webstores', (_req, res) => {
      if (forbid)
        res.status(403).json({
          error: { message: 'This action is unauthorized.', missing_permissions: ['webstore.show'] },
        });
      else res.json([]);
    });
    expect(await testPlentyConnection({ baseUrl: fake.url, ...creds })).to.deep.equal({ ok: true });
    const auth = await testPlentyConnection({ baseUrl: fake.url, username: 'api', password: 'nope' });
    expect(auth).to.include({ ok: false, stage: 'auth' });
    forbid = true;
    const perm = await testPlentyConnection({ baseUrl: fake.url, ...creds });
    expect(perm).to.include({ ok: false, stage: 'permission' });
    expect((perm as { message: string }).message).to.contain('webstore.show');
    const url = fake.url;
    await fake.close();
    const net = await testPlentyConnection({ baseUrl: url, ...creds });
    expect(net).to.include({ ok: false, stage: 'network' });
    expect((net as { message: string }).message).to.contain('ECONNREFUSED');
  });
});
