import { mapAddress } from './address';
import type { Lookups, PlentyLookups } from './lookups';
import type { MagentoOrder, MagentoOrderItem } from './magento-order';
import {
  type Cents,
  centsToDecimal,
  formatCents,
  isWholeQty,
  lineTotal,
  type Qty4,
  qty4ToNumber,
  rateKey,
  rateToBasisPoints,
  sumCents,
  toCents,
  toQty4,
  unitPriceFor,
  vatOfGross,
} from './money';
import type {
  PlentyAddressCreate,
  PlentyContactCreate,
  PlentyOrderCreate,
  PlentyOrderItem,
  PlentyPaymentCreate,
  PlentyProperty,
} from './plenty-payloads';
import type { EffectiveSettings } from './settings';

/**
 * Magento order → the plan of Plenty calls that books it (pure: no I/O).
 *
 * MONEY. Every amount is converted to integer cents once and only summed as integers. Each booked
 * Magento row becomes one Plenty line whose gross (qty × (priceOriginalGross − discount)) is the
 * row's gross after discount: row_total + tax_amount + discount_tax_compensation_amount −
 * discount_amount. That is exactly how Magento builds grand_total (subtotal + tax + hidden tax +
 * shipping + discount), so the lines add up to grand_total by construction; a final check refuses
 * the order if they don't (gift cards, store credit and other deductions we don't book).
 *
 * DISCOUNTS go on the lines (amounts[].discount, absolute per unit), not on a promotional-coupon
 * line. Magento spreads a cart discount over the rows and reduces each row's tax at the row's own
 * rate; one coupon line carries one VAT rate, so with 7 % and 19 % rows in one cart a coupon line
 * would move VAT from one rate to the other and Plenty's VAT per rate would no longer match
 * Magento's invoice. Line discounts book the discount at the rate it was granted at, keep the
 * original price visible (priceOriginalGross) and need no coupon set up in Plenty. The coupon code
 * is still recorded as order property 18 for reference.
 *
 * ROUNDING LINES. A row gross that qty × unit price in whole cents cannot express (100.00 after
 * discount over 3 units: 3 × 33.33 = 99.99) leaves a residual of a few cents; Magento's own
 * order-level rounding can leave the sum of rows a cent away from grand_total. Residuals are
 * collected per VAT rate and booked as one unassigned-variation line (type 9, qty 1, named
 * "Rounding difference") per rate, at that rate, so the gross adds up to the cent and VAT per rate
 * moves by less than a cent. A gap larger than one cent per line is not rounding: the order is
 * skipped with the amounts.
 */

export interface ExportPlan {
  magentoOrderId: number;
  incrementId: string;
  plentyId: number;
  language: string;
  referrerId: number;
  /** mapped Plenty status */
  statusId: number;
  /** customer e-mail (contact lookup key) */
  email: string | null;
  /** null → guest order: createCustomer is off, no contact */
  contact: PlentyContactCreate | null;
  billingAddress: PlentyAddressCreate;
  /** null → same as billing (one address id used for both relations) */
  deliveryAddress: PlentyAddressCreate | null;
  /**
   * WITHOUT addressRelations and contact relations: the exporter adds { typeId: 1/2, addressId }
   * and { referenceType: 'contact', referenceId, relation: 'receiver' } with the ids it got
   */
  order: PlentyOrderCreate;
  /** null → no payment to create (global or per-method flag off, or order unpaid) */
  payment: {
    mopId: number;
    createPayment: true;
    transactionId: string | null;
    payload: PlentyPaymentCreate;
  } | null;
  paymentStatus: PaymentStatus;
  /** for checks/logging */
  totals: PlanTotals;
  /** things the admin may want to know that do not stop the export (e.g. VAT off by more than a cent) */
  warnings: string[];
}

export type PaymentStatus = 'unpaid' | 'partlyPaid' | 'fullyPaid' | 'overpaid';

export interface PlanTotals {
  /** sum of the plan's line gross amounts = Magento grand_total − shippingExcludedCents */
  grossCents: number;
  currency: string;
  /** VAT per rate as Plenty computes it from the lines: rate key ("19", "7.7") → cents */
  vatByRate: Record<string, number>;
  /** Magento's applied taxes per rate (extension_attributes.applied_taxes), for comparison */
  magentoVatByRate: Record<string, number>;
  /** Magento grand_total in cents */
  grandTotalCents: number;
  /** sum of the rounding lines */
  roundingCents: number;
  /** shipping costs not booked because shipping.createShipment is off */
  shippingExcludedCents: number;
  /** payment amount in cents (amount_paid), 0 when unpaid */
  paidCents: number;
}

export type MapResult = { ok: true; plan: ExportPlan } | { ok: false; reason: string };

export interface BuildExportPlanInput {
  order: MagentoOrder;
  settings: EffectiveSettings;
  lookups: Lookups;
  /** SKU → Plenty variation id, for the SKUs of `requiredSkus(order)` the exporter could resolve */
  variations: ReadonlyMap<string, number>;
}

export const ROUNDING_LINE_NAME = 'Rounding difference';
export const DEFAULT_SHIPPING_LINE_NAME = 'Shipping costs';

// ---------------------------------------------------------------------------------------------
// eligibility, status

export function isEligible(
  order: MagentoOrder,
  settings: EffectiveSettings,
): { eligible: true } | { eligible: false; reason: string } {
  if (!settings.export.enabled)
    return { eligible: false, reason: 'order export is disabled (export.enabled is off)' };
  const statuses = settings.orderStatus.processStatuses;
  if (statuses.length > 0 && !statuses.includes(order.status ?? '')) {
    return {
      eligible: false,
      reason: `order status "${order.status ?? ''}" is not among the statuses to export (${statuses.join(', ')})`,
    };
  }
  if (!settings.store.storeMapping.some((r) => r.magentoStoreId === order.store_id)) {
    return { eligible: false, reason: `store view ${order.store_id} is not mapped: add it to store mapping` };
  }
  return { eligible: true };
}

export function mapOrderStatus(magentoStatus: string, settings: EffectiveSettings): number | null {
  return (
    settings.orderStatus.statusMapping.find((r) => r.magentoStatus === magentoStatus)?.plentyStatusId ?? null
  );
}

// ---------------------------------------------------------------------------------------------
// items

export type BookedRowRole = 'simple' | 'configurable' | 'bundle-fixed' | 'bundle-child';

export interface BookedRow {
  item: MagentoOrderItem;
  role: BookedRowRole;
}

function cents(v: number | null | undefined): Cents {
  return toCents(v ?? 0);
}

/**
 * A row that adds to grand_total: a row total or tax. A `price` alone does not count (children of a
 * fixed-price bundle may show their selection price with a row total of 0; Magento charged the parent).
 */
function rowHasMoney(item: MagentoOrderItem): boolean {
  return cents(item.row_total) !== 0 || cents(item.tax_amount) !== 0;
}

/**
 * The Magento rows that become Plenty lines, each counted once:
 * - configurable: the parent row (it carries the chosen child's SKU and the money); the child row is skipped,
 *   unless the parent carries no money and the child does (seen with some price/tax extensions):
 *   then the child row is booked instead (same SKU), never both;
 * - bundle with dynamic price: the children carry the prices → children booked, parent not;
 *   bundle with fixed price: the parent carries it → parent booked, children (at 0) not;
 *   (dynamic = any child row has a price, row total or tax; Magento's product_calculations flag is
 *   not in the REST shape);
 * - everything else (simple, virtual, downloadable, grouped rows, unknown types) as it is.
 * Rows with a quantity of 0 are not booked.
 */
export function bookedRows(order: MagentoOrder): BookedRow[] {
  const byId = new Map(order.items.map((i) => [i.item_id, i]));
  const children = new Map<number, MagentoOrderItem[]>();
  for (const i of order.items) {
    if (i.parent_item_id != null) {
      const list = children.get(i.parent_item_id) ?? [];
      list.push(i);
      children.set(i.parent_item_id, list);
    }
  }
  const dynamicBundle = (bundleId: number) => (children.get(bundleId) ?? []).some(rowHasMoney);
  /** a configurable parent without money whose child carries it: the child is booked */
  const pricedByChild = (parentId: number) => {
    const parent = byId.get(parentId);
    return parent !== undefined && !rowHasMoney(parent) && (children.get(parentId) ?? []).some(rowHasMoney);
  };
  const out: BookedRow[] = [];
  for (const item of order.items) {
    if (toQty4(item.qty_ordered) <= 0) continue;
    const parent = item.parent_item_id != null ? byId.get(item.parent_item_id) : undefined;
    const parentType =
      parent?.product_type ?? (item.parent_item_id != null ? item.parent_item?.product_type : undefined);
    if (item.parent_item_id != null && parentType === 'configurable') {
      if (pricedByChild(item.parent_item_id) && rowHasMoney(item)) out.push({ item, role: 'configurable' });
      continue;
    }
    if (item.product_type === 'configurable' && pricedByChild(item.item_id)) continue;
    if (item.parent_item_id != null && parentType === 'bundle') {
      if (dynamicBundle(item.parent_item_id)) out.push({ item, role: 'bundle-child' });
      continue;
    }
    if (item.product_type === 'bundle') {
      if (!dynamicBundle(item.item_id)) out.push({ item, role: 'bundle-fixed' });
      continue;
    }
    out.push({ item, role: item.product_type === 'configurable' ? 'configurable' : 'simple' });
  }
  return out;
}

/** SKUs the exporter must resolve to Plenty variation ids (booked rows only, first occurrence order) */
export function requiredSkus(order: MagentoOrder): string[] {
  return [...new Set(bookedRows(order).map((r) => r.item.sku))];
}

// ---------------------------------------------------------------------------------------------
// VAT

interface VatSlot {
  countryVatId: number;
  vatField: number;
  rate: number;
}

type VatConfig = PlentyLookups['vat'][number];

function findRate(config: VatConfig, rate: number): VatSlot | null {
  const bp = rateToBasisPoints(rate);
  let best: VatConfig['rates'][number] | null = null;
  for (const r of config.rates) {
    if (rateToBasisPoints(r.rate) === bp && (best === null || r.id < best.id)) best = r;
  }
  return best ? { countryVatId: config.id, vatField: best.id, rate: best.rate } : null;
}

/** the VAT configuration of the delivery country (lowest id when there are several) */
function vatConfigFor(countryId: number, vat: PlentyLookups['vat']): VatConfig | null {
  let best: VatConfig | null = null;
  for (const c of vat) if (c.countryId === countryId && (best === null || c.id < best.id)) best = c;
  return best;
}

/**
 * Territories without a VAT administration of their own that belong to a neighbour's VAT area:
 * Liechtenstein applies Swiss VAT (customs and VAT treaty with Switzerland; Swiss VAT numbers
 * CHE-… cover it), Monaco French VAT, the Isle of Man UK VAT. A merchant registers for VAT in the
 * neighbour country, so Plenty holds that country's configuration and no configuration of its
 * own for the territory. Used only when the territory has no configuration of its own.
 */
export const VAT_AREA_OF: Readonly<Record<string, string>> = { LI: 'CH', MC: 'FR', IM: 'GB' };

function vatAreaConfigFor(deliveryIso: string, plenty: PlentyLookups): VatConfig | null {
  const areaIso = VAT_AREA_OF[deliveryIso];
  if (!areaIso) return null;
  const ids = plenty.countries.filter((c) => c.isoCode2.toUpperCase() === areaIso).map((c) => c.id);
  if (ids.length === 0) return null;
  return vatConfigFor(Math.min(...ids), plenty.vat);
}

/** a row's tax percent: tax_percent, else derived from tax_amount / row_total (rounded to 0.01 %) */
function itemRate(item: MagentoOrderItem): number {
  if (item.tax_percent != null) return item.tax_percent;
  const tax = cents(item.tax_amount);
  const net = cents(item.row_total) - cents(item.discount_amount);
  if (tax === 0 || net <= 0) return 0;
  return Math.round((tax * 10_000) / net) / 100;
}

// ---------------------------------------------------------------------------------------------
// currency

export type ExchangeRateResult =
  | { ok: true; isSystemCurrency: boolean; exchangeRate: number; source: 'system' | 'magento' | 'plenty' }
  | { ok: false; reason: string };

/**
 * The exchange rate Plenty books an order in `currency` with. Direction (Plenty's and Magento's
 * alike): units of the order currency per 1 unit of the system currency; Plenty converts an
 * amount to the system currency as amount / rate.
 * - the system currency: 1;
 * - Magento's base currency is the system currency: Magento's base_to_order_rate, the rate the
 *   customer was actually charged at (base → order = system → order);
 * - otherwise (a USD or CHF base store on an EUR Plenty, or no base_to_order_rate): Plenty's own
 *   rate for the order currency (Setup » Orders » Payment » Currencies, from the lookups);
 * - neither: the order is skipped, naming the currency to add in Plenty.
 */
export function exchangeRateFor(
  order: Pick<MagentoOrder, 'base_currency_code' | 'base_to_order_rate'>,
  currency: string,
  plenty: Pick<PlentyLookups, 'systemCurrency' | 'currencies'>,
): ExchangeRateResult {
  const systemCurrency = plenty.systemCurrency.toUpperCase();
  if (currency === systemCurrency) {
    return { ok: true, isSystemCurrency: true, exchangeRate: 1, source: 'system' };
  }
  const base = nonEmpty(order.base_currency_code)?.toUpperCase();
  const magentoRate = order.base_to_order_rate;
  if (base === systemCurrency && magentoRate != null && Number.isFinite(magentoRate) && magentoRate > 0) {
    return { ok: true, isSystemCurrency: false, exchangeRate: magentoRate, source: 'magento' };
  }
  const plentyRate = (plenty.currencies ?? []).find(
    (c) => c.currency.toUpperCase() === currency,
  )?.exchangeRate;
  if (plentyRate != null && Number.isFinite(plentyRate) && plentyRate > 0) {
    return { ok: true, isSystemCurrency: false, exchangeRate: plentyRate, source: 'plenty' };
  }
  const magentoToo = base === systemCurrency ? ' and the Magento order has no base_to_order_rate' : '';
  return {
    ok: false,
    reason: `Plenty has no exchange rate for ${currency}${magentoToo}: add the currency in Plenty (Setup » Orders » Payment » Currencies), then refresh the lookups`,
  };
}

// ---------------------------------------------------------------------------------------------
// helpers

function utcToW3c(magentoDate: string | null | undefined): string | null {
  if (!magentoDate) return null;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]00:?00)?$/.exec(magentoDate.trim());
  if (!m) return null;
  const iso = `${m[1]}T${m[2]}+00:00`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}

function nonEmpty(v: string | null | undefined): string | null {
  if (v == null) return null;
  const t = v.trim();
  return t === '' ? null : t;
}

function genderOf(order: MagentoOrder): 'female' | 'male' | undefined {
  return order.customer_gender === 1 ? 'male' : order.customer_gender === 2 ? 'female' : undefined;
}

function shippingAssignment(order: MagentoOrder) {
  return order.extension_attributes?.shipping_assignments?.[0]?.shipping ?? null;
}

function paymentStatusOf(paid: Cents, total: Cents): PaymentStatus {
  // nothing to pay (100 % discount, free items): settled, not waiting for a payment
  if (total <= 0 && paid >= total) return paid > total ? 'overpaid' : 'fullyPaid';
  if (paid <= 0) return 'unpaid';
  if (paid < total) return 'partlyPaid';
  if (paid === total) return 'fullyPaid';
  return 'overpaid';
}

function quote(list: string[]): string {
  return list.map((s) => `"${s}"`).join(', ');
}

interface DraftLine {
  typeId: PlentyOrderItem['typeId'];
  variationId?: number;
  name: string;
  qty: Qty4;
  unit: Cents;
  discount: Cents;
  vat: VatSlot;
}

function draftGross(l: DraftLine): Cents {
  return lineTotal(l.qty, l.unit - l.discount);
}

// ---------------------------------------------------------------------------------------------
// the plan

export function buildExportPlan(input: BuildExportPlanInput): MapResult {
  const { order, settings, lookups, variations } = input;
  const skip = (reason: string): MapResult => ({ ok: false, reason });
  const warnings: string[] = [];

  // -- configuration ------------------------------------------------------------------------
  const eligible = isEligible(order, settings);
  if (!eligible.eligible) return skip(eligible.reason);
  const store = settings.store.storeMapping.find((r) => r.magentoStoreId === order.store_id)!;
  const referrerId = settings.store.referrerId;

  const statusId = mapOrderStatus(order.status ?? '', settings);
  if (statusId === null) {
    return skip(`order status "${order.status ?? ''}" is not mapped: add it to order status mapping`);
  }

  const method = nonEmpty(order.payment?.method);
  if (!method) return skip('order has no payment method');
  const mop = settings.payment.methodMapping.find((r) => r.magentoMethod === method);
  if (!mop) return skip(`payment method "${method}" is not mapped: add it to payment method mapping`);

  const warehouseId = settings.warehouse.mainWarehouseId;
  if (warehouseId === null) return skip('no main warehouse: set warehouse.mainWarehouseId');

  const shipping = shippingAssignment(order);
  const shippingMethod = nonEmpty(shipping?.method);
  let shippingProfileId: number | null = null;
  if (settings.shipping.createShipment) {
    shippingProfileId =
      (shippingMethod
        ? settings.shipping.methodMapping.find((r) => r.magentoMethod === shippingMethod)
            ?.plentyShippingProfileId
        : undefined) ?? settings.shipping.defaultShippingProfileId;
    if (shippingProfileId === null) {
      return skip(
        `no shipping profile for shipping method "${shippingMethod ?? ''}" and no default shipping profile: set shipping.defaultShippingProfileId`,
      );
    }
  }

  const entryDate = utcToW3c(order.created_at);
  if (!entryDate)
    return skip(`order created_at "${order.created_at ?? ''}" is missing or not a Magento date`);

  // -- currency -----------------------------------------------------------------------------
  const currency = nonEmpty(order.order_currency_code)?.toUpperCase() ?? null;
  if (!currency || !/^[A-Z]{3}$/.test(currency)) {
    return skip(`order currency "${order.order_currency_code ?? ''}" is not an ISO 4217 currency code`);
  }
  const currencyRate = exchangeRateFor(order, currency, lookups.plenty);
  if (!currencyRate.ok) return skip(currencyRate.reason);
  const { isSystemCurrency, exchangeRate } = currencyRate;

  // -- items --------------------------------------------------------------------------------
  const rows = bookedRows(order);
  if (rows.length === 0) return skip('order has no items');
  // partly canceled before export (Magento cancels what was not invoiced, grand_total keeps the
  // full amount): booking qty_ordered would bill and ship the canceled goods
  const canceled = rows.filter((r) => toQty4(r.item.qty_canceled ?? 0) > 0);
  const fullyCanceled = rows.every((r) => toQty4(r.item.qty_canceled ?? 0) >= toQty4(r.item.qty_ordered));
  if (canceled.length > 0 && !fullyCanceled) {
    const what = canceled
      .map(
        (r) =>
          `SKU "${r.item.sku}" ${qty4ToNumber(toQty4(r.item.qty_canceled ?? 0))} of ${qty4ToNumber(toQty4(r.item.qty_ordered))}`,
      )
      .join(', ');
    const amount = cents(order.total_canceled);
    return skip(
      `order is partly canceled in Magento (${what} canceled${amount !== 0 ? `, ${formatCents(amount, currency)}` : ''}): only the invoiced part was sold, and partly canceled orders are not exported: book it in Plenty by hand`,
    );
  }
  const unknown = [...new Set(rows.map((r) => r.item.sku).filter((sku) => !variations.has(sku)))];
  if (unknown.length > 0 && settings.item.unknownSku === 'skip') {
    return skip(
      unknown.length === 1
        ? `SKU "${unknown[0]}" has no variation in Plenty: create it, or set item.unknownSku to "unassigned"`
        : `SKUs ${quote(unknown)} have no variation in Plenty: create them, or set item.unknownSku to "unassigned"`,
    );
  }

  // -- addresses ----------------------------------------------------------------------------
  const email = nonEmpty(order.customer_email);
  if (!order.billing_address) return skip('billing address is missing');
  const gender = genderOf(order);
  const billing = mapAddress(order.billing_address, 'billing address', {
    countries: lookups.plenty.countries,
    email,
    ...(gender ? { gender } : {}),
  });
  if (!billing.ok) return skip(billing.reason);
  let delivery: PlentyAddressCreate | null = null;
  let deliveryIso = billing.countryIso2;
  let deliveryCountryId = billing.address.countryId;
  if (shipping?.address) {
    const mapped = mapAddress(shipping.address, 'shipping address', {
      countries: lookups.plenty.countries,
      email,
    });
    if (!mapped.ok) return skip(mapped.reason);
    deliveryIso = mapped.countryIso2;
    deliveryCountryId = mapped.address.countryId;
    // same person at the same place → one address id for both relations
    const { gender: _g, ...billingNoGender } = billing.address;
    if (JSON.stringify(billingNoGender) !== JSON.stringify(mapped.address)) delivery = mapped.address;
  }

  // -- VAT ----------------------------------------------------------------------------------
  let vatConfig =
    vatConfigFor(deliveryCountryId, lookups.plenty.vat) ?? vatAreaConfigFor(deliveryIso, lookups.plenty);
  const allRatesZero =
    rows.every((r) => rateToBasisPoints(itemRate(r.item)) === 0) && cents(order.shipping_tax_amount) === 0;
  if (!vatConfig && allRatesZero) {
    // export outside the VAT area (US, CH ...): Plenty books it on a configuration that has 0 %
    vatConfig =
      [...lookups.plenty.vat].sort((a, b) => a.id - b.id).find((c) => findRate(c, 0) !== null) ?? null;
  }
  if (!vatConfig) {
    return skip(
      `Plenty has no VAT configuration for delivery country ${deliveryIso}: add one in Plenty, then refresh the lookups`,
    );
  }
  const config = vatConfig;
  const slotFor = (rate: number, what: string): VatSlot | { reason: string } =>
    findRate(config, rate) ?? {
      reason: `VAT rate ${rateKey(rate)}% (${what}) is not in Plenty's VAT configuration for ${deliveryIso} (countryVatId ${config.id})`,
    };

  const baseProps = (): PlentyProperty[] => [{ typeId: 1, value: String(warehouseId) }];
  const lines: DraftLine[] = [];
  /** residual cents per VAT slot key */
  const residuals = new Map<string, { slot: VatSlot; cents: Cents }>();
  const addResidual = (slot: VatSlot, c: Cents) => {
    if (c === 0) return;
    const key = `${slot.countryVatId}:${slot.vatField}`;
    const cur = residuals.get(key) ?? { slot, cents: 0 };
    cur.cents += c;
    residuals.set(key, cur);
  };
  /** row gross after discount, the money Magento charged for the row */
  let targetSum = 0;

  for (const { item } of rows) {
    const slot = slotFor(itemRate(item), `SKU ${item.sku}`);
    if ('reason' in slot) return skip(slot.reason);
    const qty = toQty4(item.qty_ordered);
    const target =
      cents(item.row_total) +
      cents(item.tax_amount) +
      cents(item.discount_tax_compensation_amount) -
      cents(item.discount_amount);
    targetSum += target;
    const original =
      item.price_incl_tax != null
        ? cents(item.price_incl_tax)
        : unitPriceFor(cents(item.row_total_incl_tax), qty);
    // the unit price after discount: Magento's own gross price when it reproduces the row (decimal
    // quantities: 0.25 × 12.90 = 3.225 → 3.23), else the closest unit price; any rest is rounding
    const netUnit =
      cents(item.discount_amount) === 0 && lineTotal(qty, original) === target
        ? original
        : unitPriceFor(target, qty);
    let unit = netUnit;
    let discount = 0;
    if (cents(item.discount_amount) !== 0 && original >= netUnit) {
      unit = original;
      discount = original - netUnit;
    }
    const variationId = variations.get(item.sku);
    const name = nonEmpty(item.name) ?? item.sku;
    const line: DraftLine =
      variationId !== undefined
        ? { typeId: 1, variationId, name, qty, unit, discount, vat: slot }
        : { typeId: 9, name: `${name} (SKU ${item.sku})`, qty, unit, discount, vat: slot };
    lines.push(line);
    addResidual(slot, target - draftGross(line));
    if (!isWholeQty(qty) && item.is_qty_decimal === 0) {
      warnings.push(
        `SKU ${item.sku}: decimal quantity ${qty4ToNumber(qty)} on a product without decimal quantities`,
      );
    }
  }

  // -- shipping -----------------------------------------------------------------------------
  const total = shipping?.total;
  const shipNet = cents(order.shipping_amount ?? total?.shipping_amount);
  const shipTax = cents(order.shipping_tax_amount ?? total?.shipping_tax_amount);
  const shipComp = cents(
    order.shipping_discount_tax_compensation_amount ?? total?.shipping_discount_tax_compensation_amount,
  );
  const shipDiscount = cents(order.shipping_discount_amount ?? total?.shipping_discount_amount);
  const shippingGross = shipNet + shipTax + shipComp - shipDiscount;
  let shippingExcluded = 0;
  if (shippingGross !== 0) {
    if (!settings.shipping.createShipment) {
      shippingExcluded = shippingGross;
    } else {
      const rate = shippingRate(order, shippingGross, shipTax, config);
      const slot = rate === null ? null : slotFor(rate, 'shipping');
      if (slot === null) {
        return skip(
          `the VAT rate of the shipping costs (${formatCents(shipTax, currency)} tax on ${formatCents(shippingGross, currency)}) is not in Plenty's VAT configuration for ${deliveryIso} (countryVatId ${config.id})`,
        );
      }
      if ('reason' in slot) return skip(slot.reason);
      // a shipping discount stays visible like an item discount: the shipping price incl. tax as
      // priceOriginalGross, the discount as discount (same gross)
      const shipIncl = cents(order.shipping_incl_tax ?? total?.shipping_incl_tax);
      const shownDiscount = shipDiscount > 0 && shipIncl > shippingGross ? shipIncl - shippingGross : 0;
      const line: DraftLine = {
        typeId: 6,
        name: nonEmpty(order.shipping_description) ?? DEFAULT_SHIPPING_LINE_NAME,
        qty: toQty4(1),
        unit: shippingGross + shownDiscount,
        discount: shownDiscount,
        vat: slot,
      };
      lines.push(line);
      targetSum += shippingGross;
    }
  }

  // -- fees (payment surcharges) ------------------------------------------------------------
  for (const fee of order.extension_attributes?.custom_fees ?? []) {
    const amount = cents(fee.custom_fee_amount);
    if (amount === 0) continue;
    // Magento adds custom fees to the grand total without tax: book them at Plenty's 0 % rate
    const slot = slotFor(0, `fee ${fee.custom_fee_code}`);
    if ('reason' in slot) return skip(slot.reason);
    lines.push({
      typeId: 7,
      name: nonEmpty(fee.custom_fee_label) ?? fee.custom_fee_code,
      qty: toQty4(1),
      unit: amount,
      discount: 0,
      vat: slot,
    });
    targetSum += amount;
  }

  // -- totals check and rounding lines ------------------------------------------------------
  const grandTotal = cents(order.grand_total);
  const gap = grandTotal - shippingExcluded - targetSum;
  const tolerance = lines.length; // one cent per line: Magento rounds per row
  if (Math.abs(gap) > tolerance) {
    const used = deductionsOf(order)
      .map((d) => `${d.label} ${formatCents(d.cents, currency)} (${d.field})`)
      .join(', ');
    return skip(
      `order totals do not add up: items, shipping and fees come to ${formatCents(targetSum + shippingExcluded, currency)} but grand_total is ${formatCents(grandTotal, currency)}${used ? `; the order used ${used}` : ''}; gift cards, store credit and reward points are not supported`,
    );
  }
  if (gap !== 0) {
    // Magento's order-level rounding: book it at the rate of the line with the largest gross
    const largest = lines.reduce((a, b) => (draftGross(b) > draftGross(a) ? b : a));
    addResidual(largest.vat, gap);
  }
  for (const { slot, cents: c } of [...residuals.values()].sort(
    (a, b) => a.slot.countryVatId - b.slot.countryVatId || a.slot.vatField - b.slot.vatField,
  )) {
    if (c === 0) continue;
    lines.push({ typeId: 9, name: ROUNDING_LINE_NAME, qty: toQty4(1), unit: c, discount: 0, vat: slot });
  }
  const roundingCents = sumCents([...residuals.values()].map((r) => r.cents));
  const grossCents = sumCents(lines.map(draftGross));
  if (grossCents !== grandTotal - shippingExcluded) {
    // cannot happen: every residual is booked; kept as a guard for future edits
    return skip(`internal: booked ${formatCents(grossCents)} but grand_total is ${formatCents(grandTotal)}`);
  }

  // VAT per rate, as Plenty computes it from gross and rate
  const grossByRate = new Map<string, Cents>();
  for (const l of lines) {
    const k = rateKey(l.vat.rate);
    grossByRate.set(k, (grossByRate.get(k) ?? 0) + draftGross(l));
  }
  const vatByRate: Record<string, number> = {};
  for (const [k, g] of [...grossByRate.entries()].sort((a, b) => Number(b[0]) - Number(a[0]))) {
    vatByRate[k] = vatOfGross(g, Number(k));
  }
  const magentoVatByRate: Record<string, number> = {};
  for (const t of order.extension_attributes?.applied_taxes ?? []) {
    const k = rateKey(t.percent ?? 0);
    magentoVatByRate[k] = (magentoVatByRate[k] ?? 0) + cents(t.amount);
  }
  // shipping costs left out (createShipment off) take their tax with them
  const comparable = { ...magentoVatByRate };
  if (shippingExcluded !== 0 && shipTax !== 0) {
    const rate = shippingRate(order, shippingExcluded, shipTax, config);
    if (rate !== null) comparable[rateKey(rate)] = (comparable[rateKey(rate)] ?? 0) - shipTax;
  }
  for (const k of new Set([...Object.keys(vatByRate), ...Object.keys(magentoVatByRate)])) {
    if (k === '0' && !(k in magentoVatByRate)) continue;
    if (order.extension_attributes?.applied_taxes == null) break;
    const ours = vatByRate[k] ?? 0;
    const theirs = comparable[k] ?? 0;
    if (Math.abs(ours - theirs) > 1) {
      warnings.push(
        `VAT at ${k}%: Plenty will compute ${formatCents(ours, currency)} from the gross amounts, Magento charged ${formatCents(theirs, currency)}`,
      );
    }
  }

  // -- payment ------------------------------------------------------------------------------
  const paidCents = cents(order.payment?.amount_paid ?? order.total_paid);
  const paymentStatus = paymentStatusOf(paidCents, grandTotal);
  const billingName = `${billing.address.name2} ${billing.address.name3}`.trim();
  let payment: ExportPlan['payment'] = null;
  if (settings.payment.createPayment && mop.createPayment && paidCents > 0) {
    const transactionId = nonEmpty(order.payment?.last_trans_id);
    const properties: PlentyProperty[] = [];
    if (transactionId) properties.push({ typeId: 1, value: transactionId });
    properties.push({ typeId: 3, value: `Magento order ${order.increment_id}` });
    properties.push({ typeId: 11, value: billingName });
    if (email) properties.push({ typeId: 12, value: email });
    properties.push({ typeId: 23, value: '4' });
    payment = {
      mopId: mop.plentyMethodId,
      createPayment: true,
      transactionId,
      payload: {
        mopId: mop.plentyMethodId,
        amount: centsToDecimal(paidCents),
        exchangeRatio: exchangeRate,
        currency,
        isSystemCurrency,
        type: 'credit',
        transactionType: 2,
        status: 2,
        receivedAt: entryDate,
        properties,
      },
    };
  }

  // -- contact ------------------------------------------------------------------------------
  let contact: PlentyContactCreate | null = null;
  if (settings.customer.createCustomer) {
    if (!email) return skip('customer e-mail is missing: a contact is found or created by e-mail');
    const options: PlentyContactCreate['options'] = [{ typeId: 2, subTypeId: 4, value: email, priority: 0 }];
    const phone = nonEmpty(order.billing_address.telephone);
    if (phone) options.push({ typeId: 1, subTypeId: 4, value: phone, priority: 0 });
    contact = {
      typeId: 1,
      referrerId,
      plentyId: store.plentyId,
      lang: store.language,
      firstName: nonEmpty(order.customer_firstname) ?? billing.address.name2,
      lastName: nonEmpty(order.customer_lastname) ?? billing.address.name3,
      ...(gender ? { gender } : {}),
      ...(order.customer_id != null && !order.customer_is_guest
        ? { externalId: `m2-cust-${order.customer_id}` }
        : {}),
      options,
    };
  }

  // -- order --------------------------------------------------------------------------------
  const properties: PlentyProperty[] = [
    { typeId: 6, value: store.language },
    { typeId: 7, value: order.increment_id },
    { typeId: 3, value: String(mop.plentyMethodId) },
  ];
  if (shippingProfileId !== null) properties.push({ typeId: 2, value: String(shippingProfileId) });
  properties.push({ typeId: 4, value: paymentStatus });
  const coupon = nonEmpty(order.coupon_code);
  if (coupon) properties.push({ typeId: 18, value: coupon });

  const orderItems: PlentyOrderItem[] = lines.map((l) => ({
    typeId: l.typeId,
    ...(l.variationId !== undefined ? { itemVariationId: l.variationId } : {}),
    quantity: qty4ToNumber(l.qty),
    orderItemName: l.name,
    referrerId,
    countryVatId: l.vat.countryVatId,
    vatField: l.vat.vatField,
    amounts: [
      {
        isSystemCurrency,
        currency,
        exchangeRate,
        priceOriginalGross: centsToDecimal(l.unit),
        surcharge: 0,
        discount: centsToDecimal(l.discount),
        isPercentage: false,
      },
    ],
    properties: baseProps(),
  }));

  const plan: ExportPlan = {
    magentoOrderId: order.entity_id,
    incrementId: order.increment_id,
    plentyId: store.plentyId,
    language: store.language,
    referrerId,
    statusId,
    email,
    contact,
    billingAddress: billing.address,
    deliveryAddress: delivery,
    order: {
      typeId: 1,
      plentyId: store.plentyId,
      statusId,
      referrerId,
      properties,
      dates: [{ typeId: 2, date: entryDate }],
      orderItems,
    },
    payment,
    paymentStatus,
    totals: {
      grossCents,
      currency,
      vatByRate,
      magentoVatByRate,
      grandTotalCents: grandTotal,
      roundingCents,
      shippingExcludedCents: shippingExcluded,
      paidCents,
    },
    warnings,
  };
  return { ok: true, plan };
}

/**
 * The shipping costs' VAT rate: Magento's item_applied_taxes entry of type "shipping" when present,
 * else 0 % when no shipping tax was charged, else the configured rate that reproduces the charged
 * shipping tax from the shipping gross within a cent (highest rate first).
 */
function shippingRate(order: MagentoOrder, gross: Cents, tax: Cents, config: VatConfig): number | null {
  const entry = order.extension_attributes?.item_applied_taxes?.find((t) => t.type === 'shipping');
  if (entry?.applied_taxes && entry.applied_taxes.length > 0) {
    return entry.applied_taxes.reduce((s, t) => s + rateToBasisPoints(t.percent ?? 0), 0) / 100;
  }
  if (tax === 0) return 0;
  const candidates = [...config.rates].sort((a, b) => b.rate - a.rate);
  for (const r of candidates) {
    if (Math.abs(vatOfGross(gross, r.rate) - tax) <= 1) return r.rate;
  }
  return null;
}

/**
 * Adobe Commerce deductions that lower grand_total without a row of their own (read from the order
 * and from extension_attributes, where the REST API puts them).
 */
const DEDUCTIONS: readonly { field: string; label: string }[] = [
  { field: 'gift_cards_amount', label: 'gift cards' },
  { field: 'customer_balance_amount', label: 'store credit' },
  { field: 'reward_currency_amount', label: 'reward points' },
];
function deductionsOf(order: MagentoOrder): { field: string; label: string; cents: Cents }[] {
  const out: { field: string; label: string; cents: Cents }[] = [];
  const ext = (order.extension_attributes ?? {}) as Record<string, unknown>;
  const top = order as Record<string, unknown>;
  for (const d of DEDUCTIONS) {
    const raw = ext[d.field] ?? top[d.field];
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
    if (Number.isFinite(n) && n !== 0) out.push({ ...d, cents: Math.abs(toCents(n)) });
  }
  return out;
}

/** rows booked per role, for tests and logging */
export function describeBooking(order: MagentoOrder): { sku: string; role: BookedRowRole; itemId: number }[] {
  return bookedRows(order).map((r) => ({ sku: r.item.sku, role: r.role, itemId: r.item.item_id }));
}
