import { fromCents, netOfGross, toCents } from '../util/money';
import { SYSTEM_CURRENCY } from './fixtures';

/**
 * Plenty's money on orders. Item price formula (guide): isPercentage false →
 * priceGross = priceOriginalGross + surcharge − discount; true → (priceOriginalGross + surcharge)
 * × (100 − discount) / 100. Net prices follow from the item's VAT rate. Order totals are summed
 * in cents per VAT rate, and paidAmount is the sum of the payments linked to the order.
 */
export interface ItemAmountInput {
  currency?: string;
  exchangeRate?: number;
  isSystemCurrency?: boolean;
  priceOriginalGross?: number;
  surcharge?: number;
  discount?: number;
  isPercentage?: boolean;
}

export function itemPriceGrossCents(a: ItemAmountInput): number {
  const original = toCents(a.priceOriginalGross ?? 0);
  const surcharge = toCents(a.surcharge ?? 0);
  if (a.isPercentage) return Math.round(((original + surcharge) * (100 - (a.discount ?? 0))) / 100);
  return original + surcharge - toCents(a.discount ?? 0);
}

export interface PricedItem {
  quantity: number;
  vatRate: number;
  countryVatId?: number;
  vatField?: number;
  amount: ItemAmountInput;
}

export function itemAmount(
  a: ItemAmountInput,
  vatRate: number,
  ids: { id: number; orderItemId: number },
  at: string,
) {
  const gross = itemPriceGrossCents(a);
  const originalGross = toCents(a.priceOriginalGross ?? 0);
  const currency = a.currency ?? SYSTEM_CURRENCY;
  return {
    id: ids.id,
    orderItemId: ids.orderItemId,
    isSystemCurrency: a.isSystemCurrency ?? currency === SYSTEM_CURRENCY,
    isPercentage: a.isPercentage ?? false,
    exchangeRate: a.exchangeRate ?? 1,
    currency,
    purchasePrice: 0,
    priceOriginalGross: fromCents(originalGross),
    priceOriginalNet: fromCents(netOfGross(originalGross, vatRate)),
    priceGross: fromCents(gross),
    priceNet: fromCents(netOfGross(gross, vatRate)),
    surcharge: a.surcharge ?? 0,
    discount: a.discount ?? 0,
    giftCardAmount: 0,
    createdAt: at,
    updatedAt: at,
  };
}

export function orderAmounts(items: PricedItem[], paidCents: number, orderId: number, at: string) {
  const currency = items[0]?.amount.currency ?? SYSTEM_CURRENCY;
  const rate = items[0]?.amount.exchangeRate ?? 1;
  const build = (factor: (c: number) => number, cur: string, isSystem: boolean, idOffset: number) => {
    const groups = new Map<
      string,
      { vatRate: number; countryVatId?: number; vatField?: number; gross: number }
    >();
    for (const it of items) {
      const key = `${it.countryVatId ?? ''}:${it.vatField ?? ''}:${it.vatRate}`;
      const g = groups.get(key) ?? {
        vatRate: it.vatRate,
        countryVatId: it.countryVatId,
        vatField: it.vatField,
        gross: 0,
      };
      g.gross += factor(itemPriceGrossCents(it.amount) * it.quantity);
      groups.set(key, g);
    }
    let gross = 0;
    let net = 0;
    const vats = [...groups.values()].map((g) => {
      const n = netOfGross(g.gross, g.vatRate);
      gross += g.gross;
      net += n;
      return {
        countryVatId: g.countryVatId ?? null,
        vatField: g.vatField ?? null,
        vatRate: g.vatRate,
        value: fromCents(g.gross - n),
        netTotal: fromCents(n),
        grossTotal: fromCents(g.gross),
      };
    });
    const paid = factor(paidCents);
    return {
      id: orderId * 10 + idOffset,
      orderId,
      isSystemCurrency: isSystem,
      isNet: false,
      currency: cur,
      exchangeRate: isSystem ? 1 : rate,
      netTotal: fromCents(net),
      grossTotal: fromCents(gross),
      vatTotal: fromCents(gross - net),
      invoiceTotal: fromCents(gross),
      paidAmount: fromCents(paid),
      giftCardAmount: 0,
      shippingCostsGross: 0,
      shippingCostsNet: 0,
      prepaidAmount: 0,
      createdAt: at,
      updatedAt: at,
      vats,
    };
  };
  const own = build((c) => c, currency, currency === SYSTEM_CURRENCY, 1);
  if (currency === SYSTEM_CURRENCY) return [own];
  // foreign currency: Plenty also keeps the totals in the system currency (amount / exchangeRate)
  return [own, build((c) => Math.round(c / (rate || 1)), SYSTEM_CURRENCY, true, 2)];
}
