import { bundleProducts, configurableProducts, simpleProducts, virtualProducts } from './magento/fixtures';
import type { MagentoOrder } from './magento/types';

export interface CatalogEntry {
  sku: string;
  variationId: number;
  name: string;
}

/**
 * The Plenty catalogue that holds every SKU of the given orders (configurable parents carry the
 * child's SKU in Magento, bundle children their own). Variation ids are assigned in order of
 * first appearance from 1000 on, so the same orders always give the same ids.
 */
export function catalogFromOrders(orders: Iterable<MagentoOrder>, firstVariationId = 1000): CatalogEntry[] {
  const bySku = new Map<string, CatalogEntry>();
  for (const order of orders) {
    for (const item of order.items) {
      if (bySku.has(item.sku)) continue;
      const name = typeof item.name === 'string' ? item.name : item.sku;
      bySku.set(item.sku, { sku: item.sku, variationId: firstVariationId + bySku.size, name });
    }
  }
  return [...bySku.values()];
}

/** Every SKU the seeded generator can put into an order, with stable variation ids from 2000 on. */
export function defaultCatalog(): CatalogEntry[] {
  const out: CatalogEntry[] = [];
  const add = (sku: string, name: string) => out.push({ sku, name, variationId: 2000 + out.length });
  for (const p of simpleProducts) add(p.sku, p.name);
  for (const p of configurableProducts)
    for (const c of p.options.color)
      for (const s of p.options.size) add(`${p.sku}-${c}-${s}`, `${p.name}-${c}-${s}`);
  for (const b of bundleProducts)
    add(b.dynamicPrice ? [b.sku, ...b.selections.map((s) => s.sku)].join('-') : b.sku, b.name);
  for (const v of virtualProducts) add(v.sku, v.name);
  return out;
}
