import { expect } from 'chai';
import {
  createPrismaClient,
  OrderSyncRepository,
  type PrismaClient,
  preparedStatementName,
} from '../src/index';
import { createTestProfile, orderSummary as summary } from '../src/testing';

describe('OrderSyncRepository', () => {
  let prisma: PrismaClient;
  let repo: OrderSyncRepository;
  let profileId: number;
  before(async () => {
    prisma = createPrismaClient(process.env.DATABASE_URL!, 4);
    repo = new OrderSyncRepository(prisma);
    profileId = await createTestProfile(prisma, 'repo test');
  });
  after(async () => {
    await prisma.profile.delete({ where: { id: profileId } });
    await prisma.$disconnect();
  });

  it('lets exactly one of many concurrent claimers hold a row', async () => {
    await repo.upsert(profileId, summary(1), 'pending', null);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        repo.claim(profileId, 1, `job-${i}`, 60_000, ['complete', 'updated']),
      ),
    );
    expect(results.filter((r) => r.claimed)).to.have.length(1);
    expect(results.filter((r) => !r.claimed && r.reason === 'held')).to.have.length(9);
  });

  it('lets the same job take its row over (a re-delivered job after a crash) and a settled row is not claimed', async () => {
    await repo.upsert(profileId, summary(2), 'pending', null);
    const first = await repo.claim(profileId, 2, 'job-a', 60_000, ['complete']);
    const again = await repo.claim(profileId, 2, 'job-a', 60_000, ['complete']);
    expect(first.claimed && again.claimed).to.equal(true);
    if (!again.claimed) return;
    expect(again.row.attempts).to.equal(2);
    await repo.finish(again.row, 'complete', 'done', { action: 'complete' });
    const settled = await repo.claim(profileId, 2, 'job-b', 60_000, ['complete']);
    expect(settled).to.include({ claimed: false, reason: 'settled' });
  });

  it('lets a re-delivery of the same job take the row over and fences the earlier delivery', async () => {
    await repo.upsert(profileId, summary(5), 'pending', null);
    const first = await repo.claim(profileId, 5, 'export-1-5-v1#token-a', 60_000, ['complete']);
    expect(first.claimed).to.equal(true);
    // another job waits for the lease; the same job's next delivery does not
    expect(await repo.claim(profileId, 5, 'export-1-5-v2#token-c', 60_000, ['complete'])).to.include({
      claimed: false,
      reason: 'held',
    });
    const again = await repo.claim(profileId, 5, 'export-1-5-v1#token-b', 60_000, ['complete']);
    expect(again.claimed).to.equal(true);
    if (!first.claimed) return;
    expect(await repo.renew(first.row.id, 'export-1-5-v1#token-a', 60_000)).to.equal(false);
    expect(await repo.renew(first.row.id, 'export-1-5-v1#token-b', 60_000)).to.equal(true);
  });

  it('keeps leases on the UTC clock Prisma reads, whatever the server time zone', async () => {
    // a session 14 hours ahead of UTC: plain now() would put every lease 14 hours off
    const url = new URL(process.env.DATABASE_URL!);
    url.searchParams.set('options', '-c TimeZone=Pacific/Kiritimati');
    const farEast = createPrismaClient(url.toString(), 2);
    try {
      const zone = await farEast.$queryRaw<{ tz: string }[]>`SELECT current_setting('TimeZone') AS tz`;
      expect(zone[0]!.tz).to.equal('Pacific/Kiritimati');
      const farRepo = new OrderSyncRepository(farEast);
      await farRepo.upsert(profileId, summary(6), 'pending', null);
      const c = await farRepo.claim(profileId, 6, 'job-tz#1', 60_000, ['complete']);
      if (!c.claimed) throw new Error('not claimed');
      expect(c.row.claimedUntil!.getTime() - Date.now()).to.be.within(50_000, 70_000);
      expect(Math.abs(c.row.updatedAt.getTime() - Date.now())).to.be.below(10_000);
      // the lease holds against another job, and expires on time
      expect((await farRepo.claim(profileId, 6, 'job-tz2#1', 60_000, ['complete'])).claimed).to.equal(false);
      expect(await farRepo.renew(c.row.id, 'job-tz#1', 1)).to.equal(true);
      await new Promise((r) => setTimeout(r, 20));
      expect((await farRepo.claim(profileId, 6, 'job-tz2#1', 60_000, ['complete'])).claimed).to.equal(true);
    } finally {
      await farEast.$disconnect();
    }
  });

  it('gives an expired lease to another job', async () => {
    await repo.upsert(profileId, summary(3), 'pending', null);
    await repo.claim(profileId, 3, 'dead-job', 1, []);
    await new Promise((r) => setTimeout(r, 20));
    const taken = await repo.claim(profileId, 3, 'new-job', 60_000, []);
    expect(taken.claimed).to.equal(true);
  });

  it('writes the status and a history row with the order id on finish', async () => {
    const row = await repo.upsert(profileId, summary(4), 'pending', null);
    const updated = await prisma.orderSync.update({ where: { id: row.id }, data: { plentyOrderId: 99 } });
    await repo.finish(updated, 'failed', 'Plenty said no', { action: 'export' });
    const history = await prisma.orderSyncHistory.findMany({ where: { orderSyncId: row.id } });
    expect(history.map((h) => [h.status, h.message, h.plentyOrderId])).to.deep.equal([
      ['failed', 'Plenty said no', 99],
    ]);
    expect(await repo.abandon(profileId, 4, 'x')).to.equal(false);
  });

  it('runs its claim and lease statements prepared, and they outlive a column added meanwhile', async () => {
    // one connection, so pg_prepared_statements (per session) shows what this client prepared
    const single = createPrismaClient(process.env.DATABASE_URL!, 1);
    const column = `tmp_${process.pid}`;
    try {
      const one = new OrderSyncRepository(single);
      await one.upsert(profileId, summary(7), 'pending', null);
      const first = await one.claim(profileId, 7, 'job-p#1', 60_000, ['complete']);
      if (!first.claimed) throw new Error('not claimed');
      expect(await one.renew(first.row.id, 'job-p#1', 60_000)).to.equal(true);
      const prepared = await single.$queryRaw<{ name: string; statement: string }[]>`
        SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'mpc\_%'`;
      expect(prepared.map((p) => p.statement.match(/UPDATE "OrderSync"/) !== null)).to.deep.equal([
        true,
        true,
      ]);
      for (const p of prepared) expect(p.name).to.equal(preparedStatementName(p.statement));
      // a rolling deploy: a migration adds a column while this process keeps its prepared statements
      await prisma.$executeRawUnsafe(`ALTER TABLE "OrderSync" ADD COLUMN "${column}" integer`);
      const again = await one.claim(profileId, 7, 'job-p#2', 60_000, ['complete']);
      expect(again.claimed).to.equal(true);
      expect(again.row).to.not.have.property(column);
      expect(await one.renew(first.row.id, 'job-p#2', 60_000)).to.equal(true);
    } finally {
      await prisma.$executeRawUnsafe(`ALTER TABLE "OrderSync" DROP COLUMN IF EXISTS "${column}"`);
      await single.$disconnect();
    }
  });

  it('fails a prepared statement once per connection after a migration changed a column type, then prepares it anew', async () => {
    const single = createPrismaClient(process.env.DATABASE_URL!, 1);
    try {
      const one = new OrderSyncRepository(single);
      await one.upsert(profileId, summary(8), 'pending', null);
      expect((await one.claim(profileId, 8, 'job-t#1', 60_000, ['complete'])).claimed).to.equal(true);
      await prisma.$executeRawUnsafe(`ALTER TABLE "OrderSync" ALTER COLUMN "attempts" TYPE bigint`);
      let error: unknown;
      await one.claim(profileId, 8, 'job-t#1', 60_000, ['complete']).catch((e: unknown) => {
        error = e;
      });
      expect(String(error)).to.include('cached plan must not change result type');
      // the pool dropped the connection whose query failed: a new one prepares the statement anew
      expect((await one.claim(profileId, 8, 'job-t#1', 60_000, ['complete'])).claimed).to.equal(true);
    } finally {
      await prisma.$executeRawUnsafe(`ALTER TABLE "OrderSync" ALTER COLUMN "attempts" TYPE integer`);
      await single.$disconnect();
    }
  });

  it('names only the statements marked PREPARED, by their text', () => {
    expect(preparedStatementName('SELECT 1')).to.equal(undefined);
    const a = preparedStatementName('/* prepared */ SELECT 1');
    expect(a).to.match(/^mpc_[0-9a-f]{24}$/);
    expect(preparedStatementName('/* prepared */ SELECT 1')).to.equal(a);
    expect(preparedStatementName('/* prepared */ SELECT 2')).to.not.equal(a);
  });
});
