import type { MagentoOrder } from './types';

/**
 * Invoices, shipments and credit memos derived from the orders' state, one document per order
 * and kind, with the order's entity_id as document id: paid orders have an invoice, complete
 * and closed orders a shipment (when something is shippable), closed orders a credit memo.
 */
export type DocKind = 'invoice' | 'shipment' | 'creditmemo';
type Rec = Record<string, unknown>;

const pick = (o: Rec, keys: string[]): Rec =>
  Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
const TOTALS = [
  'grand_total',
  'base_grand_total',
  'subtotal',
  'base_subtotal',
  'subtotal_incl_tax',
  'base_subtotal_incl_tax',
  'tax_amount',
  'base_tax_amount',
  'shipping_amount',
  'base_shipping_amount',
  'shipping_incl_tax',
  'base_shipping_incl_tax',
  'shipping_tax_amount',
  'base_shipping_tax_amount',
  'discount_amount',
  'base_discount_amount',
  'discount_description',
  'order_currency_code',
  'base_currency_code',
  'global_currency_code',
  'store_currency_code',
  'base_to_order_rate',
  'base_to_global_rate',
  'store_to_base_rate',
  'store_to_order_rate',
  'discount_tax_compensation_amount',
  'base_discount_tax_compensation_amount',
  'billing_address_id',
  'store_id',
];

function docItems(
  order: MagentoOrder,
  docId: number,
  qtyKey: string,
  withMoney: boolean,
  onlyShippable = false,
): Rec[] {
  return (order.items as Rec[])
    .filter((it) => (it[qtyKey] as number) > 0 && (!onlyShippable || !it.is_virtual))
    .map((it) => {
      const base: Rec = {
        entity_id:
          (it.item_id as number) * 10 + (qtyKey === 'qty_invoiced' ? 1 : qtyKey === 'qty_shipped' ? 2 : 3),
        parent_id: docId,
        order_item_id: it.item_id,
        product_id: it.product_id,
        sku: it.sku,
        name: it.name,
        qty: it[qtyKey],
        price: it.price,
      };
      if (withMoney) {
        Object.assign(base, {
          base_price: it.base_price,
          price_incl_tax: it.price_incl_tax,
          base_price_incl_tax: it.base_price_incl_tax,
          row_total: it.row_total,
          base_row_total: it.base_row_total,
          row_total_incl_tax: it.row_total_incl_tax,
          base_row_total_incl_tax: it.base_row_total_incl_tax,
          tax_amount: it.tax_amount,
          base_tax_amount: it.base_tax_amount,
          discount_amount: it.discount_amount,
          base_discount_amount: it.base_discount_amount,
          base_cost: it.base_cost ?? 0,
        });
      } else Object.assign(base, { weight: it.weight, row_total: it.row_total });
      return base;
    });
}

export function documentsOf(order: MagentoOrder, kind: DocKind): Rec[] {
  const o = order as Rec;
  const id = order.entity_id;
  const payment = (o.payment as Rec) ?? {};
  const common = {
    entity_id: id,
    increment_id: order.increment_id,
    order_id: id,
    created_at: o.updated_at,
    updated_at: o.updated_at,
  };
  if (kind === 'invoice') {
    if (!((o.total_invoiced as number) > 0)) return [];
    const items = docItems(order, id, 'qty_invoiced', true);
    return [
      {
        ...common,
        ...pick(o, TOTALS),
        state: 2,
        can_void_flag: 0,
        email_sent: 1,
        is_used_for_refund: o.total_refunded ? 1 : 0,
        total_qty: items
          .filter((i) => !(order.items as Rec[]).find((x) => x.item_id === i.order_item_id)?.parent_item_id)
          .reduce((a, i) => a + (i.qty as number), 0),
        transaction_id: payment.last_trans_id ?? null,
        items,
        comments: [],
      },
    ];
  }
  if (kind === 'shipment') {
    const items = docItems(order, id, 'qty_shipped', false, true);
    if (!items.length) return [];
    const ship = ((o.extension_attributes as Rec)?.shipping_assignments as Rec[] | undefined)?.[0]
      ?.shipping as Rec | undefined;
    const method = String(ship?.method ?? 'flatrate_flatrate').split('_')[0]!;
    return [
      {
        ...common,
        store_id: o.store_id,
        billing_address_id: o.billing_address_id,
        shipping_address_id: (ship?.address as Rec | undefined)?.entity_id,
        customer_id: o.customer_id,
        email_sent: 1,
        total_qty: items.reduce((a, i) => a + (i.qty as number), 0),
        total_weight: o.weight,
        packages: [],
        items,
        tracks: [
          {
            entity_id: id,
            parent_id: id,
            order_id: id,
            track_number: `00340434${String(id).padStart(10, '0')}`,
            title: method === 'flatrate' ? 'DHL' : 'UPS',
            carrier_code: method === 'flatrate' ? 'custom' : 'ups',
            weight: null,
            qty: null,
            description: null,
            created_at: o.updated_at,
            updated_at: o.updated_at,
          },
        ],
        comments: [],
      },
    ];
  }
  if (!((o.total_refunded as number) > 0)) return [];
  return [
    {
      ...common,
      ...pick(o, TOTALS),
      invoice_id: id,
      state: 2,
      creditmemo_status: 2,
      email_sent: 1,
      adjustment: 0,
      adjustment_positive: 0,
      adjustment_negative: 0,
      base_adjustment: 0,
      base_adjustment_positive: 0,
      base_adjustment_negative: 0,
      transaction_id: payment.last_trans_id ?? null,
      items: docItems(order, id, 'qty_refunded', true),
      comments: [],
    },
  ];
}
