import { expect } from 'chai';
import { catalogFromOrders, defaultCatalog } from '../src/catalog';
import { generateMagentoOrders } from '../src/magento/generator';
import type { MagentoOrder } from '../src/magento/types';

type Rec = Record<string, any>;
const c = (x: number) => Math.round(x * 100);

describe('generateMagentoOrders', () => {
  const orders = generateMagentoOrders({ count: 600, seed: 2024 }) as Rec[];

  it('is deterministic and prefix-stable for a seed', () => {
    const again = generateMagentoOrders({ count: 20, seed: 2024 });
    expect(JSON.stringify(again)).to.equal(JSON.stringify(orders.slice(0, 20)));
    expect(JSON.stringify(generateMagentoOrders({ count: 20, seed: 2025 }))).to.not.equal(
      JSON.stringify(again),
    );
  });

  it('keeps the money consistent in order and base currency', () => {
    for (const o of orders) {
      for (const p of ['', 'base_']) {
        const id = `${o.increment_id} ${p}`;
        expect(c(o[`${p}grand_total`]), id).to.equal(
          c(o[`${p}subtotal`]) +
            c(o[`${p}discount_amount`]) +
            c(o[`${p}shipping_amount`]) +
            c(o[`${p}tax_amount`]),
        );
        const rows = o.items as Rec[];
        expect(
          rows.reduce((s, i) => s + c(i[`${p}row_total`]), 0),
          id,
        ).to.equal(c(o[`${p}subtotal`]));
        expect(
          rows.reduce((s, i) => s + c(i[`${p}tax_amount`]), 0) + c(o[`${p}shipping_tax_amount`]),
          id,
        ).to.equal(c(o[`${p}tax_amount`]));
        expect(-rows.reduce((s, i) => s + c(i[`${p}discount_amount`]), 0), id).to.equal(
          c(o[`${p}discount_amount`]),
        );
        const applied = (o.extension_attributes.applied_taxes as Rec[]).reduce(
          (s, t) => s + c(p ? t.base_amount : t.amount),
          0,
        );
        expect(applied, id).to.equal(c(o[`${p}tax_amount`]));
        expect(c(o[`${p}shipping_incl_tax`]), id).to.equal(
          c(o[`${p}shipping_amount`]) + c(o[`${p}shipping_tax_amount`]),
        );
      }
      if (o.base_to_order_rate !== 1)
        expect(Math.abs(o.base_grand_total * o.base_to_order_rate - o.grand_total)).to.be.lessThan(0.1);
      const invoiced =
        ['processing', 'complete', 'closed'].includes(o.state) ||
        (o.state === 'holded' && o.hold_before_state === 'processing');
      expect(o.total_paid, o.increment_id).to.equal(invoiced ? o.grand_total : undefined);
      if (invoiced) expect(o.payment.amount_paid).to.equal(o.grand_total);
      if (o.state === 'closed') expect(o.total_refunded).to.equal(o.grand_total);
      if (o.state === 'canceled') expect(o.total_canceled).to.equal(o.grand_total);
    }
  });

  it('covers the shapes the mapping has to handle', () => {
    const items = orders.flatMap((o) => o.items as Rec[]);
    const has = (pred: (o: Rec) => boolean, what: string) => expect(orders.some(pred), what).to.equal(true);
    const conf = items.find((i) => i.product_type === 'configurable')!;
    const child = items.find((i) => i.parent_item_id === conf.item_id)!;
    expect(child.product_type).to.equal('simple');
    expect(child.parent_item.item_id).to.equal(conf.item_id);
    expect(child.sku).to.equal(conf.sku);
    expect(child.price).to.equal(0);
    const bundles = items.filter((i) => i.product_type === 'bundle');
    const children = (b: Rec) => items.filter((i) => i.parent_item_id === b.item_id);
    expect(
      bundles.some((b) => b.price === 0 && children(b).every((x) => x.price > 0)),
      'dynamic bundle',
    ).to.equal(true);
    expect(
      bundles.some((b) => b.price > 0 && children(b).every((x) => x.price === 0)),
      'fixed bundle',
    ).to.equal(true);
    expect(items.some((i) => i.product_type === 'downloadable')).to.equal(true);
    has(
      (o) => o.is_virtual === 1 && !o.extension_attributes.shipping_assignments && !o.shipping_description,
      'virtual order without shipping',
    );
    has(
      (o) =>
        o.is_virtual === 0 &&
        o.extension_attributes.shipping_assignments[0].shipping.address.address_type === 'shipping',
      'shipping address',
    );
    has(
      (o) => new Set((o.items as Rec[]).filter((i) => i.tax_percent > 0).map((i) => i.tax_percent)).size > 1,
      'several tax rates',
    );
    has((o) => !!o.coupon_code && o.discount_amount < 0, 'coupon discount');
    has((o) => o.shipping_description === 'Free Shipping - Free' && o.shipping_amount === 0, 'free shipping');
    has((o) => o.order_currency_code !== o.base_currency_code, 'order currency ≠ base');
    expect(new Set(orders.map((o) => o.store_id)).size).to.be.greaterThan(3);
    for (const n of [1, 2, 3]) has((o) => o.billing_address.street.length === n, `${n} street lines`);
    has((o) => !!o.billing_address.company && !!o.billing_address.vat_id, 'company with VAT id');
    has((o) => /[^ -~]/.test(o.customer_lastname + o.customer_firstname), 'non-ASCII names');
    has((o) => o.customer_is_guest === 1 && o.customer_id === undefined, 'guest');
    has((o) => o.customer_is_guest === 0 && typeof o.customer_id === 'number', 'registered');
    for (const m of [
      'checkmo',
      'banktransfer',
      'cashondelivery',
      'purchaseorder',
      'paypal_express',
      'braintree',
    ])
      has((o) => o.payment.method === m, m);
    has(
      (o) => o.payment.method === 'braintree' && !!o.payment.last_trans_id && !!o.payment.cc_last4,
      'card with transaction id',
    );
    has((o) => o.payment.method === 'purchaseorder' && !!o.payment.po_number, 'PO number');
    for (const s of [
      'new',
      'pending_payment',
      'processing',
      'complete',
      'closed',
      'canceled',
      'holded',
      'payment_review',
    ])
      has((o) => o.state === s, `state ${s}`);
    for (const o of orders) {
      expect(o.created_at).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      expect(o.updated_at >= o.created_at).to.equal(true);
    }
    // repeat buyers: the same e-mail on several orders
    expect(new Set(orders.map((o) => o.customer_email)).size).to.be.lessThan(orders.length);
  });

  it('catalogFromOrders holds every SKU of the orders; defaultCatalog every SKU the generator can make', () => {
    const catalog = catalogFromOrders(orders as MagentoOrder[]);
    const skus = new Set(catalog.map((x) => x.sku));
    for (const o of orders) for (const i of o.items) expect(skus.has(i.sku), i.sku).to.equal(true);
    expect(new Set(catalog.map((x) => x.variationId)).size).to.equal(catalog.length);
    const all = new Set(defaultCatalog().map((x) => x.sku));
    for (const s of skus) expect(all.has(s), s).to.equal(true);
  });
});
