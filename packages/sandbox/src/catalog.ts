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
