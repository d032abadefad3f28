/** Money helpers: all arithmetic in integer minor units (cents); floats only at the JSON edge. */
export const toCents = (amount: number): number => Math.round(amount * 100);
export const fromCents = (cents: number): number => Math.round(cents) / 100;
/** cents × percent, rounded half away from zero like Magento's and Plenty's rounding. */
export const pct = (cents: number, percent: number): number => {
  const v = (cents * percent) / 100;
  return Math.sign(v) * Math.round(Math.abs(v));
};
/** Net part of a gross amount at a VAT rate, in cents. */
export const netOfGross = (grossCents: number, rate: number): number => {
  const v = (grossCents * 100) / (100 + rate);
  return Math.sign(v) * Math.round(Math.abs(v));
};
export const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
