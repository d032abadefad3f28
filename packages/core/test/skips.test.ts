import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import {
  buildExportPlan,
  type EffectiveSettings,
  isEligible,
  type Lookups,
  magentoOrderSchema,
  mapOrderStatus,
} from '../src/index';
import { variations } from './fixtures/cases';
import { lookups, settings, withSettings } from './fixtures/context';

/** Every way an order can be unmappable, with the exact message the admin reads. */
// biome-ignore lint/suspicious/noExplicitAny: raw fixture JSON is patched freely
type Json = Record<string, any>;
const order01 = (): Json =>
  JSON.parse(readFileSync(new URL('./fixtures/orders/01-simple-de.json', import.meta.url), 'utf8'));

function reason(o: Json, s: EffectiveSettings = settings, l: Lookups = lookups, v = variations): string {
  const r = buildExportPlan({ order: magentoOrderSchema.parse(o), settings: s, lookups: l, variations: v });
  if (r.ok) throw new Error('expected a skip');
  return r.reason;
}
/** lookups stored before Plenty's currencies were collected (no `currencies`) */
const noCurrencies: Lookups = { ...lookups, plenty: { ...lookups.plenty, currencies: [] } };
const shippingAddress = (o: Json) => o.extension_attributes.shipping_assignments[0].shipping.address;

describe('core: skipped orders name what to fix', () => {
  const cases: [string, () => string, string][] = [
    [
      'export disabled',
      () => reason(order01(), withSettings({ export: { enabled: false } })),
      'order export is disabled (export.enabled is off)',
    ],
    [
      'status not among processStatuses',
      () =>
        reason(
          { ...order01(), status: 'pending' },
          withSettings({ orderStatus: { processStatuses: ['processing', 'complete'] } }),
        ),
      'order status "pending" is not among the statuses to export (processing, complete)',
    ],
    [
      'store not mapped',
      () => reason({ ...order01(), store_id: 3 }),
      'store view 3 is not mapped: add it to store mapping',
    ],
    [
      'status not mapped',
      () => reason({ ...order01(), status: 'fraud' }),
      'order status "fraud" is not mapped: add it to order status mapping',
    ],
    [
      'payment method not mapped',
      () => {
        const o = order01();
        o.payment.method = 'braintree';
        return reason(o);
      },
      'payment method "braintree" is not mapped: add it to payment method mapping',
    ],
    [
      'no payment',
      () => {
        const o = order01();
        delete o.payment;
        return reason(o);
      },
      'order has no payment method',
    ],
    [
      'no shipping profile',
      () => reason(order01(), withSettings({ shipping: { defaultShippingProfileId: null } })),
      'no shipping profile for shipping method "flatrate_flatrate" and no default shipping profile: set shipping.defaultShippingProfileId',
    ],
    [
      'no warehouse',
      () => reason(order01(), withSettings({ warehouse: { mainWarehouseId: null } })),
      'no main warehouse: set warehouse.mainWarehouseId',
    ],
    [
      'bad created_at',
      () => reason({ ...order01(), created_at: null }),
      'order created_at "" is missing or not a Magento date',
    ],
    [
      'currency missing',
      () => reason({ ...order01(), order_currency_code: 'euro' }),
      'order currency "euro" is not an ISO 4217 currency code',
    ],
    [
      'no exchange rate anywhere (EUR base without base_to_order_rate, Plenty without SEK)',
      () => reason({ ...order01(), order_currency_code: 'SEK', base_to_order_rate: 0 }),
      'Plenty has no exchange rate for SEK and the Magento order has no base_to_order_rate: add the currency in Plenty (Setup » Orders » Payment » Currencies), then refresh the lookups',
    ],
    [
      'base currency is not the system currency and Plenty has no rate for the order currency',
      () =>
        reason(
          { ...order01(), order_currency_code: 'USD', base_currency_code: 'USD', base_to_order_rate: 1 },
          settings,
          noCurrencies,
        ),
      'Plenty has no exchange rate for USD: add the currency in Plenty (Setup » Orders » Payment » Currencies), then refresh the lookups',
    ],
    [
      "Plenty's rate 0 counts as missing",
      () =>
        reason(
          { ...order01(), order_currency_code: 'CHF', base_currency_code: 'CHF', base_to_order_rate: 1 },
          settings,
          {
            ...lookups,
            plenty: { ...lookups.plenty, currencies: [{ currency: 'CHF', exchangeRate: 0 }] },
          },
        ),
      'Plenty has no exchange rate for CHF: add the currency in Plenty (Setup » Orders » Payment » Currencies), then refresh the lookups',
    ],
    ['no items', () => reason({ ...order01(), items: [] }), 'order has no items'],
    [
      'only a zero-quantity row',
      () => {
        const o = order01();
        o.items[0].qty_ordered = 0;
        return reason(o);
      },
      'order has no items',
    ],
    [
      'unknown SKU (skip mode)',
      () => reason(order01(), settings, lookups, new Map()),
      'SKU "MUG-WHITE" has no variation in Plenty: create it, or set item.unknownSku to "unassigned"',
    ],
    [
      'no billing address',
      () => {
        const o = order01();
        delete o.billing_address;
        return reason(o);
      },
      'billing address is missing',
    ],
    ...(['firstname', 'lastname', 'city', 'postcode'] as const).map((f): [string, () => string, string] => [
      `billing ${f} missing`,
      () => {
        const o = order01();
        o.billing_address[f] = '  ';
        return reason(o);
      },
      `billing address: ${f} is missing`,
    ]),
    [
      'billing street missing',
      () => {
        const o = order01();
        o.billing_address.street = ['', null];
        return reason(o);
      },
      'billing address: street is missing',
    ],
    [
      'billing country missing',
      () => {
        const o = order01();
        delete o.billing_address.country_id;
        return reason(o);
      },
      'billing address: country is missing',
    ],
    [
      'shipping postcode missing',
      () => {
        const o = order01();
        shippingAddress(o).postcode = null;
        return reason(o);
      },
      'shipping address: postcode is missing',
    ],
    [
      'shipping country not in lookups',
      () => {
        const o = order01();
        shippingAddress(o).country_id = 'PL';
        return reason(o);
      },
      "shipping address: country PL is not in Plenty's country list: refresh the lookups or activate the country in Plenty",
    ],
    [
      'no VAT configuration for the delivery country (taxed order)',
      () => {
        const o = order01();
        shippingAddress(o).country_id = 'ES';
        return reason(o);
      },
      'Plenty has no VAT configuration for delivery country ES: add one in Plenty, then refresh the lookups',
    ],
    [
      'item VAT rate not configured',
      () => {
        const o = order01();
        o.items[0].tax_percent = 16;
        return reason(o);
      },
      "VAT rate 16% (SKU MUG-WHITE) is not in Plenty's VAT configuration for DE (countryVatId 1)",
    ],
    [
      'shipping VAT rate not configured',
      () => {
        const o = order01();
        o.extension_attributes.item_applied_taxes = o.extension_attributes.item_applied_taxes.map(
          (t: Json) =>
            t.type === 'shipping' ? { ...t, applied_taxes: [{ ...t.applied_taxes[0], percent: 16 }] } : t,
        );
        return reason(o);
      },
      "VAT rate 16% (shipping) is not in Plenty's VAT configuration for DE (countryVatId 1)",
    ],
    [
      'shipping tax that matches no configured rate',
      () => {
        const o = order01();
        o.extension_attributes.item_applied_taxes = [];
        o.shipping_tax_amount = 0.5;
        o.shipping_amount = 4.49;
        return reason(o);
      },
      "the VAT rate of the shipping costs (0.50 EUR tax on 4.99 EUR) is not in Plenty's VAT configuration for DE (countryVatId 1)",
    ],
    [
      'fee without a 0 % rate',
      () => {
        const o = order01();
        shippingAddress(o).country_id = 'CH';
        o.items[0].tax_percent = 7.7;
        o.extension_attributes.item_applied_taxes = [];
        o.shipping_tax_amount = 0;
        o.shipping_amount = 0;
        o.shipping_discount_tax_compensation_amount = 0;
        o.extension_attributes.custom_fees = [
          { custom_fee_code: 'cod', custom_fee_label: 'COD', custom_fee_amount: 5 },
        ];
        const noZero = structuredClone(lookups);
        noZero.plenty.vat = noZero.plenty.vat.map((c) =>
          c.id === 6 ? { ...c, rates: [{ id: 0, rate: 7.7 }] } : c,
        );
        return reason(o, settings, noZero);
      },
      "VAT rate 0% (fee cod) is not in Plenty's VAT configuration for CH (countryVatId 6)",
    ],
    [
      'totals do not add up',
      () => reason({ ...order01(), grand_total: 30 }),
      'order totals do not add up: items, shipping and fees come to 34.97 EUR but grand_total is 30.00 EUR; gift cards, store credit and reward points are not supported',
    ],
    [
      'customer e-mail missing',
      () => reason({ ...order01(), customer_email: '' }),
      'customer e-mail is missing: a contact is found or created by e-mail',
    ],
  ];
  for (const [title, run, message] of cases) {
    it(title, () => {
      expect(run()).to.equal(message);
    });
  }

  it('isEligible and mapOrderStatus agree with the plan', () => {
    const o = magentoOrderSchema.parse(order01());
    expect(isEligible(o, settings)).to.deep.equal({ eligible: true });
    expect(isEligible({ ...o, store_id: 9 }, settings)).to.deep.equal({
      eligible: false,
      reason: 'store view 9 is not mapped: add it to store mapping',
    });
    expect(mapOrderStatus('processing', settings)).to.equal(5.1);
    expect(mapOrderStatus('nope', settings)).to.equal(null);
  });

  it('a guest without e-mail still exports when createCustomer is off', () => {
    const o = magentoOrderSchema.parse({ ...order01(), customer_email: null, customer_is_guest: 1 });
    const r = buildExportPlan({
      order: o,
      settings: withSettings({ customer: { createCustomer: false } }),
      lookups,
      variations,
    });
    expect(r.ok).to.equal(true);
    if (r.ok) {
      expect(r.plan.contact).to.equal(null);
      expect(r.plan.email).to.equal(null);
    }
  });

  it('rejects a malformed order at the schema (non-numeric amount)', () => {
    expect(magentoOrderSchema.safeParse({ ...order01(), grand_total: 'abc' }).success).to.equal(false);
  });
});
