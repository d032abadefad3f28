import { z } from 'zod';

/**
 * Our own schemas for bodies the vendor specs leave untyped. Each names the source fact
 * (reference/plenty-rest-api.md) it is written from.
 */
const num = z.number();
const int = z.number().int();

/**
 * POST /rest/login: the spec's `Response` is an empty object. Reference §1: real systems answer
 * both spellings (token_type/tokenType, expires_in/expiresIn, access_token/accessToken,
 * refresh_token/refreshToken); login errors are a flat string `error`.
 */
export const plentyLoginResponse = z.object({
  token_type: z.literal('Bearer'),
  expires_in: int.positive(),
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  tokenType: z.literal('Bearer'),
  expiresIn: int.positive(),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
});
export const plentyLoginError = z.object({
  error: z.enum(['invalid_credentials', 'too_many_concurrent_sessions']),
});

/** GET /rest/stockmanagement/warehouses: spec `Collection` is empty; reference §4 lists the fields. */
export const plentyWarehouses = z.array(
  z.object({ id: int, name: z.string(), typeId: int, priority: int, allocationReferrerIds: z.array(num) }),
);

/** GET /rest/orders/shipping/countries: `Collection` in the spec; reference §4 and §6 (fixed ids). */
export const plentyCountries = z.array(
  z.object({
    id: int,
    name: z.string(),
    isoCode2: z.string().length(2),
    isoCode3: z.string(),
    active: int,
    shippingDestinationId: int,
  }),
);

/** reference §3: the pagination envelope (all integers except isLastPage and entries). */
export const plentyPage = <T extends z.ZodType>(entry: T) =>
  z.object({
    page: int,
    totalsCount: int,
    isLastPage: z.boolean(),
    lastPageNumber: int,
    firstOnPage: int,
    lastOnPage: int,
    itemsPerPage: int,
    entries: z.array(entry),
  });

/** reference §7: order item amounts (item price formula) and properties (values are strings). */
const orderItemAmount = z.object({
  currency: z.string().regex(/^[A-Z]{3}$/),
  priceOriginalGross: num,
  priceGross: num,
  priceNet: num,
  surcharge: num,
  discount: num,
  isPercentage: z.boolean(),
  exchangeRate: num,
});
const property = z.object({ typeId: int, value: z.string() });

/** POST/GET order: the spec's `Order` types only scalars; nested arrays are `items: {}`. */
export const plentyOrderNested = z.object({
  id: int,
  statusId: num,
  referrerId: num,
  orderItems: z.array(
    z.object({
      id: int,
      typeId: int.min(1).max(15),
      quantity: num,
      orderItemName: z.string(),
      countryVatId: int.nullable(),
      vatField: int.min(0).max(5),
      vatRate: num,
      amounts: z.array(orderItemAmount).min(1),
      properties: z.array(property),
    }),
  ),
  properties: z.array(property),
  addressRelations: z.array(z.object({ typeId: int.min(1).max(8), addressId: int })),
  relations: z.array(z.object({ referenceType: z.string(), referenceId: int, relation: z.string() })),
  dates: z.array(z.object({ typeId: int, date: z.string() })),
  /** reference §7: order-level amounts are computed by Plenty, never sent */
  amounts: z.array(
    z.object({
      currency: z.string(),
      isSystemCurrency: z.boolean(),
      netTotal: num,
      grossTotal: num,
      vatTotal: num,
      invoiceTotal: num,
      paidAmount: num,
      vats: z.array(z.object({ vatRate: num, value: num, netTotal: num, grossTotal: num })),
    }),
  ),
});

/** The request side of the same nested arrays (reference §7 create body). */
export const plentyOrderCreateNested = z.object({
  typeId: int,
  plentyId: int,
  orderItems: z.array(
    z.object({
      typeId: int.min(1).max(15),
      quantity: num,
      orderItemName: z.string(),
      itemVariationId: int.optional(),
      countryVatId: int.optional(),
      vatField: int.min(0).max(5).optional(),
      vatRate: num.optional(),
      amounts: z
        .array(z.object({ currency: z.string().regex(/^[A-Z]{3}$/), priceOriginalGross: num }))
        .min(1),
      properties: z.array(property).optional(),
    }),
  ),
  properties: z.array(property).optional(),
  addressRelations: z.array(z.object({ typeId: int, addressId: int })).optional(),
  relations: z
    .array(z.object({ referenceType: z.string(), referenceId: int, relation: z.string() }))
    .optional(),
});
