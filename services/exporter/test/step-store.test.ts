import { createPrismaClient, type OrderSync, OrderSyncRepository, type PrismaClient } from '@mpc/db';
import { claimedRow, createTestProfile } from '@mpc/db/testing';
import { expect } from 'chai';
import { StepStore } from '../src/step-store';

describe('StepStore (the step machine bookkeeping, on Postgres)', () => {
  let prisma: PrismaClient;
  let repo: OrderSyncRepository;
  let store: StepStore;
  let profileId: number;
  let next = 1;

  const claimed = (holder: string, leaseMs = 60_000): Promise<OrderSync> =>
    claimedRow(prisma, profileId, next++, holder, { leaseMs });
  const history = (orderSyncId: number) =>
    prisma.orderSyncHistory.findMany({ where: { orderSyncId }, orderBy: { id: 'asc' } });

  before(async () => {
    prisma = createPrismaClient(process.env.DATABASE_URL!, 4);
    repo = new OrderSyncRepository(prisma);
    store = new StepStore(prisma);
    profileId = await createTestProfile(prisma, 'step store test');
  });
  after(async () => {
    await prisma.profile.delete({ where: { id: profileId } });
    await prisma.$disconnect();
  });

  const mark = (id: number, holder: string, step: string) =>
    store.record(id, {}, [], { holder, leaseMs: 60_000, markSent: step });

  it('records a step, renews the claim and marks the next step sent in one statement', async () => {
    const row = await claimed('job-1', 1000);
    const marked = await mark(row.id, 'job-1', 'contact');
    expect(marked.held).to.equal(true);
    expect(marked.row.sentSteps).to.deep.equal(['contact']);
    expect(await history(row.id), 'a mark alone writes no history').to.deep.equal([]);
    const before = Date.now();
    const r = await store.record(
      row.id,
      { plentyContactId: 11 },
      [{ action: 'contact', message: 'created contact 11' }],
      { holder: 'job-1', leaseMs: 90_000, markSent: 'billing' },
    );
    expect(r.held).to.equal(true);
    expect(r.row.plentyContactId).to.equal(11);
    expect(r.row.sentSteps).to.deep.equal(['contact', 'billing']);
    expect(r.row.claimedUntil!.getTime()).to.be.greaterThan(before + 80_000);
    expect(r.row).to.not.have.property('__held');
    // marking a step twice keeps one entry
    await mark(row.id, 'job-1', 'billing');
    const again = await prisma.orderSync.findUniqueOrThrow({ where: { id: row.id } });
    expect(again.sentSteps).to.deep.equal(['contact', 'billing']);
    const h = await history(row.id);
    expect(h.map((x) => [x.action, x.status, x.message])).to.deep.equal([
      ['contact', 'processing', 'created contact 11'],
    ]);
  });

  it('after the claim was taken over: writes the ids, neither renews nor marks, and says so', async () => {
    const row = await claimed('dead-job', 1);
    await new Promise((r) => setTimeout(r, 20));
    const taken = await repo.claim(profileId, row.magentoOrderId, 'new-job', 60_000, ['complete']);
    expect(taken.claimed).to.equal(true);
    const claimedUntil = (taken.claimed && taken.row.claimedUntil!.getTime()) || 0;
    expect((await mark(row.id, 'dead-job', 'order')).held).to.equal(false);
    const r = await store.record(
      row.id,
      { plentyOrderId: 77 },
      [{ action: 'order', message: 'created order 77' }],
      { holder: 'dead-job', leaseMs: 600_000, markSent: 'payment' },
    );
    expect(r.held).to.equal(false);
    expect(r.row.plentyOrderId).to.equal(77);
    expect(r.row.sentSteps).to.deep.equal([]);
    expect(r.row.claimedBy).to.equal('new-job');
    expect(r.row.claimedUntil!.getTime()).to.equal(claimedUntil);
  });

  it('writes held-back ids with their history rows, in order, before the new one', async () => {
    const row = await claimed('job-5');
    const r = await store.record(
      row.id,
      { plentyContactId: 3, plentyBillingAddressId: 4, plentyOrderId: 5 },
      [
        { action: 'contact', message: 'reusing contact 3' },
        { action: 'billing', message: 'reusing billing 4' },
        { action: 'order', message: 'created order 5', plentyOrderId: 5 },
      ],
      { holder: 'job-5', leaseMs: 60_000, markSent: 'payment' },
    );
    expect(r.row).to.include({ plentyContactId: 3, plentyBillingAddressId: 4, plentyOrderId: 5 });
    expect(r.row.sentSteps).to.deep.equal(['payment']);
    const h = await history(row.id);
    expect(h.map((x) => [x.action, x.status, x.plentyOrderId])).to.deep.equal([
      ['contact', 'processing', 5],
      ['billing', 'processing', 5],
      ['order', 'processing', 5],
    ]);
  });

  it('completes with the last step and the completion as two history rows in order', async () => {
    const row = await claimed('job-3');
    const done = await store.complete(row.id, { plentyPaymentContactAssignmentId: 5, plentyStatusId: 5 }, [
      { action: 'payment-contact', message: 'created payment-contact 5' },
      { action: 'complete', message: 'exported as Plenty order 9', plentyOrderId: 9 },
    ]);
    expect(done).to.include({
      status: 'complete',
      message: 'exported as Plenty order 9',
      claimedBy: null,
      claimedUntil: null,
      plentyPaymentContactAssignmentId: 5,
    });
    expect(done.processedAt).to.be.instanceOf(Date);
    const h = await history(row.id);
    expect(h.map((x) => [x.action, x.status, x.plentyOrderId])).to.deep.equal([
      ['payment-contact', 'processing', null],
      ['complete', 'complete', 9],
    ]);
  });

  it('writes of one event-loop turn go in one statement, each row exactly as on its own', async () => {
    const batchStore = new StepStore(prisma);
    const a = await claimed('job-b1');
    const b = await claimed('job-b2');
    const c = await claimed('job-b3');
    const lost = await claimed('job-b4');
    await prisma.orderSync.update({ where: { id: lost.id }, data: { claimedBy: 'someone-else' } });
    const lease = (holder: string, markSent?: string) => ({
      holder,
      leaseMs: 90_000,
      ...(markSent ? { markSent } : {}),
    });
    const before = Date.now();
    const [ra, ra2, rb, rc, rl] = await Promise.all([
      batchStore.record(
        a.id,
        { plentyContactId: 1 },
        [{ action: 'contact', message: 'created contact 1' }],
        lease('job-b1', 'billing'),
      ),
      // the same row twice in one turn: the second write waits for the next statement
      batchStore.record(
        a.id,
        { plentyBillingAddressId: 2 },
        [{ action: 'billing', message: 'created billing 2' }],
        lease('job-b1'),
      ),
      batchStore.record(b.id, {}, [], lease('job-b2', 'order')),
      batchStore.complete(
        c.id,
        { plentyOrderId: 9, plentyStatusId: 5.1, plentyStatusName: 'Picking', plentyPaymentMethodId: null },
        [
          { action: 'payment-contact', message: 'created payment-contact 7' },
          { action: 'complete', message: 'exported as Plenty order 9', plentyOrderId: 9 },
        ],
      ),
      batchStore.record(
        lost.id,
        { plentyOrderId: 3 },
        [{ action: 'order', message: 'created order 3' }],
        lease('job-b4', 'payment'),
      ),
    ]);
    expect(batchStore.statementsSent, 'one batch, then the second write of row a').to.equal(2);
    expect(ra.held).to.equal(true);
    expect(ra.row).to.include({ plentyContactId: 1 });
    expect(ra.row.sentSteps).to.deep.equal(['billing']);
    expect(ra.row.claimedUntil!.getTime()).to.be.greaterThan(before + 80_000);
    expect(ra2.row).to.include({ plentyContactId: 1, plentyBillingAddressId: 2 });
    expect(rb.held).to.equal(true);
    expect(rb.row.sentSteps).to.deep.equal(['order']);
    expect(rc).to.include({
      status: 'complete',
      plentyOrderId: 9,
      plentyStatusId: 5.1,
      plentyStatusName: 'Picking',
      claimedBy: null,
      claimedUntil: null,
      message: 'exported as Plenty order 9',
    });
    expect(rc.processedAt).to.be.instanceOf(Date);
    // a row taken over: ids written, neither renewed nor marked, and the caller told
    expect(rl.held).to.equal(false);
    expect(rl.row).to.include({ plentyOrderId: 3, claimedBy: 'someone-else' });
    expect(rl.row.sentSteps).to.deep.equal([]);
    expect((await history(c.id)).map((x) => [x.action, x.status, x.plentyOrderId])).to.deep.equal([
      ['payment-contact', 'processing', 9],
      ['complete', 'complete', 9],
    ]);
    expect((await history(a.id)).map((x) => x.action)).to.deep.equal(['contact', 'billing']);
    expect(await history(b.id)).to.deep.equal([]);
  });

  it('a batch sets ids back to NULL, leaves a lost row unrenewed, and a row that is gone fails alone', async () => {
    const batchStore = new StepStore(prisma);
    const a = await claimed('job-c1');
    await prisma.orderSync.update({ where: { id: a.id }, data: { plentyPaymentMethodId: 7 } });
    const lost = await claimed('job-c2', 60_000);
    await prisma.orderSync.update({ where: { id: lost.id }, data: { claimedBy: 'someone-else' } });
    const lostUntil = (await prisma.orderSync.findUniqueOrThrow({ where: { id: lost.id } })).claimedUntil;
    const [ra, rl, gone] = await Promise.allSettled([
      batchStore.complete(a.id, { plentyPaymentMethodId: null, plentyOrderId: undefined } as never, [
        { action: 'complete', message: 'done', request: 'a string body', response: [1, { x: null }] },
      ]),
      batchStore.record(lost.id, { plentyContactId: 4 }, [], {
        holder: 'job-c2',
        leaseMs: 600_000,
        markSent: 'billing',
      }),
      batchStore.record(2_000_000_000, { plentyContactId: 5 }, [], { holder: 'nobody', leaseMs: 1000 }),
    ]);
    expect(ra.status === 'fulfilled' && ra.value).to.include({
      plentyPaymentMethodId: null,
      plentyOrderId: null,
      status: 'complete',
    });
    expect((await history(a.id)).map((h) => [h.request, h.response])).to.deep.equal([
      ['a string body', [1, { x: null }]],
    ]);
    const lostRow = rl.status === 'fulfilled' ? rl.value : undefined;
    expect(lostRow?.held).to.equal(false);
    expect(lostRow?.row.claimedUntil?.getTime()).to.equal(lostUntil?.getTime());
    expect(lostRow?.row).to.include({ plentyContactId: 4 });
    expect(gone.status).to.equal('rejected');
    // a record without a mark, while the claim holds, on a row nothing was marked on yet
    const fresh = await claimed('job-c3');
    const unmarked = await batchStore.record(fresh.id, { plentyOrderId: 6 }, [], {
      holder: 'job-c3',
      leaseMs: 60_000,
    });
    expect(unmarked.held).to.equal(true);
    expect(unmarked.row.sentSteps, 'a write without a mark marks nothing').to.deep.equal([]);
    expect(String(gone.status === 'rejected' && gone.reason)).to.match(/OrderSync row 2000000000 is gone/);
  });

  it('refuses a column that is not a Plenty id', async () => {
    const row = await claimed('job-4');
    let err: unknown;
    try {
      await store.record(row.id, { status: 'complete' } as never, [{ action: 'x', message: 'x' }], {
        holder: 'job-4',
        leaseMs: 1000,
      });
    } catch (e) {
      err = e;
    }
    expect(String(err)).to.match(/not an id column: status/);
  });
});
