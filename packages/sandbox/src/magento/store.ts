import { ORDER_COLUMNS } from './columns';
import { stateOfStatus } from './fixtures';
import {
  type GenerateOrdersOptions,
  generateOrderAt,
  generateOrderHeadAt,
  type OrderHead,
  resolveOptions,
} from './generator';
import {
  compareBy,
  type Filter,
  matchAll,
  pageWindow,
  type SearchCriteria,
  SearchCriteriaError,
} from './search-criteria';
import { type MagentoOrder, magentoOrderSchema, magentoTime, parseMagentoTime } from './types';

type Resolved = ReturnType<typeof resolveOptions>;

/** One order: a generated one is kept as its head and rebuilt on demand; an explicit one as given. */
interface Entry {
  head: OrderHead;
  /** head.updated_at as epoch ms (numeric comparisons are ~20x cheaper than string ones) */
  u: number;
  gen?: { opts: Resolved; index: number };
  full?: MagentoOrder;
  /** top-level fields changed through the sandbox API (generated orders) */
  patch?: Record<string, unknown>;
  /** comments added through the REST API, newest first */
  comments?: Record<string, unknown>[];
}

const HEAD_KEYS: (keyof OrderHead)[] = [
  'entity_id',
  'increment_id',
  'state',
  'status',
  'store_id',
  'created_at',
  'updated_at',
  'customer_email',
  'customer_id',
  'customer_is_guest',
  'customer_firstname',
  'customer_lastname',
  'order_currency_code',
  'base_currency_code',
];
const HEAD_SET: ReadonlySet<string> = new Set(HEAD_KEYS);

export interface OrderPatch {
  status?: string;
  state?: string;
  /** default: now (the sandbox clock) */
  updated_at?: string;
  [field: string]: unknown;
}

export interface MagentoStoreOptions {
  orders?: MagentoOrder[] | GenerateOrdersOptions;
  now?: () => number;
  /** materialised generated orders kept in memory (LRU); default 256 */
  cacheSize?: number;
}

const byUpdated = (a: Entry, b: Entry) =>
  a.head.updated_at < b.head.updated_at
    ? -1
    : a.head.updated_at > b.head.updated_at
      ? 1
      : a.head.entity_id - b.head.entity_id;

/**
 * In-memory Magento order store, indexed by entity_id and by updated_at. Generated orders cost
 * about 200 bytes each until they are read (then an LRU cache holds the full order), so 100,000
 * orders stay in tens of megabytes.
 */
export class MagentoStore {
  private readonly byId = new Map<number, Entry>();
  /** entries in ascending entity_id */
  private idOrder: Entry[] = [];
  /** entries in ascending (updated_at, entity_id) */
  private updatedOrder: Entry[] = [];
  private readonly cache = new Map<number, MagentoOrder>();
  private readonly cacheSize: number;
  private readonly now: () => number;
  private commentSeq = 1;
  /** bumped on every change; invalidates the range memo */
  private version = 0;
  private rangeMemo?: { key: string; entries: Entry[] };

  constructor(opts: MagentoStoreOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.cacheSize = opts.cacheSize ?? 256;
    if (Array.isArray(opts.orders)) this.addOrders(opts.orders);
    else if (opts.orders) this.addGenerated(opts.orders);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Highest entity_id in the store (0 when empty). */
  get maxId(): number {
    return this.idOrder.at(-1)?.head.entity_id ?? 0;
  }

  /** Adds seeded generated orders (lazily materialised). Returns their ids. */
  addGenerated(options: GenerateOrdersOptions): number[] {
    const opts = resolveOptions({ firstEntityId: this.maxId + 1, ...options });
    const ids: number[] = [];
    const added: Entry[] = [];
    for (let i = 0; i < opts.count; i++) {
      const head = generateOrderHeadAt(opts, i);
      if (this.byId.has(head.entity_id)) throw new Error(`order ${head.entity_id} exists already`);
      const e: Entry = { head, u: parseMagentoTime(head.updated_at), gen: { opts, index: i } };
      this.byId.set(head.entity_id, e);
      added.push(e);
      ids.push(head.entity_id);
    }
    this.merge(added);
    return ids;
  }

  /**
   * Adds orders in Magento's REST shape. Orders without entity_id get the next free id (and an
   * increment_id); missing timestamps become "now". Existing ids are replaced.
   */
  addOrders(orders: unknown[]): MagentoOrder[] {
    const out: MagentoOrder[] = [];
    const added: Entry[] = [];
    for (const raw of orders) {
      const o = { ...(raw as Record<string, unknown>) };
      const nextId = Math.max(this.maxId, ...added.map((e) => e.head.entity_id)) + 1;
      o.entity_id ??= nextId;
      o.increment_id ??= String(o.entity_id).padStart(9, '0');
      const now = magentoTime(this.now());
      o.created_at ??= now;
      o.updated_at ??= o.created_at;
      o.items ??= [];
      const order = magentoOrderSchema.parse(o) as MagentoOrder;
      if (this.byId.has(order.entity_id)) this.remove(order.entity_id);
      const e: Entry = { head: headOf(order), u: parseMagentoTime(order.updated_at), full: order };
      this.byId.set(order.entity_id, e);
      added.push(e);
      out.push(order);
    }
    this.merge(added);
    return out;
  }

  private merge(added: Entry[]): void {
    if (!added.length) return;
    this.version++;
    const ascending = this.idOrder.length === 0 || added.every((e) => e.head.entity_id > this.maxId);
    this.idOrder.push(...added);
    if (!ascending) this.idOrder.sort((a, b) => a.head.entity_id - b.head.entity_id);
    if (added.length > 64) {
      this.updatedOrder.push(...added);
      this.updatedOrder.sort(byUpdated);
    } else for (const e of added) this.insertUpdated(e);
  }

  private remove(id: number): void {
    const e = this.byId.get(id);
    if (!e) return;
    this.version++;
    this.byId.delete(id);
    this.idOrder = this.idOrder.filter((x) => x !== e);
    this.removeUpdated(e);
    this.cache.delete(id);
  }

  private lowerBound(arr: Entry[], e: Entry): number {
    let lo = 0;
    let hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byUpdated(arr[mid]!, e) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  private insertUpdated(e: Entry): void {
    this.updatedOrder.splice(this.lowerBound(this.updatedOrder, e), 0, e);
  }
  private removeUpdated(e: Entry): void {
    const i = this.lowerBound(this.updatedOrder, e);
    if (this.updatedOrder[i] === e) this.updatedOrder.splice(i, 1);
    else this.updatedOrder = this.updatedOrder.filter((x) => x !== e);
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  /** The order as the REST API serves it. Treat it as read-only (use patchOrder to change it). */
  getOrder(id: number): MagentoOrder | undefined {
    const e = this.byId.get(id);
    return e ? this.materialise(e) : undefined;
  }

  /** Every order id, ascending. */
  ids(): number[] {
    return this.idOrder.map((e) => e.head.entity_id);
  }

  private materialise(e: Entry): MagentoOrder {
    if (e.full) return e.full;
    const id = e.head.entity_id;
    const hit = this.cache.get(id);
    if (hit) {
      this.cache.delete(id);
      this.cache.set(id, hit);
      return hit;
    }
    const { status, state, ...rest } = (e.patch ?? {}) as Record<string, unknown>;
    // a changed status rebuilds the state-dependent amounts (paid, invoiced, refunded, ...)
    const override = typeof status === 'string' ? { status, state: state as string | undefined } : undefined;
    const order = generateOrderAt(e.gen!.opts, e.gen!.index, override);
    Object.assign(order, rest);
    if (e.comments?.length)
      order.status_histories = [...e.comments, ...((order.status_histories as unknown[]) ?? [])];
    this.cache.set(id, order);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as number);
    return order;
  }

  /**
   * Changes an order like Magento would (status/state, any top-level field) and moves updated_at
   * (default: now), so append-mode collection sees it again.
   */
  patchOrder(id: number, patch: OrderPatch): MagentoOrder | undefined {
    const e = this.byId.get(id);
    if (!e) return undefined;
    const p = { ...patch };
    if (typeof p.status === 'string' && !p.state) p.state = stateOfStatus[p.status] ?? e.head.state;
    p.updated_at ??= magentoTime(this.now());
    this.version++;
    this.removeUpdated(e);
    if (e.full) {
      Object.assign(e.full, p);
      e.head = headOf(e.full);
    } else {
      e.patch = { ...e.patch, ...p };
      for (const k of HEAD_KEYS) if (k in p) (e.head as unknown as Record<string, unknown>)[k] = p[k];
    }
    e.u = parseMagentoTime(e.head.updated_at);
    this.insertUpdated(e);
    this.cache.delete(id);
    return this.materialise(e);
  }

  /** POST /V1/orders/{id}/comments: adds a status history entry (and sets the status if given). */
  addComment(
    id: number,
    h: {
      comment: string;
      status?: string;
      is_customer_notified?: number | null;
      is_visible_on_front?: number;
    },
  ): boolean {
    const e = this.byId.get(id);
    if (!e) return false;
    const order = this.materialise(e);
    const entry = {
      entity_id: 9_000_000 + this.commentSeq++,
      parent_id: id,
      entity_name: 'order',
      status: h.status ?? order.status ?? null,
      comment: h.comment,
      is_customer_notified: h.is_customer_notified ?? null,
      is_visible_on_front: h.is_visible_on_front ?? 0,
      created_at: magentoTime(this.now()),
    };
    if (e.full) {
      e.full.status_histories = [entry, ...((e.full.status_histories as unknown[]) ?? [])];
    } else {
      e.comments = [entry, ...(e.comments ?? [])];
    }
    // Sending a status also sets the order status (historically without validation)
    if (h.status && h.status !== order.status) this.patchOrder(id, { status: h.status });
    else this.cache.delete(id);
    return true;
  }

  private fieldGetter(e: Entry): (f: string) => unknown {
    return (f) =>
      HEAD_SET.has(f)
        ? (e.head as unknown as Record<string, unknown>)[f]
        : (this.materialise(e) as Record<string, unknown>)[f];
  }

  /** GET /V1/orders semantics. */
  search(sc: SearchCriteria, opts: { clampPastEnd: boolean }): { items: MagentoOrder[]; total: number } {
    for (const g of sc.filterGroups) for (const f of g) checkColumn(f.field);
    for (const s of sc.sortOrders) checkColumn(s.field);
    const byUpdatedAt =
      sc.sortOrders.length > 0 &&
      sc.sortOrders[0]!.field === 'updated_at' &&
      sc.sortOrders[0]!.direction === 'ASC' &&
      (sc.sortOrders.length === 1 ||
        (sc.sortOrders.length === 2 &&
          sc.sortOrders[1]!.field === 'entity_id' &&
          sc.sortOrders[1]!.direction === 'ASC'));
    const { entries, indexed, order } = this.candidates(sc.filterGroups, byUpdatedAt);
    const rest = sc.filterGroups.filter((_, i) => !indexed.has(i));
    let candidates = rest.length ? entries.filter((e) => matchAll(this.fieldGetter(e), rest)) : entries;
    if (sc.sortOrders.length) {
      const single = sc.sortOrders.length === 1 ? sc.sortOrders[0]! : undefined;
      if (single?.field === 'entity_id' && order === 'id') {
        if (single.direction === 'DESC') candidates = [...candidates].reverse();
      } else if (!(byUpdatedAt && order === 'updated')) {
        const getters = new Map<Entry, (f: string) => unknown>();
        const g = (e: Entry) => {
          let getter = getters.get(e);
          if (!getter) {
            getter = this.fieldGetter(e);
            getters.set(e, getter);
          }
          return getter;
        };
        // stable sort; ties keep entity_id order like MySQL usually (but not reliably) does
        candidates = [...candidates].sort((a, b) => compareBy(sc.sortOrders, g(a), g(b)));
      }
    } else if (order !== 'id')
      candidates = [...candidates].sort((a, b) => a.head.entity_id - b.head.entity_id);
    const { start, end } = pageWindow(candidates.length, sc.pageSize, sc.currentPage, opts.clampPastEnd);
    return { items: candidates.slice(start, end).map((e) => this.materialise(e)), total: candidates.length };
  }

  /**
   * Narrows the scan with the entity_id and updated_at indexes where a one-filter group allows it.
   * Returns the entries (in id or updated_at order) and which groups the index already applied.
   */
  private candidates(
    groups: Filter[][],
    preferUpdated: boolean,
  ): { entries: Entry[]; indexed: Set<number>; order: 'id' | 'updated' } {
    for (const [i, g] of groups.entries()) {
      if (
        g.length === 1 &&
        g[0]!.field === 'entity_id' &&
        (g[0]!.condition_type === 'eq' || g[0]!.condition_type === 'in')
      ) {
        const ids = (g[0]!.value ?? '').split(',').map((x) => Number(x.trim()));
        const entries = [...new Set(ids)].sort((a, b) => a - b).flatMap((id) => this.byId.get(id) ?? []);
        return { entries, indexed: new Set([i]), order: 'id' };
      }
    }
    let lo: string | undefined;
    let hi: string | undefined;
    let loStrict = false;
    let hiStrict = false;
    const indexed = new Set<number>();
    for (const [i, g] of groups.entries()) {
      const f = g.length === 1 ? g[0]! : undefined;
      if (!f || f.field !== 'updated_at' || f.value === undefined) continue;
      if (['gt', 'gteq', 'moreq', 'from'].includes(f.condition_type)) {
        if (lo === undefined || f.value > lo || (f.value === lo && f.condition_type === 'gt')) {
          lo = f.value;
          loStrict = f.condition_type === 'gt';
        }
        indexed.add(i);
      } else if (['lt', 'lteq', 'to'].includes(f.condition_type)) {
        if (hi === undefined || f.value < hi || (f.value === hi && f.condition_type === 'lt')) {
          hi = f.value;
          hiStrict = f.condition_type === 'lt';
        }
        indexed.add(i);
      }
    }
    if (lo === undefined && hi === undefined) return { entries: this.idOrder, indexed, order: 'id' };
    const arr = this.updatedOrder;
    // first index whose updated_at is > v (upper) or >= v (lower)
    const bound = (v: string, upper: boolean) => {
      let a = 0;
      let b = arr.length;
      while (a < b) {
        const mid = (a + b) >>> 1;
        const u = arr[mid]!.head.updated_at;
        if (upper ? u <= v : u < v) a = mid + 1;
        else b = mid;
      }
      return a;
    };
    const from = lo === undefined ? 0 : bound(lo, loStrict);
    const to = hi === undefined ? arr.length : bound(hi, !hiStrict);
    if (preferUpdated) return { entries: arr.slice(from, to), indexed, order: 'updated' };
    if (to - from > this.idOrder.length / 8) {
      // a wide range: one linear pass in id order beats sorting the slice
      const l = lo === undefined ? Number.NEGATIVE_INFINITY : parseMagentoTime(lo);
      const h = hi === undefined ? Number.POSITIVE_INFINITY : parseMagentoTime(hi);
      if (Number.isNaN(l) || Number.isNaN(h)) {
        const inRange = (u: string) =>
          (lo === undefined || (loStrict ? u > lo : u >= lo)) &&
          (hi === undefined || (hiStrict ? u < hi : u <= hi));
        return { entries: this.idOrder.filter((e) => inRange(e.head.updated_at)), indexed, order: 'id' };
      }
      // paging through one query repeats the same range: memoise it until the store changes
      const key = `${this.version}|${l}|${loStrict}|${h}|${hiStrict}`;
      if (this.rangeMemo?.key !== key) {
        const out: Entry[] = [];
        for (const e of this.idOrder)
          if ((loStrict ? e.u > l : e.u >= l) && (hiStrict ? e.u < h : e.u <= h)) out.push(e);
        this.rangeMemo = { key, entries: out };
      }
      return { entries: this.rangeMemo.entries, indexed, order: 'id' };
    }
    return {
      entries: arr.slice(from, to).sort((a, b) => a.head.entity_id - b.head.entity_id),
      indexed,
      order: 'id',
    };
  }

  /** Orders in ascending id order, materialised one at a time (for derived documents). */
  *orders(ids?: number[]): Generator<MagentoOrder> {
    const entries = ids ? ids.flatMap((id) => this.byId.get(id) ?? []) : this.idOrder;
    for (const e of entries) yield this.materialise(e);
  }

  /** Summary for GET /sandbox/state. */
  summary() {
    const byStatus: Record<string, number> = {};
    for (const e of this.idOrder) byStatus[e.head.status] = (byStatus[e.head.status] ?? 0) + 1;
    return {
      orders: this.size,
      maxEntityId: this.maxId,
      byStatus,
      lastUpdatedAt: this.updatedOrder.at(-1)?.head.updated_at ?? null,
      cachedOrders: this.cache.size,
    };
  }
}

function headOf(o: MagentoOrder): OrderHead {
  const h: Record<string, unknown> = {};
  for (const k of HEAD_KEYS)
    if ((o as Record<string, unknown>)[k] !== undefined) h[k] = (o as Record<string, unknown>)[k];
  return h as unknown as OrderHead;
}

function checkColumn(field: string): void {
  if (!ORDER_COLUMNS.has(field)) {
    // Magento passes the name to SQL; an unknown column is a masked 500 in production mode
    throw new SearchCriteriaError(
      'Internal Error. Details are available in Magento log file. Report ID: webapi-%1',
      [`unknown-column-${field}`],
      500,
    );
  }
}
