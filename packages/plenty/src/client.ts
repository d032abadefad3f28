import type {
  PlentyAddressCreate,
  PlentyContactCreate,
  PlentyOrderCreate,
  PlentyPaymentCreate,
} from '@mpc/core';
import { hostOf, issueLines } from '@mpc/http';
import type { AxiosResponse } from 'axios';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { PlentyAuth } from './auth';
import { PlentyRateLimitedError, PlentyRequestValidationError, PlentyResponseError } from './errors';
import {
  type CallInfo,
  type CallKind,
  createHttp,
  type Logger,
  sleep,
  toHttpError,
  toNetworkError,
} from './http';
import { parseRetryAfter } from './rate-limit-headers';
import {
  createPlentyRateLimiter,
  type PlanLimits,
  type PlentyPlan,
  type PlentyRateLimiter,
} from './rate-limiter';
import { requestSchemas } from './request-schemas';
import {
  addressSchema,
  commentSchema,
  contactSchema,
  countrySchema,
  currencySchema,
  isTruthyFlag,
  listSchema,
  orderSchema,
  orderStatusSchema,
  type PlentyAddress,
  type PlentyComment,
  type PlentyContact,
  type PlentyCountry,
  type PlentyCurrency,
  type PlentyOrder,
  type PlentyOrderStatus,
  type PlentyPayment,
  type PlentyPaymentContactRelation,
  type PlentyPaymentMethod,
  type PlentyPaymentOrderRelation,
  type PlentyReferrer,
  type PlentyShippingProfile,
  type PlentyVariation,
  type PlentyVatConfiguration,
  type PlentyWarehouse,
  type PlentyWebstore,
  type pageSchema,
  paymentContactRelationSchema,
  paymentMethodSchema,
  paymentOrderRelationSchema,
  paymentSchema,
  referrerSchema,
  shippingProfileSchema,
  variationSchema,
  vatConfigurationSchema,
  warehouseSchema,
  webstoreSchema,
} from './schemas';

export interface PlentyClientOptions {
  baseUrl: string;
  username: string;
  password: string;
  /** with `redis` (and no `rateLimiter`) a shared Redis rate limiter is created for this system */
  redis?: Redis;
  /** identifies the Plenty system in Redis; default: the host of baseUrl */
  systemKey?: string;
  /** key prefix for the limiter's Redis keys; default `mpc:` */
  redisKeyPrefix?: string;
  /** plan whose read/write limits seed the limiter until Plenty's headers arrive; default classic */
  plan?: PlentyPlan | PlanLimits;
  /** per-request timeout; default 30 s */
  timeoutMs?: number;
  logger?: Logger;
  /** reports every HTTP call (including login/refresh, flagged `auth`) */
  onCall?: (info: CallInfo) => void;
  rateLimiter?: PlentyRateLimiter;
  /** how often one call is re-sent after a 429 whose Retry-After fits maxRateLimitWaitMs; default 3 */
  max429Retries?: number;
  /** longest wait for budget/Retry-After inside one call before throwing a retryable error; default 30 s */
  maxRateLimitWaitMs?: number;
  /** renew the token this long before it expires; default 5 min */
  refreshMarginMs?: number;
  /** concurrency of SKU lookups; default 4 */
  skuLookupConcurrency?: number;
}

type Query = Record<string, string | number | boolean | (string | number)[] | undefined>;

interface CallSpec<S extends z.ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** route template for metrics and messages */
  route: string;
  /** concrete path */
  path: string;
  params?: Query;
  data?: unknown;
  schema: S;
}

/** Order property 7 = external order id (the Magento increment id). */
export const EXTERNAL_ORDER_ID_PROPERTY = 7;
/** Payment property 1 = transaction id. */
export const TRANSACTION_ID_PROPERTY = 1;

const MAX_PAGES = 500;

export type PlentyClient = ReturnType<typeof createPlentyClient>;

export function createPlentyClient(opts: PlentyClientOptions) {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const http = createHttp(opts.baseUrl, timeoutMs);
  const host = hostOf(opts.baseUrl);
  const logger = opts.logger;
  const max429Retries = opts.max429Retries ?? 3;
  const maxWaitMs = opts.maxRateLimitWaitMs ?? 30_000;
  const limiter: PlentyRateLimiter | undefined =
    opts.rateLimiter ??
    (opts.redis
      ? createPlentyRateLimiter({
          redis: opts.redis,
          systemKey: opts.systemKey ?? host,
          ...(opts.redisKeyPrefix !== undefined ? { keyPrefix: opts.redisKeyPrefix } : {}),
          ...(opts.plan !== undefined ? { plan: opts.plan } : {}),
          maxWaitMs,
        })
      : undefined);
  const auth = new PlentyAuth({
    http,
    host,
    username: opts.username,
    password: opts.password,
    timeoutMs,
    ...(opts.refreshMarginMs !== undefined ? { refreshMarginMs: opts.refreshMarginMs } : {}),
    ...(logger ? { logger } : {}),
    ...(opts.onCall ? { onCall: opts.onCall } : {}),
  });

  async function send<S extends z.ZodType>(spec: CallSpec<S>): Promise<z.infer<S>> {
    const kind: CallKind = spec.method === 'GET' ? 'read' : 'write';
    const label = `${spec.method} ${spec.route}`;
    let reauthed = false;
    let rateLimited = 0;
    for (;;) {
      if (limiter) await limiter.acquire(kind, { route: spec.route, maxWaitMs });
      const token = await auth.getToken();
      const started = performance.now();
      let res: AxiosResponse;
      try {
        res = await http.request({
          method: spec.method,
          url: spec.path,
          params: spec.params,
          data: spec.data,
          headers: { Authorization: `Bearer ${token}` },
        });
      } catch (err) {
        opts.onCall?.({
          method: spec.method,
          route: spec.route,
          status: 0,
          durationMs: performance.now() - started,
          kind,
        });
        throw toNetworkError(err, { route: label, host, timeoutMs });
      }
      const durationMs = performance.now() - started;
      opts.onCall?.({ method: spec.method, route: spec.route, status: res.status, durationMs, kind });
      if (limiter) {
        await limiter
          .update(kind, res.headers as Record<string, unknown>, res.status, spec.route)
          .catch((err: Error) => logger?.warn?.('plenty rate limiter update failed', { error: err.message }));
      }
      if (res.status >= 200 && res.status < 300) {
        const parsed = spec.schema.safeParse(res.data);
        if (!parsed.success) {
          throw new PlentyResponseError(label, issueLines(parsed.error.issues));
        }
        return parsed.data;
      }
      if (res.status === 401 && !reauthed) {
        // expired or revoked token: drop it, log in again once, resend
        reauthed = true;
        auth.invalidate(token);
        logger?.info?.('plenty answered 401, logging in again', { route: label });
        continue;
      }
      if (res.status === 429 && rateLimited < max429Retries) {
        const retryAfterMs = parseRetryAfter(res.headers['retry-after'] as string | undefined) ?? 5_000;
        if (retryAfterMs <= maxWaitMs) {
          rateLimited++;
          logger?.warn?.('plenty answered 429, waiting', { route: label, retryAfterMs });
          // with a limiter the shared block makes acquire() wait (every process); without one we sleep
          if (!limiter) await sleep(retryAfterMs);
          continue;
        }
        throw new PlentyRateLimitedError(
          `Plenty rate limit hit on ${label}; next call possible in ${Math.ceil(retryAfterMs / 1000)} s`,
          { route: label, retryAfterMs },
        );
      }
      throw toHttpError(res, label);
    }
  }

  function validateBody(name: keyof typeof requestSchemas, route: string, body: unknown): unknown {
    const schema: z.ZodType = requestSchemas[name];
    const r = schema.safeParse(body);
    if (!r.success) {
      throw new PlentyRequestValidationError(route, issueLines(r.error.issues));
    }
    return r.data;
  }

  function entriesOf<T>(data: T[] | { entries: T[] }): T[] {
    return Array.isArray(data) ? data : data.entries;
  }

  /**
   * Every page of a list route (plain arrays are one page). `itemsPerPage` is only sent where the spec
   * declares paging; elsewhere the first request carries no paging parameters and `page` is only added
   * if the route unexpectedly answers with a multi-page envelope.
   */
  async function getAll<T extends z.ZodType>(
    route: string,
    entry: T,
    params: Query = {},
    itemsPerPage?: number,
  ): Promise<z.infer<T>[]> {
    const out: z.infer<T>[] = [];
    const schema = listSchema(entry);
    const perPage = itemsPerPage === undefined ? {} : { itemsPerPage };
    for (let page = 1; page <= MAX_PAGES; page++) {
      const pageParams = page === 1 && itemsPerPage === undefined ? {} : { page, ...perPage };
      const data = (await send({
        method: 'GET',
        route,
        path: route,
        params: { ...params, ...pageParams },
        schema,
      })) as z.infer<T>[] | z.infer<ReturnType<typeof pageSchema<T>>>;
      if (Array.isArray(data)) return [...out, ...data];
      out.push(...(data.entries as z.infer<T>[]));
      const last =
        data.isLastPage === true ||
        data.entries.length === 0 ||
        (data.lastPageNumber !== undefined && page >= data.lastPageNumber) ||
        (data.page !== undefined && data.page !== page); // a clamped page: we are past the end
      if (last) return out;
    }
    logger?.warn?.('plenty list truncated', { route, pages: MAX_PAGES });
    return out;
  }

  async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
    const results: R[] = new Array(items.length);
    let next = 0;
    const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i] as T);
      }
    });
    await Promise.all(workers);
    return results;
  }

  const client = {
    baseUrl: opts.baseUrl,
    host,
    rateLimiter: limiter,
    /** login/refresh counters (tests, metrics) */
    authStats: auth.stats,
    /** Log in now (connection test); throws PlentyAuthError / PlentyNetworkError. */
    async login(): Promise<void> {
      auth.clear();
      await auth.getToken();
    },

    /** Generic escape hatch for routes without a typed method. */
    request: send,

    // ---- lookups --------------------------------------------------------------------------------
    getOrderStatuses(): Promise<PlentyOrderStatus[]> {
      return getAll('/rest/orders/statuses', orderStatusSchema, { with: 'names' });
    },
    async getShippingProfiles(): Promise<PlentyShippingProfile[]> {
      return getAll('/rest/orders/shipping/presets', shippingProfileSchema, {
        with: ['parcelServicePresetNames', 'parcelServiceNames'],
      });
    },
    getPaymentMethods(): Promise<PlentyPaymentMethod[]> {
      return getAll('/rest/payments/methods', paymentMethodSchema);
    },
    getReferrers(): Promise<PlentyReferrer[]> {
      return getAll('/rest/orders/referrers', referrerSchema);
    },
    getWarehouses(): Promise<PlentyWarehouse[]> {
      return getAll('/rest/stockmanagement/warehouses', warehouseSchema);
    },
    getWebstores(): Promise<PlentyWebstore[]> {
      return getAll('/rest/webstores', webstoreSchema);
    },
    getCountries(): Promise<PlentyCountry[]> {
      return getAll('/rest/orders/shipping/countries', countrySchema, { with: 'names' });
    },
    getVatConfigurations(): Promise<PlentyVatConfiguration[]> {
      return getAll('/rest/vat', vatConfigurationSchema, {}, 100);
    },
    /** the system's currencies with their exchange rates (a plain array) */
    getCurrencies(): Promise<PlentyCurrency[]> {
      return getAll('/rest/orders/currencies', currencySchema);
    },

    // ---- items ----------------------------------------------------------------------------------
    /**
     * SKU (= Plenty variation number) → variation id. The spec's `numberExact` filter takes one number,
     * so this is one GET per distinct SKU (duplicates and blanks are dropped first; a few run in
     * parallel). Unknown SKUs are absent from the map. Callers should cache the result.
     */
    async findVariationIdsBySku(skus: string[]): Promise<Map<string, number>> {
      const distinct = [...new Set(skus.map((s) => s.trim()).filter(Boolean))];
      const found = new Map<string, number>();
      await mapLimit(distinct, opts.skuLookupConcurrency ?? 4, async (sku) => {
        const data = await send({
          method: 'GET',
          route: '/rest/items/variations',
          path: '/rest/items/variations',
          params: { numberExact: sku, itemsPerPage: 10 },
          schema: listSchema(variationSchema),
        });
        const hits = (entriesOf(data) as PlentyVariation[]).filter(
          (v) => v.number == null || v.number === sku,
        );
        const best = hits.find((v) => v.isActive !== false && v.number === sku) ?? hits[0];
        if (best) found.set(sku, best.id);
      });
      return found;
    },

    // ---- contacts and addresses -----------------------------------------------------------------
    /**
     * The first real (non-guest) contact whose e-mail is exactly `email` (case-insensitive).
     * Plenty's `contactEmail` filter is a "resembling" match, so hits are checked here.
     */
    async findContactByEmail(email: string, plentyId?: number): Promise<PlentyContact | null> {
      const wanted = email.trim().toLowerCase();
      const contacts = await getAll(
        '/rest/accounts/contacts',
        contactSchema,
        { contactEmail: email.trim(), ...(plentyId !== undefined ? { plentyId } : {}), with: 'options' },
        50,
      );
      const emailsOf = (c: PlentyContact): string[] => [
        ...(c.email ? [c.email] : []),
        ...(c.options ?? [])
          .filter((o) => Number(o.typeId) === 2 && typeof o.value === 'string')
          .map((o) => String(o.value)),
      ];
      return (
        contacts
          .filter((c) => !isTruthyFlag(c.singleAccess))
          .filter((c) => plentyId === undefined || c.plentyId == null || c.plentyId === plentyId)
          .filter((c) => emailsOf(c).some((e) => e.trim().toLowerCase() === wanted))
          .sort((a, b) => a.id - b.id)[0] ?? null
      );
    },
    async createContact(body: PlentyContactCreate): Promise<PlentyContact> {
      const route = '/rest/accounts/contacts';
      const data = validateBody('contact', `POST ${route}`, body);
      return send({ method: 'POST', route, path: route, data, schema: contactSchema });
    },
    /** Creates an address and links it to the contact (typeId 1 invoice, 2 delivery); Plenty de-duplicates. */
    async createContactAddress(
      contactId: number,
      typeId: number,
      body: Record<string, unknown>,
    ): Promise<PlentyAddress> {
      const route = '/rest/accounts/contacts/{contactId}/addresses';
      const data = validateBody('address', `POST ${route}`, body);
      return send({
        method: 'POST',
        route,
        path: `/rest/accounts/contacts/${contactId}/addresses`,
        params: { typeId },
        data,
        schema: addressSchema,
      });
    },
    /** The contact's addresses of one relation type (1 invoice, 2 delivery), with their options. */
    async getContactAddresses(contactId: number, typeId: number): Promise<PlentyAddress[]> {
      const data = await send({
        method: 'GET',
        route: '/rest/accounts/contacts/{contactId}/addresses/{addressTypeId}',
        path: `/rest/accounts/contacts/${contactId}/addresses/${typeId}`,
        params: { with: 'options' },
        schema: listSchema(addressSchema),
      });
      return entriesOf(data as PlentyAddress[] | { entries: PlentyAddress[] });
    },
    /** A standalone address (guest orders: no contact link). */
    async createAddress(body: PlentyAddressCreate): Promise<PlentyAddress> {
      const route = '/rest/accounts/addresses';
      const data = validateBody('address', `POST ${route}`, body);
      return send({ method: 'POST', route, path: route, data, schema: addressSchema });
    },

    // ---- orders ---------------------------------------------------------------------------------
    /**
     * Orders whose external order id (property 7) is exactly `externalOrderId` on client `plentyId`.
     * Uses `GET /rest/orders?externalOrderId=` (the filter the reference clients use for idempotency)
     * and checks property 7 and plentyId on every hit.
     */
    async findOrdersByExternalId(externalOrderId: string, plentyId: number): Promise<PlentyOrder[]> {
      const orders = await getAll('/rest/orders', orderSchema, { externalOrderId, addOrderItems: false }, 50);
      return orders.filter((o) => {
        if (o.plentyId != null && o.plentyId !== plentyId) return false;
        if (!o.properties) return true; // property list not returned: trust the server-side filter
        return o.properties.some(
          (p) => Number(p.typeId) === EXTERNAL_ORDER_ID_PROPERTY && String(p.value ?? '') === externalOrderId,
        );
      });
    },
    async createOrder(body: PlentyOrderCreate): Promise<PlentyOrder> {
      const route = '/rest/orders';
      const data = validateBody('order', `POST ${route}`, body);
      return send({ method: 'POST', route, path: route, data, schema: orderSchema });
    },
    getOrder(orderId: number, withRelations: string[] = []): Promise<PlentyOrder> {
      return send({
        method: 'GET',
        route: '/rest/orders/{orderId}',
        path: `/rest/orders/${orderId}`,
        params: withRelations.length ? { with: withRelations } : {},
        schema: orderSchema,
      });
    },
    updateOrderStatus(orderId: number, statusId: number): Promise<PlentyOrder> {
      return send({
        method: 'PUT',
        route: '/rest/orders/{orderId}',
        path: `/rest/orders/${orderId}`,
        data: { statusId },
        schema: orderSchema,
      });
    },
    addOrderComment(
      orderId: number,
      text: string,
      extra: { isVisibleForContact?: boolean; userId?: number } = {},
    ): Promise<PlentyComment> {
      const body = {
        referenceType: 'order',
        referenceValue: orderId,
        text,
        isVisibleForContact: false,
        ...extra,
      };
      return send({
        method: 'POST',
        route: '/rest/comments',
        path: '/rest/comments',
        data: body,
        schema: commentSchema,
      });
    },

    // ---- payments -------------------------------------------------------------------------------
    /** Payments carrying payment property `typeId` = `value` (e.g. 1 transaction id), deleted ones left out. */
    async findPaymentsByProperty(typeId: number, value: string): Promise<PlentyPayment[]> {
      const data = await send({
        method: 'GET',
        route: '/rest/payments/property/{propertyTypeId}/{propertyValue}',
        path: `/rest/payments/property/${typeId}/${encodeURIComponent(value)}`,
        schema: listSchema(paymentSchema),
      });
      return (entriesOf(data) as PlentyPayment[]).filter((p) => !isTruthyFlag(p.deleted));
    },
    /** Payments carrying transaction id `txnId` (payment property 1), deleted ones left out. */
    findPaymentsByTransactionId(txnId: string): Promise<PlentyPayment[]> {
      return client.findPaymentsByProperty(TRANSACTION_ID_PROPERTY, txnId);
    },
    async getPaymentsOfOrder(orderId: number): Promise<PlentyPayment[]> {
      const data = await send({
        method: 'GET',
        route: '/rest/payments/orders/{orderId}',
        path: `/rest/payments/orders/${orderId}`,
        schema: listSchema(paymentSchema),
      });
      return (entriesOf(data) as PlentyPayment[]).filter((p) => !isTruthyFlag(p.deleted));
    },
    async createPayment(body: PlentyPaymentCreate): Promise<PlentyPayment> {
      const route = '/rest/payments';
      const data = validateBody('payment', `POST ${route}`, body);
      return send({ method: 'POST', route, path: route, data, schema: paymentSchema });
    },
    createPaymentOrderRelation(paymentId: number, orderId: number): Promise<PlentyPaymentOrderRelation> {
      return send({
        method: 'POST',
        route: '/rest/payment/{paymentId}/order/{orderId}',
        path: `/rest/payment/${paymentId}/order/${orderId}`,
        schema: paymentOrderRelationSchema,
      });
    },
    createPaymentContactRelation(
      paymentId: number,
      contactId: number,
    ): Promise<PlentyPaymentContactRelation> {
      return send({
        method: 'POST',
        route: '/rest/payment/{paymentId}/contact/{contactId}',
        path: `/rest/payment/${paymentId}/contact/${contactId}`,
        schema: paymentContactRelationSchema,
      });
    },
  };
  return client;
}
