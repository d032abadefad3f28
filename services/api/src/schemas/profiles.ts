import { z } from 'zod';

const name = z.string().trim().min(1, 'must not be empty').max(200);
const connId = z.number().int().positive().max(2_147_483_647);
const cron = z.string().trim().min(1).max(120);
const tz = z.string().min(1).max(64);

export const profileCreateSchema = z
  .strictObject({
    name,
    entityType: z.literal('order').default('order'),
    direction: z.enum(['export', 'import']).default('export'),
    cronExpression: cron.default('*/15 * * * *'),
    timezone: tz.default('UTC'),
    magentoConnectionId: connId,
    plentyConnectionId: connId,
  })
  .meta({ id: 'ProfileCreate' });

export const profileUpdateSchema = z
  .strictObject({
    name: name.optional(),
    direction: z.enum(['export', 'import']).optional(),
    cronExpression: cron.optional(),
    timezone: tz.optional(),
    magentoConnectionId: connId.optional(),
    plentyConnectionId: connId.optional(),
    /** read-only here: use POST /profiles/{id}/activate or /deactivate */
    status: z.enum(['active', 'inactive']).optional(),
  })
  .meta({ id: 'ProfileUpdate' });

const fetchedSchema = z.object({
  ok: z.boolean(),
  fetchedAt: z.date().nullable(),
  error: z.string().nullable(),
});
export const lookupCollectResultSchema = z
  .object({ ok: z.boolean(), plenty: fetchedSchema, magento: fetchedSchema })
  .meta({ id: 'LookupCollectResult' });

export const profileSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    entityType: z.literal('order'),
    direction: z.enum(['export', 'import']),
    status: z.enum(['active', 'inactive']),
    cronExpression: z.string(),
    timezone: z.string(),
    magentoConnectionId: z.number().int(),
    plentyConnectionId: z.number().int(),
    /** the next five scheduled runs (ISO 8601, UTC), computed with the profile's time zone */
    nextRuns: z.array(z.string()),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: 'Profile' });

export const profileCreatedSchema = profileSchema
  .extend({ lookups: lookupCollectResultSchema })
  .meta({ id: 'ProfileCreated' });
