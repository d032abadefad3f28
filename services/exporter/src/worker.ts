import type { OrderSyncRepository } from '@mpc/db';
import {
  DelayedError,
  type ExportJob,
  InvalidJobError,
  type Job,
  parseJob,
  type Redis,
  UnrecoverableError,
  Worker,
} from '@mpc/queue';
import type { Logger } from '@mpc/runtime';
import { type ExportDeps, exportOrder } from './export-order';
import type { ExporterMetrics } from './metrics';

export interface ExportWorkerOptions {
  connection: Redis;
  prefix: string;
  concurrency: number;
  /** BullMQ lock; a worker that dies loses it after this long and the job runs again */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** a killed worker stalls its jobs; the step machine makes re-running them safe */
  maxStalledCount?: number;
}

/** BullMQ processor: runs the step machine and maps its outcome onto BullMQ's retry semantics. */
export function createExportProcessor(deps: ExportDeps, metrics?: ExporterMetrics) {
  return async (job: Job<ExportJob>, token?: string) => {
    let data: ExportJob;
    try {
      data = parseJob('export', job.data);
    } catch (err) {
      if (err instanceof InvalidJobError) throw new UnrecoverableError(err.message);
      throw err;
    }
    const started = performance.now();
    const result = await exportOrder(deps, data, {
      jobId: job.id ?? `${data.profileId}-${data.magentoOrderId}`,
      ...(token ? { delivery: token } : {}),
      attemptsMade: job.attemptsMade,
      maxAttempts: job.opts.attempts ?? 1,
    });
    metrics?.exports.inc({ outcome: result.outcome });
    metrics?.duration.observe({ outcome: result.outcome }, (performance.now() - started) / 1000);
    if (result.outcome === 'complete') {
      metrics?.callsPerOrder.observe({ kind: 'write' }, result.calls.writes);
      metrics?.callsPerOrder.observe({ kind: 'read' }, result.calls.reads);
    }
    if (result.outcome === 'retry') {
      if (result.delayMs !== undefined && token) {
        // rate limit, open breaker or a row held by another job: wait without using an attempt
        await job.moveToDelayed(Date.now() + result.delayMs, token);
        throw new DelayedError(result.message);
      }
      throw new Error(result.message);
    }
    return {
      outcome: result.outcome,
      message: result.message,
      writes: result.calls.writes,
      reads: result.calls.reads,
    };
  };
}

export function startExportWorker(
  deps: ExportDeps & { orderSyncs: OrderSyncRepository },
  opts: ExportWorkerOptions,
  logger: Logger,
  metrics?: ExporterMetrics,
) {
  const worker = new Worker<ExportJob>('export', createExportProcessor(deps, metrics), {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    lockDuration: opts.lockDurationMs ?? 30_000,
    stalledInterval: opts.stalledIntervalMs ?? 30_000,
    maxStalledCount: opts.maxStalledCount ?? 5,
  });
  worker.on('error', (err) => logger.error('export worker error', { err }));
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final =
      job.attemptsMade >= (job.opts.attempts ?? 1) ||
      err instanceof UnrecoverableError ||
      err.name === 'UnrecoverableError' ||
      /stalled more than/.test(err.message);
    if (!final) return;
    // the job will not run again: a row it left in pending/processing must say so
    const data = job.data;
    void deps.orderSyncs
      .abandon(data.profileId, data.magentoOrderId, `export job failed for good: ${err.message}`)
      .catch((e) =>
        logger.error('could not mark abandoned order failed', {
          profileId: data.profileId,
          orderId: data.magentoOrderId,
          jobId: job.id,
          err: e,
        }),
      );
  });
  return worker;
}
