import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import express from 'express';
import { createMagentoClient, fetchMagentoLookups } from '../src/index';

/** Every request of the Magento client uses a documented method, path and query parameter name. */
const specFile = path.join(process.env.SPECS_DIR ?? path.resolve('../shared/specs'), 'magento-swagger.json');

describe('magento client vs Magento swagger', () => {
  let server: Server | undefined;
  after(
    () =>
      new Promise<void>((r) => {
        server?.closeAllConnections();
        server ? server.close(() => r()) : r();
      }),
  );

  it('sends only documented routes and searchCriteria parameters', async function () {
    if (!existsSync(specFile)) {
      console.log(`  (skipped: ${specFile} not found; set SPECS_DIR)`);
      this.skip();
    }
    const spec = JSON.parse(readFileSync(specFile, 'utf8')) as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    const calls: { method: string; url: string; body: unknown }[] = [];
    const app = express();
    app.use(express.json());
    app.use((req, res) => {
      calls.push({ method: req.method, url: req.originalUrl, body: req.body });
      if (req.path.startsWith('/rest/V1/store/')) res.json([]);
      else if (req.path === '/rest/V1/orders') res.json({ items: [], total_count: 0 });
      else if (req.path.endsWith('/comments')) res.json(true);
      else
        res.json({
          entity_id: 1,
          increment_id: '000000001',
          store_id: 1,
          grand_total: 1,
          base_grand_total: 1,
          items: [],
        });
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = createMagentoClient({ baseUrl: url, accessToken: 'tok' });
    await fetchMagentoLookups(client);
    for await (const _ of client.iterateOrders(
      {
        filterGroups: [
          { filters: [{ field: 'status', value: ['processing'], conditionType: 'in' }] },
          { filters: [{ field: 'updated_at', value: '2024-05-01 00:00:00', conditionType: 'gteq' }] },
        ],
      },
      50,
    )) {
      /* none */
    }
    await client.getOrder(1);
    await client.addOrderComment(1, { comment: 'x' });

    const problems: string[] = [];
    for (const c of calls) {
      const u = new URL(c.url, url);
      const p = u.pathname.replace(/^\/rest/, '');
      const method = c.method.toLowerCase();
      const match = Object.keys(spec.paths)
        .filter((t) => new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(p) && spec.paths[t]?.[method])
        .sort((a, b) => b.replace(/\{[^}]+\}/g, '').length - a.replace(/\{[^}]+\}/g, '').length)[0];
      if (!match) {
        problems.push(`${c.method} ${p}: not in the spec`);
        continue;
      }
      const declared = new Set(
        (spec.paths[match]![method]!.parameters ?? []).filter((x) => x.in === 'query').map((x) => x.name),
      );
      for (const key of u.searchParams.keys()) {
        const normalised = key.replace(/\[\d+\]/g, '[0]');
        // `fields` is Magento's response filter, accepted by every REST GET (reference/magento-rest-api.md)
        if (key === 'fields' && method === 'get') continue;
        if (!declared.has(normalised)) problems.push(`${c.method} ${match}: query ${key} not declared`);
      }
    }
    expect(calls.length).to.equal(7);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});
