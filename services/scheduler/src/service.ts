import type { PrismaClient } from '@mpc/db';
import { type ControlJob, parseJob, type Queues, type Redis, Worker } from '@mpc/queue';
import type { Logger } from '@mpc/runtime';
import { reconcileSchedulers } from './reconcile';

export interface SchedulerService {
  reconcile(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Reconciles on start, on every control notice from the API (profile created, changed,
 * (de)activated, deleted) and periodically as a safety net. One scheduler replica only.
 */
export async function startScheduler(deps: {
  prisma: PrismaClient;
  queues: Queues;
  connection: Redis;
  prefix: string;
  logger: Logger;
  intervalMs?: number;
}): Promise<SchedulerService> {
  const { logger } = deps;
  // serialise reconciles: a notice arriving mid-run triggers one more pass afterwards
  let running: Promise<void> | null = null;
  let again = false;
  const reconcile = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await reconcileSchedulers({ prisma: deps.prisma, collectQueue: deps.queues.collect, logger });
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  };

  await reconcile();
  const worker = new Worker<ControlJob>(
    'control',
    async (job) => {
      const notice = parseJob('control', job.data);
      logger.debug('control notice', { kind: notice.kind, profileId: notice.profileId, jobId: job.id });
      await reconcile();
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: 1 },
  );
  worker.on('error', (err) => logger.error('control worker error', { err }));
  const timer = setInterval(() => {
    reconcile().catch((err) => logger.error('periodic reconcile failed', { err }));
  }, deps.intervalMs ?? 60_000);
  timer.unref();
  return {
    reconcile,
    close: async () => {
      clearInterval(timer);
      await worker.close();
      await running;
    },
  };
}
