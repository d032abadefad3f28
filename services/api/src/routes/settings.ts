import { type ScopeSettings, scopeSettingsSchema } from '@mpc/core';
import { type Prisma, settingsForStore } from '@mpc/db';
import type { AppDeps } from '../deps';
import { problems } from '../http/problem';
import type { Route } from '../http/route';
import { issuesToFieldErrors } from '../http/validate';
import { audit } from '../repositories/audit';
import { idParams } from '../schemas/common';
import {
  effectiveQuerySchema,
  effectiveSettingsResponseSchema,
  scopeParams,
  scopeSettingsBodySchema,
  scopeSettingsPatchSchema,
  scopeSettingsResponseSchema,
} from '../schemas/settings';
import { activationProblems } from '../usecases/activation';
import { checkScopeAgainstLookups, checkSettingsAgainstLookups } from '../usecases/lookup-checks';
import { loadContext } from '../usecases/profiles';

const P = '/api/v1/profiles/:id/settings';

/** PATCH semantics: merge per section and key; null removes a key (or a section) so it inherits again. */
export function mergeScopeSettings(
  current: ScopeSettings,
  patch: Record<string, Record<string, unknown> | null | undefined>,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = structuredClone(current) as Record<
    string,
    Record<string, unknown>
  >;
  for (const [section, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) {
      delete out[section];
      continue;
    }
    const merged = { ...(out[section] ?? {}) };
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    if (Object.keys(merged).length) out[section] = merged;
    else delete out[section];
  }
  return out;
}

export function settingsRoutes(route: Route, deps: AppDeps) {
  const { prisma, secrets } = deps;

  async function save(
    profileId: number,
    scope: string,
    next: unknown,
    actor: Express.Request['apiKey'],
    action: string,
  ) {
    const parsed = scopeSettingsSchema.safeParse(next);
    if (!parsed.success) throw problems.validation(issuesToFieldErrors('body', parsed.error.issues));
    const settings = parsed.data;
    const ctx = await loadContext(prisma, secrets, profileId);
    if (ctx.lookups) {
      const scopeErr = checkScopeAgainstLookups(scope, ctx.lookups);
      const errors = [
        ...(scopeErr ? [scopeErr] : []),
        ...checkSettingsAgainstLookups(settings, ctx.lookups, 'body'),
      ];
      if (errors.length)
        throw problems.unprocessable('settings reference ids that do not exist in the lookups', errors);
    }
    if (ctx.profile.status === 'active') {
      // an active profile must stay complete: the scheduler keeps running it
      const errors = activationProblems({ ...ctx, scopes: { ...ctx.scopes, [scope]: settings } });
      if (errors.length) {
        throw problems.unprocessable(
          `profile ${profileId} is active and this change would leave it incomplete; deactivate it first or fix the problems`,
          errors,
        );
      }
    }
    const before = ctx.scopes[scope] ?? null;
    const row = await prisma.$transaction(async (tx) => {
      const r = await tx.profileSetting.upsert({
        where: { profileId_scope: { profileId, scope } },
        create: { profileId, scope, settings: settings as Prisma.InputJsonValue },
        update: { settings: settings as Prisma.InputJsonValue },
      });
      await audit(tx, {
        actor,
        action,
        entityType: 'profile-settings',
        entityId: `${profileId}/${scope}`,
        before,
        after: settings,
      });
      return r;
    });
    return { scope, settings: row.settings as Record<string, unknown>, updatedAt: row.updatedAt };
  }

  // registered before /:scope so "effective" is not taken for a scope name
  route({
    method: 'get',
    path: `${P}/effective`,
    tag: 'settings',
    access: 'viewer',
    summary: 'Effective settings of a store view, each value with the scope it comes from',
    params: idParams,
    query: effectiveQuerySchema,
    responses: {
      200: { description: 'effective values and origins', schema: effectiveSettingsResponseSchema },
    },
    handler: async ({ params, query }) => {
      const ctx = await loadContext(prisma, secrets, params.id);
      const storeId = query.store ?? null;
      if (storeId != null && ctx.lookups && !ctx.lookups.magento.storeViews.some((s) => s.id === storeId)) {
        throw problems.validation([
          {
            path: 'query.store',
            message: `Magento store view ${storeId} does not exist (lookup storeViews)`,
          },
        ]);
      }
      const websiteId =
        storeId == null
          ? null
          : (ctx.lookups?.magento.storeViews.find((s) => s.id === storeId)?.website_id ?? null);
      const { settings, origins } = settingsForStore(ctx, storeId);
      const values: Record<string, { value: unknown; origin: string }> = {};
      for (const [key, origin] of Object.entries(origins)) {
        const [section, field] = key.split('.') as [string, string];
        values[key] = {
          value: (settings as Record<string, Record<string, unknown>>)[section]?.[field],
          origin,
        };
      }
      return { body: { storeId, websiteId, values, settings } };
    },
  });

  route({
    method: 'get',
    path: `${P}/:scope`,
    tag: 'settings',
    access: 'viewer',
    summary: 'What one scope stores (default, website:<id>, store:<id>)',
    params: scopeParams,
    responses: {
      200: {
        description: 'the scope settings ({} when nothing is stored)',
        schema: scopeSettingsResponseSchema,
      },
    },
    handler: async ({ params }) => {
      const exists = await prisma.profile.findUnique({ where: { id: params.id }, select: { id: true } });
      if (!exists) throw problems.notFound(`profile ${params.id} does not exist`);
      const row = await prisma.profileSetting.findUnique({
        where: { profileId_scope: { profileId: params.id, scope: params.scope } },
      });
      return {
        body: {
          scope: params.scope,
          settings: (row?.settings as Record<string, unknown>) ?? {},
          updatedAt: row?.updatedAt ?? null,
        },
      };
    },
  });

  route({
    method: 'put',
    path: `${P}/:scope`,
    tag: 'settings',
    access: 'admin',
    summary: "Replace a scope's settings",
    params: scopeParams,
    body: scopeSettingsBodySchema,
    responses: {
      200: { description: 'saved', schema: scopeSettingsResponseSchema },
      422: { description: 'ids that do not exist in the lookups' },
    },
    handler: async ({ params, body, req }) => ({
      body: await save(params.id, params.scope, body, req.apiKey, 'settings.replace'),
    }),
  });

  route({
    method: 'patch',
    path: `${P}/:scope`,
    tag: 'settings',
    access: 'admin',
    summary: "Merge into a scope's settings per section and key (null removes a key so it inherits again)",
    params: scopeParams,
    body: scopeSettingsPatchSchema,
    responses: {
      200: { description: 'saved', schema: scopeSettingsResponseSchema },
      422: { description: 'ids that do not exist in the lookups' },
    },
    handler: async ({ params, body, req }) => {
      const row = await prisma.profileSetting.findUnique({
        where: { profileId_scope: { profileId: params.id, scope: params.scope } },
      });
      const current = row ? scopeSettingsSchema.parse(row.settings) : {};
      const merged = mergeScopeSettings(current, body as Record<string, Record<string, unknown> | null>);
      return { body: await save(params.id, params.scope, merged, req.apiKey, 'settings.patch') };
    },
  });

  route({
    method: 'delete',
    path: `${P}/:scope`,
    tag: 'settings',
    access: 'admin',
    summary: "Remove a scope's settings (it inherits everything again)",
    params: scopeParams,
    responses: { 204: { description: 'removed' } },
    handler: async ({ params, req }) => {
      await save(params.id, params.scope, {}, req.apiKey, 'settings.clear');
      await prisma.profileSetting.deleteMany({ where: { profileId: params.id, scope: params.scope } });
      return { status: 204 };
    },
  });
}
