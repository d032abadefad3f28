import type { PrismaClient } from './client';
import type { Prisma, Schedule } from './generated/prisma/client';
import type { ScheduleStatus } from './generated/prisma/enums';

/** The job code of a profile's run, as shown on the schedule tab. */
export const jobCodeFor = (profileId: number, direction = 'export') =>
  `order_${direction}_profile_${profileId}`;

/** Repository of the schedule log: one Schedule row per run, ScheduleHistory rows for what it did. */
export class ScheduleRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async start(input: {
    profileId: number;
    jobCode: string;
    trigger: string;
    scheduledAt: Date;
  }): Promise<Schedule> {
    return this.prisma.schedule.create({
      data: { ...input, status: 'processing', executedAt: new Date() },
    });
  }

  async missed(input: {
    profileId: number;
    jobCode: string;
    trigger: string;
    scheduledAt: Date;
    message: string;
  }): Promise<Schedule> {
    const row = await this.prisma.schedule.create({
      data: { ...input, status: 'missed', finishedAt: new Date() },
    });
    await this.history(row, 'missed', 'run', input.message);
    return row;
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
      where: { profileId, trigger: 'cron' },
      orderBy: [{ scheduledAt: 'desc' }, { id: 'desc' }],
    });
  }
}
