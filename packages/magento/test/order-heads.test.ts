import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMagentoSandbox } from '@mpc/sandbox';
import { expect } from 'chai';
import { createMagentoClient } from '../src/index';

describe('magento client: order heads for the collector', () => {
  it('asks only for the head fields and reads them from the sandbox', async () => {
    const sandbox = await startMagentoSandbox({ orders: { count: 7, seed: 3 } });
    try {
      const client = createMagentoClient({ baseUrl: sandbox.url, accessToken: 'sandbox-integration-token' });
      const page = await client.searchOrderHeads({
        pageSize: 5,
        currentPage: 1,
        sortOrders: [{ field: 'entity_id', direction: 'ASC' }],
      });
      expect(page.total_count).to.equal(7);
      expect(page.pageLength).to.equal(5);
      expect(page.unreadable).to.deep.equal([]);
      expect(Object.keys(page.items[0]!).sort()).to.deep.equal([
        'created_at',
        'customer_id',
        'entity_id',
        'increment_id',
        'status',
        'store_id',
        'updated_at',
      ]);
    } finally {
      await sandbox.close();
    }
  });

  it('one order with odd data does not fail the page: it is reported with what is wrong', async () => {
    let query = '';
    const server: Server = createServer((req, res) => {
      query = decodeURIComponent(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          items: [
            {
              entity_id: 1,
              increment_id: '000000001',
              status: 'processing',
              store_id: 1,
              updated_at: '2026-01-01 10:00:00',
            },
            { increment_id: '000000002', status: 'processing' },
            {
              entity_id: '3',
              increment_id: 3,
              status: 42,
              store_id: 'x',
              customer_id: 'guest',
              updated_at: null,
            },
          ],
          total_count: 3,
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const client = createMagentoClient({
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        accessToken: 't',
      });
      const page = await client.searchOrderHeads({ pageSize: 10, currentPage: 1 });
      expect(query).to.include(
        'fields=items[entity_id,increment_id,status,store_id,customer_id,updated_at,created_at],total_count',
      );
      expect(page.pageLength).to.equal(3);
      expect(
        page.items.map((o) => [o.entity_id, o.increment_id, o.status, o.store_id, o.customer_id]),
      ).to.deep.equal([
        [1, '000000001', 'processing', 1, undefined],
        [3, '3', null, 0, null],
      ]);
      expect(page.unreadable).to.have.length(1);
      expect(page.unreadable[0]!.index).to.equal(1);
      expect(page.unreadable[0]!.issues.join(' ')).to.match(/entity_id/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
