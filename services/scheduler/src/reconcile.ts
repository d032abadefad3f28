import { type PrismaClient, ScheduleRepository } from '@mpc/db';
import { type CollectJob, jobIds, type Queue } from '@mpc/queue';
import type { Logger } from '@mpc/runtime';
import { CronExpressionParser } from 'cron-parser';

export interface ReconcileResult {
  created: number[];
  updated: number[];
  removed: string[];
  unchanged: number;
  invalid: { profileId: number; message: string }[];
}

const SCHEDULER_PREFIX = 'profile-';

/**
 * Makes the BullMQ job schedulers of the collect queue match the active export profiles.
 * Diff-based and the only writer: upserts only what changed (upsert updates in place; never
 * remove + add, which BullMQ can leave without a delayed job) and removes schedulers whose
 * profile is gone or inactive.
 */
export async function reconcileSchedulers(deps: {
  prisma: PrismaClient;
  collectQueue: Queue<CollectJob>;
  logger: Logger;
}): Promise<ReconcileResult> {
  const { prisma, collectQueue, logger } = deps;
  const profiles = await prisma.profile.findMany({
    where: { status: 'active', direction: 'export', entityType: 'order' },
    select: { id: true, cronExpression: true, timezone: true },
  });
  const existing = new Map(
    (await collectQueue.getJobSchedulers(0, -1, true))
      .filter((s) => (s.id ?? s.key).startsWith(SCHEDULER_PREFIX))
      .map((s) => [s.id ?? s.key, s]),
  );
  const result: ReconcileResult = { created: [], updated: [], removed: [], unchanged: 0, invalid: [] };
  const wanted = new Set<string>();
  for (const profile of profiles) {
    const id = jobIds.schedulerId(profile.id);
    try {
      CronExpressionParser.parse(profile.cronExpression, { tz: profile.timezone });
    } catch (err) {
      // the API validates crons; a bad one in the DB must not stop the other profiles
      result.invalid.push({ profileId: profile.id, message: (err as Error).message });
      continue;
    }
    wanted.add(id);
    const current = existing.get(id);
    if (current && current.pattern === profile.cronExpression && (current.tz ?? 'UTC') === profile.timezone) {
      result.unchanged++;
      continue;
    }
    await collectQueue.upsertJobScheduler(
      id,
      { pattern: profile.cronExpression, tz: profile.timezone },
      { name: 'collect', data: { profileId: profile.id, trigger: 'cron' } },
    );
    (current ? result.updated : result.created).push(profile.id);
  }
  // the schedule tab shows each active profile's next run as `pending`
  const schedules = new ScheduleRepository(prisma);
  for (const profileId of [...result.created, ...result.updated]) await schedules.planNext(profileId);
  for (const id of existing.keys()) {
    if (wanted.has(id)) continue;
    await collectQueue.removeJobScheduler(id);
    result.removed.push(id);
    await schedules.dropPending(Number(id.slice(SCHEDULER_PREFIX.length)));
  }
  if (result.created.length || result.updated.length || result.removed.length || result.invalid.length) {
    logger.info('job schedulers reconciled', { ...result });
  }
  return result;
}
