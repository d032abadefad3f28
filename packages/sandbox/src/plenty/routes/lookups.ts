import type { Router } from 'express';
import { type PlentyContext, route } from '../context';
import { paginate, withSet } from '../http';

/** Read-only lookups: plain arrays where Plenty answers arrays, the envelope where it pages. */
export function lookupRoutes(r: Router, ctx: PlentyContext): void {
  const L = () => ctx.state.lookups;
  route(r, ctx, 'get', '/rest/orders/statuses', (req, res) => {
    const from = req.query.statusIdFrom !== undefined ? Number(req.query.statusIdFrom) : undefined;
    const to = req.query.statusIdTo !== undefined ? Number(req.query.statusIdTo) : undefined;
    const lang = typeof req.query.language === 'string' ? req.query.language : undefined;
    const list = L()
      .orderStatuses.filter(
        (s) => (from === undefined || s.statusId >= from) && (to === undefined || s.statusId <= to),
      )
      .map((s) =>
        lang ? { ...s, names: { [lang]: (s.names as Record<string, string>)[lang] ?? s.names.en } } : s,
      );
    res.json(paginate(req, list, 50));
  });
  const plain = (path: string, get: () => unknown[]) =>
    route(r, ctx, 'get', path, (_req, res) => {
      res.json(get());
    });
  plain('/rest/orders/shipping/presets', () => L().shippingPresets);
  plain('/rest/payments/methods', () => L().paymentMethods);
  plain('/rest/orders/referrers', () => L().referrers);
  plain('/rest/stockmanagement/warehouses', () => L().warehouses);
  plain('/rest/webstores', () => L().webstores);
  route(r, ctx, 'get', '/rest/orders/shipping/countries', (req, res) => {
    const w = withSet(req);
    res.json(L().countries.map(({ names, ...c }) => (w.has('names') ? { ...c, names } : c)));
  });
  route(r, ctx, 'get', '/rest/vat', (req, res) => {
    res.json(paginate(req, L().vatConfigs, 50));
  });
  route(r, ctx, 'get', '/rest/vat/standard', (_req, res) => {
    res.json(L().vatConfigs.find((v) => v.isStandard) ?? L().vatConfigs[0]);
  });
  // a plain array of `Currency`; `columns` (documented) narrows the attributes
  route(r, ctx, 'get', '/rest/orders/currencies', (req, res) => {
    const raw = req.query.columns ?? req.query['columns[]'];
    const columns = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
      .flatMap((c) => String(c).split(','))
      .filter(Boolean);
    res.json(
      L().currencies.map((c) =>
        columns.length === 0
          ? c
          : Object.fromEntries(Object.entries(c).filter(([k]) => k === 'currency' || columns.includes(k))),
      ),
    );
  });
}
