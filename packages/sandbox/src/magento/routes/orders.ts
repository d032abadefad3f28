import type { Router } from 'express';
import type { MagentoContext } from '../context';
import { magentoError, NOT_FOUND_ENTITY, REQUIRED_FIELD } from '../errors';
import { SearchCriteriaError } from '../search-criteria';
import { criteriaOf, searchResult, sendSelected } from './search';

const RESOURCE = 'Magento_Sales::actions_view';

export function orderRoutes(r: Router, ctx: MagentoContext): void {
  const auth = ctx.auth.require(RESOURCE);

  r.get('/rest/V1/orders', auth, (req, res) => {
    const sc = criteriaOf(ctx, req, res);
    if (!sc) return;
    try {
      const { items, total } = ctx.store.search(sc, { clampPastEnd: ctx.repeatLastPageQuirk });
      sendSelected(req, res, searchResult(items, sc, total));
    } catch (e) {
      if (e instanceof SearchCriteriaError) return magentoError(res, e.status, e.message, e.parameters);
      throw e;
    }
  });

  const withOrder = (id: string) => {
    const n = Number(id);
    return Number.isInteger(n) ? ctx.store.getOrder(n) : undefined;
  };

  r.get('/rest/V1/orders/:id', auth, (req, res) => {
    const order = withOrder(req.params.id as string);
    if (!order) return magentoError(res, 404, NOT_FOUND_ENTITY);
    sendSelected(req, res, order);
  });

  r.get('/rest/V1/orders/:id/statuses', auth, (req, res) => {
    const order = withOrder(req.params.id as string);
    if (!order) return magentoError(res, 404, NOT_FOUND_ENTITY);
    res.json(order.status ?? null);
  });

  r.get('/rest/V1/orders/:id/comments', auth, (req, res) => {
    const order = withOrder(req.params.id as string);
    if (!order) return magentoError(res, 404, NOT_FOUND_ENTITY);
    const items = (order.status_histories as unknown[]) ?? [];
    sendSelected(req, res, { items, search_criteria: { filter_groups: [] }, total_count: items.length });
  });

  r.post('/rest/V1/orders/:id/comments', auth, (req, res) => {
    const id = Number(req.params.id);
    const h = (req.body as Record<string, unknown> | undefined)?.statusHistory as
      | Record<string, unknown>
      | undefined;
    if (!h || typeof h !== 'object')
      return magentoError(res, 400, REQUIRED_FIELD, { fieldName: 'statusHistory' });
    for (const f of ['comment', 'is_customer_notified', 'is_visible_on_front', 'parent_id']) {
      if (!(f in h)) return magentoError(res, 400, REQUIRED_FIELD, { fieldName: f });
    }
    if (!Number.isInteger(id) || !ctx.store.has(id)) return magentoError(res, 404, NOT_FOUND_ENTITY);
    ctx.store.addComment(id, {
      comment: String(h.comment ?? ''),
      status: typeof h.status === 'string' && h.status ? h.status : undefined,
      is_customer_notified: h.is_customer_notified === null ? null : Number(h.is_customer_notified),
      is_visible_on_front: Number(h.is_visible_on_front ?? 0),
    });
    res.json(true);
  });
}
