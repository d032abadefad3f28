import { z } from 'zod';

/**
 * Lookups collected from Plenty and Magento at profile setup and on request. Admins map ids
 * that exist here; validation rejects ids that don't; the mapping uses countries and VAT.
 */
const named = { name: z.string() };

export const plentyLookupsSchema = z.object({
  orderStatuses: z.array(z.object({ id: z.number(), ...named })),
  shippingProfiles: z.array(z.object({ id: z.number().int(), ...named })),
  paymentMethods: z.array(z.object({ id: z.number().int(), ...named, paymentKey: z.string().optional() })),
  referrers: z.array(z.object({ id: z.number(), ...named })),
  warehouses: z.array(z.object({ id: z.number().int(), ...named })),
  /** webstores: `plentyId` is the webstore's storeIdentifier, used on orders and contacts */
  webstores: z.array(z.object({ id: z.number().int(), plentyId: z.number().int(), ...named })),
  languages: z.array(z.string()),
  /** ISO codes are not unique in Plenty (GR 13 and 64); the mapping picks the lowest id */
  countries: z.array(z.object({ id: z.number().int(), isoCode2: z.string(), ...named })),
  /** VAT configurations: `id` is the countryVatId, rates carry the vatField 0..5 */
  vat: z.array(
    z.object({
      id: z.number().int(),
      countryId: z.number().int(),
      rates: z.array(z.object({ id: z.number().int(), rate: z.number() })),
    }),
  ),
  /** the system currency (order amounts in another currency carry an exchange rate) */
  systemCurrency: z.string().length(3).default('EUR'),
  /**
   * Plenty's currencies (GET /rest/orders/currencies) with their exchange rates. Direction:
   * `exchangeRate` = units of `currency` per 1 unit of the system currency (EUR 1, USD 1.08, GBP
   * 0.85 on an EUR system), the same direction as Magento's base_to_order_rate and as the
   * `exchangeRate` on order amounts and the `exchangeRatio` on payments (system amount = amount /
   * rate). Parsing fills in [] so lookups stored before this field still parse; the type keeps it
   * optional so hand-written lookups without it still compile.
   */
  currencies: z
    .array(z.object({ currency: z.string().length(3), exchangeRate: z.number() }))
    .default([])
    .optional(),
});
export type PlentyLookups = z.infer<typeof plentyLookupsSchema>;

export const magentoLookupsSchema = z.object({
  websites: z.array(z.object({ id: z.number().int(), code: z.string(), ...named })),
  storeGroups: z.array(
    z.object({ id: z.number().int(), website_id: z.number().int(), code: z.string().optional(), ...named }),
  ),
  storeViews: z.array(
    z.object({
      id: z.number().int(),
      code: z.string(),
      website_id: z.number().int(),
      store_group_id: z.number().int(),
      ...named,
    }),
  ),
  storeConfigs: z.array(
    z.object({
      id: z.number().int(),
      code: z.string(),
      website_id: z.number().int(),
      locale: z.string().optional(),
      base_currency_code: z.string().optional(),
      default_display_currency_code: z.string().optional(),
    }),
  ),
});
export type MagentoLookups = z.infer<typeof magentoLookupsSchema>;

export interface Lookups {
  plenty: PlentyLookups;
  magento: MagentoLookups;
}
