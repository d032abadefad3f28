/**
 * Money in integer minor units (cents). Magento sends decimals as JSON numbers; they are turned
 * into cents once, by decimal string arithmetic (no float multiplication drift), and every sum
 * after that is an integer sum. Quantities are integers in 1/10000 units (Magento stores qty as
 * decimal(12,4)). Only the final Plenty payload turns cents back into a decimal (one division).
 */

export type Cents = number;
/** quantity in 1/10000 units: 1.5 → 15000 */
export type Qty4 = number;
export const QTY_SCALE = 10_000;

/** integer division rounding half away from zero (b > 0) */
export function divRound(a: number, b: number): number {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || b <= 0)
    throw new RangeError(`divRound(${a}, ${b})`);
  const q = Math.floor(Math.abs(a) / b);
  const r = Math.abs(a) - q * b;
  const abs = r * 2 >= b ? q + 1 : q;
  return a < 0 ? -abs : abs;
}

/** scales a decimal to an integer with `places` decimals, rounding half away from zero */
function scaleDecimal(value: number | string, places: number): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${value}`);
  // toFixed(places + 4) is exact enough for every amount Magento stores (decimal(20,4))
  const s = Math.abs(n).toFixed(places + 4);
  const [int = '0', frac = ''] = s.split('.');
  const kept = Number(int + frac.slice(0, places));
  const rest = frac.slice(places);
  const rounded = rest !== '' && rest[0]! >= '5' ? kept + 1 : kept;
  if (!Number.isSafeInteger(rounded)) throw new RangeError(`amount out of range: ${value}`);
  return n < 0 && rounded !== 0 ? -rounded : rounded;
}

/** 19.99 → 1999; 0.005 → 1; -1.005 → -101 (half away from zero); null/undefined → 0 */
export function toCents(value: number | string | null | undefined): Cents {
  if (value == null) return 0;
  return scaleDecimal(value, 2);
}

/** 1999 → 19.99 (for request bodies only; never sum the result) */
export function centsToDecimal(cents: Cents): number {
  return cents / 100;
}

/** 1.5 → 15000 */
export function toQty4(value: number | string): Qty4 {
  return scaleDecimal(value, 4);
}
export function qty4ToNumber(qty: Qty4): number {
  return qty / QTY_SCALE;
}
export function isWholeQty(qty: Qty4): boolean {
  return qty % QTY_SCALE === 0;
}

/** gross of a line: qty × unit price, rounded to the cent (half away from zero) */
export function lineTotal(qty: Qty4, unitCents: Cents): Cents {
  return divRound(qty * unitCents, QTY_SCALE);
}

/** the unit price whose qty × price is closest to `totalCents` */
export function unitPriceFor(totalCents: Cents, qty: Qty4): Cents {
  return divRound(totalCents * QTY_SCALE, qty);
}

/** VAT rate in hundredths of a percent: 19 → 1900, 7.7 → 770 */
export function rateToBasisPoints(rate: number): number {
  return scaleDecimal(rate, 2);
}

/** the VAT contained in a gross amount: gross × r / (100 + r), rounded to the cent */
export function vatOfGross(grossCents: Cents, ratePercent: number): Cents {
  const bp = rateToBasisPoints(ratePercent);
  return divRound(grossCents * bp, 10_000 + bp);
}

/** canonical key of a VAT rate: 19 → "19", 7.70 → "7.7", 0 → "0" */
export function rateKey(ratePercent: number): string {
  return String(rateToBasisPoints(ratePercent) / 100);
}

export function sumCents(values: Iterable<Cents>): Cents {
  let total = 0;
  for (const v of values) {
    if (!Number.isSafeInteger(v)) throw new RangeError(`not an integer amount of cents: ${v}`);
    total += v;
  }
  return total;
}

/** "12.34" style rendering for messages */
export function formatCents(cents: Cents, currency?: string): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const s = `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return currency ? `${s} ${currency}` : s;
}
