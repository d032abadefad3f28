import { type CollectJob, type Redis, Worker } from '@mpc/queue';
import type { Logger } from '@mpc/runtime';
import { type CollectDeps, runCollect } from './collect';

/** Runs collect jobs (one profile run each); a run's failure is recorded on its Schedule row. */
export function startCollectWorker(
  deps: CollectDeps,
  opts: { connection: Redis; prefix: string; concurrency?: number },
  logger: Logger,
) {
  const worker = new Worker<CollectJob>(
    'collect',
    async (job) =>
      runCollect(deps, {
        ...(job.id ? { id: job.id } : {}),
        data: job.data,
        timestamp: job.timestamp,
        opts: { prevMillis: (job.opts as { prevMillis?: number }).prevMillis, delay: job.opts.delay },
      }),
    { connection: opts.connection, prefix: opts.prefix, concurrency: opts.concurrency ?? 2 },
  );
  worker.on('error', (err) => logger.error('collect worker error', { err }));
  return worker;
}
