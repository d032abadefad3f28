import { DB_NOW, Prisma } from '@mpc/db';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { ProblemError, problems } from '../http/problem';
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
import { type ResetRow, resetForReexport } from '../usecases/reexport';

const P = '/api/v1/profiles/:id';
const orderParams = z.strictObject({ id: idString, magentoOrderId: idString });
const PAGINATION =
  'Newest first (createdAt desc, id desc). Keyset pagination: pass `nextCursor` as `cursor` for the next page. `total` is counted on the first page only, exact up to 10000 (`totalExact:false` beyond).';

const orderNotFound = (o: { id: number; magentoOrderId: number }) =>
  problems.notFound(`order ${o.magentoOrderId} is not in the sync log of profile ${o.id}`);

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

  /** one of the profile's keyset-paginated log lists */
  function listRoute<Q extends z.ZodType<{ from?: string; to?: string }>>(def: {
    path: string;
    summary: string;
    query: Q;
    page: { description: string; schema: z.ZodType };
    list: (profileId: number, query: z.infer<Q>) => Promise<unknown>;
  }) {
    route({
      method: 'get',
      path: `${P}/${def.path}`,
      tag: 'logs',
      access: 'viewer',
      summary: def.summary,
      description: PAGINATION,
      params: idParams,
      query: def.query,
      responses: { 200: def.page },
      handler: async ({ params, query }) => {
        checkRange(query.from, query.to);
        await exists(params.id);
        return { body: await def.list(params.id, query) };
      },
    });
  }

  listRoute({
    path: 'orders',
    summary: 'Order synchronisation log',
    query: ordersQuerySchema,
    page: { description: 'a page of orders', schema: ordersPageSchema },
    list: logs.orders,
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
      if (!row) throw orderNotFound(params);
      const { claimedBy, claimedUntil, sentSteps, history, ...rest } = row;
      return { body: { ...rest, sentSteps, claimedBy, claimedUntil, history } };
    },
  });

  listRoute({
    path: 'history',
    summary: 'Order synchronisation history (every action on every order)',
    query: orderHistoryQuerySchema,
    page: { description: 'a page of history rows', schema: orderHistoryPageSchema },
    list: logs.orderHistory,
  });

  listRoute({
    path: 'schedules',
    summary: 'Scheduled (and manual) runs',
    query: schedulesQuerySchema,
    page: { description: 'a page of runs', schema: schedulesPageSchema },
    list: logs.schedules,
  });

  listRoute({
    path: 'schedule-history',
    summary: 'What each run did',
    query: scheduleHistoryQuerySchema,
    page: { description: 'a page of schedule history rows', schema: scheduleHistoryPageSchema },
    list: logs.scheduleHistory,
  });

  route({
    method: 'post',
    path: `${P}/orders/:magentoOrderId/export`,
    tag: 'actions',
    access: 'admin',
    summary: 'Re-export one order (resumes with its stored Plenty ids)',
    description:
      'Any status, also `processing` once its claim has expired (the worker died or the job was lost) or was released. 409 only while an export holds a live claim on the row (`claimedUntil` in the answer and `Retry-After`).',
    params: orderParams,
    responses: {
      202: { description: 'queued', schema: jobAcceptedSchema },
      409: { description: 'an export holds a live claim on the order right now' },
    },
    handler: async ({ params, req }) => {
      const base = `re-export requested by ${req.apiKey?.name}`;
      const rows = await prisma.$transaction(async (tx) => {
        const reset = await resetForReexport(
          tx,
          Prisma.sql`"profileId" = ${params.id} AND "magentoOrderId" = ${params.magentoOrderId}`,
          base,
        );
        await writeReexportHistory(tx, reset);
        return reset;
      });
      if (!rows.length) {
        const [row] = await prisma.$queryRaw<
          {
            claimedBy: string | null;
            claimedUntil: Date | null;
            secondsLeft: number | null;
            status: string;
          }[]
        >`SELECT "status"::text AS "status", "claimedBy", "claimedUntil",
                 ceil(extract(epoch FROM ("claimedUntil" - ${DB_NOW})))::int AS "secondsLeft"
            FROM "OrderSync" WHERE "profileId" = ${params.id} AND "magentoOrderId" = ${params.magentoOrderId}`;
        if (!row) throw orderNotFound(params);
        const until = row.claimedUntil?.toISOString() ?? 'unknown';
        const left = Math.max(1, row.secondsLeft ?? 1);
        throw new ProblemError(
          409,
          'conflict',
          `order ${params.magentoOrderId} is ${row.status}: export job ${row.claimedBy?.split('#')[0]} holds its claim until ${until} (in ${left} s); re-export it after that if it is still ${row.status}`,
          [],
          { 'Retry-After': String(left) },
          { claimedBy: row.claimedBy, claimedUntil: row.claimedUntil?.toISOString() ?? null },
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
    summary: 'Re-export orders in bulk (filter: status, createdAt range, increment ids)',
    description:
      'Statuses `failed`, `skipped` (default both), and `processing`/`pending` for rows whose export is stuck: only rows without a live claim are re-queued (a `processing` row whose claim expired, a `pending` row whose job was lost). `more: true` = repeat the call.',
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
        // no live claim (the same rule as the UPDATE below, which decides on the database clock)
        OR: [{ claimedBy: null }, { claimedUntil: null }, { claimedUntil: { lt: new Date() } }],
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
      let requeued: ResetRow[] = [];
      if (ids.length) {
        requeued = await prisma.$transaction(async (tx) => {
          // the status and claim guards make a concurrent change (e.g. an exporter claiming the row) win
          const rows = await resetForReexport(
            tx,
            Prisma.sql`"id" IN (${Prisma.join(ids)}) AND "status"::text IN (${Prisma.join(body.status)})`,
            message,
          );
          await writeReexportHistory(tx, rows);
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

async function writeReexportHistory(tx: Prisma.TransactionClient, rows: ResetRow[]): Promise<void> {
  if (!rows.length) return;
  await tx.orderSyncHistory.createMany({
    data: rows.map((r) => ({
      orderSyncId: r.id,
      profileId: r.profileId,
      magentoOrderId: r.magentoOrderId,
      plentyOrderId: r.plentyOrderId,
      status: 'pending' as const,
      direction: 'export' as const,
      action: 're-export',
      message: r.message,
    })),
  });
}
