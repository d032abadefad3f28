import type { MagentoOrderHead, MagentoOrderHeadPage, SearchCriteria, SearchFilter } from '@mpc/magento';

export type { SearchFilter };

/** Where a run reads orders from: the Magento client (a fake in unit tests). */
export interface OrderSource {
  searchOrderHeads(criteria: SearchCriteria): Promise<MagentoOrderHeadPage>;
}

/** One page of a run: the readable order heads and how many entries Magento sent unreadable. */
export interface HeadPage {
  items: MagentoOrderHead[];
  unreadable: MagentoOrderHeadPage['unreadable'];
}

/** Magento's timestamp format (UTC): "2024-05-01 10:15:00". */
export function toMagentoTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}
export function fromMagentoTime(s: string | null | undefined): Date | null {
  if (!s) return null;
  const d = new Date(`${s.replace(' ', 'T')}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

type FilterGroups = SearchFilter[][];

/**
 * Pages orders by keyset instead of page numbers: each request asks for the orders after the
 * last one seen, sorted by the keyset fields. Orders that change while we page move to the end
 * instead of shifting the pages under us, and Magento's "a page past the end returns the last
 * page again" never applies because every request reads page 1. `total_count` ends the loop.
 */
async function* pageByKeyset(
  source: OrderSource,
  opts: {
    sortFields: string[];
    /** filters of the first request (besides baseFilters) */
    start: FilterGroups;
    /** filters that select the orders after `last` */
    after: (last: MagentoOrderHead) => FilterGroups;
    baseFilters: FilterGroups;
    pageSize: number;
    onRequest?: () => void;
  },
): AsyncGenerator<HeadPage> {
  let position = opts.start;
  for (;;) {
    opts.onRequest?.();
    const page = await source.searchOrderHeads({
      filterGroups: [...opts.baseFilters, ...position].map((filters) => ({ filters })),
      sortOrders: opts.sortFields.map((field) => ({ field, direction: 'ASC' as const })),
      pageSize: opts.pageSize,
      currentPage: 1,
    });
    if (page.pageLength === 0) return;
    yield { items: page.items, unreadable: page.unreadable };
    const last = page.items[page.items.length - 1];
    // without a readable order there is no position to go on from: the run reports the page
    if (!last || page.pageLength >= page.total_count || page.pageLength < opts.pageSize) return;
    position = opts.after(last);
  }
}

/**
 * Orders updated at or after `from`, oldest first. (updated_at, entity_id) > (T, id) is written
 * in Magento's filter algebra (OR inside a group, AND across groups) as
 * updated_at >= T AND (updated_at > T OR entity_id > id).
 */
export function pageByUpdatedAt(
  source: OrderSource,
  opts: { from: string | null; baseFilters: FilterGroups; pageSize: number; onRequest?: () => void },
): AsyncGenerator<HeadPage> {
  return pageByKeyset(source, {
    ...opts,
    sortFields: ['updated_at', 'entity_id'],
    start: opts.from ? [[{ field: 'updated_at', value: opts.from, conditionType: 'gteq' }]] : [],
    after: (last) => {
      const t = last.updated_at ?? '';
      return [
        [{ field: 'updated_at', value: t, conditionType: 'gteq' }],
        [
          { field: 'updated_at', value: t, conditionType: 'gt' },
          { field: 'entity_id', value: String(last.entity_id), conditionType: 'gt' },
        ],
      ];
    },
  });
}

/** Every order by entity id, for `replace` mode's full scan. */
export function pageByEntityId(
  source: OrderSource,
  opts: { baseFilters: FilterGroups; pageSize: number; onRequest?: () => void },
): AsyncGenerator<HeadPage> {
  const afterId = (id: number): FilterGroups => [
    [{ field: 'entity_id', value: String(id), conditionType: 'gt' }],
  ];
  return pageByKeyset(source, {
    ...opts,
    sortFields: ['entity_id'],
    start: afterId(0),
    after: (last) => afterId(last.entity_id),
  });
}
