import { z } from 'zod';

/**
 * Magento's REST order (`sales-data-order-interface`). The sandbox validates only what it needs
 * to index and serve an order; every other key is kept as given (Magento's shape is open-ended).
 */
export const magentoOrderItemSchema = z.looseObject({
  item_id: z.number().int(),
  sku: z.string(),
  product_type: z.string().optional(),
  parent_item_id: z.number().int().optional(),
});

export const magentoOrderSchema = z.looseObject({
  entity_id: z.number().int().positive(),
  increment_id: z.string().min(1),
  state: z.string().optional(),
  status: z.string().optional(),
  store_id: z.number().int().optional(),
  created_at: z
    .string()
    .regex(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, 'Magento UTC timestamp "YYYY-MM-DD HH:MM:SS"'),
  updated_at: z
    .string()
    .regex(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, 'Magento UTC timestamp "YYYY-MM-DD HH:MM:SS"'),
  customer_email: z.string(),
  grand_total: z.number(),
  base_grand_total: z.number(),
  items: z.array(magentoOrderItemSchema),
});
export type MagentoOrder = z.infer<typeof magentoOrderSchema> & Record<string, unknown>;

/** A file of orders: an array, or Magento's search result `{ items: [...] }`. */
export const magentoOrdersFileSchema = z.union([
  z.array(magentoOrderSchema),
  z.looseObject({ items: z.array(magentoOrderSchema) }).transform((x) => x.items),
]);

/** Formats a Date the way Magento's REST API does: UTC, no offset, "YYYY-MM-DD HH:MM:SS". */
export function magentoTime(d: Date | number): string {
  const iso = new Date(d).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}
export function parseMagentoTime(s: string): number {
  return Date.parse(`${s.replace(' ', 'T')}Z`);
}
