import { type EffectiveSettings, resolveSettings } from '@mpc/core';
import {
  DB_NOW,
  jobCodeFor,
  loadProfileContext,
  type OrderSync,
  type OrderSyncRepository,
  type PrismaClient,
  type ProfileContext,
  type ScheduleRepository,
  type SecretBox,
  settingsForStore,
} from '@mpc/db';
import type { MagentoOrderHead } from '@mpc/magento';
import {
  acquireLock,
  type CollectJob,
  type ExportJob,
  jobIds,
  parseJob,
  type Queue,
  type Redis,
  releaseLock,
} from '@mpc/queue';
import type { Logger } from '@mpc/runtime';
import { CronExpressionParser } from 'cron-parser';
import {
  fromMagentoTime,
  type OrderSource,
  pageByEntityId,
  pageByUpdatedAt,
  type SearchFilter,
  toMagentoTime,
} from './search';

export interface CollectDeps {
  prisma: PrismaClient;
  secrets: SecretBox;
  redis: Redis;
  keyPrefix: string;
  exportQueue: Queue<ExportJob>;
  orderSyncs: OrderSyncRepository;
  schedules: ScheduleRepository;
  orderSource: (ctx: ProfileContext) => OrderSource;
  logger: Logger;
  /** re-read this much before the cursor: Magento timestamps have second precision and late commits */
  overlapMs?: number;
  /** cap on `missed` rows written for the slots of one downtime */
  maxMissedRows?: number;
  /** a pending/processing row untouched this long, without a live claim, gets its export job again */
  staleAfterMs?: number;
}

export interface CollectJobInfo {
  id?: string;
  data: unknown;
  timestamp: number;
  opts: { prevMillis?: number; delay?: number };
}

export interface CollectStats {
  requests: number;
  collected: number;
  enqueued: number;
  statusUpdates: number;
  skipped: number;
  ignored: number;
  unchanged: number;
  deferred: number;
  /** entries Magento sent without a usable entity or increment id (see the run's history) */
  unreadable: number;
  /** stalled pending/processing orders whose export job was queued again */
  requeued: number;
}

export type CollectOutcome =
  | { outcome: 'done'; scheduleId: number; stats: CollectStats }
  | { outcome: 'missed'; scheduleId: number; reason: string }
  | { outcome: 'error'; scheduleId: number; message: string };

/** What the collector does with one collected order. */
type Decision =
  | { kind: 'ignore' }
  | { kind: 'skip'; message: string }
  | { kind: 'export' }
  | { kind: 'status' }
  | { kind: 'unchanged' };

const SETTLED = new Set(['complete', 'updated']);

/**
 * Which orders a run touches. Orders the profile does not export (export disabled for their
 * store, status not selected) stay untouched; an order of an unmapped store ends `skipped`
 * naming the store; everything else goes to the exporter, which maps it and may skip it with
 * the exact reason.
 */
export function decide(
  order: MagentoOrderHead,
  settings: EffectiveSettings,
  row: OrderSync | undefined,
  mode: 'append' | 'replace',
): Decision {
  if (!settings.export.enabled) return { kind: 'ignore' };
  const statuses = settings.orderStatus.processStatuses;
  const status = order.status ?? '';
  const updatedAt = fromMagentoTime(order.updated_at)?.getTime() ?? null;
  if (row && SETTLED.has(row.status)) {
    // replace mode only exports what was never exported; append pushes status changes
    if (mode === 'append' && row.magentoStatus !== status) return { kind: 'status' };
    return { kind: 'unchanged' };
  }
  if (statuses.length > 0 && !statuses.includes(status)) return { kind: 'ignore' };
  if (
    row &&
    (row.status === 'pending' || row.status === 'processing') &&
    row.magentoUpdatedAt?.getTime() === updatedAt
  ) {
    return { kind: 'unchanged' };
  }
  if (row && (row.status === 'skipped' || row.status === 'failed')) {
    // an admin re-exports these; a changed Magento order (append) gets another chance
    if (mode === 'replace' || row.magentoUpdatedAt?.getTime() === updatedAt) return { kind: 'unchanged' };
  }
  if (!settings.store.storeMapping.some((m) => m.magentoStoreId === order.store_id)) {
    return {
      kind: 'skip',
      message: `store view ${order.store_id} is not mapped: add it to the store mapping`,
    };
  }
  return { kind: 'export' };
}

/** Magento statuses to ask for: the union of every scope's selection, or all if any scope takes all. */
export function statusFilter(ctx: Pick<ProfileContext, 'scopes' | 'lookups'>): SearchFilter[][] {
  const storeIds = ctx.lookups?.magento.storeViews.map((s) => s.id) ?? [];
  const all = [settingsForStore(ctx, null), ...storeIds.map((id) => settingsForStore(ctx, id))];
  if (all.some((r) => r.settings.orderStatus.processStatuses.length === 0)) return [];
  const statuses = [...new Set(all.flatMap((r) => r.settings.orderStatus.processStatuses))].sort();
  return [[{ field: 'status', value: statuses.join(','), conditionType: 'in' }]];
}

/**
 * One run of a profile: pages the eligible Magento orders, upserts OrderSync rows, enqueues one
 * export job per order (at most batchSize; the rest wait for the next run, the cursor never
 * skips an order) and writes the Schedule and ScheduleHistory rows of the run.
 */
export async function runCollect(deps: CollectDeps, job: CollectJobInfo): Promise<CollectOutcome> {
  const payload: CollectJob = parseJob('collect', job.data);
  const { profileId, trigger } = payload;
  const log = deps.logger.child({ profileId, jobId: job.id });
  const jobCode = jobCodeFor(profileId);
  const scheduledAt = new Date(job.opts.prevMillis ?? job.timestamp + (job.opts.delay ?? 0));
  const lockKey = `${deps.keyPrefix}:lock:collect:${profileId}`;
  const holder = job.id ?? `collect-${Date.now()}`;

  // two runs of one profile never overlap
  if (!(await acquireLock(deps.redis, lockKey, holder, 15 * 60_000))) {
    const reason = 'the previous run of this profile is still active';
    const row = await deps.schedules.missed({
      profileId,
      jobCode,
      trigger,
      scheduledAt,
      message: reason,
      ...(payload.scheduleId ? { scheduleId: payload.scheduleId } : {}),
    });
    log.warn('run missed', { reason });
    return { outcome: 'missed', scheduleId: row.id, reason };
  }
  try {
    if (trigger === 'cron') await recordMissedSlots(deps, profileId, jobCode, scheduledAt);
    const schedule = await deps.schedules.start({
      profileId,
      jobCode,
      trigger,
      scheduledAt,
      ...(payload.scheduleId ? { scheduleId: payload.scheduleId } : {}),
    });
    try {
      const ctx = await loadProfileContext(deps.prisma, deps.secrets, profileId);
      if (trigger === 'cron' && ctx.profile.status !== 'active') {
        const message = 'profile is inactive: nothing collected';
        await deps.schedules.finish(schedule, 'success', message, {});
        return { outcome: 'done', scheduleId: schedule.id, stats: emptyStats() };
      }
      if (!ctx.lookups)
        throw new Error('lookups have not been collected for this profile: POST /profiles/{id}/lookups');
      const stats = await collectOrders(deps, ctx, schedule.id, log);
      stats.requeued = await requeueStale(deps, profileId, schedule.id);
      const message =
        `collected ${stats.collected} orders in ${stats.requests} Magento requests: ${stats.enqueued} enqueued, ` +
        `${stats.statusUpdates} status updates, ${stats.skipped} skipped, ${stats.ignored} not eligible, ` +
        `${stats.unchanged} unchanged` +
        (stats.deferred ? `, ${stats.deferred} left for the next run (batch size)` : '') +
        (stats.unreadable ? `, ${stats.unreadable} unreadable (see the run's history)` : '') +
        (stats.requeued ? `, ${stats.requeued} stalled orders queued again` : '');
      await deps.schedules.history(schedule, 'processing', 'collect', message);
      await deps.schedules.finish(schedule, 'success', message, { ...stats });
      log.info('run finished', { ...stats });
      return { outcome: 'done', scheduleId: schedule.id, stats };
    } catch (err) {
      const message = (err as Error).message;
      await deps.schedules.finish(schedule, 'error', message, {});
      log.error('run failed', { err });
      return { outcome: 'error', scheduleId: schedule.id, message };
    }
  } finally {
    await releaseLock(deps.redis, lockKey, holder);
  }
}

function emptyStats(): CollectStats {
  return {
    requests: 0,
    collected: 0,
    enqueued: 0,
    statusUpdates: 0,
    skipped: 0,
    ignored: 0,
    unchanged: 0,
    deferred: 0,
    unreadable: 0,
    requeued: 0,
  };
}

/**
 * The safety net of "nothing lost": an order left pending or processing without a live claim and
 * untouched for a while has lost its export job (Redis lost it, or the process that should have
 * queued it died in between). It is queued again; the job id carries the row's last change, so one
 * stalled state gets one job, and the claim keeps a still-running one from exporting twice.
 */
async function requeueStale(deps: CollectDeps, profileId: number, scheduleId: number): Promise<number> {
  const staleMs = deps.staleAfterMs ?? 60_000;
  const stale = await deps.prisma.$queryRaw<{ magentoOrderId: number; updatedAt: Date }[]>`
    SELECT "magentoOrderId", "updatedAt" FROM "OrderSync"
     WHERE "profileId" = ${profileId} AND "status" IN ('pending', 'processing')
       AND ("claimedUntil" IS NULL OR "claimedUntil" < ${DB_NOW})
       AND "updatedAt" < ${DB_NOW} - make_interval(secs => ${staleMs / 1000})
     LIMIT 1000`;
  if (!stale.length) return 0;
  await deps.exportQueue.addBulk(
    stale.map((r) => ({
      name: 'export',
      data: { profileId, magentoOrderId: r.magentoOrderId, action: 'export' as const, scheduleId },
      opts: { jobId: `stalled-${profileId}-${r.magentoOrderId}-${r.updatedAt.getTime()}` },
    })),
  );
  return stale.length;
}

async function collectOrders(
  deps: CollectDeps,
  ctx: ProfileContext,
  scheduleId: number,
  log: Logger,
): Promise<CollectStats> {
  const profileId = ctx.profile.id;
  // collection settings are the profile's (default scope): one run pages one Magento shop
  const { settings } = resolveSettings(ctx.scopes);
  const mode = settings.api.collectionBehaviour;
  const stats = emptyStats();
  const source = deps.orderSource(ctx);
  // append also reads orders outside the status filter: an exported order that moved to another
  // status (canceled, closed) must get that status in Plenty; decide() filters new ones
  const baseFilters = mode === 'replace' ? statusFilter(ctx) : [];
  const onRequest = () => void stats.requests++;
  const overlapMs = deps.overlapMs ?? 5 * 60_000;
  const pages =
    mode === 'append'
      ? pageByUpdatedAt(source, {
          from: ctx.profile.cursorUpdatedAt
            ? toMagentoTime(new Date(ctx.profile.cursorUpdatedAt.getTime() - overlapMs))
            : null,
          baseFilters,
          pageSize: settings.api.pageSize,
          onRequest,
        })
      : pageByEntityId(source, { baseFilters, pageSize: settings.api.pageSize, onRequest });
  const seen = new Set<number>();
  let cursor: { at: Date; id: number } | null = null;
  let batchFull = false;

  for await (const { items: page, unreadable } of pages) {
    if (unreadable.length) {
      // never a silent drop: the run's message and history say which entries Magento sent unreadable
      stats.unreadable += unreadable.length;
      await deps.schedules.history(
        { id: scheduleId, profileId },
        'processing',
        'collect',
        `Magento sent ${unreadable.length} order(s) without a readable entity or increment id: ${unreadable.map((u) => u.issues.join(', ')).join('; ')}`,
      );
    }
    const rows = new Map(
      (
        await deps.orderSyncs.findMany(
          profileId,
          page.map((o) => o.entity_id),
        )
      ).map((r) => [r.magentoOrderId, r]),
    );
    const jobs: { name: string; data: ExportJob; opts: { jobId: string } }[] = [];
    for (const order of page) {
      if (seen.has(order.entity_id)) continue;
      if (batchFull) {
        stats.deferred++;
        continue;
      }
      seen.add(order.entity_id);
      stats.collected++;
      const row = rows.get(order.entity_id);
      const decision = decide(order, settingsForStore(ctx, order.store_id).settings, row, mode);
      const summary = {
        magentoOrderId: order.entity_id,
        incrementId: order.increment_id,
        customerId: order.customer_id ?? null,
        storeId: order.store_id,
        magentoStatus: order.status ?? null,
        magentoUpdatedAt: fromMagentoTime(order.updated_at),
      };
      const version = summary.magentoUpdatedAt?.getTime() ?? 0;
      switch (decision.kind) {
        case 'ignore':
          stats.ignored++;
          break;
        case 'unchanged':
          stats.unchanged++;
          // a pending row whose job never made it into the queue (Redis went down between writing the
          // row and enqueueing, or lost its data): the same job id again; BullMQ ignores the add while
          // that job exists (waiting, delayed, active or kept as completed)
          if (row?.status === 'pending') {
            jobs.push({
              name: 'export',
              data: { profileId, magentoOrderId: order.entity_id, action: 'export', scheduleId },
              opts: { jobId: `${jobIds.exportJob(profileId, order.entity_id)}-${version}` },
            });
          }
          break;
        case 'skip': {
          const r = await deps.orderSyncs.upsert(profileId, summary, 'skipped', decision.message);
          await deps.orderSyncs.addHistory(r, {
            status: 'skipped',
            action: 'collect',
            message: decision.message,
          });
          stats.skipped++;
          break;
        }
        case 'export': {
          const r = await deps.orderSyncs.upsert(profileId, summary, 'pending', 'waiting for export');
          await deps.orderSyncs.addHistory(r, {
            status: 'pending',
            action: 'collect',
            message: `collected (Magento status ${summary.magentoStatus})`,
          });
          jobs.push({
            name: 'export',
            data: { profileId, magentoOrderId: order.entity_id, action: 'export', scheduleId },
            opts: { jobId: `${jobIds.exportJob(profileId, order.entity_id)}-${version}` },
          });
          stats.enqueued++;
          break;
        }
        case 'status': {
          // keep the row settled: the status job records `updated` once Plenty has the new status
          await deps.orderSyncs.addHistory(row!, {
            status: row!.status,
            action: 'collect',
            message: `Magento status changed from ${row!.magentoStatus} to ${summary.magentoStatus}`,
          });
          jobs.push({
            name: 'status',
            data: { profileId, magentoOrderId: order.entity_id, action: 'status', scheduleId },
            opts: { jobId: `${jobIds.exportJob(profileId, order.entity_id, 'status')}-${version}` },
          });
          stats.statusUpdates++;
          break;
        }
      }
      if (mode === 'append' && summary.magentoUpdatedAt)
        cursor = { at: summary.magentoUpdatedAt, id: order.entity_id };
      if (stats.enqueued + stats.statusUpdates >= settings.export.batchSize) batchFull = true;
    }
    if (jobs.length) await deps.exportQueue.addBulk(jobs);
    // the cursor moves only past orders this run handled, so a batch cut never skips one
    if (cursor) {
      await deps.prisma.profile.update({
        where: { id: profileId },
        data: { cursorUpdatedAt: cursor.at, cursorEntityId: cursor.id },
      });
    }
    if (batchFull) {
      log.info('batch size reached', { batchSize: settings.export.batchSize });
      break;
    }
  }
  return stats;
}

/** Cron slots between the profile's last scheduled run and this one never ran: record them as missed. */
async function recordMissedSlots(
  deps: CollectDeps,
  profileId: number,
  jobCode: string,
  scheduledAt: Date,
): Promise<void> {
  const last = await deps.schedules.lastScheduled(profileId);
  if (!last) return;
  const profile = await deps.prisma.profile.findUnique({
    where: { id: profileId },
    select: { cronExpression: true, timezone: true },
  });
  if (!profile) return;
  const slots: Date[] = [];
  try {
    const it = CronExpressionParser.parse(profile.cronExpression, {
      tz: profile.timezone,
      currentDate: last.scheduledAt,
      endDate: scheduledAt,
    });
    while (it.hasNext()) {
      const next = it.next().toDate();
      if (next.getTime() >= scheduledAt.getTime() - 1000) break;
      slots.push(next);
      if (slots.length > (deps.maxMissedRows ?? 50)) break;
    }
  } catch {
    return;
  }
  const max = deps.maxMissedRows ?? 50;
  for (const slot of slots.slice(0, max)) {
    await deps.schedules.missed({
      profileId,
      jobCode,
      trigger: 'cron',
      scheduledAt: slot,
      message: 'the run could not start in its slot (scheduler or collector was down, or the queue was busy)',
    });
  }
}
