import { CronExpressionParser } from 'cron-parser';
import type { PrismaClient } from './client';
import type { Prisma, Schedule } from './generated/prisma/client';
import type { ScheduleStatus } from './generated/prisma/enums';

/** The job code of a profile's run, as shown on the schedule tab. */
export const jobCodeFor = (profileId: number, direction = 'export') =>
  `order_${direction}_profile_${profileId}`;

/** Repository of the schedule log: one Schedule row per run, ScheduleHistory rows for what it did. */
export class ScheduleRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * A run starts: the pending row planned for its slot (or created by the API for a manual run)
   * moves to processing; without one, a new row is created.
   */
  async start(input: {
    profileId: number;
    jobCode: string;
    trigger: string;
    scheduledAt: Date;
    scheduleId?: number;
  }): Promise<Schedule> {
    const { scheduleId, ...data } = input;
    const pending = await this.pendingFor(input.profileId, input.trigger, input.scheduledAt, scheduleId);
    if (pending) {
      return this.prisma.schedule.update({
        where: { id: pending.id },
        data: { status: 'processing', executedAt: new Date() },
      });
    }
    return this.prisma.schedule.create({ data: { ...data, status: 'processing', executedAt: new Date() } });
  }

  /** A slot that never ran: its pending row (or a new one) becomes `missed`, with the reason. */
  async missed(input: {
    profileId: number;
    jobCode: string;
    trigger: string;
    scheduledAt: Date;
    message: string;
    scheduleId?: number;
  }): Promise<Schedule> {
    const { scheduleId, ...data } = input;
    const pending = await this.pendingFor(input.profileId, input.trigger, input.scheduledAt, scheduleId);
    const row = pending
      ? await this.prisma.schedule.update({
          where: { id: pending.id },
          data: { status: 'missed', message: input.message, finishedAt: new Date() },
        })
      : await this.prisma.schedule.create({ data: { ...data, status: 'missed', finishedAt: new Date() } });
    await this.history(row, 'missed', 'run', input.message);
    return row;
  }

  /**
   * Plans the next cron run of an active profile as a `pending` row (the schedule tab shows what
   * comes next); a changed cron replaces the planned row. Inactive profiles keep none.
   */
  async planNext(profileId: number, after = new Date()): Promise<Schedule | null> {
    const profile = await this.prisma.profile.findUnique({
      where: { id: profileId },
      select: { status: true, cronExpression: true, timezone: true, direction: true },
    });
    if (!profile || profile.status !== 'active') {
      await this.dropPending(profileId);
      return null;
    }
    let next: Date;
    try {
      next = CronExpressionParser.parse(profile.cronExpression, { tz: profile.timezone, currentDate: after })
        .next()
        .toDate();
    } catch {
      return null;
    }
    const planned = await this.prisma.schedule.findMany({
      where: { profileId, status: 'pending', trigger: 'cron' },
    });
    const keep = planned.find((r) => r.scheduledAt.getTime() === next.getTime());
    const stale = planned.filter((r) => r !== keep && r.scheduledAt.getTime() > Date.now());
    if (stale.length)
      await this.prisma.schedule.deleteMany({ where: { id: { in: stale.map((r) => r.id) } } });
    if (keep) return keep;
    return this.prisma.schedule.create({
      data: {
        profileId,
        jobCode: jobCodeFor(profileId, profile.direction),
        trigger: 'cron',
        status: 'pending',
        scheduledAt: next,
      },
    });
  }

  /** Removes planned runs that will not happen (profile deactivated or deleted). */
  async dropPending(profileId: number): Promise<void> {
    await this.prisma.schedule.deleteMany({
      where: { profileId, status: 'pending', trigger: 'cron', scheduledAt: { gt: new Date() } },
    });
  }

  private pendingFor(
    profileId: number,
    trigger: string,
    scheduledAt: Date,
    scheduleId?: number,
  ): Promise<Schedule | null> {
    if (scheduleId)
      return this.prisma.schedule.findFirst({ where: { id: scheduleId, profileId, status: 'pending' } });
    // Magento-style slots: a cron run's planned row is the one of its slot (to the second)
    return this.prisma.schedule.findFirst({
      where: {
        profileId,
        trigger,
        status: 'pending',
        scheduledAt: {
          gte: new Date(scheduledAt.getTime() - 999),
          lte: new Date(scheduledAt.getTime() + 999),
        },
      },
    });
  }

  async finish(
    row: Schedule,
    status: Extract<ScheduleStatus, 'success' | 'error'>,
    message: string,
    stats: Record<string, number>,
  ): Promise<Schedule> {
    const [updated] = await this.prisma.$transaction([
      this.prisma.schedule.update({
        where: { id: row.id },
        data: { status, message, stats: stats as Prisma.InputJsonValue, finishedAt: new Date() },
      }),
      this.prisma.scheduleHistory.create({
        data: { scheduleId: row.id, profileId: row.profileId, status, action: 'finish', message },
      }),
    ]);
    if (row.trigger === 'cron') await this.planNext(row.profileId);
    return updated;
  }

  async history(
    row: Pick<Schedule, 'id' | 'profileId'>,
    status: ScheduleStatus,
    action: string,
    message: string,
  ): Promise<void> {
    await this.prisma.scheduleHistory.create({
      data: { scheduleId: row.id, profileId: row.profileId, status, action, message },
    });
  }

  lastScheduled(profileId: number): Promise<Schedule | null> {
    return this.prisma.schedule.findFirst({
      // the last slot that was dealt with (ran, failed or missed), not the one planned next
      where: { profileId, trigger: 'cron', status: { not: 'pending' } },
      orderBy: [{ scheduledAt: 'desc' }, { id: 'desc' }],
    });
  }
}
