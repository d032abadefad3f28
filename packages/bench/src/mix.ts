import { generateMagentoOrders, type MagentoOrder, magentoTime } from '@mpc/sandbox';

export type Category = 'repeat' | 'new' | 'guest';

export interface MixedOrder {
  order: MagentoOrder;
  category: Category;
  paid: boolean;
  /** delivery address differs from the billing address */
  separateDelivery: boolean;
}

type Json = Record<string, unknown>;
const clone = <T>(v: T): T => structuredClone(v);

function shippingAddress(o: Json): Json | undefined {
  const sa = (o.extension_attributes as Json | undefined)?.shipping_assignments as Json[] | undefined;
  return (sa?.[0]?.shipping as Json | undefined)?.address as Json | undefined;
}
function setShippingAddress(o: Json, address: Json): void {
  const sa = (o.extension_attributes as Json | undefined)?.shipping_assignments as Json[] | undefined;
  const shipping = sa?.[0]?.shipping as Json | undefined;
  if (shipping) shipping.address = address;
}
const addressKey = (a: Json | undefined) =>
  a ? JSON.stringify([a.firstname, a.lastname, a.street, a.city, a.postcode, a.country_id, a.company]) : '';

function setIdentity(
  o: Json,
  who: { email: string; firstname: string; lastname: string; customerId: number | null },
): void {
  o.customer_email = who.email;
  o.customer_firstname = who.firstname;
  o.customer_lastname = who.lastname;
  o.customer_is_guest = who.customerId == null ? 1 : 0;
  if (who.customerId == null) delete o.customer_id;
  else o.customer_id = who.customerId;
  for (const a of [o.billing_address as Json, shippingAddress(o)]) {
    if (!a) continue;
    a.email = who.email;
    if (who.customerId == null) {
      delete a.customer_id;
      delete a.customer_address_id;
    } else a.customer_id = who.customerId;
  }
}

function setPaid(o: Json, paid: boolean): void {
  const total = Number(o.grand_total ?? 0);
  const baseTotal = Number(o.base_grand_total ?? total);
  const payment = (o.payment ?? {}) as Json;
  if (paid) {
    o.status = 'processing';
    o.state = 'processing';
    Object.assign(o, { total_paid: total, base_total_paid: baseTotal, total_due: 0, base_total_due: 0 });
    Object.assign(payment, { amount_paid: total, base_amount_paid: baseTotal });
    if (!payment.last_trans_id) payment.last_trans_id = `BENCH${o.entity_id}`;
  } else {
    o.status = 'pending';
    o.state = 'new';
    Object.assign(o, { total_paid: 0, base_total_paid: 0, total_due: total, base_total_due: baseTotal });
    Object.assign(payment, { amount_paid: 0, base_amount_paid: 0, last_trans_id: null });
  }
  o.payment = payment;
}

/**
 * The realistic mix of the calls-per-order scenario, built from generated orders:
 * `history` orders of registered customers (an earlier run), then `count` new orders of which
 * 40% are repeat customers (a history customer: same e-mail, name and billing address),
 * 30% new registered customers and 30% guests (unique e-mails). Every fifth order of each
 * category is unpaid; the others are paid in full. The generator's payment methods stay
 * (several methods), and about a quarter of the orders ship to a different address.
 */
export function buildMix(opts: { history: number; count: number; seed: number; storeIds?: number[] }): {
  history: MagentoOrder[];
  mixed: MixedOrder[];
} {
  const storeIds = opts.storeIds ?? [1];
  const base = generateMagentoOrders({
    count: opts.history + opts.count,
    seed: opts.seed,
    storeIds,
    guestRatio: 0,
    customerPoolSize: 1_000_000,
  }) as unknown as Json[];
  const history: Json[] = [];
  for (let i = 0; i < opts.history; i++) {
    const o = clone(base[i]!);
    const id = o.entity_id as number;
    setIdentity(o, {
      email: `hist-${opts.seed}-${id}@bench.example`,
      firstname: String(o.customer_firstname),
      lastname: String(o.customer_lastname),
      customerId: 500_000 + id,
    });
    setPaid(o, i % 5 !== 4);
    history.push(o);
  }
  const now = Date.now();
  const mixed: MixedOrder[] = [];
  const perCategory: Record<Category, number> = { repeat: 0, new: 0, guest: 0 };
  for (let i = 0; i < opts.count; i++) {
    const o = clone(base[opts.history + i]!);
    const id = o.entity_id as number;
    const roll = i % 10;
    const category: Category = roll < 4 ? 'repeat' : roll < 7 ? 'new' : 'guest';
    const sameAddress =
      !shippingAddress(o) || addressKey(o.billing_address as Json) === addressKey(shippingAddress(o));
    if (category === 'repeat') {
      // the same customer orders again: a copy of an earlier order (same e-mail, name, billing
      // address, country and so taxes) under a new order id; some ship to a new address
      const h = history[i % history.length]!;
      const copy = clone(h);
      Object.assign(copy, {
        entity_id: id,
        increment_id: o.increment_id,
        payment: { ...(copy.payment as Json), last_trans_id: null },
      });
      (copy.billing_address as Json).parent_id = id;
      const ship = shippingAddress(copy);
      if (!sameAddress && ship)
        setShippingAddress(copy, { ...ship, street: [`Bench Lane ${id}`], parent_id: id });
      else if (ship) ship.parent_id = id;
      for (const k of Object.keys(o)) delete o[k];
      Object.assign(o, copy);
    } else {
      const email = `${category}-${opts.seed}-${id}@bench.example`;
      setIdentity(o, {
        email,
        firstname: String(o.customer_firstname),
        lastname: String(o.customer_lastname),
        customerId: category === 'new' ? 500_000 + id : null,
      });
    }
    const paid = perCategory[category]++ % 5 !== 4;
    setPaid(o, paid);
    // placed since the earlier run (seconds apart, the newest just now)
    o.created_at = magentoTime(now - (opts.count - i) * 1000);
    o.updated_at = magentoTime(now - (opts.count - i) * 1000);
    mixed.push({
      order: o as unknown as MagentoOrder,
      category,
      paid,
      separateDelivery:
        shippingAddress(o) !== undefined &&
        addressKey(o.billing_address as Json) !== addressKey(shippingAddress(o)),
    });
  }
  return { history: history as unknown as MagentoOrder[], mixed };
}
