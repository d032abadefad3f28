import { Prisma } from '@mpc/db';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { problems } from '../http/problem';
import type { Route } from '../http/route';
import { logsRepository } from '../repositories/logs';
import { idParams, idString } from '../schemas/common';
import {
  bulkReexportResultSchema,
  bulkReexportSchema,
  jobAcceptedSchema,
  orderDetailSchema,
  orderHistoryPageSchema,
  orderHistoryQuerySchema,
  ordersPageSchema,
  ordersQuerySchema,
  scheduleHistoryPageSchema,
  scheduleHistoryQuerySchema,
  schedulesPageSchema,
  schedulesQuerySchema,
} from '../schemas/logs';
import { enqueueReexports } from '../usecases/jobs';
import { requireProfile } from '../usecases/profiles';

const P = '/api/v1/profiles/:id';
const orderParams = z.strictObject({ id: idString, magentoOrderId: idString });
const PAGINATION =
  'Newest first (createdAt desc, id desc). Keyset pagination: pass `nextCursor` as `cursor` for the next page. `total` is counted on the first page only, exact up to 10000 (`totalExact:false` beyond).';

function checkRange(from?: string, to?: string) {
  if (from && to && Date.parse(from) > Date.parse(to)) {
    throw problems.validation([{ path: 'query.from', message: '"from" must not be after "to"' }]);
  }
}

export function logRoutes(route: Route, deps: AppDeps) {
  const { prisma, queues } = deps;
  const logs = logsRepository(prisma);
  const exists = async (id: number) => {
    const p = await prisma.profile.findUnique({ where: { id }, select: { id: true } });
    if (!p) throw problems.notFound(`profile ${id} does not exist`);
  };

  route({
    method: 'get',
    path: `${P}/orders`,
    tag: 'logs',
    access: 'viewer',
    summary: 'Order synchronisation log',
    description: PAGINATION,
    params: idParams,
    query: ordersQuerySchema,
    responses: { 200: { description: 'a page of orders', schema: ordersPageSchema } },
    handler: async ({ params, query }) => {
      checkRange(query.from, query.to);
      await exists(params.id);
      return { body: await logs.orders(params.id, query) };
    },
  });

  route({
    method: 'get',
    path: `${P}/orders/:magentoOrderId`,
    tag: 'logs',
    access: 'viewer',
    summary: 'One order of the sync log with its whole history',
    params: orderParams,
    responses: { 200: { description: 'the order', schema: orderDetailSchema } },
    handler: async ({ params }) => {
      const row = await prisma.orderSync.findUnique({
        where: { profileId_magentoOrderId: { profileId: params.id, magentoOrderId: params.magentoOrderId } },
        include: { history: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 1000 } },
      });
      if (!row)
        throw problems.notFound(
          `order ${params.magentoOrderId} is not in the sync log of profile ${params.id}`,
        );
      const { claimedBy, claimedUntil, sentSteps, history, ...rest } = row;
      return { body: { ...rest, sentSteps, claimedBy, claimedUntil, history } };
    },
  });

  route({
    method: 'get',
    path: `${P}/history`,
    tag: 'logs',
    access: 'viewer',
    summary: 'Order synchronisation history (every action on every order)',
    description: PAGINATION,
    params: idParams,
    query: orderHistoryQuerySchema,
    responses: { 200: { description: 'a page of history rows', schema: orderHistoryPageSchema } },
    handler: async ({ params, query }) => {
      checkRange(query.from, query.to);
      await exists(params.id);
      return { body: await logs.orderHistory(params.id, query) };
    },
  });

  route({
    method: 'get',
    path: `${P}/schedules`,
    tag: 'logs',
    access: 'viewer',
    summary: 'Scheduled (and manual) runs',
    description: PAGINATION,
    params: idParams,
    query: schedulesQuerySchema,
    responses: { 200: { description: 'a page of runs', schema: schedulesPageSchema } },
    handler: async ({ params, query }) => {
      checkRange(query.from, query.to);
      await exists(params.id);
      return { body: await logs.schedules(params.id, query) };
    },
  });

  route({
    method: 'get',
    path: `${P}/schedule-history`,
    tag: 'logs',
    access: 'viewer',
    summary: 'What each run did',
    description: PAGINATION,
    params: idParams,
    query: scheduleHistoryQuerySchema,
    responses: { 200: { description: 'a page of schedule history rows', schema: scheduleHistoryPageSchema } },
    handler: async ({ params, query }) => {
      checkRange(query.from, query.to);
      await exists(params.id);
      return { body: await logs.scheduleHistory(params.id, query) };
    },
  });

  route({
    method: 'post',
    path: `${P}/orders/:magentoOrderId/export`,
    tag: 'actions',
    access: 'admin',
    summary: 'Re-export one order (resumes with its stored Plenty ids)',
    params: orderParams,
    responses: {
      202: { description: 'queued', schema: jobAcceptedSchema },
      409: { description: 'the order is being processed right now' },
    },
    handler: async ({ params, req }) => {
      const message = `re-export requested by ${req.apiKey?.name}`;
      const updated = await prisma.$transaction(async (tx) => {
        const r = await tx.orderSync.updateMany({
          where: {
            profileId: params.id,
            magentoOrderId: params.magentoOrderId,
            status: { not: 'processing' },
          },
          data: { status: 'pending', message, attempts: 0 },
        });
        if (r.count === 0) return null;
        const row = await tx.orderSync.findUniqueOrThrow({
          where: {
            profileId_magentoOrderId: { profileId: params.id, magentoOrderId: params.magentoOrderId },
          },
        });
        await tx.orderSyncHistory.create({
          data: {
            orderSyncId: row.id,
            profileId: row.profileId,
            magentoOrderId: row.magentoOrderId,
            plentyOrderId: row.plentyOrderId,
            status: 'pending',
            direction: 'export',
            action: 're-export',
            message,
          },
        });
        return row;
      });
      if (!updated) {
        const row = await prisma.orderSync.findUnique({
          where: {
            profileId_magentoOrderId: { profileId: params.id, magentoOrderId: params.magentoOrderId },
          },
          select: { status: true },
        });
        if (!row)
          throw problems.notFound(
            `order ${params.magentoOrderId} is not in the sync log of profile ${params.id}`,
          );
        throw problems.conflict(
          `order ${params.magentoOrderId} is being processed right now; try again when it has finished`,
        );
      }
      const [jobId] = await enqueueReexports(queues, params.id, [params.magentoOrderId]);
      return { status: 202, body: { queue: 'export', jobId: jobId! } };
    },
  });

  route({
    method: 'post',
    path: `${P}/orders/export`,
    tag: 'actions',
    access: 'admin',
    summary:
      'Re-export failed and/or skipped orders in bulk (filter: status, createdAt range, increment ids)',
    params: idParams,
    body: bulkReexportSchema,
    responses: { 202: { description: 'queued', schema: bulkReexportResultSchema } },
    handler: async ({ params, body, req }) => {
      checkRange(body.from, body.to);
      await requireProfile(prisma, params.id);
      const message = `re-export requested by ${req.apiKey?.name}`;
      const where: Prisma.OrderSyncWhereInput = {
        profileId: params.id,
        status: { in: body.status },
        ...(body.incrementIds ? { incrementId: { in: body.incrementIds } } : {}),
        ...(body.from || body.to
          ? {
              createdAt: {
                ...(body.from ? { gte: new Date(body.from) } : {}),
                ...(body.to ? { lte: new Date(body.to) } : {}),
              },
            }
          : {}),
      };
      const candidates = await prisma.orderSync.findMany({
        where,
        select: { id: true },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: body.limit + 1,
      });
      const more = candidates.length > body.limit;
      const ids = candidates.slice(0, body.limit).map((c) => c.id);
      let requeued: { id: number; magentoOrderId: number; plentyOrderId: number | null }[] = [];
      if (ids.length) {
        requeued = await prisma.$transaction(async (tx) => {
          // the status guard makes a concurrent change (e.g. an exporter picking the row up) win
          const rows = await tx.$queryRaw<
            { id: number; magentoOrderId: number; plentyOrderId: number | null }[]
          >`
            UPDATE "OrderSync" SET "status" = 'pending'::"OrderSyncStatus", "message" = ${message}, "attempts" = 0,
              "updatedAt" = (now() AT TIME ZONE 'UTC')
            WHERE "id" IN (${Prisma.join(ids)}) AND "status"::text IN (${Prisma.join(body.status)})
            RETURNING "id", "magentoOrderId", "plentyOrderId"`;
          await tx.orderSyncHistory.createMany({
            data: rows.map((r) => ({
              orderSyncId: r.id,
              profileId: params.id,
              magentoOrderId: r.magentoOrderId,
              plentyOrderId: r.plentyOrderId,
              status: 'pending' as const,
              direction: 'export' as const,
              action: 're-export',
              message,
            })),
          });
          return rows;
        });
        await enqueueReexports(
          queues,
          params.id,
          requeued.map((r) => r.magentoOrderId),
        );
      }
      return {
        status: 202,
        body: { matched: ids.length, requeued: requeued.length, limit: body.limit, more },
      };
    },
  });
}
