import type { CatalogEntry } from '../catalog';
import { CallCounter } from '../util/calls';
import * as fx from './fixtures';

type Rec = Record<string, unknown>;

export interface PlentyContact extends Rec {
  id: number;
  email: string | null;
  plentyId: number | null;
  singleAccess: string;
}
export interface PlentyAddress extends Rec {
  id: number;
}
export interface PlentyOrder extends Rec {
  id: number;
  plentyId: number;
  statusId: number;
  properties: { id: number; orderId: number; typeId: number; value: string }[];
  orderItems: Rec[];
}
export interface PlentyPayment extends Rec {
  id: number;
  amount: number;
  mopId: number;
  properties: { id: number; paymentId: number; typeId: number; value: string }[];
}
export interface Relation extends Rec {
  id: number;
  paymentId: number;
}

/**
 * Everything the Plenty sandbox holds: lookups (mutable, so tests can add ids), created
 * records, and counters. Routes mutate it; tests read it through `state` or GET /sandbox/state.
 */
export class PlentyState {
  lookups = freshLookups();
  readonly contacts = new Map<number, PlentyContact>();
  readonly addresses = new Map<number, PlentyAddress>();
  /** contact id → [{addressId, typeId}] */
  readonly contactAddressLinks = new Map<
    number,
    { addressId: number; typeId: number; isPrimary: boolean }[]
  >();
  readonly orders = new Map<number, PlentyOrder>();
  readonly comments = new Map<number, Rec>();
  readonly payments = new Map<number, PlentyPayment>();
  readonly paymentOrderRelations = new Map<number, Relation>();
  readonly paymentContactRelations = new Map<number, Relation>();
  readonly variations = new Map<number, CatalogEntry & { itemId: number }>();
  readonly variationBySku = new Map<string, number>();
  readonly calls = new CallCounter();
  /** 429 answers per route (rate limit and bursts) */
  readonly throttled = new CallCounter();
  /** injected faults per route and kind */
  readonly faults = new CallCounter();
  private seq = new Map<string, number>();

  constructor(catalog: CatalogEntry[] = []) {
    this.setCatalog(catalog);
  }

  nextId(kind: string, start = 1): number {
    const n = (this.seq.get(kind) ?? start - 1) + 1;
    this.seq.set(kind, n);
    return n;
  }

  setCatalog(catalog: CatalogEntry[]): void {
    this.variations.clear();
    this.variationBySku.clear();
    for (const c of catalog) {
      this.variations.set(c.variationId, { ...c, itemId: 100000 + c.variationId });
      this.variationBySku.set(c.sku, c.variationId);
    }
  }

  /** Forgets every created record and counter (lookups and catalogue stay). */
  reset(): void {
    for (const m of [
      this.contacts,
      this.addresses,
      this.contactAddressLinks,
      this.orders,
      this.comments,
      this.payments,
      this.paymentOrderRelations,
      this.paymentContactRelations,
    ]) {
      m.clear();
    }
    this.calls.reset();
    this.throttled.reset();
    this.faults.reset();
    this.seq.clear();
    this.lookups = freshLookups();
  }

  paymentsOfOrder(orderId: number): PlentyPayment[] {
    const out: PlentyPayment[] = [];
    for (const r of this.paymentOrderRelations.values()) {
      if (r.orderId === orderId) {
        const p = this.payments.get(r.paymentId);
        if (p) out.push(p);
      }
    }
    return out;
  }

  /** Plain JSON of everything (GET /sandbox/state). */
  snapshot() {
    return {
      contacts: [...this.contacts.values()],
      addresses: [...this.addresses.values()],
      contactAddressLinks: Object.fromEntries(this.contactAddressLinks),
      orders: [...this.orders.values()],
      comments: [...this.comments.values()],
      payments: [...this.payments.values()],
      paymentOrderRelations: [...this.paymentOrderRelations.values()],
      paymentContactRelations: [...this.paymentContactRelations.values()],
      catalogSize: this.variations.size,
      calls: this.calls.toJSON(),
      throttled: this.throttled.toJSON(),
      faults: this.faults.toJSON(),
    };
  }
}

function freshLookups() {
  return {
    orderStatuses: structuredClone(fx.orderStatuses),
    shippingPresets: structuredClone(fx.shippingPresets),
    paymentMethods: structuredClone(fx.paymentMethods),
    referrers: structuredClone(fx.referrers),
    warehouses: structuredClone(fx.warehouses),
    webstores: structuredClone(fx.webstores),
    countries: structuredClone(fx.countries),
    vatConfigs: structuredClone(fx.vatConfigs),
    currencies: structuredClone(fx.currencies),
    languages: [...fx.languages],
  };
}
export type PlentyLookupsData = ReturnType<typeof freshLookups>;
