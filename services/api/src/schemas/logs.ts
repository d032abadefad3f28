import { z } from 'zod';
import { idString, pageQueryShape, pageSchema } from './common';

const orderStatuses = ['pending', 'processing', 'complete', 'updated', 'skipped', 'failed'] as const;
const scheduleStatuses = ['pending', 'processing', 'success', 'error', 'missed'] as const;

/** `status=failed` or `status=failed,skipped` */
function statusList<T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string()
    .max(200)
    .transform((s) => s.split(',').map((v) => v.trim()))
    .pipe(z.array(z.enum(values, { message: `each status must be one of ${values.join(', ')}` })))
    .optional();
}

export const ordersQuerySchema = z.strictObject({
  ...pageQueryShape,
  status: statusList(orderStatuses),
  magentoOrderId: idString.optional(),
  incrementId: z.string().min(1).max(64).optional(),
});
export const orderHistoryQuerySchema = z.strictObject({
  ...pageQueryShape,
  status: statusList(orderStatuses),
  magentoOrderId: idString.optional(),
});
export const schedulesQuerySchema = z.strictObject({
  ...pageQueryShape,
  status: statusList(scheduleStatuses),
});
export const scheduleHistoryQuerySchema = z.strictObject({
  ...pageQueryShape,
  status: statusList(scheduleStatuses),
  scheduleId: idString.optional(),
});

const n = z.number().nullable();
export const orderSyncSchema = z
  .object({
    id: z.number().int(),
    profileId: z.number().int(),
    magentoOrderId: z.number().int(),
    incrementId: z.string(),
    customerId: n,
    storeId: n,
    magentoStatus: z.string().nullable(),
    magentoUpdatedAt: z.date().nullable(),
    status: z.enum(orderStatuses),
    plentyOrderId: n,
    plentyStatusId: n,
    plentyStatusName: z.string().nullable(),
    plentyReferrerId: n,
    plentyContactId: n,
    plentyBillingAddressId: n,
    plentyShippingAddressId: n,
    plentyPaymentId: n,
    plentyPaymentMethodId: n,
    plentyPaymentStatusId: n,
    plentyPaymentOrderAssignmentId: n,
    plentyPaymentContactAssignmentId: n,
    message: z.string().nullable(),
    attempts: z.number().int(),
    createdAt: z.date(),
    updatedAt: z.date(),
    processedAt: z.date().nullable(),
  })
  .meta({ id: 'OrderSync' });

export const orderHistorySchema = z
  .object({
    id: z.number().int(),
    orderSyncId: z.number().int(),
    profileId: z.number().int(),
    magentoOrderId: z.number().int(),
    plentyOrderId: n,
    status: z.enum(orderStatuses),
    direction: z.enum(['import', 'export']),
    action: z.string(),
    message: z.string(),
    createdAt: z.date(),
  })
  .meta({ id: 'OrderSyncHistory' });

export const orderDetailSchema = orderSyncSchema
  .extend({
    sentSteps: z.array(z.string()),
    claimedBy: z.string().nullable(),
    claimedUntil: z.date().nullable(),
    history: z.array(
      orderHistorySchema.extend({ request: z.unknown().nullable(), response: z.unknown().nullable() }),
    ),
  })
  .meta({ id: 'OrderSyncDetail' });

export const scheduleSchema = z
  .object({
    id: z.number().int(),
    profileId: z.number().int(),
    status: z.enum(scheduleStatuses),
    jobCode: z.string(),
    trigger: z.string(),
    message: z.string().nullable(),
    stats: z.unknown().nullable(),
    createdAt: z.date(),
    scheduledAt: z.date(),
    executedAt: z.date().nullable(),
    finishedAt: z.date().nullable(),
  })
  .meta({ id: 'Schedule' });

export const scheduleHistorySchema = z
  .object({
    id: z.number().int(),
    scheduleId: z.number().int(),
    profileId: z.number().int(),
    status: z.enum(scheduleStatuses),
    action: z.string(),
    message: z.string(),
    createdAt: z.date(),
    performedAt: z.date(),
  })
  .meta({ id: 'ScheduleHistory' });

export const ordersPageSchema = pageSchema(orderSyncSchema, 'OrderSyncPage');
export const orderHistoryPageSchema = pageSchema(orderHistorySchema, 'OrderSyncHistoryPage');
export const schedulesPageSchema = pageSchema(scheduleSchema, 'SchedulePage');
export const scheduleHistoryPageSchema = pageSchema(scheduleHistorySchema, 'ScheduleHistoryPage');

export const bulkReexportSchema = z
  .strictObject({
    /**
     * failed and skipped (the default), and processing/pending for stuck exports: rows with a live
     * claim (an export working on them right now) are never re-queued
     */
    status: z
      .array(z.enum(['failed', 'skipped', 'processing', 'pending']))
      .min(1)
      .max(4)
      .default(['failed', 'skipped'])
      .meta({
        description:
          'failed and/or skipped (default both); processing and pending re-queue stuck rows: only those without a live claim (claim expired or released, or never claimed)',
      }),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    incrementIds: z.array(z.string().min(1).max(64)).min(1).max(1000).optional(),
    /** at most this many orders are re-queued by one request */
    limit: z.number().int().min(1).max(10_000).default(1000),
  })
  .meta({ id: 'BulkReexport' });

export const bulkReexportResultSchema = z
  .object({
    matched: z.number().int(),
    requeued: z.number().int(),
    limit: z.number().int(),
    more: z.boolean(),
  })
  .meta({ id: 'BulkReexportResult' });

export const jobAcceptedSchema = z
  .object({
    jobId: z.string(),
    queue: z.string(),
    deduplicated: z.boolean().optional(),
    /** the run's row on the schedule tab (manual runs) */
    scheduleId: z.number().int().optional(),
  })
  .meta({ id: 'JobAccepted' });
