/**
 * Magento's searchCriteria: parsing of the bracketed query syntax (snake_case and camelCase keys),
 * and evaluation with Magento's semantics: filters inside a group are OR-ed, groups are AND-ed,
 * MySQL-like comparisons (strings case-insensitive, numbers numeric), several sort orders.
 */
export interface Filter {
  field: string;
  value?: string;
  condition_type: string;
}
export interface SearchCriteria {
  filterGroups: Filter[][];
  sortOrders: { field: string; direction: 'ASC' | 'DESC' }[];
  pageSize?: number;
  currentPage?: number;
  /** what the client sent, for Magento's `search_criteria` echo */
  echo: Record<string, unknown>;
}

export const CONDITION_TYPES = new Set([
  'eq',
  'neq',
  'gt',
  'gteq',
  'lt',
  'lteq',
  'moreq',
  'in',
  'nin',
  'like',
  'nlike',
  'null',
  'notnull',
  'finset',
  'nfinset',
  'from',
  'to',
]);

export class SearchCriteriaError extends Error {
  constructor(
    message: string,
    readonly parameters: Record<string, unknown> | unknown[] = [],
    readonly status = 400,
  ) {
    super(message);
  }
}

type Nested = { [k: string]: Nested | string | undefined } | string | undefined;
const camel: Record<string, string> = {
  filterGroups: 'filter_groups',
  conditionType: 'condition_type',
  sortOrders: 'sort_orders',
  pageSize: 'page_size',
  currentPage: 'current_page',
};
const norm = (k: string) => camel[k] ?? k;

/** Parses a raw query string (keeps bracket keys exactly as Magento's PHP parser would). */
export function parseQueryTree(rawQuery: string): Record<string, Nested> {
  const root: Record<string, Nested> = {};
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawVal = eq < 0 ? '' : part.slice(eq + 1);
    const key = safeDecode(rawKey.replace(/\+/g, ' '));
    const val = safeDecode(rawVal.replace(/\+/g, ' '));
    const m = /^([^[]+)((?:\[[^\]]*\])*)$/.exec(key);
    if (!m) continue;
    const path = [m[1]!, ...[...m[2]!.matchAll(/\[([^\]]*)\]/g)].map((x) => x[1]!)];
    let node: Record<string, Nested> = root;
    for (let i = 0; i < path.length; i++) {
      const k = path[i] === '' ? String(Object.keys(node).length) : path[i]!;
      if (i === path.length - 1) node[k] = val;
      else {
        const next = node[k];
        if (typeof next !== 'object' || next === null) node[k] = {};
        node = node[k] as Record<string, Nested>;
      }
    }
  }
  return root;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const entriesSorted = (o: Nested): [string, Nested][] =>
  typeof o === 'object' && o ? Object.entries(o).sort((a, b) => Number(a[0]) - Number(b[0])) : [];

export function parseSearchCriteria(rawQuery: string): SearchCriteria {
  const tree = parseQueryTree(rawQuery);
  const sc = (tree.searchCriteria ?? tree.search_criteria ?? {}) as Nested;
  const get = (o: Nested, k: string): Nested => {
    if (typeof o !== 'object' || !o) return undefined;
    for (const [key, v] of Object.entries(o)) if (norm(key) === k) return v;
    return undefined;
  };
  const filterGroups: Filter[][] = [];
  const echoGroups: unknown[] = [];
  for (const [, g] of entriesSorted(get(sc, 'filter_groups'))) {
    const filters: Filter[] = [];
    for (const [, f] of entriesSorted(get(g, 'filters'))) {
      const field = get(f, 'field');
      if (typeof field !== 'string' || field === '') continue;
      const value = get(f, 'value');
      const ct = get(f, 'condition_type');
      const condition = typeof ct === 'string' && ct !== '' ? ct.toLowerCase() : 'eq';
      if (!CONDITION_TYPES.has(condition)) {
        throw new SearchCriteriaError('Invalid condition type "%1"', [condition]);
      }
      filters.push({
        field,
        value: typeof value === 'string' ? value : undefined,
        condition_type: condition,
      });
    }
    if (filters.length) {
      filterGroups.push(filters);
      echoGroups.push({
        filters: filters.map((f) => ({
          field: f.field,
          value: f.value ?? null,
          condition_type: f.condition_type,
        })),
      });
    }
  }
  const sortOrders: SearchCriteria['sortOrders'] = [];
  for (const [, s] of entriesSorted(get(sc, 'sort_orders'))) {
    const field = get(s, 'field');
    if (typeof field !== 'string' || !field) continue;
    const dir = get(s, 'direction');
    sortOrders.push({
      field,
      direction: typeof dir === 'string' && dir.toUpperCase() === 'DESC' ? 'DESC' : 'ASC',
    });
  }
  const echo: Record<string, unknown> = { filter_groups: echoGroups };
  if (sortOrders.length) echo.sort_orders = sortOrders;
  const num = (k: string): number | undefined => {
    const v = get(sc, k);
    if (typeof v !== 'string' || v === '') return undefined;
    const n = Number.parseInt(v, 10);
    return Number.isFinite(n) ? n : undefined;
  };
  const pageSize = num('page_size');
  const currentPage = num('current_page');
  // Magento echoes page_size / current_page only when they were sent (#35310)
  if (pageSize !== undefined) echo.page_size = pageSize;
  if (currentPage !== undefined) echo.current_page = currentPage;
  return { filterGroups, sortOrders, pageSize, currentPage, echo };
}

// ------------------------------------------------------------------ evaluation

type Getter = (field: string) => unknown;

function cmp(a: unknown, b: string): number {
  if (typeof a === 'number') {
    const n = Number(b);
    if (!Number.isNaN(n)) return a - n;
    return String(a).localeCompare(b);
  }
  const s = String(a).toLowerCase();
  const t = b.toLowerCase();
  return s < t ? -1 : s > t ? 1 : 0;
}

function likeToRegExp(pattern: string): RegExp {
  let re = '';
  for (const ch of pattern) {
    if (ch === '%') re += '.*';
    else if (ch === '_') re += '.';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'is');
}

export function matchFilter(get: Getter, f: Filter): boolean {
  const v = get(f.field);
  const value = f.value ?? '';
  const isNull = v === undefined || v === null;
  switch (f.condition_type) {
    case 'null':
      return isNull;
    case 'notnull':
      return !isNull;
  }
  // SQL: NULL compared with anything (also neq / nin / nlike) is not true
  if (isNull) return false;
  switch (f.condition_type) {
    case 'eq':
      return cmp(v, value) === 0;
    case 'neq':
      return cmp(v, value) !== 0;
    case 'gt':
      return cmp(v, value) > 0;
    case 'gteq':
    case 'moreq':
    case 'from':
      return cmp(v, value) >= 0;
    case 'lt':
      return cmp(v, value) < 0;
    case 'lteq':
    case 'to':
      return cmp(v, value) <= 0;
    case 'in':
      return value.split(',').some((x) => cmp(v, x.trim()) === 0);
    case 'nin':
      return !value.split(',').some((x) => cmp(v, x.trim()) === 0);
    case 'like':
      return likeToRegExp(value).test(String(v));
    case 'nlike':
      return !likeToRegExp(value).test(String(v));
    case 'finset':
      return String(v).split(',').includes(value);
    case 'nfinset':
      return !String(v).split(',').includes(value);
    default:
      return false;
  }
}

export function matchAll(get: Getter, groups: Filter[][]): boolean {
  for (const g of groups) if (!g.some((f) => matchFilter(get, f))) return false;
  return true;
}

export function compareBy(sortOrders: SearchCriteria['sortOrders'], a: Getter, b: Getter): number {
  for (const s of sortOrders) {
    const x = a(s.field);
    const y = b(s.field);
    let c = 0;
    if (x === y) c = 0;
    else if (x === undefined || x === null) c = -1;
    else if (y === undefined || y === null) c = 1;
    else if (typeof x === 'number' && typeof y === 'number') c = x - y;
    else
      c =
        String(x).toLowerCase() < String(y).toLowerCase()
          ? -1
          : String(x).toLowerCase() > String(y).toLowerCase()
            ? 1
            : 0;
    if (c !== 0) return s.direction === 'DESC' ? -c : c;
  }
  return 0;
}

/** Magento's paging: currentPage ≤ 0 → 1; past the end → the last page again (when clamped). */
export function pageWindow(
  total: number,
  pageSize: number | undefined,
  currentPage: number | undefined,
  clamp: boolean,
) {
  if (!pageSize || pageSize <= 0) return { start: 0, end: total };
  let page = currentPage && currentPage > 0 ? currentPage : 1;
  const last = Math.max(1, Math.ceil(total / pageSize));
  if (page > last && clamp) page = last;
  const start = (page - 1) * pageSize;
  return { start, end: Math.min(total, start + pageSize) };
}
