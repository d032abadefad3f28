import { z } from 'zod';
import type { AppDeps } from '../deps';
import { problems } from '../http/problem';
import type { Route } from '../http/route';
import { apiKeyRepository, apiKeyView } from '../repositories/api-keys';
import { audit } from '../repositories/audit';
import { idParams, idString, isoDate } from '../schemas/common';

const auditEntrySchema = z
  .object({
    id: z.number().int(),
    actor: z.string(),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
    createdAt: z.date(),
  })
  .meta({ id: 'AuditLogEntry' });

const auditQuerySchema = z.strictObject({
  limit: z
    .string()
    .regex(/^[0-9]{1,3}$/, 'must be an integer from 1 to 500')
    .transform(Number)
    .pipe(z.number().int().min(1).max(500))
    .optional(),
  /** id of the last entry of the previous page */
  cursor: idString.optional(),
  entityType: z.enum(['connection', 'profile', 'profile-settings', 'api-key']).optional(),
  entityId: z.string().max(100).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});

const apiKeySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    role: z.enum(['admin', 'viewer']),
    prefix: z.string(),
    createdAt: z.date(),
    lastUsedAt: z.date().nullable(),
    revokedAt: z.date().nullable(),
  })
  .meta({ id: 'ApiKey' });

export function adminRoutes(route: Route, deps: AppDeps) {
  const { prisma } = deps;
  const keys = apiKeyRepository(prisma);

  route({
    method: 'get',
    path: '/api/v1/audit-log',
    tag: 'admin',
    access: 'admin',
    summary: 'Configuration changes: who, what, before/after (no secrets), when',
    description: 'Newest first; pass `nextCursor` as `cursor` for the next page.',
    query: auditQuerySchema,
    responses: {
      200: {
        description: 'entries',
        schema: z.object({ items: z.array(auditEntrySchema), nextCursor: z.string().nullable() }),
      },
    },
    handler: async ({ query }) => {
      const limit = query.limit ?? 50;
      const rows = await prisma.auditLog.findMany({
        where: {
          entityType: query.entityType,
          entityId: query.entityId,
          ...(query.cursor ? { id: { lt: query.cursor } } : {}),
          ...(query.from || query.to
            ? {
                createdAt: {
                  ...(query.from ? { gte: new Date(query.from) } : {}),
                  ...(query.to ? { lte: new Date(query.to) } : {}),
                },
              }
            : {}),
        },
        orderBy: { id: 'desc' },
        take: limit + 1,
      });
      const items = rows.slice(0, limit);
      return { body: { items, nextCursor: rows.length > limit ? String(items.at(-1)!.id) : null } };
    },
  });

  route({
    method: 'get',
    path: '/api/v1/api-keys',
    tag: 'admin',
    access: 'admin',
    summary: 'List API keys (never the keys themselves)',
    responses: { 200: { description: 'keys', schema: z.object({ items: z.array(apiKeySchema) }) } },
    handler: async () => ({ body: { items: (await keys.list()).map(apiKeyView) } }),
  });

  route({
    method: 'post',
    path: '/api/v1/api-keys',
    tag: 'admin',
    access: 'admin',
    summary: 'Create an API key; the key is shown once, in this response',
    body: z
      .strictObject({ name: z.string().trim().min(1).max(100), role: z.enum(['admin', 'viewer']) })
      .meta({ id: 'ApiKeyCreate' }),
    responses: {
      201: {
        description: 'created',
        schema: apiKeySchema.extend({ key: z.string() }).meta({ id: 'ApiKeyCreated' }),
      },
    },
    handler: async ({ body, req }) => {
      const { key, row } = await keys.create(body);
      await audit(prisma, {
        actor: req.apiKey,
        action: 'api-key.create',
        entityType: 'api-key',
        entityId: row.id,
        after: apiKeyView(row),
      });
      return { status: 201, body: { ...apiKeyView(row), key } };
    },
  });

  route({
    method: 'delete',
    path: '/api/v1/api-keys/:id',
    tag: 'admin',
    access: 'admin',
    summary: 'Revoke an API key',
    params: idParams,
    responses: { 200: { description: 'revoked', schema: apiKeySchema } },
    handler: async ({ params, req }) => {
      if (req.apiKey?.id === params.id)
        throw problems.conflict('an API key cannot revoke itself; use another admin key');
      const row = await keys.revoke(params.id);
      if (!row) throw problems.notFound(`API key ${params.id} does not exist`);
      await audit(prisma, {
        actor: req.apiKey,
        action: 'api-key.revoke',
        entityType: 'api-key',
        entityId: row.id,
        after: apiKeyView(row),
      });
      return { body: apiKeyView(row) };
    },
  });
}
