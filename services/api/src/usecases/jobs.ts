import { jobCodeFor, type PrismaClient } from '@mpc/db';
import { jobIds, type Queues } from '@mpc/queue';

/**
 * The scheduler is the only writer of BullMQ job schedulers; the API tells it that a profile's
 * schedule may have changed and it reconciles from the database within seconds.
 */
export async function notifyProfileChanged(queues: Queues, profileId: number): Promise<void> {
  await queues.control.add('profile-changed', { kind: 'profile-changed', profileId });
}

/**
 * Run now: deduplicated per profile so runs of one profile never overlap. The run appears on the
 * schedule tab at once as `pending` (the collector takes that row over when it starts).
 */
export async function enqueueManualRun(
  prisma: PrismaClient,
  queues: Queues,
  profileId: number,
): Promise<{ jobId: string; deduplicated: boolean; scheduleId?: number }> {
  const dedupId = jobIds.collectDedup(profileId);
  const existing = await queues.collect.getDeduplicationJobId(dedupId);
  const schedule = existing
    ? null
    : await prisma.schedule.create({
        data: {
          profileId,
          jobCode: jobCodeFor(profileId),
          trigger: 'manual',
          status: 'pending',
          scheduledAt: new Date(),
        },
      });
  const job = await queues.collect.add(
    'collect',
    { profileId, trigger: 'manual', ...(schedule ? { scheduleId: schedule.id } : {}) },
    { deduplication: { id: dedupId } },
  );
  return {
    jobId: String(job.id),
    deduplicated: existing != null && existing === job.id,
    ...(schedule ? { scheduleId: schedule.id } : {}),
  };
}

export async function enqueueReexports(
  queues: Queues,
  profileId: number,
  magentoOrderIds: number[],
  at = Date.now(),
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < magentoOrderIds.length; i += 500) {
    const chunk = magentoOrderIds.slice(i, i + 500);
    const jobs = await queues.export.addBulk(
      chunk.map((magentoOrderId) => ({
        name: 'export',
        data: { profileId, magentoOrderId, action: 'export' as const },
        opts: { jobId: jobIds.reexportJob(profileId, magentoOrderId, at) },
      })),
    );
    ids.push(...jobs.map((j) => String(j.id)));
  }
  return ids;
}
