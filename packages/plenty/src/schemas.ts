import { z } from 'zod';

/**
 * Response schemas: only the fields the connector reads are checked; everything else passes
 * through untouched (Plenty adds fields over time). Ids are numbers; status and referrer ids are
 * floats (5.1, 4.02). Some old routes send numbers as strings, so numeric fields coerce.
 */

const num = z.coerce.number();
const int = z.coerce.number().int();
/** Plenty sends flags as booleans, 0/1 or "0"/"1" */
const flag = z
  .union([z.boolean(), z.number(), z.string()])
  .transform((v) => v === true || v === 1 || v === '1' || v === 'true');

export const tokenResponseSchema = z
  .looseObject({
    accessToken: z.string().optional(),
    access_token: z.string().optional(),
    refreshToken: z.string().optional(),
    refresh_token: z.string().optional(),
    expiresIn: num.optional(),
    expires_in: num.optional(),
    tokenType: z.string().optional(),
    token_type: z.string().optional(),
  })
  .transform((t, ctx) => {
    const accessToken = t.accessToken ?? t.access_token;
    if (!accessToken) {
      ctx.addIssue({ code: 'custom', message: 'no accessToken/access_token in the login response' });
      return z.NEVER;
    }
    return {
      accessToken,
      refreshToken: t.refreshToken ?? t.refresh_token,
      expiresInSec: t.expiresIn ?? t.expires_in ?? 86_400,
    };
  });
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/** `{page,totalsCount,isLastPage,lastPageNumber,entries}` (page sometimes a string) */
export function pageSchema<T extends z.ZodType>(entry: T) {
  return z.looseObject({
    page: num.optional(),
    totalsCount: num.optional(),
    isLastPage: flag.optional(),
    lastPageNumber: num.optional(),
    itemsPerPage: num.optional(),
    entries: z.array(entry),
  });
}

/** Lists come as plain arrays on some routes and as the pagination envelope on others. */
export function listSchema<T extends z.ZodType>(entry: T) {
  return z.union([z.array(entry), pageSchema(entry)]);
}

const nameRow = z.looseObject({ name: z.string().optional(), lang: z.string().optional() });
/** names as `{de: "...", en: "..."}` or `[{lang, name}]` (shape differs between routes) */
const names = z.union([z.array(nameRow), z.record(z.string(), z.unknown())]);

export const orderStatusSchema = z.looseObject({
  statusId: num.optional(),
  id: num.optional(),
  names: names.optional(),
  name: z.string().optional(),
  backendName: z.string().optional(),
});
export type PlentyOrderStatus = z.infer<typeof orderStatusSchema>;

export const shippingProfileSchema = z.looseObject({
  id: int,
  backendName: z.string().nullish(),
  name: z.string().nullish(),
  parcelServicePresetNames: z.array(nameRow).optional(),
  parcelServiceId: num.nullish(),
});
export type PlentyShippingProfile = z.infer<typeof shippingProfileSchema>;

export const paymentMethodSchema = z.looseObject({
  id: int,
  name: z.string().nullish(),
  pluginKey: z.string().nullish(),
  paymentKey: z.string().nullish(),
});
export type PlentyPaymentMethod = z.infer<typeof paymentMethodSchema>;

export const referrerSchema = z.looseObject({
  id: num,
  name: z.string().nullish(),
  backendName: z.string().nullish(),
});
export type PlentyReferrer = z.infer<typeof referrerSchema>;

export const warehouseSchema = z.looseObject({ id: int, name: z.string().nullish() });
export type PlentyWarehouse = z.infer<typeof warehouseSchema>;

export const webstoreSchema = z.looseObject({
  id: int,
  name: z.string().nullish(),
  storeIdentifier: int,
  type: z.string().nullish(),
});
export type PlentyWebstore = z.infer<typeof webstoreSchema>;

export const countrySchema = z.looseObject({
  id: int,
  name: z.string().nullish(),
  names: names.optional(),
  isoCode2: z.string().nullish(),
  isoCode3: z.string().nullish(),
  active: flag.optional(),
});
export type PlentyCountry = z.infer<typeof countrySchema>;

export const vatConfigurationSchema = z.looseObject({
  id: int,
  countryId: int,
  locationId: int.optional(),
  vatRates: z
    .array(z.looseObject({ id: int, vatRate: num, name: z.string().nullish() }))
    .optional()
    .default([]),
});
export type PlentyVatConfiguration = z.infer<typeof vatConfigurationSchema>;

/**
 * GET /rest/orders/currencies (definition `Currency`): `currency` is the ISO 4217 code (and id),
 * `exchangeRate` the rate against the system currency: units of this currency per 1 unit of the
 * system currency (the system currency itself has 1).
 */
export const currencySchema = z.looseObject({
  currency: z.string(),
  exchangeRate: num.nullish(),
  isActive: flag.optional(),
});
export type PlentyCurrency = z.infer<typeof currencySchema>;

export const variationSchema = z.looseObject({
  id: int,
  itemId: int.optional(),
  number: z.coerce.string().nullish(),
  isActive: flag.optional(),
  isMain: flag.optional(),
});
export type PlentyVariation = z.infer<typeof variationSchema>;

const option = z.looseObject({ typeId: num.optional(), subTypeId: num.optional(), value: z.unknown() });

export const contactSchema = z.looseObject({
  id: int,
  email: z.string().nullish(),
  plentyId: int.nullish(),
  singleAccess: z.union([z.boolean(), z.number(), z.string()]).nullish(),
  typeId: num.nullish(),
  options: z.array(option).optional(),
});
export type PlentyContact = z.infer<typeof contactSchema>;

export const addressSchema = z.looseObject({ id: int });
export type PlentyAddress = z.infer<typeof addressSchema>;

export const orderPropertySchema = z.looseObject({ typeId: num, value: z.coerce.string().nullish() });

export const orderSchema = z.looseObject({
  id: int,
  plentyId: int.nullish(),
  typeId: num.optional(),
  statusId: num.nullish(),
  referrerId: num.nullish(),
  properties: z.array(orderPropertySchema).optional(),
});
export type PlentyOrder = z.infer<typeof orderSchema>;

export const commentSchema = z.looseObject({ id: int.optional() });
export type PlentyComment = z.infer<typeof commentSchema>;

export const paymentSchema = z.looseObject({
  id: int,
  mopId: num.nullish(),
  amount: num.nullish(),
  currency: z.string().nullish(),
  status: num.nullish(),
  deleted: z.union([z.boolean(), z.number(), z.string()]).nullish(),
});
export type PlentyPayment = z.infer<typeof paymentSchema>;

export const paymentOrderRelationSchema = z.looseObject({
  id: int,
  paymentId: int.optional(),
  orderId: int.optional(),
});
export type PlentyPaymentOrderRelation = z.infer<typeof paymentOrderRelationSchema>;

export const paymentContactRelationSchema = z.looseObject({
  id: int,
  paymentId: int.optional(),
  contactId: int.optional(),
});
export type PlentyPaymentContactRelation = z.infer<typeof paymentContactRelationSchema>;

export function isTruthyFlag(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 'true';
}
