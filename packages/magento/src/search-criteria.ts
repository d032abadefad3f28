/**
 * Magento searchCriteria: filters inside one group are OR-ed, groups are AND-ed.
 * Serialised into Magento's bracket syntax with `[` and `]` URL-encoded, spelled as the OpenAPI spec
 * declares them (`filterGroups`, `conditionType`; Magento also accepts snake_case).
 */

export const conditionTypes = [
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
] as const;
export type ConditionType = (typeof conditionTypes)[number];

export interface SearchFilter {
  field: string;
  /** arrays are joined with commas (for `in` / `nin`); `like` values need their own `%` */
  value?: string | number | (string | number)[];
  /** default `eq` */
  conditionType?: ConditionType;
}

export interface SearchCriteria {
  /** AND across groups, OR inside a group */
  filterGroups?: { filters: SearchFilter[] }[];
  sortOrders?: { field: string; direction?: 'ASC' | 'DESC' }[];
  pageSize?: number;
  currentPage?: number;
}

function pair(key: string, value: string | number): string {
  return `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`;
}

/** `searchCriteria[filterGroups][0][filters][0][field]=status&...` (no leading `?`) */
export function buildSearchCriteriaQuery(criteria: SearchCriteria): string {
  const parts: string[] = [];
  (criteria.filterGroups ?? []).forEach((group, g) => {
    group.filters.forEach((f, i) => {
      const base = `searchCriteria[filterGroups][${g}][filters][${i}]`;
      const condition = f.conditionType ?? 'eq';
      const value =
        f.value === undefined
          ? condition === 'null' || condition === 'notnull'
            ? '1'
            : ''
          : Array.isArray(f.value)
            ? f.value.join(',')
            : f.value;
      parts.push(
        pair(`${base}[field]`, f.field),
        pair(`${base}[value]`, value),
        pair(`${base}[conditionType]`, condition),
      );
    });
  });
  (criteria.sortOrders ?? []).forEach((s, i) => {
    parts.push(
      pair(`searchCriteria[sortOrders][${i}][field]`, s.field),
      pair(`searchCriteria[sortOrders][${i}][direction]`, s.direction ?? 'ASC'),
    );
  });
  if (criteria.pageSize !== undefined) parts.push(pair('searchCriteria[pageSize]', criteria.pageSize));
  if (criteria.currentPage !== undefined)
    parts.push(pair('searchCriteria[currentPage]', criteria.currentPage));
  // Magento needs at least one searchCriteria parameter, or it answers 400
  if (parts.length === 0) parts.push(pair('searchCriteria', ''));
  return parts.join('&');
}
