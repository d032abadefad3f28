import { type CollectDeps, magentoClients, runCollect } from '@mpc/collector';
import { resolveSettings } from '@mpc/core';
import {
  createPrismaClient,
  OrderSyncRepository,
  type PrismaClient,
  ScheduleRepository,
  SecretBox,
  saveLookups,
} from '@mpc/db';
import { createMagentoClient, fetchMagentoLookups } from '@mpc/magento';
import { createQueues, createRedisConnection, type Queues, type Redis } from '@mpc/queue';
import { createLogger } from '@mpc/runtime';
import { type MagentoSandbox, startMagentoSandbox } from '@mpc/sandbox';
import { expect } from 'chai';
import { minimalPlentyLookups, testEnv, uniquePrefix } from '../src/testing';

const TOKEN = 'sandbox-integration-token';

describe('collector (against the Magento sandbox, real Postgres and Redis)', () => {
  let magento: MagentoSandbox;
  let prisma: PrismaClient;
  let redis: Redis;
  let queues: Queues;
  let deps: CollectDeps;
  let prefix: string;
  let requests = 0;
  const secrets = new SecretBox(testEnv.secretsKey);
  let job = 0;

  async function profile(settings: Record<string, unknown>): Promise<number> {
    const m = await prisma.connection.create({
      data: { kind: 'magento', name: 'm', baseUrl: magento.url, secretEncrypted: secrets.encrypt(TOKEN) },
    });
    const p = await prisma.connection.create({
      data: {
        kind: 'plenty',
        name: 'p',
        baseUrl: 'http://127.0.0.1:9',
        username: 'u',
        secretEncrypted: secrets.encrypt('x'),
      },
    });
    const created = await prisma.profile.create({
      data: { name: 'collector test', status: 'active', magentoConnectionId: m.id, plentyConnectionId: p.id },
    });
    await prisma.profileSetting.create({
      data: { profileId: created.id, scope: 'default', settings: settings as object },
    });
    await saveLookups(
      prisma,
      m.id,
      'magento',
      await fetchMagentoLookups(createMagentoClient({ baseUrl: magento.url, accessToken: TOKEN })),
    );
    await saveLookups(prisma, p.id, 'plenty', minimalPlentyLookups);
    return created.id;
  }
  const run = (profileId: number, trigger: 'cron' | 'manual' = 'manual') =>
    runCollect(deps, {
      id: `collect-${++job}`,
      data: { profileId, trigger },
      timestamp: Date.now(),
      opts: {},
    });
  const jobsOf = async (profileId: number) =>
    (await queues.export.getJobs(['waiting', 'delayed', 'prioritized'])).filter(
      (j) => j.data.profileId === profileId,
    );

  const allStores = [1, 2, 3, 4, 5].map((id) => ({ magentoStoreId: id, language: 'en', plentyId: 1000 }));

  before(async () => {
    magento = await startMagentoSandbox({ orders: { count: 120, seed: 7 } });
    prisma = createPrismaClient(testEnv.databaseUrl, 4);
    redis = createRedisConnection(testEnv.redisUrl, 'worker');
    prefix = uniquePrefix('collector');
    queues = createQueues(redis, prefix);
    const clients = magentoClients();
    deps = {
      prisma,
      secrets,
      redis,
      keyPrefix: prefix,
      exportQueue: queues.export,
      orderSyncs: new OrderSyncRepository(prisma),
      schedules: new ScheduleRepository(prisma),
      orderSource: (ctx) => {
        const c = clients(ctx);
        return {
          searchOrderHeads: (criteria) => {
            requests++;
            return c.searchOrderHeads(criteria);
          },
        };
      },
      logger: createLogger({ service: 'test', level: 'error' }),
    };
  });
  after(async () => {
    await queues.export.obliterate({ force: true });
    await queues.close();
    await redis.quit();
    await prisma.$disconnect();
    await magento.close();
  });

  it('append mode: exports eligible orders, skips unmapped stores naming the store, leaves filtered statuses untouched', async () => {
    const id = await profile({
      api: { collectionBehaviour: 'append', pageSize: 25 },
      export: { batchSize: 1000 },
      orderStatus: { processStatuses: ['processing', 'complete'], statusMapping: [] },
      store: { storeMapping: allStores.filter((s) => s.magentoStoreId !== 2), referrerId: 1 },
    });
    const result = await run(id);
    expect(result.outcome).to.equal('done');
    const all = magento.store.ids().map((i) => magento.store.getOrder(i)!);
    const eligible = all.filter((o) => ['processing', 'complete'].includes(o.status as string));
    const rows = await prisma.orderSync.findMany({ where: { profileId: id } });
    expect(rows.length).to.equal(eligible.length);
    const skipped = rows.filter((r) => r.status === 'skipped');
    expect(skipped.length).to.equal(eligible.filter((o) => o.store_id === 2).length);
    for (const r of skipped)
      expect(r.message).to.equal('store view 2 is not mapped: add it to the store mapping');
    const pending = rows.filter((r) => r.status === 'pending');
    expect((await jobsOf(id)).map((j) => j.data.magentoOrderId).sort()).to.deep.equal(
      pending.map((r) => r.magentoOrderId).sort(),
    );
    const schedule = await prisma.schedule.findUniqueOrThrow({
      where: { id: result.scheduleId },
      include: { history: true },
    });
    expect(schedule.status).to.equal('success');
    expect(schedule.jobCode).to.equal(`order_export_profile_${id}`);
    expect(schedule.executedAt).to.be.instanceOf(Date);
    expect(schedule.finishedAt).to.be.instanceOf(Date);
    expect(schedule.history.map((h) => h.action)).to.include.members(['collect', 'finish']);
    const p = await prisma.profile.findUniqueOrThrow({ where: { id } });
    expect(p.cursorUpdatedAt).to.be.instanceOf(Date);

    // nothing changed: the next run reads one page and enqueues nothing
    const before = requests;
    const again = await run(id);
    expect(again.outcome === 'done' && again.stats.enqueued).to.equal(0);
    expect(requests - before).to.be.at.most(2);

    // new orders and a status change of an exported order are picked up
    const [exported] = pending;
    await prisma.orderSync.update({
      where: { id: exported!.id },
      data: { status: 'complete', plentyOrderId: 1 },
    });
    const added = magento.store.addGenerated({
      count: 5,
      seed: 99,
      firstEntityId: magento.store.maxId + 1,
      startDate: new Date(),
      storeIds: [1],
    });
    for (const newId of added) magento.store.patchOrder(newId, { status: 'processing' });
    magento.store.patchOrder(exported!.magentoOrderId, { status: 'closed' });
    const third = await run(id);
    expect(third.outcome === 'done' && third.stats).to.include({ enqueued: 5, statusUpdates: 1 });
    const statusJobs = (await jobsOf(id)).filter((j) => j.data.action === 'status');
    expect(statusJobs.map((j) => j.data.magentoOrderId)).to.deep.equal([exported!.magentoOrderId]);
  });

  it('batch size: a run enqueues at most batchSize orders and the next runs pick up the rest, none skipped', async () => {
    const id = await profile({
      api: { collectionBehaviour: 'append', pageSize: 7 },
      export: { batchSize: 10 },
      store: { storeMapping: allStores, referrerId: 1 },
    });
    const total = magento.store.size;
    let enqueued = 0;
    for (let i = 0; i < 30 && enqueued < total; i++) {
      const r = await run(id);
      if (r.outcome !== 'done') throw new Error(r.outcome);
      expect(r.stats.enqueued).to.be.at.most(10);
      if (r.stats.enqueued === 0) break;
      enqueued += r.stats.enqueued;
    }
    expect(enqueued).to.equal(total);
    const rows = await prisma.orderSync.count({ where: { profileId: id } });
    expect(rows).to.equal(total);
    expect(new Set((await jobsOf(id)).map((j) => j.data.magentoOrderId)).size).to.equal(total);
  });

  it('replace mode enqueues what was never exported and leaves skipped orders to the admin', async () => {
    const id = await profile({
      api: { collectionBehaviour: 'replace', pageSize: 50 },
      store: { storeMapping: allStores.filter((s) => s.magentoStoreId !== 3), referrerId: 1 },
    });
    const first = await run(id);
    const second = await run(id);
    if (first.outcome !== 'done' || second.outcome !== 'done') throw new Error('run failed');
    expect(first.stats.enqueued + first.stats.skipped).to.equal(magento.store.size);
    expect(second.stats).to.include({ enqueued: 0, skipped: 0 });
    expect(resolveSettings({}).settings.api.collectionBehaviour).to.equal('append');
  });

  it('two runs of one profile never overlap: the second is recorded as missed', async () => {
    const id = await profile({ store: { storeMapping: allStores, referrerId: 1 } });
    await redis.set(`${prefix}:lock:collect:${id}`, 'someone', 'PX', 5000);
    const r = await run(id, 'cron');
    expect(r.outcome).to.equal('missed');
    const row = await prisma.schedule.findUniqueOrThrow({ where: { id: r.scheduleId } });
    expect(row.status).to.equal('missed');
    expect(row.message).to.equal('the previous run of this profile is still active');
    await redis.del(`${prefix}:lock:collect:${id}`);
  });

  it('a cron run takes over its pending row (pending → processing → success), plans the next and marks skipped slots missed', async () => {
    const id = await profile({ store: { storeMapping: allStores, referrerId: 1 } });
    await prisma.profile.update({ where: { id }, data: { cronExpression: '*/15 * * * *' } });
    const schedules = new ScheduleRepository(prisma);
    // the last run happened an hour ago; the collector was down for the slots since
    const now = new Date();
    const slot = new Date(Math.floor(now.getTime() / 900_000) * 900_000);
    const lastRun = new Date(slot.getTime() - 3_600_000);
    await prisma.schedule.create({
      data: {
        profileId: id,
        jobCode: `order_export_profile_${id}`,
        trigger: 'cron',
        status: 'success',
        scheduledAt: lastRun,
        executedAt: lastRun,
        finishedAt: lastRun,
      },
    });
    const planned = await prisma.schedule.create({
      data: {
        profileId: id,
        jobCode: `order_export_profile_${id}`,
        trigger: 'cron',
        status: 'pending',
        scheduledAt: slot,
      },
    });
    const r = await runCollect(deps, {
      id: `collect-${++job}`,
      data: { profileId: id, trigger: 'cron' },
      timestamp: slot.getTime(),
      opts: { prevMillis: slot.getTime() },
    });
    expect(r.outcome).to.equal('done');
    expect(r.scheduleId).to.equal(planned.id);
    const rows = await prisma.schedule.findMany({
      where: { profileId: id },
      orderBy: { scheduledAt: 'asc' },
    });
    expect(rows.map((x) => x.status)).to.deep.equal([
      'success',
      'missed',
      'missed',
      'missed',
      'success',
      'pending',
    ]);
    expect(rows[1]!.message).to.match(/could not start in its slot/);
    expect(rows.at(-1)!.scheduledAt.getTime()).to.be.greaterThan(now.getTime());
    expect(await schedules.lastScheduled(id)).to.deep.include({ id: planned.id, status: 'success' });
  });

  it('an order Magento sends without a readable id does not stop the run: the run says so', async () => {
    const id = await profile({ store: { storeMapping: allStores, referrerId: 1 } });
    const real = deps.orderSource;
    // a Magento extension that breaks the REST output of one order
    deps.orderSource = (ctx) => ({
      searchOrderHeads: async (criteria) => {
        const page = await real(ctx).searchOrderHeads(criteria);
        return {
          ...page,
          unreadable: [{ index: 0, issues: ['entity_id: Invalid input: expected number, received NaN'] }],
          pageLength: page.pageLength,
        };
      },
    });
    try {
      const r = await run(id);
      expect(r.outcome).to.equal('done');
      if (r.outcome !== 'done') return;
      expect(r.stats.unreadable).to.be.greaterThan(0);
      expect(r.stats.collected).to.equal(magento.store.size);
      const schedule = await prisma.schedule.findUniqueOrThrow({
        where: { id: r.scheduleId },
        include: { history: true },
      });
      expect(schedule.message).to.match(/unreadable \(see the run's history\)/);
      expect(schedule.history.map((h) => h.message).join('\n')).to.match(
        /without a readable entity or increment id: entity_id/,
      );
    } finally {
      deps.orderSource = real;
    }
  });

  it('a pending order whose export job was lost is queued again by the next run (nothing lost)', async () => {
    const id = await profile({ store: { storeMapping: allStores, referrerId: 1 } });
    const first = await run(id);
    expect(first.outcome).to.equal('done');
    // Redis lost the jobs (or the process died between the row and the job): only the rows remain
    for (const j of await jobsOf(id)) await j.remove();
    await prisma.$executeRaw`UPDATE "OrderSync" SET "updatedAt" = "updatedAt" - interval '10 minutes' WHERE "profileId" = ${id}`;
    const pending = await prisma.orderSync.count({ where: { profileId: id, status: 'pending' } });
    expect(pending).to.be.greaterThan(0);
    const second = await run(id);
    expect(second.outcome === 'done' && second.stats.requeued).to.equal(pending);
    const jobs = await jobsOf(id);
    expect(jobs.filter((j) => j.id?.startsWith('stalled-'))).to.have.length(pending);
    // the same stalled state is not queued twice
    const third = await run(id);
    expect(third.outcome === 'done' && third.stats.requeued).to.equal(pending);
    expect((await jobsOf(id)).filter((j) => j.id?.startsWith('stalled-'))).to.have.length(pending);
  });

  it('a run of a profile without lookups ends in error with what to do', async () => {
    const id = await profile({});
    await prisma.lookup.deleteMany({ where: { connection: { plentyProfiles: { some: { id } } } } });
    const r = await run(id);
    expect(r.outcome).to.equal('error');
    expect(r.outcome === 'error' && r.message).to.match(/lookups have not been collected/);
  });
});
