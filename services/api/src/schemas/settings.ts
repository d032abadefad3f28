import { scopeSchema, settingsSectionSchemas, settingsSections } from '@mpc/core';
import { z } from 'zod';
import { idString } from './common';

/** PUT body: what the scope stores, every section and key optional, unknown ones rejected. */
export const scopeSettingsBodySchema = z
  .strictObject(
    Object.fromEntries(
      settingsSections.map((s) => [s, settingsSectionSchemas[s].partial().strict().optional()]),
    ) as Record<string, z.ZodType>,
  )
  .meta({ id: 'ScopeSettings' });

/** PATCH body: merged per section and key; `null` removes a key (or a whole section) so it inherits again. */
export const scopeSettingsPatchSchema = z
  .strictObject(
    Object.fromEntries(
      settingsSections.map((s) => {
        const shape = settingsSectionSchemas[s].shape as Record<string, z.ZodType>;
        const nullable = Object.fromEntries(
          Object.entries(shape).map(([k, v]) => [k, z.union([v, z.null()]).optional()]),
        );
        return [s, z.union([z.strictObject(nullable), z.null()]).optional()];
      }),
    ),
  )
  .meta({ id: 'ScopeSettingsPatch' });

export const scopeParams = z.strictObject({
  id: idString,
  scope: scopeSchema,
});

export const scopeSettingsResponseSchema = z
  .object({ scope: z.string(), settings: z.record(z.string(), z.unknown()), updatedAt: z.date().nullable() })
  .meta({ id: 'ScopeSettingsResponse' });

export const effectiveQuerySchema = z.strictObject({
  store: z
    .string()
    .regex(/^[0-9]{1,9}$/, 'must be a Magento store view id')
    .transform(Number)
    .optional(),
});

export const effectiveSettingsResponseSchema = z
  .object({
    storeId: z.number().int().nullable(),
    websiteId: z.number().int().nullable(),
    /** "section.key" → effective value and the scope it comes from (store:<id>, website:<id>, default or built-in) */
    values: z.record(z.string(), z.object({ value: z.unknown(), origin: z.string() })),
    settings: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'EffectiveSettings' });
