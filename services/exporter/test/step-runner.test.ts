import { createPrismaClient, type OrderSync, type PrismaClient } from '@mpc/db';
import { claimedRow as claimed, createTestProfile } from '@mpc/db/testing';
import { expect } from 'chai';
import { LeaseLostError, StepRunner } from '../src/export-order';
import { StepStore } from '../src/step-store';

/** Notes each statement: the ids it writes and the step it marks sent. */
class CountingStore extends StepStore {
  statements: string[] = [];
  override record(...args: Parameters<StepStore['record']>) {
    const [, ids, , lease] = args;
    this.statements.push(`${Object.keys(ids).join('+') || '-'} > ${lease.markSent ?? '-'}`);
    return super.record(...args);
  }
  override complete(...args: Parameters<StepStore['complete']>) {
    this.statements.push(`complete ${Object.keys(args[1]).join('+')}`);
    return super.complete(...args);
  }
}

/** The error a promise rejects with (undefined when it resolves). */
async function errorOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('StepRunner (marks, lease checks and held-back writes, on Postgres)', () => {
  let prisma: PrismaClient;
  let profileId: number;
  let next = 1;

  const claimedRow = (holder: string, sentSteps: string[] = []): Promise<OrderSync> =>
    claimed(prisma, profileId, 1000 + next++, holder, { sentSteps });

  function runner(
    store: StepStore,
    holder: string,
    row: OrderSync,
    steps: string[],
    claimedAt = performance.now(),
  ) {
    let current = row;
    const r = new StepRunner(store, {
      holder,
      leaseMs: 60_000,
      claimedAt,
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

  it('one statement per created id, each create after a mark; found ids and relations wait for the next statement', async () => {
    const store = new CountingStore(prisma);
    const row = await claimedRow('job-a');
    const { r } = runner(store, 'job-a', row, ['contact', 'billing', 'order', 'payment', 'payment-order']);
    const created: string[] = [];
    const create =
      (name: string, id: number, marked = true) =>
      async () => {
        // every create but a relation's follows a statement that marked its step while the claim held
        if (marked) expect((await dbRow(row.id)).sentSteps, name).to.include(name);
        created.push(name);
        return { id };
      };
    const none = async () => null;
    // a new customer: looked up (nothing found), then created
    expect(
      await r.run('contact', 'plentyContactId', {
        find: none,
        findBeforeCreate: true,
        create: create('contact', 11),
      }),
    ).to.equal(11);
    // a known address: found, held back
    expect(
      await r.run('billing', 'plentyBillingAddressId', {
        find: async () => 12,
        findBeforeCreate: true,
        create: create('billing', 0),
      }),
    ).to.equal(12);
    expect((await dbRow(row.id)).plentyBillingAddressId, 'held back').to.equal(null);
    expect(await r.run('order', 'plentyOrderId', { find: none, create: create('order', 22) })).to.equal(22);
    expect(await r.run('payment', 'plentyPaymentId', { find: none, create: create('payment', 33) })).to.equal(
      33,
    );
    await r.run('payment-order', 'plentyPaymentOrderAssignmentId', {
      create: create('payment-order', 44, false),
    });
    expect((await dbRow(row.id)).plentyPaymentOrderAssignmentId, 'held back').to.equal(null);
    await r.complete({}, { action: 'complete', message: 'done' });
    expect(created).to.deep.equal(['contact', 'order', 'payment', 'payment-order']);
    expect(store.statements).to.deep.equal([
      '- > contact',
      'plentyContactId > billing',
      // the order was not marked by the contact's record: the found billing id travels with its mark
      'plentyBillingAddressId > order',
      'plentyOrderId > payment',
      'plentyPaymentId > payment-order',
      'complete plentyPaymentOrderAssignmentId',
    ]);
    const stored = await dbRow(row.id);
    expect([
      stored.plentyContactId,
      stored.plentyBillingAddressId,
      stored.plentyOrderId,
      stored.plentyPaymentId,
      stored.plentyPaymentOrderAssignmentId,
    ]).to.deep.equal([11, 12, 22, 33, 44]);
    const history = await prisma.orderSyncHistory.findMany({
      where: { orderSyncId: row.id },
      orderBy: { id: 'asc' },
    });
    expect(history.map((h) => h.message)).to.deep.equal([
      'created contact 11',
      'reusing billing 12',
      'created order 22',
      'created payment 33',
      'created payment-order 44',
      'done',
    ]);
  });

  for (const [when, provedAgo] of [
    ['just after the claim (a re-delivery took the row over)', 0],
    ['after a claim proved long ago', 20_000],
  ] as const) {
    it(`sends no create ${when}: the statement before it finds the row taken over`, async () => {
      const row = await claimedRow('job-old');
      await prisma.orderSync.update({ where: { id: row.id }, data: { claimedBy: 'job-new' } });
      const store = new CountingStore(prisma);
      // lease 60 s: 20 s is more than a quarter of it
      const { r } = runner(store, 'job-old', row, ['contact'], performance.now() - provedAgo);
      let creates = 0;
      const err = await errorOf(
        r.run('contact', 'plentyContactId', {
          find: async () => null,
          findBeforeCreate: true,
          create: async () => {
            creates++;
            return { id: 1 };
          },
        }),
      );
      expect(err).to.be.instanceOf(LeaseLostError);
      expect(creates).to.equal(0);
      expect(store.statements).to.deep.equal(['- > contact']);
    });
  }

  it('an attempt that ends early still writes what it found (the order an interrupted attempt created)', async () => {
    const row = await claimedRow('job-i', ['order']);
    const store = new CountingStore(prisma);
    const { r } = runner(store, 'job-i', row, ['order', 'payment']);
    expect(
      await r.run('order', 'plentyOrderId', { find: async () => 88, create: async () => ({ id: 0 }) }),
    ).to.equal(88);
    expect((await dbRow(row.id)).plentyOrderId, 'held back').to.equal(null);
    await r.writeHeldBack();
    expect((await dbRow(row.id)).plentyOrderId).to.equal(88);
    const history = await prisma.orderSyncHistory.findMany({ where: { orderSyncId: row.id } });
    expect(history.map((h) => h.message)).to.deep.equal(['found order 88 created by an interrupted attempt']);
    await r.writeHeldBack();
    expect(store.statements, 'nothing held back: no statement').to.have.length(1);
  });

  it("does not trust an earlier attempt's mark: after a takeover the create is never sent", async () => {
    // an earlier attempt marked the order sent and died; this job claimed, then lost the row
    const row = await claimedRow('job-b', ['order']);
    await prisma.orderSync.update({ where: { id: row.id }, data: { claimedBy: 'job-c' } });
    const store = new CountingStore(prisma);
    const { r } = runner(store, 'job-b', row, ['order']);
    let creates = 0;
    let lookups = 0;
    const err = await errorOf(
      r.run('order', 'plentyOrderId', {
        find: async () => {
          lookups++;
          return null;
        },
        create: async () => {
          creates++;
          return { id: 1 };
        },
      }),
    );
    expect(err).to.be.instanceOf(LeaseLostError);
    expect(lookups, 'an interrupted step is looked up first').to.equal(1);
    expect(creates).to.equal(0);
  });

  it('stops after a record that finds the claim taken over (ids kept, nothing more sent)', async () => {
    const row = await claimedRow('job-d');
    const store = new CountingStore(prisma);
    const { r } = runner(store, 'job-d', row, ['contact', 'order']);
    const err = await errorOf(
      r.run('contact', 'plentyContactId', {
        create: async () => {
          await prisma.orderSync.update({ where: { id: row.id }, data: { claimedBy: 'job-e' } });
          return { id: 44 };
        },
      }),
    );
    expect(err).to.be.instanceOf(LeaseLostError);
    const stored = await dbRow(row.id);
    expect(stored.plentyContactId).to.equal(44);
    expect(stored.sentSteps, 'the next step is not marked for a job that lost the row').to.deep.equal([
      'contact',
    ]);
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
    const err = await errorOf(
      r.run('payment', 'plentyPaymentId', {
        create: async () => {
          created = true;
          return { id: 1 };
        },
      }),
    );
    expect(String(err)).to.match(/step payment is not in the plan/);
    expect(created).to.equal(false);
  });
});
