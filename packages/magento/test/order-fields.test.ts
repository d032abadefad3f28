import { readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildExportPlan, type MagentoOrder, magentoOrderSchema } from '@mpc/core';
import { parseFields, selectFields } from '@mpc/sandbox';
import { expect } from 'chai';
import express from 'express';
// core's golden orders: 70 orders covering every product type, discount, tax, address and odd-data case
import { goldenCases, settingsFor, variations } from '../../core/test/fixtures/cases';
import { lookups } from '../../core/test/fixtures/context';
import { createMagentoClient } from '../src/index';

const ordersDir = new URL('../../core/test/fixtures/orders/', import.meta.url);
const read = (name: string) => JSON.parse(readFileSync(new URL(`${name}.json`, ordersDir), 'utf8'));

describe('magento client: an order with only the fields the mapping reads', () => {
  let server: Server | undefined;
  after(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it('asks for fields= (a fraction of the document); every golden order maps to the same plan as the full one', async () => {
    expect(readdirSync(ordersDir).filter((f) => f.endsWith('.json'))).to.have.length(goldenCases.length);
    const byId = new Map(goldenCases.map((c) => [read(c.name).entity_id as number, read(c.name)]));
    const asked: (string | undefined)[] = [];
    // Magento's response filter as the sandbox implements it
    const app = express();
    app.get('/rest/V1/orders/:id', (req, res) => {
      const fields = typeof req.query.fields === 'string' ? req.query.fields : undefined;
      asked.push(fields);
      const order = byId.get(Number(req.params.id));
      res.json(fields ? selectFields(order, parseFields(fields)) : order);
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const client = createMagentoClient({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      accessToken: 'tok',
    });
    let fullBytes = 0;
    let selectedBytes = 0;
    for (const c of goldenCases) {
      const full = read(c.name);
      const selected = await client.getOrder(full.entity_id);
      fullBytes += JSON.stringify(full).length;
      selectedBytes += JSON.stringify(selected).length;
      const plan = (order: MagentoOrder) =>
        JSON.parse(JSON.stringify(buildExportPlan({ order, settings: settingsFor(c), lookups, variations })));
      expect(plan(selected), c.name).to.deep.equal(plan(magentoOrderSchema.parse(full)));
      // only what was asked for came back (loose parsing would have kept the rest)
      for (const key of Object.keys(selected))
        expect(magentoOrderSchema.shape, `${c.name}: ${key}`).to.have.property(key);
    }
    expect(asked.every((f) => f && f.startsWith('entity_id,increment_id,'))).to.equal(true);
    expect(selectedBytes / fullBytes).to.be.below(0.75);
  });
});
