import { z } from 'zod';

/**
 * The Plenty REQUEST bodies this connector sends (reference/plenty-rest-api.md §5–8). Strict:
 * an unknown key in a body we build is a bug on our side, so these objects reject extra keys.
 * Plenty reads decimals as JSON numbers; we compute in cents and divide once when building the
 * body (never summing floats). Property values are always strings.
 */

const positiveInt = z.number().int().positive();
/** Plenty status and referrer ids are floats (5.1, 4.02) */
const floatId = z.number().nonnegative();
/** a decimal with at most 2 places, as produced by `centsToDecimal` */
const money = z
  .number()
  .finite()
  .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, 'at most 2 decimals');
const currency = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code, 3 upper-case letters');
/** ISO-8601 with an explicit offset, e.g. 2024-05-01T10:15:00+00:00 */
export const plentyDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/, 'W3C date with offset');

// ---- contacts (§5) ----
export const plentyContactOptionSchema = z.strictObject({
  typeId: positiveInt,
  subTypeId: positiveInt,
  value: z.string().min(1),
  priority: z.number().int().nonnegative(),
});
export const plentyContactCreateSchema = z.strictObject({
  /** 1 customer */
  typeId: z.literal(1),
  referrerId: floatId,
  plentyId: positiveInt,
  lang: z.string().min(2).max(2),
  firstName: z.string(),
  lastName: z.string(),
  gender: z.enum(['female', 'male', 'diverse']).optional(),
  /** Magento customer id as external id ("m2-cust-42"), absent for guests */
  externalId: z.string().optional(),
  /** Plenty guest account flag; we never set it: guests get a normal contact, found again by e-mail */
  singleAccess: z.boolean().optional(),
  options: z.array(plentyContactOptionSchema),
});
export type PlentyContactCreate = z.infer<typeof plentyContactCreateSchema>;

// ---- addresses (§6) ----
export const plentyAddressOptionSchema = z.strictObject({
  /** 1 VAT number, 4 phone, 5 e-mail, 6 DHL post number */
  typeId: positiveInt,
  value: z.string().min(1),
});
export const plentyAddressCreateSchema = z.strictObject({
  gender: z.enum(['female', 'male', 'diverse']).optional(),
  /** company */
  name1: z.string().optional(),
  /** first name */
  name2: z.string(),
  /** last name */
  name3: z.string(),
  /** c/o */
  name4: z.string().optional(),
  /** street, or PACKSTATION / POSTFILIALE */
  address1: z.string().min(1),
  /** house number, or the Packstation / Postfiliale number */
  address2: z.string(),
  /** additional line */
  address3: z.string().optional(),
  address4: z.string().optional(),
  postalCode: z.string(),
  town: z.string().min(1),
  countryId: positiveInt,
  isPackstation: z.boolean().optional(),
  isPostfiliale: z.boolean().optional(),
  options: z.array(plentyAddressOptionSchema),
});
export type PlentyAddressCreate = z.infer<typeof plentyAddressCreateSchema>;

// ---- orders (§7) ----
export const plentyPropertySchema = z.strictObject({ typeId: positiveInt, value: z.string() });
export type PlentyProperty = z.infer<typeof plentyPropertySchema>;

export const plentyOrderItemAmountSchema = z.strictObject({
  isSystemCurrency: z.boolean(),
  currency,
  exchangeRate: z.number().positive(),
  /** gross unit price before discount */
  priceOriginalGross: money,
  surcharge: money,
  /** absolute discount per unit (isPercentage false): priceGross = priceOriginalGross + surcharge − discount */
  discount: money,
  isPercentage: z.literal(false),
});
export type PlentyOrderItemAmount = z.infer<typeof plentyOrderItemAmountSchema>;

export const plentyOrderItemSchema = z.strictObject({
  /** 1 variation, 4 promotional coupon, 6 shipping costs, 7 payment surcharge, 9 unassigned variation */
  typeId: z.union([z.literal(1), z.literal(4), z.literal(6), z.literal(7), z.literal(9)]),
  itemVariationId: positiveInt.optional(),
  quantity: z.number().positive(),
  orderItemName: z.string().min(1),
  referrerId: floatId,
  countryVatId: positiveInt,
  vatField: z.number().int().min(0).max(5),
  amounts: z.array(plentyOrderItemAmountSchema).length(1),
  properties: z.array(plentyPropertySchema),
});
export type PlentyOrderItem = z.infer<typeof plentyOrderItemSchema>;

export const plentyAddressRelationSchema = z.strictObject({
  typeId: z.number().int().min(1).max(8),
  addressId: positiveInt,
});
export const plentyOrderRelationSchema = z.strictObject({
  referenceType: z.enum(['contact', 'warehouse']),
  referenceId: positiveInt,
  relation: z.enum(['receiver', 'sender']),
});

export const plentyOrderCreateSchema = z.strictObject({
  /** 1 sales order */
  typeId: z.literal(1),
  plentyId: positiveInt,
  statusId: floatId,
  referrerId: floatId,
  properties: z.array(plentyPropertySchema),
  dates: z.array(z.strictObject({ typeId: positiveInt, date: plentyDateSchema })),
  orderItems: z.array(plentyOrderItemSchema).min(1),
  /** added by the exporter once it has the ids; the plan never carries them */
  addressRelations: z.array(plentyAddressRelationSchema).optional(),
  relations: z.array(plentyOrderRelationSchema).optional(),
});
export type PlentyOrderCreate = z.infer<typeof plentyOrderCreateSchema>;

// ---- payments (§8) ----
export const plentyPaymentCreateSchema = z.strictObject({
  mopId: z.number().int().nonnegative(),
  amount: money,
  exchangeRatio: z.number().positive(),
  currency,
  isSystemCurrency: z.boolean(),
  type: z.enum(['credit', 'debit']),
  transactionType: z.number().int().min(1).max(3),
  status: z.number().int().min(1).max(10),
  receivedAt: plentyDateSchema.optional(),
  properties: z.array(plentyPropertySchema),
});
export type PlentyPaymentCreate = z.infer<typeof plentyPaymentCreateSchema>;
