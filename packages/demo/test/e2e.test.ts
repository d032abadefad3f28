import { expect } from 'chai';
import { waitForSettled } from '../src/pipeline';
import { type Scenario, startScenario } from '../src/scenario';
import { verifyExactlyOnce } from '../src/verify';

describe('end to end: scheduled run through the sandboxes (real Postgres and Redis)', function () {
  this.timeout(180_000);
  let s: Scenario;

  before(async () => {
    // a shop of every shape: all product types, guests and repeat customers, every status and store
    s = await startScenario({
      orders: { count: 300, seed: 11 },
      scopes: { default: { orderStatus: { processStatuses: ['processing', 'complete', 'pending'] } } },
      pipeline: { exporterConcurrency: 20 },
    });
    // the scope above is merged over the demo defaults: the status mapping stays complete
    const row = await s.pipeline.prisma.profileSetting.findFirstOrThrow({
      where: { profileId: s.profileId, scope: 'default' },
    });
    const settings = row.settings as { orderStatus: { statusMapping: unknown[] } };
    expect(settings.orderStatus.statusMapping).to.not.be.empty;
  });
  after(async () => s?.close());

  it('exports every eligible order exactly once, leaves ineligible orders untouched, and logs it all', async () => {
    const settled = await waitForSettled(s.pipeline, s.profileId, { timeoutMs: 150_000, minRows: 1 });
    const all = s.magento.store.ids().map((id) => s.magento.store.getOrder(id)!);
    const eligible = all.filter((o) => ['processing', 'complete', 'pending'].includes(o.status as string));
    const prisma = s.pipeline.prisma;
    const rows = await prisma.orderSync.findMany({ where: { profileId: s.profileId } });
    // ineligible orders (other statuses) have no row at all
    expect(rows.map((r) => r.magentoOrderId).sort((a, b) => a - b)).to.deep.equal(
      eligible.map((o) => o.entity_id).sort((a, b) => a - b),
    );

    const report = await verifyExactlyOnce(prisma, s.plenty.state, s.profileId);
    expect(report).to.deep.include({
      duplicateOrders: [],
      duplicatePayments: [],
      duplicateRelations: [],
      unsettled: [],
      lost: [],
      unexpectedOrders: [],
      duplicateContacts: [],
    });
    expect(settled.byStatus.failed ?? 0, JSON.stringify(settled.byStatus)).to.equal(0);
    const complete = rows.filter((r) => r.status === 'complete');
    expect(complete.length).to.be.greaterThan(eligible.length / 2);

    for (const row of complete) {
      const order = s.plenty.state.orders.get(row.plentyOrderId!)!;
      const magento = all.find((o) => o.entity_id === row.magentoOrderId)!;
      expect(order.properties.find((p) => p.typeId === 7)?.value).to.equal(magento.increment_id);
      expect(row.plentyBillingAddressId).to.be.a('number');
      expect(row.plentyShippingAddressId).to.be.a('number');
      expect(row.plentyStatusId).to.be.a('number');
      expect(row.plentyStatusName).to.be.a('string');
      expect(row.plentyReferrerId).to.be.a('number');
      expect(row.processedAt).to.be.instanceOf(Date);
      expect(row.message).to.match(/^exported as Plenty order \d+/);
      if (row.plentyPaymentId) {
        expect(row.plentyPaymentMethodId).to.be.a('number');
        expect(row.plentyPaymentStatusId).to.be.a('number');
        expect(row.plentyPaymentOrderAssignmentId).to.be.a('number');
        const payment = s.plenty.state.payments.get(row.plentyPaymentId)!;
        expect(payment.mopId).to.equal(row.plentyPaymentMethodId);
        if (row.plentyContactId) expect(row.plentyPaymentContactAssignmentId).to.be.a('number');
      }
    }
    // paid orders got a payment, unpaid ones none
    const paid = complete.filter(
      (r) => Number(all.find((o) => o.entity_id === r.magentoOrderId)!.total_paid ?? 0) > 0,
    );
    expect(paid.every((r) => r.plentyPaymentId != null)).to.equal(true);

    // skipped rows say what to fix
    for (const row of rows.filter((r) => r.status === 'skipped')) expect(row.message).to.match(/:|not /);

    // history: collect + one row per step + complete, in order
    const history = await prisma.orderSyncHistory.findMany({
      where: { orderSyncId: complete[0]!.id },
      orderBy: { id: 'asc' },
    });
    expect(history[0]!.action).to.equal('collect');
    expect(history.at(-1)).to.deep.include({
      action: 'complete',
      status: 'complete',
      direction: 'export',
      plentyOrderId: complete[0]!.plentyOrderId,
    });
    expect(history.map((h) => h.action)).to.include.members(['billing', 'order']);

    // the scheduled run: a Schedule row with its history
    const schedules = await prisma.schedule.findMany({
      where: { profileId: s.profileId, status: 'success' },
      include: { history: true },
    });
    expect(schedules.length).to.be.greaterThan(0);
    const first = schedules.find((r) => (r.stats as { enqueued?: number } | null)?.enqueued)!;
    expect(first.trigger).to.equal('cron');
    expect(first.history.map((h) => h.action)).to.include.members(['collect', 'finish']);
    expect(first.scheduledAt.getTime()).to.be.at.most(first.executedAt!.getTime());
  });
});
