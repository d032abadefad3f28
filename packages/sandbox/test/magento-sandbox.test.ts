import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { generateMagentoOrders } from '../src/magento/generator';
import { type MagentoSandbox, startMagentoSandbox } from '../src/magento/server';
import { client, sc } from './helpers';

const filter = (g: number, f: number, field: string, value: string, type?: string) => ({
  [`[filter_groups][${g}][filters][${f}][field]`]: field,
  [`[filter_groups][${g}][filters][${f}][value]`]: value,
  ...(type ? { [`[filter_groups][${g}][filters][${f}][condition_type]`]: type } : {}),
});

describe('Magento sandbox', () => {
  let sb: MagentoSandbox;
  let m: ReturnType<typeof client>;
  let clock = Date.UTC(2024, 5, 1);
  const all = generateMagentoOrders({ count: 80, seed: 5 }) as Record<string, any>[];

  before(async () => {
    sb = await startMagentoSandbox({
      orders: { count: 80, seed: 5 },
      integrationTokens: ['int-token'],
      now: () => clock,
    });
    m = client(sb.url);
    const t = await m.call('POST', '/rest/V1/integration/admin/token', {
      username: 'admin',
      password: 'admin123',
    });
    expect(t.status).to.equal(200);
    expect(t.body).to.be.a('string');
    m.setToken(t.body);
  });
  after(() => sb.close());

  const orders = async (q: Record<string, string | number>) => {
    const r = await m.call('GET', `/rest/V1/orders?${sc(q)}`);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body as {
      items: Record<string, any>[];
      total_count: number;
      search_criteria: Record<string, any>;
    };
  };

  describe('auth', () => {
    it('answers 401 in Magento format without, with a wrong, or with an expired token', async () => {
      const anon = client(sb.url);
      for (const tok of [undefined, 'nope']) {
        anon.setToken(tok);
        const r = await anon.call('GET', '/rest/V1/orders');
        expect(r.status).to.equal(401);
        expect(r.body).to.deep.equal({
          message: "The consumer isn't authorized to access %resources.",
          parameters: { resources: 'Magento_Sales::actions_view' },
        });
      }
      const t = await anon.call('POST', '/rest/V1/integration/admin/token', {
        username: 'admin',
        password: 'admin123',
      });
      anon.setToken(t.body);
      expect((await anon.call('GET', '/rest/V1/orders/1')).status).to.equal(200);
      clock += 4 * 3600 * 1000 + 1;
      expect((await anon.call('GET', '/rest/V1/orders/1')).status).to.equal(401);
      clock -= 4 * 3600 * 1000 + 1;
    });
    it('accepts integration tokens as bearer; rejects a bad admin login (401) and a missing field (400)', async () => {
      const i = client(sb.url);
      i.setToken('int-token');
      expect((await i.call('GET', '/rest/V1/store/storeViews')).status).to.equal(200);
      const bad = await i.call('POST', '/rest/V1/integration/admin/token', {
        username: 'admin',
        password: 'x',
      });
      expect(bad.status).to.equal(401);
      expect(bad.body.message).to.match(/sign-in was incorrect/);
      const missing = await i.call('POST', '/rest/V1/integration/admin/token', { username: 'admin' });
      expect(missing.status).to.equal(400);
      expect(missing.body.errors[0].parameters).to.deep.equal({ fieldName: 'password' });
    });
  });

  describe('searchCriteria', () => {
    it('ORs filters inside a group and ANDs groups', async () => {
      const r = await orders({
        ...filter(0, 0, 'status', 'processing'),
        ...filter(0, 1, 'status', 'complete'),
        ...filter(1, 0, 'store_id', '1'),
      });
      const expected = all.filter((o) => ['processing', 'complete'].includes(o.status) && o.store_id === 1);
      expect(r.total_count).to.equal(expected.length).and.to.be.greaterThan(0);
      expect(r.items.map((o) => o.entity_id)).to.deep.equal(expected.map((o) => o.entity_id));
    });
    it('supports every condition type', async () => {
      const mid = all[40]!.updated_at as string;
      const cases: [string, string, string, (o: Record<string, any>) => boolean][] = [
        ['status', 'pending', 'eq', (o) => o.status === 'pending'],
        ['status', 'pending', 'neq', (o) => o.status !== 'pending'],
        ['status', 'pending,canceled', 'in', (o) => ['pending', 'canceled'].includes(o.status)],
        ['status', 'pending,canceled', 'nin', (o) => !['pending', 'canceled'].includes(o.status)],
        ['entity_id', '70', 'gt', (o) => o.entity_id > 70],
        ['entity_id', '70', 'gteq', (o) => o.entity_id >= 70],
        ['entity_id', '5', 'lt', (o) => o.entity_id < 5],
        ['entity_id', '5', 'lteq', (o) => o.entity_id <= 5],
        ['updated_at', mid, 'from', (o) => o.updated_at >= mid],
        ['updated_at', mid, 'to', (o) => o.updated_at <= mid],
        ['updated_at', mid, 'gt', (o) => o.updated_at > mid],
        ['updated_at', mid, 'lt', (o) => o.updated_at < mid],
        ['customer_email', '%.1@example%', 'like', (o) => /\.1@example/.test(o.customer_email)],
        ['customer_id', '', 'null', (o) => o.customer_id === undefined],
        ['customer_id', '', 'notnull', (o) => o.customer_id !== undefined],
        ['grand_total', '100', 'gt', (o) => o.grand_total > 100],
      ];
      for (const [field, value, type, pred] of cases) {
        const r = await orders({ ...filter(0, 0, field, value, type), '[pageSize]': 200 });
        expect(
          r.items.map((o) => o.entity_id),
          `${field} ${type} ${value}`,
        ).to.deep.equal(all.filter(pred).map((o) => o.entity_id));
      }
    });
    it('sorts by several fields and pages with total_count', async () => {
      const r = await orders({
        '[sortOrders][0][field]': 'status',
        '[sortOrders][0][direction]': 'ASC',
        '[sortOrders][1][field]': 'entity_id',
        '[sortOrders][1][direction]': 'DESC',
        '[pageSize]': 10,
        '[currentPage]': 2,
      });
      const sorted = [...all].sort((a, b) =>
        a.status < b.status ? -1 : a.status > b.status ? 1 : b.entity_id - a.entity_id,
      );
      expect(r.items.map((o) => o.entity_id)).to.deep.equal(sorted.slice(10, 20).map((o) => o.entity_id));
      expect(r.total_count).to.equal(80);
      expect(r.search_criteria).to.deep.include({ page_size: 10, current_page: 2 });
      expect(r.search_criteria.sort_orders).to.have.length(2);
    });
    it('combines an updated_at window (from/to in separate groups) with a sort on updated_at', async () => {
      const lo = all[10]!.updated_at as string;
      const hi = all[60]!.updated_at as string;
      const r = await orders({
        ...filter(0, 0, 'updated_at', lo, 'gteq'),
        ...filter(1, 0, 'updated_at', hi, 'lteq'),
        ...filter(2, 0, 'status', 'canceled', 'neq'),
        '[sortOrders][0][field]': 'updated_at',
        '[sortOrders][0][direction]': 'ASC',
        '[pageSize]': 200,
      });
      const expected = all
        .filter((o) => o.updated_at >= lo && o.updated_at <= hi && o.status !== 'canceled')
        .sort((a, b) =>
          a.updated_at < b.updated_at ? -1 : a.updated_at > b.updated_at ? 1 : a.entity_id - b.entity_id,
        );
      expect(r.items.map((o) => o.entity_id)).to.deep.equal(expected.map((o) => o.entity_id));
    });
    it('echoes page_size/current_page only when sent; accepts camelCase keys', async () => {
      const r = await orders({
        '[filterGroups][0][filters][0][field]': 'entity_id',
        '[filterGroups][0][filters][0][value]': '3',
        '[filterGroups][0][filters][0][conditionType]': 'eq',
      });
      expect(r.total_count).to.equal(1);
      expect(r.search_criteria).to.deep.equal({
        filter_groups: [{ filters: [{ field: 'entity_id', value: '3', condition_type: 'eq' }] }],
      });
    });
    it('returns the last page again past the end (quirk on), an empty page when off', async () => {
      const past = await orders({ '[pageSize]': 30, '[currentPage]': 9 });
      expect(past.items.map((o) => o.entity_id)).to.deep.equal(all.slice(60).map((o) => o.entity_id));
      const off = await startMagentoSandbox({
        orders: { count: 10, seed: 1 },
        repeatLastPageQuirk: false,
        integrationTokens: ['t'],
      });
      const c2 = client(off.url);
      c2.setToken('t');
      const r = await c2.call('GET', `/rest/V1/orders?${sc({ '[pageSize]': 5, '[currentPage]': 3 })}`);
      expect(r.body.items).to.deep.equal([]);
      expect(r.body.total_count).to.equal(10);
      await off.close();
    });
    it('answers unknown condition types with 400 and enforces the page size limit when on', async () => {
      const r = await m.call('GET', `/rest/V1/orders?${sc(filter(0, 0, 'status', 'x', 'bogus'))}`);
      expect(r.status).to.equal(400);
      const lim = await startMagentoSandbox({ orders: [], maxPageSize: 300, integrationTokens: ['t'] });
      const c2 = client(lim.url);
      c2.setToken('t');
      const big = await c2.call('GET', `/rest/V1/orders?${sc({ '[pageSize]': 301 })}`);
      expect(big.status).to.equal(400);
      expect(big.body).to.deep.equal({
        message: 'Maximum SearchCriteria pageSize is %max',
        parameters: { max: 300 },
      });
      await lim.close();
    });
    it('applies `fields` selections and store-code prefixes', async () => {
      const r = await m.call(
        'GET',
        `/rest/default/V1/orders?${sc({ '[pageSize]': 2 })}&fields=items[entity_id,status],total_count`,
      );
      expect(r.body).to.deep.equal({
        items: all.slice(0, 2).map((o) => ({ entity_id: o.entity_id, status: o.status })),
        total_count: 80,
      });
      expect((await m.call('GET', '/rest/nope/V1/orders')).body.message).to.equal(
        'Request does not match any route.',
      );
    });
  });

  describe('orders, documents and sandbox control', () => {
    it("GET /V1/orders/{id}: the order, or 404 with Magento's message", async () => {
      const r = await m.call('GET', '/rest/V1/orders/12');
      expect(JSON.stringify(r.body)).to.equal(JSON.stringify(all[11]));
      const x = await m.call('GET', '/rest/V1/orders/4242');
      expect(x.status).to.equal(404);
      expect(x.body).to.deep.equal({
        message: "The entity that was requested doesn't exist. Verify the entity and try again.",
        parameters: [],
      });
    });
    it('POST comments adds a status history entry and can set the status', async () => {
      const body = {
        statusHistory: {
          comment: 'Exported as 1001',
          is_customer_notified: 0,
          is_visible_on_front: 0,
          parent_id: 20,
          status: 'complete',
        },
      };
      const r = await m.call('POST', '/rest/V1/orders/20/comments', body);
      expect(r.body).to.equal(true);
      const o = (await m.call('GET', '/rest/V1/orders/20')).body;
      expect(o.status_histories[0].comment).to.equal('Exported as 1001');
      expect(o.status).to.equal('complete');
      expect(
        (await m.call('POST', '/rest/V1/orders/20/comments', { statusHistory: { comment: 'x' } })).status,
      ).to.equal(400);
    });
    it('lists invoices, shipments and credit memos by order_id', async () => {
      const closed = all.find((o) => o.state === 'closed')!;
      for (const kind of ['invoices', 'shipments', 'creditmemos']) {
        const r = await m.call(
          'GET',
          `/rest/V1/${kind}?${sc(filter(0, 0, 'order_id', String(closed.entity_id)))}`,
        );
        expect(r.body.total_count, kind).to.equal(1);
        expect(r.body.items[0].order_id).to.equal(closed.entity_id);
      }
      expect((await m.call('GET', `/rest/V1/invoices/${closed.entity_id}`)).body.grand_total).to.equal(
        closed.grand_total,
      );
    });
    it('drives append-mode collection: add orders, change a status (moves updated_at), read the state', async () => {
      clock = Date.UTC(2030, 0, 1, 12);
      m.setToken('int-token'); // the admin token expired with the clock jump
      const since = '2030-01-01 12:00:00';
      const added = await m.call('POST', '/sandbox/orders', { generate: { count: 3, seed: 99 } });
      expect(added.status).to.equal(201);
      expect(added.body.ids).to.deep.equal([81, 82, 83]);
      const patched = await m.call('PATCH', '/sandbox/orders/5', { status: 'closed' });
      expect(patched.body.updated_at).to.equal(since);
      expect(patched.body.total_refunded).to.equal(patched.body.grand_total);
      const explicit = await m.call('POST', '/sandbox/orders', [
        {
          ...all[0],
          entity_id: undefined,
          increment_id: 'X-1',
          created_at: undefined,
          updated_at: undefined,
        },
      ]);
      expect(explicit.body.ids).to.deep.equal([84]);
      const r = await orders({
        ...filter(0, 0, 'updated_at', since, 'gteq'),
        '[sortOrders][0][field]': 'entity_id',
        '[sortOrders][0][direction]': 'ASC',
      });
      expect(r.items.map((o) => o.entity_id)).to.deep.equal([5, 81, 82, 83, 84]);
      sb.store.patchOrder(84, { status: 'canceled' });
      expect(sb.store.getOrder(84)!.status).to.equal('canceled');
      const state = (await m.call('GET', '/sandbox/state')).body;
      expect(state.orders).to.equal(84);
      expect(state.calls.byRoute['GET /rest/V1/orders']).to.be.greaterThan(5);
    });
    it('serves orders from a JSON file (array or {items})', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mpc-sbx-'));
      const file = join(dir, 'orders.json');
      writeFileSync(file, JSON.stringify({ items: all.slice(0, 3) }));
      const f = await startMagentoSandbox({ ordersFile: file, integrationTokens: ['t'] });
      expect(f.store.size).to.equal(3);
      await f.close();
      rmSync(dir, { recursive: true });
    });
  });
});
