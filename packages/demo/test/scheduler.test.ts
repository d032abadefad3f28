import { createPrismaClient, type PrismaClient } from '@mpc/db';
import { createQueues, createRedisConnection, type Queues, type Redis } from '@mpc/queue';
import { createLogger } from '@mpc/runtime';
import { reconcileSchedulers, startScheduler } from '@mpc/scheduler';
import { expect } from 'chai';
import { testEnv, uniquePrefix } from '../src/testing';

describe('scheduler: profiles ⇄ BullMQ job schedulers', () => {
  let prisma: PrismaClient;
  let redis: Redis;
  let queues: Queues;
  let prefix: string;
  const logger = createLogger({ service: 'test', level: 'error' });
  const ids: number[] = [];

  async function profile(status: 'active' | 'inactive', cronExpression: string, timezone = 'UTC') {
    const m = await prisma.connection.create({ data: { kind: 'magento', name: 'm', baseUrl: 'http://m' } });
    const p = await prisma.connection.create({ data: { kind: 'plenty', name: 'p', baseUrl: 'http://p' } });
    const row = await prisma.profile.create({
      data: {
        name: 'sched',
        status,
        cronExpression,
        timezone,
        magentoConnectionId: m.id,
        plentyConnectionId: p.id,
      },
    });
    ids.push(row.id);
    return row.id;
  }
  const schedulers = async () =>
    Object.fromEntries(
      (await queues.collect.getJobSchedulers(0, -1)).map((s) => [
        s.id ?? s.key,
        { pattern: s.pattern, tz: s.tz },
      ]),
    );

  before(async () => {
    prisma = createPrismaClient(testEnv.databaseUrl, 2);
    redis = createRedisConnection(testEnv.redisUrl, 'worker');
    prefix = uniquePrefix('sched');
    queues = createQueues(redis, prefix);
    // other suites' active profiles share the database: start from none
    await prisma.profile.updateMany({ where: { status: 'active' }, data: { status: 'inactive' } });
  });
  after(async () => {
    await prisma.profile.deleteMany({ where: { id: { in: ids } } });
    await queues.collect.obliterate({ force: true });
    await queues.control.obliterate({ force: true });
    await queues.close();
    await redis.quit();
    await prisma.$disconnect();
  });

  it('upserts only what changed and removes schedulers of inactive profiles', async () => {
    const a = await profile('active', '*/15 * * * *');
    const b = await profile('active', '0 * * * *', 'Europe/Berlin');
    await profile('inactive', '*/5 * * * *');
    const first = await reconcileSchedulers({ prisma, collectQueue: queues.collect, logger });
    expect(first.created.sort()).to.deep.equal([a, b].sort());
    expect(await schedulers()).to.deep.equal({
      [`profile-${a}`]: { pattern: '*/15 * * * *', tz: 'UTC' },
      [`profile-${b}`]: { pattern: '0 * * * *', tz: 'Europe/Berlin' },
    });
    const second = await reconcileSchedulers({ prisma, collectQueue: queues.collect, logger });
    expect(second).to.deep.include({ created: [], updated: [], removed: [], unchanged: 2 });

    await prisma.profile.update({ where: { id: a }, data: { cronExpression: '*/30 * * * *' } });
    await prisma.profile.update({ where: { id: b }, data: { status: 'inactive' } });
    const third = await reconcileSchedulers({ prisma, collectQueue: queues.collect, logger });
    expect(third.updated).to.deep.equal([a]);
    expect(third.removed).to.deep.equal([`profile-${b}`]);
    expect(await schedulers()).to.deep.equal({ [`profile-${a}`]: { pattern: '*/30 * * * *', tz: 'UTC' } });
    // one delayed collect job per scheduler, never more
    expect(await queues.collect.getDelayedCount()).to.equal(1);
    await prisma.profile.update({ where: { id: a }, data: { status: 'inactive' } });
    await reconcileSchedulers({ prisma, collectQueue: queues.collect, logger });
  });

  it("plans each active profile's next run as a pending Schedule row and drops it on deactivation", async () => {
    const id = await profile('active', '*/15 * * * *');
    await reconcileSchedulers({ prisma, collectQueue: queues.collect, logger });
    const pending = await prisma.schedule.findMany({ where: { profileId: id, status: 'pending' } });
    expect(pending).to.have.length(1);
    expect(pending[0]!.jobCode).to.equal(`order_export_profile_${id}`);
    expect(pending[0]!.scheduledAt.getUTCMinutes() % 15).to.equal(0);
    expect(pending[0]!.scheduledAt.getTime()).to.be.greaterThan(Date.now());
    // a changed cron replaces the planned run
    await prisma.profile.update({ where: { id }, data: { cronExpression: '7 3 * * *' } });
    await reconcileSchedulers({ prisma, collectQueue: queues.collect, logger });
    const replanned = await prisma.schedule.findMany({ where: { profileId: id, status: 'pending' } });
    expect(replanned.map((r) => [r.scheduledAt.getUTCHours(), r.scheduledAt.getUTCMinutes()])).to.deep.equal([
      [3, 7],
    ]);
    await prisma.profile.update({ where: { id }, data: { status: 'inactive' } });
    await reconcileSchedulers({ prisma, collectQueue: queues.collect, logger });
    expect(await prisma.schedule.count({ where: { profileId: id, status: 'pending' } })).to.equal(0);
  });

  it('an invalid cron in the database does not stop the other profiles', async () => {
    const bad = await profile('active', 'every tuesday');
    const good = await profile('active', '*/10 * * * *');
    const r = await reconcileSchedulers({ prisma, collectQueue: queues.collect, logger });
    expect(r.invalid.map((i) => i.profileId)).to.deep.equal([bad]);
    expect(r.created).to.deep.equal([good]);
    await prisma.profile.updateMany({ where: { id: { in: [bad, good] } }, data: { status: 'inactive' } });
    await reconcileSchedulers({ prisma, collectQueue: queues.collect, logger });
  });

  it('reacts to a profile-changed notice within seconds, without a restart', async () => {
    const service = await startScheduler({
      prisma,
      queues,
      connection: redis,
      prefix,
      logger,
      intervalMs: 3_600_000,
    });
    try {
      const id = await profile('active', '*/20 * * * *');
      await queues.control.add('profile-changed', { kind: 'profile-changed', profileId: id });
      const deadline = Date.now() + 5000;
      while (!(await schedulers())[`profile-${id}`] && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect((await schedulers())[`profile-${id}`]).to.deep.equal({ pattern: '*/20 * * * *', tz: 'UTC' });
      await prisma.profile.update({ where: { id }, data: { status: 'inactive' } });
    } finally {
      await service.close();
    }
  });
});
