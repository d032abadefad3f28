import {
  base,
  de,
  de_AT,
  de_CH,
  el,
  en,
  en_CA,
  en_GB,
  en_IE,
  en_US,
  es,
  Faker,
  fr,
  fr_BE,
  type LocaleDefinition,
  nl,
  pl,
  type Randomizer,
} from '@faker-js/faker';
import { fromCents, pct, sum, toCents } from '../util/money';
import { mixSeed } from '../util/prng';
import {
  bundleProducts,
  configurableProducts,
  couponRules,
  currencyFactor,
  onlinePaymentMethods,
  type PaymentMethodCode,
  paymentTitles,
  type StoreViewFixture,
  shippingMethods,
  simpleProducts,
  stateOfStatus,
  storeName,
  storeViewFixtures,
  taxRates,
  virtualProducts,
} from './fixtures';
import { type MagentoOrder, magentoTime } from './types';

export type ProductKind =
  | 'simple'
  | 'configurable'
  | 'bundle_dynamic'
  | 'bundle_fixed'
  | 'virtual'
  | 'downloadable';

/** Seeded order generator options. Every order depends only on (seed, index, options). */
export interface GenerateOrdersOptions {
  count: number;
  seed: number;
  firstEntityId?: number;
  /** created_at of the first order (UTC); default 2024-01-01T00:00:00Z */
  startDate?: string | Date;
  /** average minutes between two orders; default 17 */
  intervalMinutes?: number;
  guestRatio?: number;
  /** upper bound of distinct customers (repeat buyers); default 1,000,000 */
  customerPoolSize?: number;
  statusWeights?: Partial<Record<string, number>>;
  paymentWeights?: Partial<Record<PaymentMethodCode, number>>;
  productWeights?: Partial<Record<ProductKind, number>>;
  couponRatio?: number;
  freeShippingRatio?: number;
  /** share of orders made only of virtual/downloadable products; default 0.06 */
  virtualOrderRatio?: number;
  /** restrict to these store view ids */
  storeIds?: number[];
  maxLines?: number;
}

const DEFAULT_STATUS_WEIGHTS: Record<string, number> = {
  pending: 14,
  pending_payment: 4,
  processing: 34,
  complete: 26,
  closed: 5,
  canceled: 7,
  holded: 4,
  payment_review: 3,
  fraud: 0,
};
const DEFAULT_PAYMENT_WEIGHTS: Record<PaymentMethodCode, number> = {
  checkmo: 8,
  banktransfer: 18,
  cashondelivery: 7,
  purchaseorder: 5,
  paypal_express: 27,
  braintree: 35,
};
const DEFAULT_PRODUCT_WEIGHTS: Record<ProductKind, number> = {
  simple: 45,
  configurable: 25,
  bundle_dynamic: 6,
  bundle_fixed: 5,
  virtual: 8,
  downloadable: 9,
};
/** statuses an order paid online (captured at checkout) can be in */
const ONLINE_STATUSES = new Set([
  'processing',
  'complete',
  'closed',
  'canceled',
  'holded',
  'payment_review',
  'pending_payment',
  'fraud',
]);

/**
 * faker's default Mersenne Twister costs ~20 µs per re-seed, and every order re-seeds three times
 * (order, customer, delivery address). This randomizer (mulberry32 over a mixed seed) plugs into
 * faker's own Randomizer interface and re-seeds for free; faker's seed() API stays the same.
 */
function fastRandomizer(): Randomizer {
  let a = 0;
  return {
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    seed(seed: number | number[]) {
      a = Array.isArray(seed) ? mixSeed(...seed) : mixSeed(seed);
    },
  };
}
const mk = (...locale: LocaleDefinition[]) =>
  new Faker({ locale: [...locale, en, base], randomizer: fastRandomizer() });
const fDE = mk(de);
const fCH = mk(de_CH, de);
const fakerByCountry: Record<string, Faker> = {
  DE: fDE,
  AT: mk(de_AT, de),
  NL: mk(nl),
  GR: mk(el),
  PL: mk(pl),
  GB: mk(en_GB),
  IE: mk(en_IE),
  FR: mk(fr),
  BE: mk(fr_BE, fr),
  ES: mk(es),
  CH: fCH,
  LI: fCH,
  US: mk(en_US),
  CA: mk(en_CA),
};
const main = mk();

function weighted<T extends string>(f: Faker, weights: Record<T, number>): T {
  const entries = Object.entries(weights) as [T, number][];
  const total = entries.reduce((a, [, w]) => a + Math.max(0, w), 0);
  let r = f.number.float({ min: 0, max: total });
  for (const [k, w] of entries) {
    if (w <= 0) continue;
    r -= w;
    if (r <= 0) return k;
  }
  return entries.filter(([, w]) => w > 0).at(-1)![0];
}

const slug = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-zA-Z0-9]/g, '')
    .toLowerCase();

interface Person {
  firstname: string;
  lastname: string;
  company?: string;
  street: string[];
  city: string;
  postcode: string;
  country_id: string;
  region?: string;
  region_code?: string;
  region_id?: number;
  telephone: string;
  vat_id?: string;
}

function person(country: string, seed: number[], withCompany: boolean): Person {
  const f = fakerByCountry[country] ?? main;
  f.seed(seed);
  const firstname = f.person.firstName();
  const lastname = f.person.lastName();
  const lines = [`${f.location.street()} ${f.location.buildingNumber()}`];
  const r = f.number.float({ min: 0, max: 1 });
  if (r < 0.35)
    lines.push(
      f.helpers.arrayElement(['2. OG', 'Hinterhaus', 'Apt. 4', 'Stiege 2/Top 7', 'Bâtiment B', 'Suite 210']),
    );
  if (r < 0.08) lines.push(`c/o ${f.person.fullName()}`);
  const p: Person = {
    firstname,
    lastname,
    street: lines,
    city: f.location.city(),
    postcode: f.location.zipCode(),
    country_id: country,
    telephone: f.phone.number(),
  };
  if (withCompany) {
    p.company = f.company.name();
    if (country !== 'US' && country !== 'CA') {
      p.vat_id = `${country === 'GR' ? 'EL' : country}${f.string.numeric(9)}`;
    }
  }
  if (country === 'US' || country === 'CA') {
    p.region = f.location.state();
    p.region_code = f.location.state({ abbreviated: true });
    p.region_id = f.number.int({ min: 1, max: 65 });
  }
  return p;
}

interface Customer extends Person {
  index: number;
  email: string;
  storeId: number;
  isCompany: boolean;
}

function customerAt(o: Resolved, k: number): Customer {
  main.seed([o.seed, 7_919, k]);
  const store =
    o.stores[
      weightedIndex(
        main,
        o.stores.map(() => 1),
      )
    ]!;
  const country = weighted(main, Object.fromEntries(store.countries) as Record<string, number>);
  const isCompany = main.number.float({ min: 0, max: 1 }) < 0.22;
  const p = person(country, [o.seed, 7_920, k], isCompany);
  const email = `${slug(p.firstname) || 'kunde'}.${slug(p.lastname) || 'k'}.${k + 1}@example.${country.toLowerCase() === 'gb' ? 'co.uk' : 'com'}`;
  return { ...p, index: k, email, storeId: store.id, isCompany };
}

function weightedIndex(f: Faker, weights: number[]): number {
  const idx = weighted(
    f,
    Object.fromEntries(weights.map((w, i) => [String(i), w])) as Record<string, number>,
  );
  return Number(idx);
}

interface Resolved {
  seed: number;
  count: number;
  firstEntityId: number;
  start: number;
  intervalMs: number;
  guestRatio: number;
  pool: number;
  statusWeights: Record<string, number>;
  paymentWeights: Record<PaymentMethodCode, number>;
  productWeights: Record<ProductKind, number>;
  couponRatio: number;
  freeShippingRatio: number;
  virtualOrderRatio: number;
  stores: StoreViewFixture[];
  maxLines: number;
}

export function resolveOptions(opts: GenerateOrdersOptions): Resolved {
  const stores = opts.storeIds
    ? storeViewFixtures.filter((s) => opts.storeIds!.includes(s.id))
    : storeViewFixtures;
  if (stores.length === 0) throw new Error(`no known store view in storeIds ${opts.storeIds?.join(',')}`);
  return {
    seed: opts.seed,
    count: opts.count,
    firstEntityId: opts.firstEntityId ?? 1,
    start: opts.startDate ? new Date(opts.startDate).getTime() : Date.UTC(2024, 0, 1),
    intervalMs: (opts.intervalMinutes ?? 17) * 60_000,
    guestRatio: opts.guestRatio ?? 0.3,
    pool: opts.customerPoolSize ?? 1_000_000,
    statusWeights: { ...DEFAULT_STATUS_WEIGHTS, ...opts.statusWeights } as Record<string, number>,
    paymentWeights: { ...DEFAULT_PAYMENT_WEIGHTS, ...opts.paymentWeights } as Record<
      PaymentMethodCode,
      number
    >,
    productWeights: { ...DEFAULT_PRODUCT_WEIGHTS, ...opts.productWeights } as Record<ProductKind, number>,
    couponRatio: opts.couponRatio ?? 0.2,
    freeShippingRatio: opts.freeShippingRatio ?? 0.1,
    virtualOrderRatio: opts.virtualOrderRatio ?? 0.06,
    stores,
    maxLines: opts.maxLines ?? 4,
  };
}

// ------------------------------------------------------------------ lines and money

interface Line {
  kind: ProductKind;
  qty: number;
  /** rows of this line: [0] is the visible row, the rest are children */
  rows: Row[];
}
interface Row {
  item: Record<string, unknown>;
  /** net unit price in EUR cents when this row carries the price */
  priceEur?: number;
  taxClass: 'standard' | 'reduced';
  qty: number;
  isVirtual: boolean;
  weight: number;
}

function lineOf(f: Faker, kind: ProductKind, itemIdBase: () => number): Line {
  const qty = kind === 'simple' || kind === 'configurable' ? weightedIndex(f, [0, 70, 20, 10]) : 1;
  const row = (item: Record<string, unknown>, r: Omit<Row, 'item'>): Row => ({
    item: { item_id: itemIdBase(), ...item },
    ...r,
  });
  switch (kind) {
    case 'simple': {
      const p = f.helpers.arrayElement(simpleProducts);
      return {
        kind,
        qty,
        rows: [
          row(
            { product_id: p.productId, product_type: 'simple', sku: p.sku, name: p.name },
            { priceEur: toCents(p.price), taxClass: p.taxClass, qty, isVirtual: false, weight: p.weight },
          ),
        ],
      };
    }
    case 'configurable': {
      const p = f.helpers.arrayElement(configurableProducts);
      const ci = f.number.int({ min: 0, max: p.options.color.length - 1 });
      const si = f.number.int({ min: 0, max: p.options.size.length - 1 });
      const childSku = `${p.sku}-${p.options.color[ci]}-${p.options.size[si]}`;
      const childId = p.productId + 1 + ci * p.options.size.length + si;
      const parent = row(
        {
          product_id: p.productId,
          product_type: 'configurable',
          sku: childSku,
          name: p.name,
          product_option: {
            extension_attributes: {
              configurable_item_options: [
                { option_id: '93', option_value: 50 + ci },
                { option_id: '144', option_value: 160 + si },
              ],
            },
          },
        },
        { priceEur: toCents(p.price), taxClass: 'standard', qty, isVirtual: false, weight: p.weight },
      );
      const child = row(
        {
          product_id: childId,
          product_type: 'simple',
          sku: childSku,
          name: `${p.name}-${p.options.color[ci]}-${p.options.size[si]}`,
        },
        { taxClass: 'standard', qty, isVirtual: false, weight: p.weight },
      );
      return { kind, qty, rows: [parent, child] };
    }
    case 'bundle_dynamic':
    case 'bundle_fixed': {
      const dyn = kind === 'bundle_dynamic';
      const p = f.helpers.arrayElement(bundleProducts.filter((b) => b.dynamicPrice === dyn));
      const sels = p.selections.map((s) => ({ s, prod: simpleProducts.find((x) => x.sku === s.sku)! }));
      const parentSku = dyn ? [p.sku, ...sels.map((x) => x.s.sku)].join('-') : p.sku;
      const parent = row(
        {
          product_id: p.productId,
          product_type: 'bundle',
          sku: parentSku,
          name: p.name,
          product_option: {
            extension_attributes: {
              bundle_options: sels.map((x, i) => ({
                option_id: i + 1,
                option_qty: x.s.qty,
                option_selections: [i + 11],
              })),
            },
          },
        },
        dyn
          ? { taxClass: 'standard', qty, isVirtual: false, weight: 0 }
          : {
              priceEur: toCents(p.price),
              taxClass: 'standard',
              qty,
              isVirtual: false,
              weight: sum(sels.map((x) => x.prod.weight * x.s.qty)),
            },
      );
      const children = sels.map((x) =>
        row(
          { product_id: x.prod.productId, product_type: 'simple', sku: x.prod.sku, name: x.prod.name },
          {
            ...(dyn ? { priceEur: toCents(x.prod.price) } : {}),
            taxClass: x.prod.taxClass,
            qty: qty * x.s.qty,
            isVirtual: false,
            weight: x.prod.weight,
          },
        ),
      );
      return { kind, qty, rows: [parent, ...children] };
    }
    case 'virtual':
    case 'downloadable': {
      const p = f.helpers.arrayElement(virtualProducts.filter((v) => v.type === kind));
      const item: Record<string, unknown> = {
        product_id: p.productId,
        product_type: kind,
        sku: p.sku,
        name: p.name,
      };
      if (kind === 'downloadable')
        item.product_option = {
          extension_attributes: { downloadable_option: { downloadable_links: [p.productId * 10 + 1] } },
        };
      return {
        kind,
        qty: 1,
        rows: [
          row(item, { priceEur: toCents(p.price), taxClass: p.taxClass, qty: 1, isVirtual: true, weight: 0 }),
        ],
      };
    }
  }
}

interface Totals {
  rows: Map<
    Row,
    { unit: number; rowTotal: number; discount: number; taxBefore: number; tax: number; rate: number }
  >;
  subtotal: number;
  subtotalIncl: number;
  discount: number;
  shipping: number;
  shippingTax: number;
  shippingRate: number;
  tax: number;
  grand: number;
  taxByRate: Map<number, number>;
}

/** All amounts of one currency, in cents; `conv` converts an EUR-cent catalogue price. */
function computeTotals(
  lines: Line[],
  conv: (eurCents: number) => number,
  rates: { standard: number; reduced: number },
  coupon: (typeof couponRules)[number] | undefined,
  shippingEur: number,
): Totals {
  const priced = lines.flatMap((l) => l.rows.filter((r) => r.priceEur !== undefined));
  const rows = new Map<
    Row,
    { unit: number; rowTotal: number; discount: number; taxBefore: number; tax: number; rate: number }
  >();
  for (const r of priced) {
    const unit = conv(r.priceEur!);
    rows.set(r, { unit, rowTotal: unit * r.qty, discount: 0, taxBefore: 0, tax: 0, rate: rates[r.taxClass] });
  }
  const subtotal = sum([...rows.values()].map((x) => x.rowTotal));
  if (coupon?.kind === 'percent') {
    for (const x of rows.values()) x.discount = pct(x.rowTotal, coupon.value);
  } else if (coupon?.kind === 'fixed') {
    const total = Math.min(conv(toCents(coupon.value)), subtotal);
    let left = total;
    const vals = [...rows.values()];
    vals.forEach((x, i) => {
      const share = i === vals.length - 1 ? left : Math.round((total * x.rowTotal) / Math.max(1, subtotal));
      x.discount = Math.min(share, x.rowTotal);
      left -= x.discount;
    });
  }
  const taxByRate = new Map<number, number>();
  for (const x of rows.values()) {
    x.taxBefore = pct(x.rowTotal, x.rate);
    x.tax = pct(x.rowTotal - x.discount, x.rate);
    if (x.rate > 0) taxByRate.set(x.rate, (taxByRate.get(x.rate) ?? 0) + x.tax);
  }
  const shipping = conv(shippingEur);
  const shippingRate = rates.standard;
  const shippingTax = pct(shipping, shippingRate);
  if (shippingTax > 0 || (shipping > 0 && shippingRate > 0))
    taxByRate.set(shippingRate, (taxByRate.get(shippingRate) ?? 0) + shippingTax);
  const discount = sum([...rows.values()].map((x) => x.discount));
  const tax = sum([...rows.values()].map((x) => x.tax)) + shippingTax;
  return {
    rows,
    subtotal,
    subtotalIncl: sum([...rows.values()].map((x) => x.rowTotal + x.taxBefore)),
    discount,
    shipping,
    shippingTax,
    shippingRate,
    tax,
    grand: subtotal - discount + shipping + tax,
    taxByRate,
  };
}

// ------------------------------------------------------------------ one order

/** Hidden per-order facts the status derivation needs (not part of Magento's shape). */
export interface OrderDraws {
  holdBeforeState: 'new' | 'processing';
  online: boolean;
}

/** The fields the store indexes, drawn cheaply before the full order is built. */
export interface OrderHead {
  entity_id: number;
  increment_id: string;
  state: string;
  status: string;
  store_id: number;
  created_at: string;
  updated_at: string;
  customer_email: string;
  customer_id?: number;
  customer_is_guest: number;
  customer_firstname: string;
  customer_lastname: string;
  order_currency_code: string;
  base_currency_code: string;
}

interface HeadDraws {
  head: OrderHead;
  guest: boolean;
  method: PaymentMethodCode;
  online: boolean;
  holdBeforeState: 'new' | 'processing';
  cust: Customer;
  store: StoreViewFixture;
  createdAt: number;
  updatedAt: number;
}

function drawHead(o: Resolved, index: number): HeadDraws {
  const f = main;
  const entityId = o.firstEntityId + index;
  f.seed([o.seed, index]);
  // repeat buyers: order i picks from the customers that exist by then (prefix-stable sequence)
  const customerIndex = f.number.int({ min: 0, max: Math.min(o.pool, 3 + Math.floor(index * 0.6)) - 1 });
  const guest = f.number.float({ min: 0, max: 1 }) < o.guestRatio;
  const method = weighted(f, o.paymentWeights);
  const online = onlinePaymentMethods.has(method);
  let statusWeights = o.statusWeights;
  if (online)
    statusWeights = Object.fromEntries(
      Object.entries(o.statusWeights).filter(([k]) => ONLINE_STATUSES.has(k)),
    );
  else
    statusWeights = Object.fromEntries(
      Object.entries(o.statusWeights).filter(
        ([k]) => !['pending_payment', 'payment_review', 'fraud'].includes(k),
      ),
    );
  if (Object.values(statusWeights).every((w) => !w)) statusWeights = o.statusWeights;
  const status = weighted(f, statusWeights as Record<string, number>);
  const holdBeforeState = f.datatype.boolean() ? 'processing' : 'new';
  const createdAt =
    o.start + index * o.intervalMs + f.number.int({ min: 0, max: Math.max(0, o.intervalMs - 1000) });
  const ageMinutes =
    {
      pending: f.number.int({ min: 0, max: 3 }),
      pending_payment: f.number.int({ min: 0, max: 20 }),
      processing: f.number.int({ min: 1, max: 240 }),
      complete: f.number.int({ min: 600, max: 7200 }),
      closed: f.number.int({ min: 7200, max: 30000 }),
      canceled: f.number.int({ min: 30, max: 4000 }),
      holded: f.number.int({ min: 10, max: 2000 }),
      payment_review: f.number.int({ min: 1, max: 60 }),
      fraud: f.number.int({ min: 1, max: 60 }),
    }[status] ?? 5;
  const updatedAt = createdAt + ageMinutes * 60_000 + f.number.int({ min: 0, max: 59 }) * 1000;
  const cust = customerAt(o, customerIndex);
  const store = o.stores.find((s) => s.id === cust.storeId) ?? o.stores[0]!;
  const head: OrderHead = {
    entity_id: entityId,
    increment_id:
      store.id === 1 ? String(entityId).padStart(9, '0') : `${store.id}${String(entityId).padStart(8, '0')}`,
    state: stateOfStatus[status] ?? 'processing',
    status,
    store_id: store.id,
    created_at: magentoTime(createdAt),
    updated_at: magentoTime(updatedAt),
    customer_email: cust.email,
    customer_is_guest: guest ? 1 : 0,
    customer_firstname: cust.firstname,
    customer_lastname: cust.lastname,
    order_currency_code: store.orderCurrency,
    base_currency_code: store.baseCurrency,
  };
  if (!guest) head.customer_id = 1000 + cust.index;
  return { head, guest, method, online, holdBeforeState, cust, store, createdAt, updatedAt };
}

/** The indexed head of order `index` (~20x cheaper than the full order). */
export function generateOrderHeadAt(opts: GenerateOrdersOptions | Resolved, index: number): OrderHead {
  return drawHead('stores' in opts ? opts : resolveOptions(opts), index).head;
}

/** Generates order number `index` (0-based) of the seeded sequence. */
export function generateOrderAt(
  opts: GenerateOrdersOptions | Resolved,
  index: number,
  /** serve the order in this status instead of the drawn one (amounts follow the status) */
  override?: { status: string; state?: string },
): MagentoOrder {
  const o = 'stores' in opts ? opts : resolveOptions(opts);
  const { head, guest, method, online, holdBeforeState, cust, store, createdAt, updatedAt } = drawHead(
    o,
    index,
  );
  const status = head.status;
  const entityId = head.entity_id;
  const f = main;
  f.seed([o.seed, index, 2]);
  const virtualOnly = f.number.float({ min: 0, max: 1 }) < o.virtualOrderRatio;
  const nLines = f.number.int({ min: 1, max: o.maxLines });
  const useCoupon = f.number.float({ min: 0, max: 1 }) < o.couponRatio;
  const coupon = useCoupon ? f.helpers.arrayElement(couponRules) : undefined;
  const shipRoll = f.number.float({ min: 0, max: 1 });
  const differentShipping = f.number.float({ min: 0, max: 1 }) < 0.25;
  const transactionId = f.string.alphanumeric({ length: 17, casing: 'upper' });
  const ccLast4 = f.string.numeric(4);
  const ccType = f.helpers.arrayElement(['VI', 'MC', 'AE']);
  const poNumber = `PO-${f.string.numeric(6)}`;
  const protectCode = f.string.hexadecimal({ length: 6, casing: 'lower', prefix: '' });
  const remoteIp = f.internet.ipv4();
  const kindWeights = virtualOnly
    ? { virtual: o.productWeights.virtual || 1, downloadable: o.productWeights.downloadable || 1 }
    : o.productWeights;
  let nextItem = entityId * 10;
  const lines: Line[] = [];
  for (let i = 0; i < nLines; i++)
    lines.push(lineOf(f, weighted(f, kindWeights as Record<ProductKind, number>), () => nextItem++));

  const isVirtual = lines.every((l) => l.rows[0]!.isVirtual);
  const shippingAddr = differentShipping ? person(cust.country_id, [o.seed, 104_729, index], false) : cust;
  let ship = shippingMethods[shipRoll < 0.55 ? 0 : 1]!;
  if (shipRoll > 1 - o.freeShippingRatio || coupon?.kind === 'freeshipping') ship = shippingMethods[2]!;
  const finalMethod: string = isVirtual && method === 'cashondelivery' ? 'banktransfer' : method;

  // ---- money: base currency and order currency, each internally consistent
  const rates = taxRates[cust.country_id] ?? { standard: 0, reduced: 0 };
  const factor = currencyFactor[store.baseCurrency] ?? 1;
  const toBase = (eur: number) => Math.round(eur * factor);
  const toOrder = (eur: number) => Math.round(toBase(eur) * store.baseToOrderRate);
  const shippingEur = isVirtual ? 0 : toCents(ship.price);
  const base = computeTotals(lines, toBase, rates, coupon, shippingEur);
  const ord = computeTotals(lines, toOrder, rates, coupon, shippingEur);
  const m = fromCents;

  const created = magentoTime(createdAt);
  const updated = magentoTime(updatedAt);
  const items: Record<string, unknown>[] = [];
  for (const line of lines) {
    const parent = line.rows[0]!;
    line.rows.forEach((r, ri) => {
      const a = ord.rows.get(r);
      const b = base.rows.get(r);
      const rate = a?.rate ?? rates[r.taxClass];
      const it = r.item;
      Object.assign(it, {
        order_id: entityId,
        quote_item_id: (it.item_id as number) + 5000,
        store_id: store.id,
        created_at: created,
        updated_at: updated,
        is_virtual: r.isVirtual ? 1 : 0,
        is_qty_decimal: 0,
        no_discount: 0,
        free_shipping: 0,
        qty_ordered: r.qty,
        qty_invoiced: 0,
        qty_shipped: 0,
        qty_refunded: 0,
        qty_canceled: 0,
        qty_backordered: 0,
        qty_returned: 0,
        weight: r.weight,
        row_weight: Math.round(r.weight * r.qty * 1000) / 1000,
        price: m(a?.unit ?? 0),
        base_price: m(b?.unit ?? 0),
        original_price: m(a?.unit ?? 0),
        base_original_price: m(b?.unit ?? 0),
        price_incl_tax: m(a ? a.unit + pct(a.unit, rate) : 0),
        base_price_incl_tax: m(b ? b.unit + pct(b.unit, rate) : 0),
        row_total: m(a?.rowTotal ?? 0),
        base_row_total: m(b?.rowTotal ?? 0),
        row_total_incl_tax: m(a ? a.rowTotal + a.taxBefore : 0),
        base_row_total_incl_tax: m(b ? b.rowTotal + b.taxBefore : 0),
        tax_percent: a ? rate : 0,
        tax_amount: m(a?.tax ?? 0),
        base_tax_amount: m(b?.tax ?? 0),
        tax_before_discount: m(a?.taxBefore ?? 0),
        base_tax_before_discount: m(b?.taxBefore ?? 0),
        discount_amount: m(a?.discount ?? 0),
        base_discount_amount: m(b?.discount ?? 0),
        discount_percent: a && coupon?.kind === 'percent' ? coupon.value : 0,
        discount_tax_compensation_amount: 0,
        base_discount_tax_compensation_amount: 0,
        amount_refunded: 0,
        base_amount_refunded: 0,
        row_invoiced: 0,
        base_row_invoiced: 0,
        tax_invoiced: 0,
        base_tax_invoiced: 0,
        discount_invoiced: 0,
        base_discount_invoiced: 0,
        tax_canceled: 0,
        tax_refunded: 0,
        base_tax_refunded: 0,
        discount_refunded: 0,
        base_discount_refunded: 0,
        base_cost: 0,
      });
      if (a && coupon && coupon.kind !== 'freeshipping') it.applied_rule_ids = String(coupon.ruleId);
      if (ri > 0) {
        it.parent_item_id = parent.item.item_id;
        it.parent_item = parent.item;
      }
      items.push(it);
    });
  }
  const visible = lines.map((l) => l.rows[0]!);
  const itemAppliedTaxes: Record<string, unknown>[] = [];
  for (const [r, a] of ord.rows) {
    if (a.rate <= 0) continue;
    const code = `${cust.country_id}-${a.rate}`;
    itemAppliedTaxes.push({
      type: 'product',
      item_id: r.item.item_id,
      associated_item_id: null,
      applied_taxes: [
        { code, title: code, percent: a.rate, amount: m(a.tax), base_amount: m(base.rows.get(r)!.tax) },
      ],
    });
  }
  if (ord.shipping > 0 && ord.shippingRate > 0) {
    const code = `${cust.country_id}-${ord.shippingRate}`;
    itemAppliedTaxes.push({
      type: 'shipping',
      item_id: null,
      associated_item_id: null,
      applied_taxes: [
        {
          code,
          title: code,
          percent: ord.shippingRate,
          amount: m(ord.shippingTax),
          base_amount: m(base.shippingTax),
        },
      ],
    });
  }
  const appliedTaxes = [...ord.taxByRate.entries()].map(([rate, amount]) => ({
    code: `${cust.country_id}-${rate}`,
    title: `${cust.country_id}-${rate}`,
    percent: rate,
    amount: m(amount),
    base_amount: m(base.taxByRate.get(rate) ?? 0),
  }));

  const address = (p: Person, type: 'billing' | 'shipping', id: number): Record<string, unknown> => {
    const a: Record<string, unknown> = {
      address_type: type,
      entity_id: id,
      parent_id: entityId,
      firstname: p.firstname,
      lastname: p.lastname,
      street: p.street,
      city: p.city,
      postcode: p.postcode,
      country_id: p.country_id,
      telephone: p.telephone,
      email: cust.email,
    };
    if (p.company) a.company = p.company;
    if (p.vat_id) a.vat_id = p.vat_id;
    if (p.region) Object.assign(a, { region: p.region, region_code: p.region_code, region_id: p.region_id });
    if (!guest) {
      a.customer_id = 1000 + cust.index;
      a.customer_address_id = (1000 + cust.index) * 10 + (p === cust ? 1 : 2);
    }
    return a;
  };

  const payment: Record<string, unknown> = {
    entity_id: entityId,
    parent_id: entityId,
    method: finalMethod,
    account_status: null,
    cc_last4: finalMethod === 'braintree' ? ccLast4 : null,
    additional_information: [paymentTitles[finalMethod] ?? finalMethod, ''],
    amount_ordered: m(ord.grand),
    base_amount_ordered: m(base.grand),
    shipping_amount: m(ord.shipping),
    base_shipping_amount: m(base.shipping),
  };
  if (finalMethod === 'braintree') {
    Object.assign(payment, {
      cc_type: ccType,
      cc_exp_month: '12',
      cc_exp_year: '2029',
      last_trans_id: transactionId.toLowerCase().slice(0, 8),
      cc_trans_id: transactionId.toLowerCase().slice(0, 8),
    });
    payment.additional_information = [paymentTitles.braintree!];
  }
  if (finalMethod === 'paypal_express') Object.assign(payment, { last_trans_id: transactionId });
  if (finalMethod === 'purchaseorder') payment.po_number = poNumber;
  if (finalMethod === 'banktransfer') payment.additional_information = ['Bank Transfer Payment', ''];
  if (finalMethod === 'checkmo') payment.additional_information = ['Check / Money order', ''];

  const order: Record<string, unknown> = {
    entity_id: entityId,
    increment_id: head.increment_id,
    state: head.state,
    status,
    store_id: store.id,
    store_name: storeName(store.id),
    created_at: created,
    updated_at: updated,
    is_virtual: isVirtual ? 1 : 0,
    protect_code: protectCode,
    quote_id: entityId + 5000,
    remote_ip: remoteIp,
    email_sent: 1,
    customer_email: cust.email,
    customer_firstname: cust.firstname,
    customer_lastname: cust.lastname,
    customer_is_guest: guest ? 1 : 0,
    customer_group_id: guest ? 0 : cust.isCompany ? 2 : 1,
    customer_note_notify: 1,
    order_currency_code: store.orderCurrency,
    base_currency_code: store.baseCurrency,
    global_currency_code: store.baseCurrency,
    store_currency_code: store.baseCurrency,
    base_to_order_rate: store.baseToOrderRate,
    base_to_global_rate: 1,
    store_to_base_rate: 0,
    store_to_order_rate: 0,
    subtotal: m(ord.subtotal),
    base_subtotal: m(base.subtotal),
    subtotal_incl_tax: m(ord.subtotalIncl),
    base_subtotal_incl_tax: m(base.subtotalIncl),
    discount_amount: -m(ord.discount),
    base_discount_amount: -m(base.discount),
    shipping_amount: m(ord.shipping),
    base_shipping_amount: m(base.shipping),
    shipping_tax_amount: m(ord.shippingTax),
    base_shipping_tax_amount: m(base.shippingTax),
    shipping_incl_tax: m(ord.shipping + ord.shippingTax),
    base_shipping_incl_tax: m(base.shipping + base.shippingTax),
    shipping_discount_amount: 0,
    base_shipping_discount_amount: 0,
    discount_tax_compensation_amount: 0,
    base_discount_tax_compensation_amount: 0,
    shipping_discount_tax_compensation_amount: 0,
    tax_amount: m(ord.tax),
    base_tax_amount: m(base.tax),
    grand_total: m(ord.grand),
    base_grand_total: m(base.grand),
    total_item_count: visible.length,
    total_qty_ordered: sum(visible.map((r) => r.qty)),
    base_total_qty_ordered: sum(visible.map((r) => r.qty)),
    weight: Math.round(sum(visible.filter((r) => !r.isVirtual).map((r) => r.weight * r.qty)) * 1000) / 1000,
    billing_address_id: entityId * 2 - 1,
    items,
    billing_address: address(cust, 'billing', entityId * 2 - 1),
    payment,
    status_histories: [] as Record<string, unknown>[],
  };
  if (!guest) {
    order.customer_id = 1000 + cust.index;
    if (cust.vat_id) order.customer_taxvat = cust.vat_id;
  }
  if (coupon) {
    order.coupon_code = coupon.code;
    order.discount_description = coupon.description;
    order.applied_rule_ids = String(coupon.ruleId);
  }
  if (!isVirtual) order.shipping_description = ship.description;
  const ext: Record<string, unknown> = {
    applied_taxes: appliedTaxes,
    item_applied_taxes: itemAppliedTaxes,
    converting_from_quote: false,
    payment_additional_info: [{ key: 'method_title', value: paymentTitles[finalMethod] ?? finalMethod }],
  };
  if (!isVirtual) {
    ext.shipping_assignments = [
      {
        shipping: {
          address: address(shippingAddr, 'shipping', entityId * 2),
          method: ship.method,
          total: {
            shipping_amount: m(ord.shipping),
            base_shipping_amount: m(base.shipping),
            shipping_incl_tax: m(ord.shipping + ord.shippingTax),
            base_shipping_incl_tax: m(base.shipping + base.shippingTax),
            shipping_tax_amount: m(ord.shippingTax),
            base_shipping_tax_amount: m(base.shippingTax),
            shipping_discount_amount: 0,
            base_shipping_discount_amount: 0,
          },
        },
        items,
        stock_id: 1,
      },
    ];
  }
  order.extension_attributes = ext;
  const result = order as MagentoOrder;
  const finalStatus = override?.status ?? status;
  const finalState = override ? (override.state ?? stateOfStatus[override.status] ?? head.state) : head.state;
  applyOrderState(result, finalState, finalStatus, { holdBeforeState, online });
  return result;
}

/**
 * Sets every state-dependent amount of an order the way Magento does after the invoice, shipment,
 * credit memo or cancellation that leads to this state. Works on a freshly generated (unpaid) order.
 */
export function applyOrderState(order: MagentoOrder, state: string, status: string, draws: OrderDraws): void {
  const o = order as Record<string, unknown>;
  const items = (o.items as Record<string, unknown>[]) ?? [];
  const payment = (o.payment as Record<string, unknown>) ?? {};
  const grand = o.grand_total as number;
  const baseGrand = o.base_grand_total as number;
  o.state = state;
  o.status = status;
  const effective = state === 'holded' ? draws.holdBeforeState : state;
  if (state === 'holded') {
    o.hold_before_state = draws.holdBeforeState;
    o.hold_before_status = draws.holdBeforeState === 'new' ? 'pending' : 'processing';
  }
  const invoiced =
    ['processing', 'complete', 'closed'].includes(effective) || (state === 'payment_review' && false);
  const shipped = effective === 'complete' || effective === 'closed';
  const refunded = effective === 'closed';
  const canceled = effective === 'canceled';
  const copy = (prefix: string) => {
    o[`${prefix}paid`] = grand;
    o[`base_${prefix}paid`] = baseGrand;
  };
  if (invoiced) {
    copy('total_');
    o.total_invoiced = grand;
    o.base_total_invoiced = baseGrand;
    o.subtotal_invoiced = o.subtotal;
    o.base_subtotal_invoiced = o.base_subtotal;
    o.tax_invoiced = o.tax_amount;
    o.base_tax_invoiced = o.base_tax_amount;
    o.shipping_invoiced = o.shipping_amount;
    o.base_shipping_invoiced = o.base_shipping_amount;
    o.discount_invoiced = o.discount_amount;
    o.base_discount_invoiced = o.base_discount_amount;
    o.total_due = 0;
    o.base_total_due = 0;
    payment.amount_paid = grand;
    payment.base_amount_paid = baseGrand;
    payment.shipping_captured = o.shipping_amount;
    payment.base_shipping_captured = o.base_shipping_amount;
    if (draws.online) {
      payment.amount_authorized = grand;
      payment.base_amount_authorized = baseGrand;
      payment.base_amount_paid_online = baseGrand;
    }
    for (const it of items) {
      it.qty_invoiced = it.qty_ordered;
      it.row_invoiced = it.row_total;
      it.base_row_invoiced = it.base_row_total;
      it.tax_invoiced = it.tax_amount;
      it.base_tax_invoiced = it.base_tax_amount;
      it.discount_invoiced = it.discount_amount;
      it.base_discount_invoiced = it.base_discount_amount;
    }
  } else if (!canceled) {
    o.total_due = grand;
    o.base_total_due = baseGrand;
    if (draws.online && (state === 'payment_review' || state === 'pending_payment')) {
      payment.amount_authorized = grand;
      payment.base_amount_authorized = baseGrand;
    }
  }
  if (shipped) for (const it of items) if (!it.is_virtual) it.qty_shipped = it.qty_ordered;
  if (refunded) {
    o.total_refunded = grand;
    o.base_total_refunded = baseGrand;
    o[draws.online ? 'total_online_refunded' : 'total_offline_refunded'] = grand;
    o[draws.online ? 'base_total_online_refunded' : 'base_total_offline_refunded'] = baseGrand;
    o.subtotal_refunded = o.subtotal;
    o.base_subtotal_refunded = o.base_subtotal;
    o.tax_refunded = o.tax_amount;
    o.base_tax_refunded = o.base_tax_amount;
    o.shipping_refunded = o.shipping_amount;
    o.base_shipping_refunded = o.base_shipping_amount;
    o.discount_refunded = o.discount_amount;
    o.base_discount_refunded = o.base_discount_amount;
    payment.amount_refunded = grand;
    payment.base_amount_refunded = baseGrand;
    for (const it of items) {
      it.qty_refunded = it.qty_ordered;
      it.amount_refunded = it.row_total;
      it.base_amount_refunded = it.base_row_total;
      it.tax_refunded = it.tax_amount;
      it.base_tax_refunded = it.base_tax_amount;
      it.discount_refunded = it.discount_amount;
      it.base_discount_refunded = it.base_discount_amount;
    }
  }
  if (canceled) {
    o.total_canceled = grand;
    o.base_total_canceled = baseGrand;
    o.subtotal_canceled = o.subtotal;
    o.base_subtotal_canceled = o.base_subtotal;
    o.tax_canceled = o.tax_amount;
    o.base_tax_canceled = o.base_tax_amount;
    o.shipping_canceled = o.shipping_amount;
    o.base_shipping_canceled = o.base_shipping_amount;
    o.discount_canceled = o.discount_amount;
    o.base_discount_canceled = o.base_discount_amount;
    payment.amount_canceled = grand;
    payment.base_amount_canceled = baseGrand;
    for (const it of items) it.qty_canceled = it.qty_ordered;
  }
  o.status_histories = statusHistory(order, invoiced, draws.online, status);
}

function statusHistory(
  order: MagentoOrder,
  invoiced: boolean,
  online: boolean,
  status: string,
): Record<string, unknown>[] {
  const o = order as Record<string, unknown>;
  const id = o.entity_id as number;
  const out: Record<string, unknown>[] = [];
  const h = (n: number, st: string, comment: string | null, at: string) => ({
    entity_id: id * 10 + n,
    parent_id: id,
    entity_name: n === 1 ? 'invoice' : 'order',
    status: st,
    comment,
    is_customer_notified: n === 0 ? 1 : 0,
    is_visible_on_front: 0,
    created_at: at,
  });
  const trans = (o.payment as Record<string, unknown>)?.last_trans_id;
  if (invoiced && online) {
    out.push(
      h(
        1,
        'processing',
        `Captured amount of ${o.order_currency_code} ${(o.grand_total as number).toFixed(2)} online. Transaction ID: "${trans}"`,
        o.created_at as string,
      ),
    );
  }
  if (status !== 'pending' && status !== 'processing') out.push(h(2, status, null, o.updated_at as string));
  // Magento lists the newest first
  return out.reverse();
}

/** Generates `count` orders deterministically from `seed` (same input, same orders). */
export function generateMagentoOrders(opts: GenerateOrdersOptions): MagentoOrder[] {
  const o = resolveOptions(opts);
  const out: MagentoOrder[] = [];
  for (let i = 0; i < o.count; i++) out.push(generateOrderAt(o, i));
  return out;
}

/** The hidden draws of an order generated by generateOrderAt (for re-deriving a changed status). */
export function drawsOf(order: MagentoOrder): OrderDraws {
  const o = order as Record<string, unknown>;
  const method = (o.payment as Record<string, unknown> | undefined)?.method as string | undefined;
  return {
    holdBeforeState: (o.hold_before_state as 'new' | 'processing' | undefined) ?? 'new',
    online: method ? onlinePaymentMethods.has(method) : false,
  };
}
