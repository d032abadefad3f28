import { z } from 'zod';

/**
 * Profile settings: the sections of the order-export guide. Every setting is stored per scope
 * (`default`, `website:<id>`, `store:<id>`); the effective value for an order is
 * store over website over default over the built-in default below.
 * Mappings are whole values: a store scope's statusMapping replaces the default's.
 */

/** Plenty's document language codes (not all ISO 639-1: cz, se, vn, cn). */
export const plentyLanguages = [
  'bg',
  'cn',
  'cz',
  'da',
  'de',
  'en',
  'es',
  'fr',
  'it',
  'nl',
  'nn',
  'pl',
  'pt',
  'ro',
  'ru',
  'se',
  'sk',
  'tr',
  'vn',
] as const;
export const plentyLanguageSchema = z.enum(plentyLanguages);

const id = z.number().int().positive();
/** Plenty status and referrer ids are floats such as 5.1 or 4.02. */
const floatId = z.number().positive().max(1_000_000);

export const storeMappingRowSchema = z.object({
  magentoStoreId: z.number().int().nonnegative(),
  language: plentyLanguageSchema,
  plentyId: id,
});
export const statusMappingRowSchema = z.object({
  magentoStatus: z.string().min(1).max(64),
  plentyStatusId: floatId,
});
export const paymentMethodMappingRowSchema = z.object({
  magentoMethod: z.string().min(1).max(128),
  plentyMethodId: z.number().int().nonnegative(),
  createPayment: z.boolean().default(true),
});
export const shippingMethodMappingRowSchema = z.object({
  magentoMethod: z.string().min(1).max(128),
  plentyShippingProfileId: id,
});

function uniqueBy<T>(key: (row: T) => string | number, what: string) {
  return (rows: T[], ctx: z.RefinementCtx) => {
    const seen = new Set<string | number>();
    rows.forEach((row, i) => {
      const k = key(row);
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [i], message: `duplicate ${what} ${k}` });
      seen.add(k);
    });
  };
}

export const settingsSectionSchemas = {
  export: z.object({
    enabled: z.boolean(),
    batchSize: z.number().int().min(1).max(10_000),
    logResponse: z.boolean(),
  }),
  api: z.object({
    collectionBehaviour: z.enum(['append', 'replace']),
    /** Magento caps page sizes; larger pages cost memory on both sides */
    pageSize: z.number().int().min(1).max(500),
  }),
  store: z.object({
    storeMapping: z
      .array(storeMappingRowSchema)
      .superRefine(uniqueBy((r) => r.magentoStoreId, 'Magento store id')),
    /** 0 is Plenty's "manual entry" referrer: valid */
    referrerId: z.number().nonnegative().max(1_000_000),
  }),
  orderStatus: z.object({
    processStatuses: z.array(z.string().min(1).max(64)),
    statusMapping: z
      .array(statusMappingRowSchema)
      .superRefine(uniqueBy((r) => r.magentoStatus, 'Magento status')),
  }),
  payment: z.object({
    createPayment: z.boolean(),
    methodMapping: z
      .array(paymentMethodMappingRowSchema)
      .superRefine(uniqueBy((r) => r.magentoMethod, 'Magento payment method')),
  }),
  shipping: z.object({
    createShipment: z.boolean(),
    defaultShippingProfileId: id.nullable(),
    methodMapping: z
      .array(shippingMethodMappingRowSchema)
      .superRefine(uniqueBy((r) => r.magentoMethod, 'Magento shipping method')),
  }),
  customer: z.object({
    createCustomer: z.boolean(),
  }),
  warehouse: z.object({
    mainWarehouseId: id.nullable(),
  }),
  item: z.object({
    /** an SKU without a Plenty variation: skip the order (naming the SKU) or book an unassigned-variation line */
    unknownSku: z.enum(['skip', 'unassigned']),
  }),
} as const;

export type SettingsSection = keyof typeof settingsSectionSchemas;
export const settingsSections = Object.keys(settingsSectionSchemas) as SettingsSection[];

export const effectiveSettingsSchema = z.object(settingsSectionSchemas);
export type EffectiveSettings = z.infer<typeof effectiveSettingsSchema>;

/** What one scope stores: any subset of sections, any subset of keys per section. */
export const scopeSettingsSchema = z
  .object({
    export: settingsSectionSchemas.export.partial(),
    api: settingsSectionSchemas.api.partial(),
    store: settingsSectionSchemas.store.partial(),
    orderStatus: settingsSectionSchemas.orderStatus.partial(),
    payment: settingsSectionSchemas.payment.partial(),
    shipping: settingsSectionSchemas.shipping.partial(),
    customer: settingsSectionSchemas.customer.partial(),
    warehouse: settingsSectionSchemas.warehouse.partial(),
    item: settingsSectionSchemas.item.partial(),
  })
  .partial()
  .strict();
export type ScopeSettings = z.infer<typeof scopeSettingsSchema>;

export const defaultSettings: EffectiveSettings = {
  export: { enabled: true, batchSize: 500, logResponse: false },
  api: { collectionBehaviour: 'append', pageSize: 100 },
  store: { storeMapping: [], referrerId: 1 },
  orderStatus: { processStatuses: [], statusMapping: [] },
  payment: { createPayment: true, methodMapping: [] },
  shipping: { createShipment: true, defaultShippingProfileId: null, methodMapping: [] },
  customer: { createCustomer: true },
  warehouse: { mainWarehouseId: null },
  item: { unknownSku: 'skip' },
};

export const scopeSchema = z
  .string()
  .regex(/^(default|website:\d+|store:\d+)$/, 'scope must be "default", "website:<id>" or "store:<id>"');
export type Scope = 'default' | `website:${number}` | `store:${number}`;
export type SettingOrigin = Scope | 'built-in';

export interface ResolvedSettings {
  settings: EffectiveSettings;
  /** "section.key" → the scope the effective value comes from */
  origins: Record<string, SettingOrigin>;
}

/**
 * Resolves the effective settings of one store view: store over website over default over
 * built-in. `scopes` maps a scope name to what that scope stores.
 */
export function resolveSettings(
  scopes: Partial<Record<string, ScopeSettings>>,
  target: { storeId?: number | null; websiteId?: number | null } = {},
): ResolvedSettings {
  const chain: Scope[] = [];
  if (target.storeId != null) chain.push(`store:${target.storeId}`);
  if (target.websiteId != null) chain.push(`website:${target.websiteId}`);
  chain.push('default');
  const settings = structuredClone(defaultSettings) as Record<string, Record<string, unknown>>;
  const origins: Record<string, SettingOrigin> = {};
  for (const section of settingsSections) {
    for (const key of Object.keys(defaultSettings[section])) {
      origins[`${section}.${key}`] = 'built-in';
      for (const scope of chain) {
        const value = (scopes[scope]?.[section] as Record<string, unknown> | undefined)?.[key];
        if (value !== undefined) {
          settings[section]![key] = structuredClone(value);
          origins[`${section}.${key}`] = scope;
          break;
        }
      }
    }
  }
  return { settings: settings as EffectiveSettings, origins };
}
