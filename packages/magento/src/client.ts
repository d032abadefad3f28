import { MAGENTO_ORDER_FIELDS, type MagentoLookups, magentoLookupsSchema } from '@mpc/core';
import { createKeepAliveHttp, describeNetworkFailure, hostOf, issueLines } from '@mpc/http';
import type { AxiosResponse } from 'axios';
import { z } from 'zod';
import {
  MagentoHttpError,
  MagentoNetworkError,
  MagentoResponseError,
  substituteMagentoParameters,
} from './errors';
import { type MagentoOrder, magentoOrderSchema } from './order-schema';
import { buildSearchCriteriaQuery, type SearchCriteria } from './search-criteria';

export interface Logger {
  debug?(msg: string, meta?: Record<string, unknown>): void;
  info?(msg: string, meta?: Record<string, unknown>): void;
  warn?(msg: string, meta?: Record<string, unknown>): void;
  error?(msg: string, meta?: Record<string, unknown>): void;
}

export interface MagentoCallInfo {
  method: string;
  /** route template, e.g. `/V1/orders/{id}` */
  route: string;
  /** 0 when no answer arrived */
  status: number;
  durationMs: number;
  kind: 'read' | 'write';
}

export interface MagentoClientOptions {
  /** shop root (`https://shop.example`), or a REST root with store code (`https://shop.example/rest/all`) */
  baseUrl: string;
  /** integration access token, sent as Bearer */
  accessToken: string;
  /** default 60 s (full orders are slow on big pages) */
  timeoutMs?: number;
  logger?: Logger;
  onCall?: (info: MagentoCallInfo) => void;
}

const int = z.coerce.number().int();

export const websiteSchema = z.looseObject({
  id: int,
  code: z.string(),
  name: z.string(),
  default_group_id: int.optional(),
});
export const storeGroupSchema = z.looseObject({
  id: int,
  website_id: int,
  name: z.string(),
  code: z.string().optional(),
  root_category_id: int.optional(),
  default_store_id: int.optional(),
});
export const storeViewSchema = z.looseObject({
  id: int,
  code: z.string(),
  website_id: int,
  store_group_id: int,
  name: z.string(),
  is_active: z.union([z.number(), z.boolean()]).optional(),
});
export const storeConfigSchema = z.looseObject({
  id: int,
  code: z.string(),
  website_id: int,
  locale: z.string().optional(),
  base_currency_code: z.string().optional(),
  default_display_currency_code: z.string().optional(),
  timezone: z.string().optional(),
  weight_unit: z.string().optional(),
});
export type MagentoWebsite = z.infer<typeof websiteSchema>;
export type MagentoStoreGroup = z.infer<typeof storeGroupSchema>;
export type MagentoStoreView = z.infer<typeof storeViewSchema>;
export type MagentoStoreConfig = z.infer<typeof storeConfigSchema>;

const searchResultSchema = z.looseObject({
  items: z.array(magentoOrderSchema).nullish(),
  total_count: int,
  search_criteria: z.unknown().optional(),
});

/**
 * What the collector reads of each order: enough to decide and to track it. Lenient per field, so
 * one order with odd data cannot stop a run (the exporter reads it whole and says what is wrong).
 */
export const magentoOrderHeadSchema = z.looseObject({
  entity_id: z.coerce.number().int().positive(),
  increment_id: z.coerce.string().min(1),
  status: z.string().nullish().catch(null),
  store_id: z.coerce.number().int().nonnegative().catch(0),
  customer_id: z.coerce.number().int().nullish().catch(null),
  updated_at: z.string().nullish().catch(null),
  created_at: z.string().nullish().catch(null),
});
export type MagentoOrderHead = z.infer<typeof magentoOrderHeadSchema>;

const ORDER_FIELDS_QUERY = encodeURIComponent(MAGENTO_ORDER_FIELDS);

/** The fields of an order head, for Magento's `fields=` filter (smaller pages for the collector). */
const ORDER_HEAD_FIELDS =
  'items[entity_id,increment_id,status,store_id,customer_id,updated_at,created_at],total_count';

const headSearchResultSchema = z.looseObject({
  items: z.array(z.unknown()).nullish(),
  total_count: int,
});

export interface MagentoOrderHeadPage {
  items: MagentoOrderHead[];
  /** entries Magento returned without a usable entity id or increment id, with what was wrong */
  unreadable: { index: number; issues: string[] }[];
  /** how many entries the page held (readable or not): paging goes by this */
  pageLength: number;
  total_count: number;
}

export interface MagentoOrderSearchResult {
  items: MagentoOrder[];
  total_count: number;
  search_criteria: unknown;
}

export interface OrderCommentInput {
  comment: string;
  /** sending a status also changes the order status */
  status?: string;
  is_customer_notified?: boolean | 0 | 1;
  is_visible_on_front?: boolean | 0 | 1;
}

/** `https://x` → `https://x/rest`; `https://x/rest` and `https://x/rest/<store>` are kept. */
export function magentoApiRoot(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  if (/\/rest(\/[^/]+)?$/.test(trimmed) && !/\/V1$/.test(trimmed)) return trimmed;
  return `${trimmed}/rest`;
}

/** Maps a non-2xx Magento answer to MagentoHttpError with the placeholders substituted. */
export function toMagentoHttpError(res: AxiosResponse, route: string): MagentoHttpError {
  let body: Record<string, unknown> = {};
  if (res.data && typeof res.data === 'object') body = res.data as Record<string, unknown>;
  else if (typeof res.data === 'string' && res.data.trim().startsWith('{')) {
    try {
      body = JSON.parse(res.data) as Record<string, unknown>;
    } catch {
      /* not JSON (proxy error page) */
    }
  }
  const raw = typeof body.message === 'string' ? body.message : undefined;
  const magentoMessage = raw === undefined ? undefined : substituteMagentoParameters(raw, body.parameters);
  const errors = Array.isArray(body.errors)
    ? body.errors
        .map((e) => {
          const o = e as { message?: unknown; parameters?: unknown };
          return typeof o.message === 'string'
            ? substituteMagentoParameters(o.message, o.parameters)
            : undefined;
        })
        .filter((m): m is string => !!m)
    : undefined;
  const params = body.parameters as Record<string, unknown> | undefined;
  const resources =
    params && !Array.isArray(params) && typeof params.resources === 'string'
      ? params.resources.split(',').map((r) => r.trim())
      : undefined;
  const s = res.status;
  const detail = [magentoMessage, ...(errors ?? [])].filter(Boolean).join(' ');
  let message: string;
  if (s === 401) {
    message = resources
      ? `Magento rejected the access token for ${route} (401): the token is invalid or the integration lacks the ACL resource(s) ${resources.join(', ')}`
      : `Magento rejected the access token (401) for ${route}${detail ? `: ${detail}` : ''}; check the integration token and that "Allow OAuth Access Tokens to be used as standalone Bearer tokens" is enabled`;
  } else if (s >= 500) {
    message = `Magento server error ${s} on ${route}${detail ? `: ${detail}` : ''}`;
  } else {
    message = `Magento answered ${s} to ${route}${detail ? `: ${detail}` : ''}`;
  }
  return new MagentoHttpError({
    status: s,
    message,
    route,
    ...(magentoMessage !== undefined ? { magentoMessage } : {}),
    ...(resources ? { missingResources: resources } : {}),
    ...(errors?.length ? { errors } : {}),
  });
}

export type MagentoClient = ReturnType<typeof createMagentoClient>;

export function createMagentoClient(opts: MagentoClientOptions) {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const root = magentoApiRoot(opts.baseUrl);
  const host = hostOf(opts.baseUrl);
  const http = createKeepAliveHttp({ baseURL: root, timeoutMs, maxSockets: 16 });

  async function send<S extends z.ZodType>(spec: {
    method: 'GET' | 'POST' | 'PUT';
    route: string;
    path: string;
    data?: unknown;
    schema: S;
  }): Promise<z.infer<S>> {
    const label = `${spec.method} ${spec.route}`;
    const kind = spec.method === 'GET' ? 'read' : 'write';
    const started = performance.now();
    let res: AxiosResponse;
    try {
      res = await http.request({
        method: spec.method,
        url: spec.path,
        data: spec.data,
        headers: { Authorization: `Bearer ${opts.accessToken}` },
      });
    } catch (err) {
      opts.onCall?.({
        method: spec.method,
        route: spec.route,
        status: 0,
        durationMs: performance.now() - started,
        kind,
      });
      const failure = describeNetworkFailure(err, { system: 'Magento', route: label, host, timeoutMs });
      if (!failure) throw err;
      const { message, code, timedOut } = failure;
      throw new MagentoNetworkError(message, { route: label, code, timedOut, cause: err });
    }
    opts.onCall?.({
      method: spec.method,
      route: spec.route,
      status: res.status,
      durationMs: performance.now() - started,
      kind,
    });
    if (res.status < 200 || res.status >= 300) throw toMagentoHttpError(res, label);
    const parsed = spec.schema.safeParse(res.data);
    if (!parsed.success) {
      throw new MagentoResponseError(label, issueLines(parsed.error.issues));
    }
    return parsed.data;
  }

  const client = {
    baseUrl: opts.baseUrl,
    host,

    /** One page of orders. Always send pageSize: without it Magento returns every match at once. */
    async searchOrders(criteria: SearchCriteria): Promise<MagentoOrderSearchResult> {
      const r = await send({
        method: 'GET',
        route: '/V1/orders',
        path: `/V1/orders?${buildSearchCriteriaQuery(criteria)}`,
        schema: searchResultSchema,
      });
      return { items: r.items ?? [], total_count: r.total_count, search_criteria: r.search_criteria };
    },

    /** One page of order heads (the fields the collector needs), read leniently order by order. */
    async searchOrderHeads(criteria: SearchCriteria): Promise<MagentoOrderHeadPage> {
      const r = await send({
        method: 'GET',
        route: '/V1/orders',
        path: `/V1/orders?${buildSearchCriteriaQuery(criteria)}&fields=${encodeURIComponent(ORDER_HEAD_FIELDS)}`,
        schema: headSearchResultSchema,
      });
      const page: MagentoOrderHeadPage = {
        items: [],
        unreadable: [],
        pageLength: r.items?.length ?? 0,
        total_count: r.total_count,
      };
      (r.items ?? []).forEach((raw, index) => {
        const head = magentoOrderHeadSchema.safeParse(raw);
        if (head.success) page.items.push(head.data);
        else page.unreadable.push({ index, issues: issueLines(head.error.issues) });
      });
      return page;
    },

    /**
     * Every matching order, page by page. Stops by `total_count` (Magento answers a page past the end
     * with the last page again) and yields each entity_id once (orders can move between pages while
     * we read, e.g. when their updated_at changes). Sorts by entity_id unless told otherwise.
     */
    async *iterateOrders(
      criteria: SearchCriteria,
      pageSize = 50,
    ): AsyncGenerator<MagentoOrder, void, undefined> {
      const seen = new Set<number>();
      const sortOrders = criteria.sortOrders?.length
        ? criteria.sortOrders
        : [{ field: 'entity_id', direction: 'ASC' as const }];
      for (let page = 1; ; page++) {
        const r = await client.searchOrders({ ...criteria, sortOrders, pageSize, currentPage: page });
        for (const order of r.items) {
          if (seen.has(order.entity_id)) continue;
          seen.add(order.entity_id);
          yield order;
        }
        if (r.items.length === 0 || page * pageSize >= r.total_count) return;
      }
    },

    /** One order, with only the fields the mapping reads (a quarter of the full document). */
    getOrder(id: number): Promise<MagentoOrder> {
      return send({
        method: 'GET',
        route: '/V1/orders/{id}',
        path: `/V1/orders/${id}?fields=${ORDER_FIELDS_QUERY}`,
        schema: magentoOrderSchema,
      });
    },

    /** Adds a status-history comment (optionally changing the status). Magento answers `true`. */
    async addOrderComment(id: number, input: OrderCommentInput): Promise<boolean> {
      const flag = (v: boolean | 0 | 1 | undefined) => (v ? 1 : 0);
      const statusHistory = {
        comment: input.comment,
        is_customer_notified: flag(input.is_customer_notified),
        is_visible_on_front: flag(input.is_visible_on_front),
        parent_id: id,
        ...(input.status ? { status: input.status } : {}),
      };
      return send({
        method: 'POST',
        route: '/V1/orders/{id}/comments',
        path: `/V1/orders/${id}/comments`,
        data: { statusHistory },
        schema: z.union([z.boolean(), z.string().transform((s) => s === 'true' || s === '1')]),
      });
    },

    getWebsites(): Promise<MagentoWebsite[]> {
      return send({
        method: 'GET',
        route: '/V1/store/websites',
        path: '/V1/store/websites',
        schema: z.array(websiteSchema),
      });
    },
    getStoreGroups(): Promise<MagentoStoreGroup[]> {
      return send({
        method: 'GET',
        route: '/V1/store/storeGroups',
        path: '/V1/store/storeGroups',
        schema: z.array(storeGroupSchema),
      });
    },
    getStoreViews(): Promise<MagentoStoreView[]> {
      return send({
        method: 'GET',
        route: '/V1/store/storeViews',
        path: '/V1/store/storeViews',
        schema: z.array(storeViewSchema),
      });
    },
    getStoreConfigs(): Promise<MagentoStoreConfig[]> {
      return send({
        method: 'GET',
        route: '/V1/store/storeConfigs',
        path: '/V1/store/storeConfigs',
        schema: z.array(storeConfigSchema),
      });
    },
  };
  return client;
}

/** Websites, store groups, store views and store configs in core's shape, admin entries (id 0) dropped. */
export async function fetchMagentoLookups(client: MagentoClient): Promise<MagentoLookups> {
  const [websites, groups, views, configs] = await Promise.all([
    client.getWebsites(),
    client.getStoreGroups(),
    client.getStoreViews(),
    client.getStoreConfigs(),
  ]);
  return magentoLookupsSchema.parse({
    websites: websites.filter((w) => w.id !== 0).map((w) => ({ id: w.id, code: w.code, name: w.name })),
    storeGroups: groups
      .filter((g) => g.id !== 0)
      .map((g) => ({
        id: g.id,
        website_id: g.website_id,
        name: g.name,
        ...(g.code ? { code: g.code } : {}),
      })),
    storeViews: views
      .filter((v) => v.id !== 0)
      .map((v) => ({
        id: v.id,
        code: v.code,
        website_id: v.website_id,
        store_group_id: v.store_group_id,
        name: v.name,
      })),
    storeConfigs: configs
      .filter((c) => c.id !== 0)
      .map((c) => ({
        id: c.id,
        code: c.code,
        website_id: c.website_id,
        ...(c.locale ? { locale: c.locale } : {}),
        ...(c.base_currency_code ? { base_currency_code: c.base_currency_code } : {}),
        ...(c.default_display_currency_code
          ? { default_display_currency_code: c.default_display_currency_code }
          : {}),
      })),
  });
}
