import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import {
  buildSearchCriteriaQuery,
  createMagentoClient,
  fetchMagentoLookups,
  type MagentoCallInfo,
  type MagentoHttpError,
  MagentoNetworkError,
  magentoApiRoot,
  substituteMagentoParameters,
  testMagentoConnection,
} from '../src/index';

interface Fake {
  url: string;
  app: express.Express;
  requests: { path: string; query: Record<string, unknown>; body: unknown; auth?: string }[];
  close(): Promise<void>;
}

async function startFake(): Promise<Fake> {
  const app = express();
  app.set('query parser', 'extended');
  app.use(express.json());
  const fake: Fake = { url: '', app, requests: [], close: async () => {} };
  app.use((req, _res, next) => {
    fake.requests.push({
      path: req.path,
      query: req.query as Record<string, unknown>,
      body: req.body,
      auth: req.headers.authorization,
    });
    next();
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

function order(id: number) {
  return {
    entity_id: id,
    increment_id: String(id).padStart(9, '0'),
    status: 'processing',
    store_id: 1,
    customer_email: `c${id}@example.com`,
    grand_total: 10,
    base_grand_total: 10,
    items: [
      { item_id: id * 10, sku: 'SKU', name: 'Thing', qty_ordered: 1, price: 10, product_type: 'simple' },
    ],
  };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('magento searchCriteria serialisation', () => {
  it('serialises filter groups (OR inside, AND across), conditions, sort and paging in bracket syntax', () => {
    const q = buildSearchCriteriaQuery({
      filterGroups: [
        { filters: [{ field: 'status', value: ['processing', 'complete'], conditionType: 'in' }] },
        {
          filters: [
            { field: 'updated_at', value: '2024-05-01 00:00:00', conditionType: 'gteq' },
            { field: 'increment_id', value: '1000%', conditionType: 'like' },
          ],
        },
        { filters: [{ field: 'customer_id', conditionType: 'null' }] },
      ],
      sortOrders: [{ field: 'entity_id', direction: 'ASC' }],
      pageSize: 100,
      currentPage: 2,
    });
    const decoded = decodeURIComponent(q).split('&');
    expect(decoded).to.deep.equal([
      'searchCriteria[filterGroups][0][filters][0][field]=status',
      'searchCriteria[filterGroups][0][filters][0][value]=processing,complete',
      'searchCriteria[filterGroups][0][filters][0][conditionType]=in',
      'searchCriteria[filterGroups][1][filters][0][field]=updated_at',
      'searchCriteria[filterGroups][1][filters][0][value]=2024-05-01 00:00:00',
      'searchCriteria[filterGroups][1][filters][0][conditionType]=gteq',
      'searchCriteria[filterGroups][1][filters][1][field]=increment_id',
      'searchCriteria[filterGroups][1][filters][1][value]=1000%',
      'searchCriteria[filterGroups][1][filters][1][conditionType]=like',
      'searchCriteria[filterGroups][2][filters][0][field]=customer_id',
      'searchCriteria[filterGroups][2][filters][0][value]=1',
      'searchCriteria[filterGroups][2][filters][0][conditionType]=null',
      'searchCriteria[sortOrders][0][field]=entity_id',
      'searchCriteria[sortOrders][0][direction]=ASC',
      'searchCriteria[pageSize]=100',
      'searchCriteria[currentPage]=2',
    ]);
    // brackets, spaces and % are encoded
    expect(q).to.contain('searchCriteria%5BfilterGroups%5D%5B0%5D');
    expect(q).to.contain('1000%25');
    expect(q).not.to.contain(' ');
  });

  it('substitutes positional and named placeholders', () => {
    expect(substituteMagentoParameters('Maximum SearchCriteria pageSize is %max', { max: 300 })).to.equal(
      'Maximum SearchCriteria pageSize is 300',
    );
    expect(substituteMagentoParameters('"%1" is required. Enter and try again.', ['email'])).to.equal(
      '"email" is required. Enter and try again.',
    );
  });

  it('finds the REST root from the base URL', () => {
    expect(magentoApiRoot('https://shop.example/')).to.equal('https://shop.example/rest');
    expect(magentoApiRoot('https://shop.example/rest/all')).to.equal('https://shop.example/rest/all');
    expect(magentoApiRoot('https://shop.example/rest')).to.equal('https://shop.example/rest');
  });
});

describe('magento client', () => {
  let fake: Fake;
  afterEach(async () => fake?.close());

  it('iterateOrders stops by total_count despite the repeated last page and de-duplicates moved orders', async () => {
    fake = await startFake();
    // 7 orders, page size 3. Magento clamps pages past the end to the last page. Between page 1 and 2
    // order 3 "moves" (its updated_at changed) so it shows up again on page 2.
    const all = [1, 2, 3, 4, 5, 6, 7].map(order);
    let calls = 0;
    fake.app.get('/rest/V1/orders', (req, res) => {
      calls++;
      const sc = req.query.searchCriteria as { pageSize: string; currentPage: string; sortOrders?: unknown };
      const size = Number(sc.pageSize);
      const last = Math.ceil(all.length / size);
      const p = Math.min(Number(sc.currentPage), last);
      let items = all.slice((p - 1) * size, p * size);
      if (p === 2) items = [all[2]!, ...items.slice(0, 2)]; // 3 again, then 4, 5 (6 pushed to page 3)
      if (p === 3) items = [all[5]!, all[6]!];
      res.json({ items, total_count: all.length, search_criteria: { page_size: size, current_page: p } });
    });
    const client = createMagentoClient({ baseUrl: fake.url, accessToken: 'tok' });
    const ids: number[] = [];
    for await (const o of client.iterateOrders(
      { filterGroups: [{ filters: [{ field: 'status', value: 'processing' }] }] },
      3,
    )) {
      ids.push(o.entity_id);
    }
    expect(ids).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    expect(calls).to.equal(3); // never asks for page 4 (which would repeat page 3)
    const sc = fake.requests[0]!.query.searchCriteria as Record<string, unknown>;
    expect(sc.sortOrders).to.deep.equal([{ field: 'entity_id', direction: 'ASC' }]);
    expect(fake.requests[0]!.auth).to.equal('Bearer tok');
  });

  it('iterateOrders never loops on a server that keeps repeating the last page', async () => {
    fake = await startFake();
    fake.app.get('/rest/V1/orders', (_req, res) => {
      res.json({ items: [order(1), order(2)], total_count: 2 });
    });
    const client = createMagentoClient({ baseUrl: fake.url, accessToken: 'tok' });
    const ids: number[] = [];
    for await (const o of client.iterateOrders({}, 2)) ids.push(o.entity_id);
    expect(ids).to.deep.equal([1, 2]);
    expect(fake.requests).to.have.length(1);
  });

  it('401 says the token was rejected; ACL 401 names the resource; 400 substitutes parameters', async () => {
    fake = await startFake();
    fake.app.get('/rest/V1/orders/:id', (req, res) => {
      if (req.params.id === '1') {
        res.status(401).json({
          message: "The consumer isn't authorized to access %resources.",
          parameters: { resources: 'Magento_Sales::actions_view' },
        });
      } else if (req.params.id === '2')
        res.status(401).json({ message: 'The request is allowed for logged in user only.' });
      else if (req.params.id === '3')
        res
          .status(400)
          .json({ message: 'Maximum SearchCriteria pageSize is %max', parameters: { max: 300 } });
      else res.status(502).send('<html>Bad gateway</html>');
    });
    const client = createMagentoClient({ baseUrl: fake.url, accessToken: 'tok' });
    const acl = (await rejection(client.getOrder(1))) as MagentoHttpError;
    expect(acl.message).to.match(/Magento rejected the access token.*Magento_Sales::actions_view/);
    expect(acl.missingResources).to.deep.equal(['Magento_Sales::actions_view']);
    const bad = (await rejection(client.getOrder(2))) as MagentoHttpError;
    expect(bad.message).to.match(/^Magento rejected the access token \(401\)/);
    expect(bad.retryable).to.equal(false);
    const e400 = (await rejection(client.getOrder(3))) as MagentoHttpError;
    expect(e400.magentoMessage).to.equal('Maximum SearchCriteria pageSize is 300');
    expect(e400.retryable).to.equal(false);
    const e502 = (await rejection(client.getOrder(4))) as MagentoHttpError;
    expect([e502.status, e502.retryable]).to.deep.equal([502, true]);
  });

  it('timeouts are retryable network errors; onCall reports them with status 0', async () => {
    fake = await startFake();
    fake.app.get('/rest/V1/orders/:id', (_req, res) => {
      setTimeout(() => res.json(order(1)), 400);
    });
    const calls: MagentoCallInfo[] = [];
    const client = createMagentoClient({
      baseUrl: fake.url,
      accessToken: 'tok',
      timeoutMs: 80,
      onCall: (c) => calls.push(c),
    });
    const err = (await rejection(client.getOrder(1))) as MagentoNetworkError;
    expect(err).to.be.instanceOf(MagentoNetworkError);
    expect(err.retryable).to.equal(true);
    expect(err.message).to.match(/did not answer GET \/V1\/orders\/\{id\} within 80 ms/);
    expect(calls).to.deep.include({ ...calls[0]!, status: 0, route: '/V1/orders/{id}' });
  });

  it('addOrderComment wraps the body in statusHistory; lookups drop the admin scope', async () => {
    fake = await startFake();
    fake.app.post('/rest/V1/orders/:id/comments', (_req, res) => {
      res.json(true);
    });
    fake.app.get('/rest/V1/store/websites', (_req, res) => {
      res.json([
        { id: 0, code: 'admin', name: 'Admin', default_group_id: 0 },
        { id: 1, code: 'base', name: 'Main Website', default_group_id: 1 },
      ]);
    });
    fake.app.get('/rest/V1/store/storeGroups', (_req, res) => {
      res.json([
        { id: 1, website_id: 1, root_category_id: 2, default_store_id: 1, name: 'Main Store', code: 'main' },
      ]);
    });
    fake.app.get('/rest/V1/store/storeViews', (_req, res) => {
      res.json([
        { id: 0, code: 'admin', website_id: 0, store_group_id: 0, is_active: 1, name: 'Admin' },
        {
          id: 1,
          code: 'default',
          website_id: 1,
          store_group_id: 1,
          is_active: 1,
          name: 'Default Store View',
        },
      ]);
    });
    fake.app.get('/rest/V1/store/storeConfigs', (_req, res) => {
      res.json([
        {
          id: 1,
          code: 'default',
          website_id: 1,
          locale: 'de_DE',
          base_currency_code: 'EUR',
          default_display_currency_code: 'EUR',
        },
      ]);
    });
    const client = createMagentoClient({ baseUrl: fake.url, accessToken: 'tok' });
    expect(
      await client.addOrderComment(42, { comment: 'Exported to Plenty as 12', status: 'processing' }),
    ).to.equal(true);
    expect(fake.requests[0]!.body).to.deep.equal({
      statusHistory: {
        comment: 'Exported to Plenty as 12',
        is_customer_notified: 0,
        is_visible_on_front: 0,
        parent_id: 42,
        status: 'processing',
      },
    });
    const lookups = await fetchMagentoLookups(client);
    expect(lookups.websites).to.deep.equal([{ id: 1, code: 'base', name: 'Main Website' }]);
    expect(lookups.storeViews.map((v) => v.code)).to.deep.equal(['default']);
    expect(lookups.storeConfigs[0]).to.include({ locale: 'de_DE', base_currency_code: 'EUR' });
  });

  it('testMagentoConnection: ok / auth / permission / network', async () => {
    fake = await startFake();
    let mode: 'ok' | 'token' | 'acl' = 'ok';
    fake.app.get('/rest/V1/store/storeViews', (_req, res) => {
      if (mode === 'token')
        res.status(401).json({ message: 'The request is allowed for logged in user only.' });
      else res.json([]);
    });
    fake.app.get('/rest/V1/orders', (_req, res) => {
      if (mode === 'acl') {
        res.status(401).json({
          message: "The consumer isn't authorized to access %resources.",
          parameters: { resources: 'Magento_Sales::actions_view' },
        });
      } else res.json({ items: [], total_count: 0 });
    });
    const opts = { baseUrl: fake.url, accessToken: 'tok' };
    expect(await testMagentoConnection(opts)).to.deep.equal({ ok: true });
    mode = 'token';
    expect(await testMagentoConnection(opts)).to.include({ ok: false, stage: 'auth' });
    mode = 'acl';
    const perm = await testMagentoConnection(opts);
    expect(perm).to.include({ ok: false, stage: 'permission' });
    expect((perm as { message: string }).message).to.contain('Magento_Sales::actions_view');
    const url = fake.url;
    await fake.close();
    const net = await testMagentoConnection({ baseUrl: url, accessToken: 'tok' });
    expect(net).to.include({ ok: false, stage: 'network' });
  });
});
