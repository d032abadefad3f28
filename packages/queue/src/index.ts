import { type ConnectionOptions, type JobsOptions, Queue, type QueueOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';

/** One queue per stage so each scales and rate-limits on its own. */
export const queueNames = {
  collect: 'collect',
  export: 'export',
  /** notices from the API to the scheduler (profile created/changed/deleted) */
  control: 'control',
} as const;
export type QueueName = (typeof queueNames)[keyof typeof queueNames];

/** Job payloads carry ids only: Redis stores them in clear text, so no PII and no secrets. */
export const collectJobSchema = z.object({
  profileId: z.number().int().positive(),
  trigger: z.enum(['cron', 'manual']).default('cron'),
  /** set by the scheduler / API when the run was created as a Schedule row beforehand */
  scheduleId: z.number().int().positive().optional(),
});
export type CollectJob = z.infer<typeof collectJobSchema>;

export const exportJobSchema = z.object({
  profileId: z.number().int().positive(),
  magentoOrderId: z.number().int().positive(),
  /** `export` creates the order; `status` pushes a changed Magento status to an exported order */
  action: z.enum(['export', 'status']).default('export'),
  scheduleId: z.number().int().positive().optional(),
});
export type ExportJob = z.infer<typeof exportJobSchema>;

export const controlJobSchema = z.object({
  kind: z.enum(['profile-changed', 'reconcile']),
  profileId: z.number().int().positive().optional(),
});
export type ControlJob = z.infer<typeof controlJobSchema>;

export const jobSchemas = {
  collect: collectJobSchema,
  export: exportJobSchema,
  control: controlJobSchema,
} as const satisfies Record<QueueName, z.ZodType>;

/** BullMQ job ids may not contain ':' nor be all digits. */
export const jobIds = {
  schedulerId: (profileId: number) => `profile-${profileId}`,
  exportJob: (profileId: number, magentoOrderId: number, action: 'export' | 'status' = 'export') =>
    `${action}-${profileId}-${magentoOrderId}`,
  /** a manual re-export must not be swallowed by a retained job of the first export */
  reexportJob: (profileId: number, magentoOrderId: number, at = Date.now()) =>
    `reexport-${profileId}-${magentoOrderId}-${at}`,
  collectDedup: (profileId: number) => `collect-${profileId}`,
};

export const defaultJobOptions: Record<QueueName, JobsOptions> = {
  collect: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 5000, jitter: 0.5 },
    removeOnComplete: { count: 1000 },
    removeOnFail: { count: 5000 },
  },
  // the export step machine is resumable: retries resume at the first step without a Plenty id
  export: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
    removeOnComplete: { count: 5000, age: 86400 },
    removeOnFail: { count: 20000 },
  },
  control: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: true,
    removeOnFail: { count: 1000 },
  },
};

/** Workers block on Redis and must retry forever; producers (the API) fail fast instead. */
export function createRedisConnection(
  url: string,
  role: 'worker' | 'producer',
  extra: RedisOptions = {},
): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    lazyConnect: false,
    ...extra,
  });
}

export function createQueue(
  name: QueueName,
  connection: ConnectionOptions,
  prefix: string,
  opts: Partial<QueueOptions> = {},
) {
  return new Queue(name, { connection, prefix, defaultJobOptions: defaultJobOptions[name], ...opts });
}

export interface Queues {
  collect: Queue<CollectJob>;
  export: Queue<ExportJob>;
  control: Queue<ControlJob>;
  close(): Promise<void>;
}

export function createQueues(connection: Redis, prefix: string): Queues {
  const collect = createQueue('collect', connection, prefix) as Queue<CollectJob>;
  const exp = createQueue('export', connection, prefix) as Queue<ExportJob>;
  const control = createQueue('control', connection, prefix) as Queue<ControlJob>;
  return {
    collect,
    export: exp,
    control,
    close: async () => {
      await Promise.all([collect.close(), exp.close(), control.close()]);
    },
  };
}

/** Parses a job's payload; a malformed payload is a bug upstream, never retried. */
export function parseJob<N extends QueueName>(name: N, data: unknown): z.infer<(typeof jobSchemas)[N]> {
  const result = jobSchemas[name].safeParse(data);
  if (!result.success) {
    throw new InvalidJobError(
      `invalid ${name} job payload: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return result.data as z.infer<(typeof jobSchemas)[N]>;
}

export class InvalidJobError extends Error {
  override name = 'InvalidJobError';
}

export { DelayedError, Job, Queue, QueueEvents, RateLimitError, UnrecoverableError, Worker } from 'bullmq';
export { Redis } from 'ioredis';
export { acquireLock, releaseLock } from './redis-lock';
