import type { Router } from 'express';
import { CREDITMEMO_COLUMNS, INVOICE_COLUMNS, SHIPMENT_COLUMNS } from '../columns';
import type { MagentoContext } from '../context';
import { type DocKind, documentsOf } from '../documents';
import { magentoError, NOT_FOUND_ENTITY } from '../errors';
import { compareBy, matchAll, pageWindow } from '../search-criteria';
import { criteriaOf, searchResult, sendSelected } from './search';

/** One table drives the three document kinds: list route, by-id route, filterable columns. */
const KINDS: { kind: DocKind; list: string; byId: string; columns: ReadonlySet<string> }[] = [
  { kind: 'invoice', list: '/rest/V1/invoices', byId: '/rest/V1/invoices/:id', columns: INVOICE_COLUMNS },
  { kind: 'shipment', list: '/rest/V1/shipments', byId: '/rest/V1/shipment/:id', columns: SHIPMENT_COLUMNS },
  {
    kind: 'creditmemo',
    list: '/rest/V1/creditmemos',
    byId: '/rest/V1/creditmemo/:id',
    columns: CREDITMEMO_COLUMNS,
  },
];

export function documentRoutes(r: Router, ctx: MagentoContext): void {
  const auth = ctx.auth.require('Magento_Sales::sales');
  for (const k of KINDS) {
    r.get(k.list, auth, (req, res) => {
      const sc = criteriaOf(ctx, req, res);
      if (!sc) return;
      for (const f of [...sc.filterGroups.flat().map((x) => x.field), ...sc.sortOrders.map((s) => s.field)]) {
        if (!k.columns.has(f)) {
          return magentoError(
            res,
            500,
            'Internal Error. Details are available in Magento log file. Report ID: webapi-%1',
            [`unknown-column-${f}`],
          );
        }
      }
      // an order_id filter (the usual one) narrows the scan to those orders
      let ids: number[] | undefined;
      for (const g of sc.filterGroups) {
        const f = g.length === 1 ? g[0]! : undefined;
        if (f?.field === 'order_id' && (f.condition_type === 'eq' || f.condition_type === 'in')) {
          ids = (f.value ?? '').split(',').map((x) => Number(x.trim()));
        }
      }
      let docs: Record<string, unknown>[] = [];
      for (const order of ctx.store.orders(ids)) docs.push(...documentsOf(order, k.kind));
      docs = docs.filter((d) => matchAll((f) => d[f], sc.filterGroups));
      if (sc.sortOrders.length)
        docs.sort((a, b) =>
          compareBy(
            sc.sortOrders,
            (f) => a[f],
            (f) => b[f],
          ),
        );
      const { start, end } = pageWindow(docs.length, sc.pageSize, sc.currentPage, ctx.repeatLastPageQuirk);
      sendSelected(req, res, searchResult(docs.slice(start, end), sc, docs.length));
    });
    r.get(k.byId, auth, (req, res) => {
      const order = ctx.store.getOrder(Number(req.params.id));
      const doc = order ? documentsOf(order, k.kind)[0] : undefined;
      if (!doc) return magentoError(res, 404, NOT_FOUND_ENTITY);
      sendSelected(req, res, doc);
    });
  }
}
