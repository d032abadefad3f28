import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import {
  buildExportPlan,
  exchangeRateFor,
  type Lookups,
  magentoOrderSchema,
  plentyLookupsSchema,
  toCents,
  VAT_AREA_OF,
} from '../src/index';
import { variations } from './fixtures/cases';
import { lookups, plentyLookups, settings } from './fixtures/context';
import { buildOrder } from './fixtures/tools/magento-builder';

// biome-ignore lint/suspicious/noExplicitAny: raw fixture JSON is patched freely
type Json = Record<string, any>;
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`./fixtures/orders/${name}.json`, import.meta.url), 'utf8'));
const plan = (o: Json, l: Lookups = lookups) => {
  const r = buildExportPlan({ order: magentoOrderSchema.parse(o), settings, lookups: l, variations });
  if (!r.ok) throw new Error(r.reason);
  return r.plan;
};

describe("core: exchange rates (Magento's base_to_order_rate, else Plenty's currencies)", () => {
  const plenty = { systemCurrency: 'EUR', currencies: [{ currency: 'USD', exchangeRate: 1.0795 }] };

  it('the system currency books at 1, whatever Magento says', () => {
    expect(
      exchangeRateFor({ base_currency_code: 'USD', base_to_order_rate: 0.92 }, 'EUR', plenty),
    ).to.deep.equal({ ok: true, isSystemCurrency: true, exchangeRate: 1, source: 'system' });
  });

  it("base = system currency: Magento's rate (what the customer was charged at) wins over Plenty's", () => {
    expect(
      exchangeRateFor({ base_currency_code: 'EUR', base_to_order_rate: 1.0832 }, 'USD', plenty),
    ).to.deep.equal({ ok: true, isSystemCurrency: false, exchangeRate: 1.0832, source: 'magento' });
  });

  it("base ≠ system currency, or no base_to_order_rate: Plenty's rate", () => {
    for (const o of [
      { base_currency_code: 'USD', base_to_order_rate: 1 },
      { base_currency_code: 'GBP', base_to_order_rate: 1.27 },
      { base_currency_code: 'EUR', base_to_order_rate: null },
      { base_currency_code: null, base_to_order_rate: null },
    ]) {
      expect(exchangeRateFor(o, 'USD', plenty), JSON.stringify(o)).to.deep.equal({
        ok: true,
        isSystemCurrency: false,
        exchangeRate: 1.0795,
        source: 'plenty',
      });
    }
  });

  it('lookups stored before currencies were collected still parse (currencies = [])', () => {
    const { currencies: _c, ...old } = plentyLookups;
    expect(plentyLookupsSchema.parse(old).currencies).to.deep.equal([]);
  });

  it("direction: amount / rate is the system amount (Magento's base_grand_total)", () => {
    // fixture 12: EUR base, USD order at base_to_order_rate 1.0832
    const o = fixture('12-usd-export-us');
    const p = plan(o);
    const rate = p.order.orderItems[0]!.amounts[0]!.exchangeRate;
    expect(rate).to.equal(1.0832);
    expect(Math.abs(Math.round(p.totals.grandTotalCents / rate) - toCents(o.base_grand_total))).to.be.at.most(
      1,
    );
  });

  it('payments carry the same rate and flag as the order lines', () => {
    for (const name of [
      '01-simple-de',
      '12-usd-export-us',
      '36-usd-base-store-plenty-rate',
      '37-chf-order-plenty-rate',
    ]) {
      const p = plan(fixture(name));
      const pay = p.payment!.payload;
      for (const item of p.order.orderItems) {
        const a = item.amounts[0]!;
        expect(a.currency, name).to.equal(pay.currency);
        expect(a.exchangeRate, name).to.equal(pay.exchangeRatio);
        expect(a.isSystemCurrency, name).to.equal(pay.isSystemCurrency);
      }
      expect(pay.isSystemCurrency, name).to.equal(pay.currency === 'EUR');
      if (pay.isSystemCurrency) expect(pay.exchangeRatio, name).to.equal(1);
    }
  });
});

describe('core: VAT configuration of the delivery country', () => {
  const address = (country_id: string, city: string, postcode: string) => ({
    firstname: 'Anna',
    lastname: 'Beispiel',
    street: ['Hauptstrasse 1'],
    city,
    postcode,
    country_id,
  });
  const taxed = (id: number, country: ReturnType<typeof address>, rate: number): Json =>
    buildOrder({
      id,
      items: [{ id: 1, sku: 'MUG-WHITE', name: 'Mug white', qty: 2, unit: 1499, rate }],
      billing: country,
      shipping: country,
      shippingUnit: 499,
      shippingRate: rate,
      payment: { method: 'paypal_express', txn: `PAYID-${id}` },
    }) as Json;
  const li = address('LI', 'Vaduz', '9490');
  const withVat = (vat: Lookups['plenty']['vat'], drop: number[] = []): Lookups => ({
    ...lookups,
    plenty: { ...lookups.plenty, vat: [...lookups.plenty.vat.filter((c) => !drop.includes(c.id)), ...vat] },
  });
  const rates = (...r: number[]) => r.map((rate, id) => ({ id, rate }));

  it("LI is in the Swiss VAT area: a taxed LI order books on CH's configuration", () => {
    expect(VAT_AREA_OF.LI).to.equal('CH');
    // the shared context's CH configuration (id 6) has no 8.1 %: the message names LI and CH's id
    expect(() => plan(taxed(900001, li, 8.1))).to.throw(
      "VAT rate 8.1% (SKU MUG-WHITE) is not in Plenty's VAT configuration for LI (countryVatId 6)",
    );
    const p = plan(
      taxed(900001, li, 8.1),
      withVat([{ id: 20, countryId: 4, rates: rates(8.1, 2.6, 3.8, 0) }], [6]),
    );
    expect(p.order.orderItems.map((i) => [i.typeId, i.countryVatId, i.vatField])).to.deep.equal([
      [1, 20, 0],
      [6, 20, 0],
    ]);
  });

  it('an LI configuration of its own, if a system has one, comes first', () => {
    const p = plan(taxed(900002, li, 8.1), withVat([{ id: 30, countryId: 34, rates: rates(8.1, 2.6, 0) }]));
    expect(p.order.orderItems.every((i) => i.countryVatId === 30)).to.equal(true);
  });

  it('GB with a UK VAT registration: 20 % on the GB configuration; without one, a clear skip', () => {
    const gb = address('GB', 'London', 'SW1A 1AA');
    expect(() => plan(taxed(900003, gb, 20))).to.throw(
      'Plenty has no VAT configuration for delivery country GB: add one in Plenty, then refresh the lookups',
    );
    const p = plan(taxed(900003, gb, 20), withVat([{ id: 11, countryId: 12, rates: rates(20, 5, 0, 0) }]));
    expect(p.order.orderItems.map((i) => [i.countryVatId, i.vatField])).to.deep.equal([
      [11, 0],
      [11, 0],
    ]);
    expect(p.totals.vatByRate).to.deep.equal(p.totals.magentoVatByRate);
  });
});
