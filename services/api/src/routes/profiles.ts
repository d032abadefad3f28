import { lookupKinds, type Profile } from '@mpc/db';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { type FieldError, problems } from '../http/problem';
import type { Route } from '../http/route';
import type { AuthenticatedKey } from '../repositories/api-keys';
import { audit } from '../repositories/audit';
import { idParams } from '../schemas/common';
import { jobAcceptedSchema } from '../schemas/logs';
import {
  lookupCollectResultSchema,
  profileCreatedSchema,
  profileCreateSchema,
  profileSchema,
  profileUpdateSchema,
} from '../schemas/profiles';
import { activationProblems } from '../usecases/activation';
import { checkCron } from '../usecases/cron';
import { enqueueManualRun, notifyProfileChanged } from '../usecases/jobs';
import { collectLookups, loadContext, profileView, requireProfile } from '../usecases/profiles';

const P = '/api/v1/profiles';

const lookupsResponseSchema = z
  .object({
    plenty: z.object({ fetchedAt: z.date(), ageSeconds: z.number().int(), data: z.unknown() }).nullable(),
    magento: z.object({ fetchedAt: z.date(), ageSeconds: z.number().int(), data: z.unknown() }).nullable(),
  })
  .meta({ id: 'Lookups' });

export function profileRoutes(route: Route, deps: AppDeps) {
  const { prisma, queues } = deps;

  async function checkConnections(
    magentoId: number | undefined,
    plentyId: number | undefined,
  ): Promise<FieldError[]> {
    const errors: FieldError[] = [];
    for (const [field, id, kind] of [
      ['magentoConnectionId', magentoId, 'magento'],
      ['plentyConnectionId', plentyId, 'plenty'],
    ] as const) {
      if (id === undefined) continue;
      const c = await prisma.connection.findUnique({ where: { id }, select: { kind: true } });
      if (!c) errors.push({ path: `body.${field}`, message: `connection ${id} does not exist` });
      else if (c.kind !== kind)
        errors.push({
          path: `body.${field}`,
          message: `connection ${id} is a ${c.kind} connection, not a ${kind} one`,
        });
    }
    return errors;
  }

  /** activate/deactivate: the status change with its audit row, and the scheduler told; a no-op when already there */
  async function setStatus(
    before: Profile,
    status: Profile['status'],
    actor: AuthenticatedKey | undefined,
  ): Promise<Profile> {
    if (before.status === status) return before;
    const after = await prisma.$transaction(async (tx) => {
      const p = await tx.profile.update({ where: { id: before.id }, data: { status } });
      await audit(tx, {
        actor,
        action: status === 'active' ? 'profile.activate' : 'profile.deactivate',
        entityType: 'profile',
        entityId: p.id,
        before: { status: before.status },
        after: { status },
      });
      return p;
    });
    await notifyProfileChanged(queues, after.id);
    return after;
  }

  route({
    method: 'get',
    path: P,
    tag: 'profiles',
    access: 'viewer',
    summary: 'List profiles',
    responses: { 200: { description: 'profiles', schema: z.object({ items: z.array(profileSchema) }) } },
    handler: async () => ({
      body: { items: (await prisma.profile.findMany({ orderBy: { id: 'asc' } })).map(profileView) },
    }),
  });

  route({
    method: 'post',
    path: P,
    tag: 'profiles',
    access: 'admin',
    summary: 'Create a profile (inactive); collects lookups right away',
    description:
      'The profile is created even when a remote system is unreachable; `lookups` then says which side failed and why.',
    body: profileCreateSchema,
    responses: {
      201: { description: 'created', schema: profileCreatedSchema },
      422: { description: 'invalid cron, time zone or connection' },
    },
    handler: async ({ body, req }) => {
      const cron = checkCron(body.cronExpression, body.timezone);
      const errors = [
        ...(cron.ok ? [] : cron.errors),
        ...(await checkConnections(body.magentoConnectionId, body.plentyConnectionId)),
      ];
      if (errors.length) throw problems.unprocessable('the profile cannot be created', errors);
      const profile = await prisma.$transaction(async (tx) => {
        const p = await tx.profile.create({ data: { ...body, status: 'inactive' } });
        await audit(tx, {
          actor: req.apiKey,
          action: 'profile.create',
          entityType: 'profile',
          entityId: p.id,
          after: profileView(p),
        });
        return p;
      });
      await notifyProfileChanged(queues, profile.id);
      const lookups = await collectLookups(deps, profile.id);
      return { status: 201, body: { ...profileView(profile), lookups } };
    },
  });

  route({
    method: 'get',
    path: `${P}/:id`,
    tag: 'profiles',
    access: 'viewer',
    summary: 'Get a profile with its next five run times',
    params: idParams,
    responses: { 200: { description: 'the profile', schema: profileSchema } },
    handler: async ({ params }) => ({ body: profileView(await requireProfile(prisma, params.id)) }),
  });

  route({
    method: 'patch',
    path: `${P}/:id`,
    tag: 'profiles',
    access: 'admin',
    summary: 'Update a profile (status only through activate/deactivate)',
    params: idParams,
    body: profileUpdateSchema,
    responses: {
      200: { description: 'updated', schema: profileSchema },
      422: { description: 'invalid change' },
    },
    handler: async ({ params, body, req }) => {
      const before = await requireProfile(prisma, params.id);
      if (body.status !== undefined && body.status !== before.status) {
        throw problems.unprocessable('the status changes only through the activate and deactivate actions', [
          {
            path: 'body.status',
            message: `use POST ${P}/${params.id}/${body.status === 'active' ? 'activate' : 'deactivate'}`,
          },
        ]);
      }
      const { status: _s, ...changes } = body;
      const cronExpression = changes.cronExpression ?? before.cronExpression;
      const timezone = changes.timezone ?? before.timezone;
      const cron = checkCron(cronExpression, timezone);
      const errors = [
        ...(cron.ok ? [] : cron.errors),
        ...(await checkConnections(changes.magentoConnectionId, changes.plentyConnectionId)),
      ];
      if (errors.length) throw problems.unprocessable('the profile cannot be changed', errors);
      const after = await prisma.$transaction(async (tx) => {
        const p = await tx.profile.update({ where: { id: params.id }, data: changes });
        await audit(tx, {
          actor: req.apiKey,
          action: 'profile.update',
          entityType: 'profile',
          entityId: p.id,
          before: profileView(before),
          after: profileView(p),
        });
        return p;
      });
      if (after.cronExpression !== before.cronExpression || after.timezone !== before.timezone) {
        await notifyProfileChanged(queues, after.id);
      }
      return { body: profileView(after) };
    },
  });

  route({
    method: 'delete',
    path: `${P}/:id`,
    tag: 'profiles',
    access: 'admin',
    summary: 'Delete a profile with its settings and sync log',
    params: idParams,
    responses: { 204: { description: 'deleted' } },
    handler: async ({ params, req }) => {
      const before = await requireProfile(prisma, params.id);
      await prisma.$transaction(async (tx) => {
        await tx.profile.delete({ where: { id: params.id } });
        await audit(tx, {
          actor: req.apiKey,
          action: 'profile.delete',
          entityType: 'profile',
          entityId: params.id,
          before: profileView(before),
        });
      });
      await notifyProfileChanged(queues, params.id);
      return { status: 204 };
    },
  });

  route({
    method: 'post',
    path: `${P}/:id/activate`,
    tag: 'profiles',
    access: 'admin',
    summary: 'Activate a profile; 422 lists every missing or invalid piece of configuration',
    params: idParams,
    responses: {
      200: { description: 'active', schema: profileSchema },
      422: { description: 'configuration incomplete' },
    },
    handler: async ({ params, req }) => {
      const ctx = await loadContext(prisma, deps.secrets, params.id);
      const errors = activationProblems(ctx);
      if (errors.length) {
        throw problems.unprocessable(
          `profile ${params.id} cannot be activated: ${errors.length} problem(s) to fix`,
          errors,
        );
      }
      return { body: profileView(await setStatus(ctx.profile, 'active', req.apiKey)) };
    },
  });

  route({
    method: 'post',
    path: `${P}/:id/deactivate`,
    tag: 'profiles',
    access: 'admin',
    summary: 'Deactivate a profile (its schedule is removed)',
    params: idParams,
    responses: { 200: { description: 'inactive', schema: profileSchema } },
    handler: async ({ params, req }) => {
      const before = await requireProfile(prisma, params.id);
      return { body: profileView(await setStatus(before, 'inactive', req.apiKey)) };
    },
  });

  route({
    method: 'post',
    path: `${P}/:id/lookups`,
    tag: 'lookups',
    access: 'admin',
    summary: 'Collect lookups from Plenty and Magento now',
    description:
      '200 when both sides were collected; 502 with the same body shape when one failed (the other side is still saved).',
    params: idParams,
    responses: {
      200: { description: 'collected', schema: lookupCollectResultSchema },
      502: { description: 'a remote system failed', schema: lookupCollectResultSchema },
    },
    handler: async ({ params }) => {
      const r = await collectLookups(deps, params.id);
      return { status: r.ok ? 200 : 502, body: r };
    },
  });

  route({
    method: 'get',
    path: `${P}/:id/lookups`,
    tag: 'lookups',
    access: 'viewer',
    summary: 'Cached lookups with their age',
    params: idParams,
    responses: { 200: { description: 'lookups (null when never collected)', schema: lookupsResponseSchema } },
    handler: async ({ params }) => {
      const p = await requireProfile(prisma, params.id);
      const rows = await prisma.lookup.findMany({
        where: {
          OR: [
            { connectionId: p.plentyConnectionId, kind: lookupKinds.plenty },
            { connectionId: p.magentoConnectionId, kind: lookupKinds.magento },
          ],
        },
      });
      const now = Date.now();
      const view = (kind: string, connectionId: number) => {
        const r = rows.find((x) => x.kind === kind && x.connectionId === connectionId);
        return r
          ? {
              fetchedAt: r.fetchedAt,
              ageSeconds: Math.max(0, Math.floor((now - r.fetchedAt.getTime()) / 1000)),
              data: r.data,
            }
          : null;
      };
      return {
        body: {
          plenty: view(lookupKinds.plenty, p.plentyConnectionId),
          magento: view(lookupKinds.magento, p.magentoConnectionId),
        },
      };
    },
  });

  route({
    method: 'post',
    path: `${P}/:id/runs`,
    tag: 'actions',
    access: 'admin',
    summary: 'Run now: enqueue a collect job (never overlaps a running one)',
    params: idParams,
    responses: {
      202: { description: 'accepted', schema: jobAcceptedSchema },
      409: { description: 'the profile is inactive' },
    },
    handler: async ({ params }) => {
      const p = await requireProfile(prisma, params.id);
      if (p.status !== 'active') {
        throw problems.conflict(
          `profile ${p.id} is inactive; activate it first (POST ${P}/${p.id}/activate)`,
        );
      }
      const r = await enqueueManualRun(prisma, queues, p.id);
      return { status: 202, body: { queue: 'collect', ...r } };
    },
  });
}
