import { expect } from 'chai';
import fc from 'fast-check';
import { buildExportPlan, lineTotal, magentoOrderSchema, sumCents, toCents, toQty4 } from '../src/index';
import { lookups, settings } from './fixtures/context';
import { buildOrder, type ItemSpec, type OrderSpec } from './fixtures/tools/magento-builder';

/**
 * Generated orders (computed the way Magento computes them, see magento-builder.ts) through the
 * mapping: the money invariant and "no line counted twice".
 */

type Kind = 'simple' | 'decimal' | 'configurable' | 'bundleDynamic' | 'bundleFixed' | 'virtual';
interface ProductGen {
  kind: Kind;
  unit: number;
  qty: number;
  rate: number;
  discountShare: number;
  childUnits: [number, number];
}

const productArb: fc.Arbitrary<ProductGen> = fc.record({
  kind: fc.constantFrom<Kind>('simple', 'decimal', 'configurable', 'bundleDynamic', 'bundleFixed', 'virtual'),
  unit: fc.integer({ min: 1, max: 99_999 }),
  qty: fc.integer({ min: 1, max: 12 }),
  rate: fc.constantFrom(19, 7, 0),
  discountShare: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100 })),
  childUnits: fc.tuple(fc.integer({ min: 1, max: 50_000 }), fc.integer({ min: 1, max: 50_000 })),
});

const orderArb = fc.record({
  products: fc.array(productArb, { minLength: 1, maxLength: 6 }),
  inclTax: fc.boolean(),
  shippingUnit: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3_000 })),
  shippingRate: fc.constantFrom(19, 7),
  shippingDiscountShare: fc.oneof(fc.constant(0), fc.constant(100), fc.integer({ min: 0, max: 100 })),
});

interface Generated {
  spec: OrderSpec;
  /** SKUs that must each be booked exactly once */
  booked: string[];
  /** SKUs that must not be booked */
  notBooked: string[];
}

type OrderGen = typeof orderArb extends fc.Arbitrary<infer T> ? T : never;

function toSpec(g: OrderGen): Generated {
  const items: ItemSpec[] = [];
  const booked: string[] = [];
  const notBooked: string[] = [];
  let id = 1;
  g.products.forEach((p, n) => {
    const sku = `P${n}`;
    const disc = (unit: number, qty: number) => Math.floor((unit * qty * p.discountShare) / 400); // at most 25 %
    if (p.kind === 'simple' || p.kind === 'virtual') {
      items.push({
        id: id++,
        sku,
        name: sku,
        qty: p.qty,
        unit: p.unit,
        rate: p.rate,
        discount: disc(p.unit, p.qty),
        ...(p.kind === 'virtual' ? { type: 'virtual' as const } : {}),
      });
      booked.push(sku);
    } else if (p.kind === 'decimal') {
      const qty = (p.qty * 125) / 1000; // 0.125 … 1.5
      items.push({ id: id++, sku, name: sku, qty, unit: p.unit, rate: p.rate, decimalQty: true });
      booked.push(sku);
    } else if (p.kind === 'configurable') {
      const parent = id++;
      items.push({
        id: parent,
        sku,
        name: `${sku} parent`,
        type: 'configurable',
        qty: p.qty,
        unit: p.unit,
        rate: p.rate,
        discount: disc(p.unit, p.qty),
      });
      items.push({
        id: id++,
        sku,
        name: `${sku} child`,
        qty: p.qty,
        unit: 0,
        rate: p.rate,
        parent,
        noMoney: true,
      });
      booked.push(sku);
    } else if (p.kind === 'bundleDynamic') {
      const parent = id++;
      items.push({
        id: parent,
        sku: `${sku}-B`,
        name: `${sku} bundle`,
        type: 'bundle',
        qty: p.qty,
        unit: 0,
        rate: p.rate,
        noMoney: true,
      });
      p.childUnits.forEach((u, j) => {
        items.push({
          id: id++,
          sku: `${sku}-C${j}`,
          name: `${sku} child ${j}`,
          qty: p.qty * (j + 1),
          unit: u,
          rate: p.rate,
          parent,
          discount: disc(u, p.qty * (j + 1)),
        });
        booked.push(`${sku}-C${j}`);
      });
      notBooked.push(`${sku}-B`);
    } else {
      const parent = id++;
      items.push({
        id: parent,
        sku: `${sku}-B`,
        name: `${sku} bundle`,
        type: 'bundle',
        qty: p.qty,
        unit: p.unit,
        rate: p.rate,
        discount: disc(p.unit, p.qty),
      });
      for (const j of [0, 1]) {
        items.push({
          id: id++,
          sku: `${sku}-C${j}`,
          name: `${sku} child ${j}`,
          qty: p.qty,
          unit: 0,
          rate: p.rate,
          parent,
          noMoney: true,
        });
        notBooked.push(`${sku}-C${j}`);
      }
      booked.push(`${sku}-B`);
    }
  });
  const spec: OrderSpec = {
    id: 900_000,
    items,
    billing: {},
    pricesInclTax: g.inclTax,
    shippingUnit: g.shippingUnit,
    shippingRate: g.shippingRate,
    shippingDiscount: Math.floor((g.shippingUnit * g.shippingDiscountShare) / 100),
    payment: { method: 'paypal_express', txn: 'T-1' },
  };
  return { spec, booked, notBooked };
}

function variationsFor(spec: OrderSpec): Map<string, number> {
  return new Map([...new Set(spec.items.map((i) => i.sku))].map((sku, n) => [sku, 10_000 + n]));
}

describe('core: properties of generated orders', () => {
  it('the plan books exactly grand_total, VAT per rate within a cent of Magento', () => {
    fc.assert(
      fc.property(orderArb, (g) => {
        const { spec } = toSpec(g);
        const order = magentoOrderSchema.parse(buildOrder(spec));
        const r = buildExportPlan({ order, settings, lookups, variations: variationsFor(spec) });
        if (!r.ok) throw new Error(r.reason);
        const lines = r.plan.order.orderItems;
        const gross = sumCents(
          lines.map((i) =>
            lineTotal(
              toQty4(i.quantity),
              toCents(i.amounts[0]!.priceOriginalGross) - toCents(i.amounts[0]!.discount),
            ),
          ),
        );
        expect(gross).to.equal(toCents(order.grand_total));
        for (const [rate, vat] of Object.entries(r.plan.totals.magentoVatByRate)) {
          expect(Math.abs((r.plan.totals.vatByRate[rate] ?? 0) - vat), `VAT at ${rate}%`).to.be.at.most(1);
        }
        expect(r.plan.warnings).to.deep.equal([]);
        // rounding lines only close what whole-cent unit prices cannot express: at most half a cent per unit
        const bound = sumCents(lines.filter((l) => l.typeId === 1).map((l) => Math.ceil(l.quantity / 2)));
        expect(Math.abs(r.plan.totals.roundingCents)).to.be.at.most(bound);
        for (const l of lines) expect(l.amounts[0]!.discount).to.be.at.least(0);
      }),
      { numRuns: 400 },
    );
  });

  it('no line is counted twice: configurable children, dynamic bundle parents, fixed bundle children are never booked', () => {
    fc.assert(
      fc.property(orderArb, (g) => {
        const { spec, booked, notBooked } = toSpec(g);
        const order = magentoOrderSchema.parse(buildOrder(spec));
        const variations = variationsFor(spec);
        const r = buildExportPlan({ order, settings, lookups, variations });
        if (!r.ok) throw new Error(r.reason);
        const ids = r.plan.order.orderItems.filter((l) => l.typeId === 1).map((l) => l.itemVariationId);
        expect(new Set(ids).size).to.equal(ids.length);
        expect([...ids].sort()).to.deep.equal(booked.map((s) => variations.get(s)).sort());
        for (const s of notBooked) expect(ids).to.not.include(variations.get(s));
      }),
      { numRuns: 300 },
    );
  });

  it('row-based Magento tax: the gross still adds up to the cent', () => {
    fc.assert(
      fc.property(orderArb, (g) => {
        const { spec } = toSpec(g);
        const order = magentoOrderSchema.parse(buildOrder({ ...spec, taxCalculation: 'row' }));
        const r = buildExportPlan({ order, settings, lookups, variations: variationsFor(spec) });
        if (!r.ok) throw new Error(r.reason);
        expect(r.plan.totals.grossCents).to.equal(toCents(order.grand_total));
      }),
      { numRuns: 200 },
    );
  });
});
