import type { Router } from 'express';
import { type PlentyContext, route } from '../context';
import { paginate } from '../http';

/**
 * GET /rest/items/variations. The spec's filters are `numberExact` and `numberFuzzy` (also `id`,
 * `itemId`); `number` is accepted as an exact match for older clients.
 */
export function itemRoutes(r: Router, ctx: PlentyContext): void {
  const shape = (v: { variationId: number; itemId: number; sku: string; name: string }) => ({
    id: v.variationId,
    itemId: v.itemId,
    isMain: true,
    mainVariationId: null,
    number: v.sku,
    model: '',
    externalId: null,
    name: v.name,
    isActive: true,
    position: 0,
    availability: 1,
    purchasePrice: 0,
    mainWarehouseId: 1,
    vatId: 0,
    createdAt: '2023-01-10T09:00:00+01:00',
    updatedAt: '2023-01-10T09:00:00+01:00',
    relatedUpdatedAt: '2023-01-10T09:00:00+01:00',
  });
  route(r, ctx, 'get', '/rest/items/variations', (req, res) => {
    const q = req.query;
    const exact = (q.numberExact ?? q.number) as string | undefined;
    const fuzzy = (q.numberFuzzy as string | undefined)?.toLowerCase();
    const ids = q.id !== undefined ? String(q.id).split(',').map(Number) : undefined;
    const itemId = q.itemId !== undefined ? Number(q.itemId) : undefined;
    let list = [...ctx.state.variations.values()];
    if (exact !== undefined) {
      const id = ctx.state.variationBySku.get(String(exact));
      list = id === undefined ? [] : [ctx.state.variations.get(id)!];
    }
    if (fuzzy !== undefined) list = list.filter((v) => v.sku.toLowerCase().includes(fuzzy));
    if (ids) list = list.filter((v) => ids.includes(v.variationId));
    if (itemId !== undefined) list = list.filter((v) => v.itemId === itemId);
    res.json(paginate(req, list.map(shape), 50, 250));
  });
}
