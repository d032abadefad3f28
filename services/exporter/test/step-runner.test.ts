import { createPrismaClient, type OrderSync, type PrismaClient } from '@mpc/db';
import { claimedRow as claimed, createTestProfile } from '@mpc/db/testing';
import { expect } from 'chai';
import { LeaseLostError, StepRunner } from '../src/export-order';
import { StepStore } from '../src/step-store';

/** Counts the `sent` statements (the ones the runner saves by marking in its records). */
class CountingStore extends StepStore {
  sentCalls: string[] = [];
  override async sent(id: number, holder: string, leaseMs: number, step: string): Promise<boolean> {
    this.sentCalls.push(step);
    return super.sent(id, holder, leaseMs, step);
  }
}

describe('StepRunner (marks, lease checks and the deferred last relation, on Postgres)', () => {
  let prisma: PrismaClient;
  let profileId: number;
  let next = 1;

  const claimedRow = (holder: string, sentSteps: string[] = []): Promise<OrderSync> =>
    claimed(prisma, profileId, 1000 + next++, holder, { sentSteps });

  function runner(store: StepStore, holder: string, row: OrderSync, steps: string[]) {
    let current = row;
    const r = new StepRunner(store, {
      holder,
      leaseMs: 60_000,
      claimedAt: performance.now(),
      logBodies: false,
      steps,
      row: () => current,
      setRow: (x) => {
        current = x;
      },
    });
    return { r, row: () => current };
  }
  const dbRow = (id: number) => prisma.orderSync.findUniqueOrThrow({ where: { id } });

  before(async () => {
    prisma = createPrismaClient(process.env.DATABASE_URL!, 4);
    profileId = await createTestProfile(prisma, 'step runner test');
  });
  after(async () => {
    await prisma.profile.delete({ where: { id: profileId } });
    await prisma.$disconnect();
  });

  it('marks each next step in the record, so only the first create needs its own sent statement', async () => {
    const store = new CountingStore(prisma);
    const row = await claimedRow('job-a');
    const { r } = runner(store, 'job-a', row, ['contact', 'order', 'payment']);
    const created: string[] = [];
    const create = (name: string, id: number) => async () => {
      // the step is durably marked sent before its create call
      expect((await dbRow(row.id)).sentSteps, name).to.include(name);
      created.push(name);
      return { id };
    };
    expect(await r.run('contact', 'plentyContactId', { create: create('contact', 11) })).to.equal(11);
    expect(await r.run('order', 'plentyOrderId', { create: create('order', 22) })).to.equal(22);
    expect(await r.run('payment', 'plentyPaymentId', { create: create('payment', 33) })).to.equal(33);
    expect(created).to.deep.equal(['contact', 'order', 'payment']);
    expect(store.sentCalls).to.deep.equal(['contact']);
    const stored = await dbRow(row.id);
    expect([stored.plentyContactId, stored.plentyOrderId, stored.plentyPaymentId]).to.deep.equal([
      11, 22, 33,
    ]);
  });

  it("does not trust an earlier attempt's mark: after a takeover the create is never sent", async () => {
    // an earlier attempt marked the order sent and died; this job claimed, then lost the row
    const row = await claimedRow('job-b', ['order']);
    await prisma.orderSync.update({ where: { id: row.id }, data: { claimedBy: 'job-c' } });
    const store = new CountingStore(prisma);
    const { r } = runner(store, 'job-b', row, ['order']);
    let creates = 0;
    let lookups = 0;
    let err: unknown;
    try {
      await r.run('order', 'plentyOrderId', {
        find: async () => {
          lookups++;
          return null;
        },
        create: async () => {
          creates++;
          return { id: 1 };
        },
      });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(LeaseLostError);
    expect(lookups, 'an interrupted step is looked up first').to.equal(1);
    expect(creates).to.equal(0);
  });

  it('stops after a record that finds the claim taken over (ids kept, nothing more sent)', async () => {
    const row = await claimedRow('job-d');
    const store = new CountingStore(prisma);
    const { r } = runner(store, 'job-d', row, ['contact', 'order']);
    let err: unknown;
    try {
      await r.run('contact', 'plentyContactId', {
        create: async () => {
          await prisma.orderSync.update({ where: { id: row.id }, data: { claimedBy: 'job-e' } });
          return { id: 44 };
        },
      });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(LeaseLostError);
    const stored = await dbRow(row.id);
    expect(stored.plentyContactId).to.equal(44);
    expect(stored.sentSteps).to.deep.equal(['contact']);
  });

  it('records a last order at once; a last relation is written by complete()', async () => {
    const store = new CountingStore(prisma);
    const unpaid = await claimedRow('job-f');
    const a = runner(store, 'job-f', unpaid, ['order']);
    await a.r.run('order', 'plentyOrderId', { create: async () => ({ id: 55 }) });
    expect((await dbRow(unpaid.id)).plentyOrderId).to.equal(55);

    const paid = await claimedRow('job-g');
    const b = runner(store, 'job-g', paid, ['order', 'payment-order']);
    await b.r.run('order', 'plentyOrderId', { create: async () => ({ id: 66 }) });
    await b.r.run('payment-order', 'plentyPaymentOrderAssignmentId', { create: async () => ({ id: 77 }) });
    expect((await dbRow(paid.id)).plentyPaymentOrderAssignmentId).to.equal(null);
    const done = await b.r.complete({ plentyStatusId: 5 }, { action: 'complete', message: 'done' });
    expect(done).to.include({ status: 'complete', plentyOrderId: 66, plentyPaymentOrderAssignmentId: 77 });
    const history = await prisma.orderSyncHistory.findMany({
      where: { orderSyncId: paid.id },
      orderBy: { id: 'asc' },
    });
    expect(history.map((h) => h.action)).to.deep.equal(['order', 'payment-order', 'complete']);
  });

  it('refuses a step that is not in the plan before sending anything', async () => {
    const row = await claimedRow('job-h');
    const { r } = runner(new StepStore(prisma), 'job-h', row, ['order']);
    let created = false;
    let err: unknown;
    try {
      await r.run('payment', 'plentyPaymentId', {
        create: async () => {
          created = true;
          return { id: 1 };
        },
      });
    } catch (e) {
      err = e;
    }
    expect(String(err)).to.match(/step payment is not in the plan/);
    expect(created).to.equal(false);
  });
});
