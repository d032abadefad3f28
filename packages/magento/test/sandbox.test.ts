import { magentoOrderSchema } from '@mpc/core';
import { type MagentoSandbox, startMagentoSandbox } from '@mpc/sandbox';
import { expect } from 'chai';
import {
  createMagentoClient,
  fetchMagentoLookups,
  MagentoHttpError,
  testMagentoConnection,
} from '../src/index';

/** The client against the Magento simulator (repeated-last-page quirk on, generated orders). */
describe('magento client against the Magento sandbox', function () {
  this.timeout(30_000);
  let sandbox: MagentoSandbox;
  const token = 'sandbox-integration-token';

  before(async () => {
    sandbox = await startMagentoSandbox({ orders: { count: 53, seed: 7 }, integrationTokens: [token] });
  });
  after(async () => sandbox?.close());

  it('iterates every order exactly once, by total_count, with valid order shapes', async () => {
    const client = createMagentoClient({ baseUrl: sandbox.url, accessToken: token });
    const first = await client.searchOrders({ pageSize: 10, currentPage: 1 });
    expect(first.total_count).to.equal(53);
    const ids: number[] = [];
    let calls = 0;
    const counting = createMagentoClient({ baseUrl: sandbox.url, accessToken: token, onCall: () => calls++ });
    for await (const o of counting.iterateOrders({}, 10)) {
      expect(magentoOrderSchema.safeParse(o).success).to.equal(true);
      ids.push(o.entity_id);
    }
    expect(ids).to.have.length(53);
    expect(new Set(ids).size).to.equal(53);
    expect(calls).to.equal(6);
    const one = await client.getOrder(ids[0]!);
    expect(one.entity_id).to.equal(ids[0]);
  });

  it('filters by status (OR inside a group) and reads lookups; comments are accepted', async () => {
    const client = createMagentoClient({ baseUrl: sandbox.url, accessToken: token });
    const r = await client.searchOrders({
      filterGroups: [
        { filters: [{ field: 'status', value: ['processing', 'complete'], conditionType: 'in' }] },
      ],
      pageSize: 100,
      currentPage: 1,
    });
    expect(r.items.every((o) => o.status === 'processing' || o.status === 'complete')).to.equal(true);
    const lookups = await fetchMagentoLookups(client);
    expect(lookups.storeViews.length).to.be.greaterThan(0);
    expect(lookups.storeViews.every((v) => v.id !== 0)).to.equal(true);
    const id = r.items[0]?.entity_id ?? 1;
    expect(await client.addOrderComment(id, { comment: 'Exported to Plenty as 1' })).to.equal(true);
  });

  it('a wrong token gives a typed 401 and the connection test says auth', async () => {
    const client = createMagentoClient({ baseUrl: sandbox.url, accessToken: 'nope' });
    let err: unknown;
    try {
      await client.searchOrders({ pageSize: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(MagentoHttpError);
    expect((err as MagentoHttpError).status).to.equal(401);
    expect((err as MagentoHttpError).message).to.match(/Magento rejected the access token/);
    expect(await testMagentoConnection({ baseUrl: sandbox.url, accessToken: token })).to.deep.equal({
      ok: true,
    });
    expect(await testMagentoConnection({ baseUrl: sandbox.url, accessToken: 'nope' })).to.include({
      ok: false,
      stage: 'auth',
    });
  });
});
