import { expect } from 'chai';
import { waitForSettled } from '../src/pipeline';
import { type Scenario, startScenario } from '../src/scenario';
import { verifyExactlyOnce } from '../src/verify';

describe('append mode across scheduled runs', function () {
  this.timeout(120_000);
  let s: Scenario;
  after(async () => s?.close());

  it('picks up new and changed orders exactly once and pushes status changes as `updated`', async () => {
    s = await startScenario({
      orders: { count: 30, seed: 51, storeIds: [1, 3] },
      scopes: {
        default: {
          api: { collectionBehaviour: 'append', pageSize: 10 },
          orderStatus: { processStatuses: ['processing', 'complete'] },
        },
      },
    });
    const prisma = s.pipeline.prisma;
    const store = s.magento.store;
    const eligible = () =>
      store.ids().filter((id) => ['processing', 'complete'].includes(store.getOrder(id)!.status as string));
    await waitForSettled(s.pipeline, s.profileId, { timeoutMs: 60_000, minRows: eligible().length });

    // between runs: 5 new orders, an exported order is closed, a pending order becomes processing
    const exported = await prisma.orderSync.findFirstOrThrow({
      where: { profileId: s.profileId, status: 'complete' },
    });
    const waiting = store.ids().find((id) => store.getOrder(id)!.status === 'pending')!;
    const added = store.addGenerated({
      count: 5,
      seed: 52,
      firstEntityId: store.maxId + 1,
      startDate: new Date(),
      storeIds: [1],
    });
    for (const id of added) store.patchOrder(id, { status: 'processing' });
    store.patchOrder(exported.magentoOrderId, { status: 'closed' });
    store.patchOrder(waiting, { status: 'processing' });
    const expectedRows = eligible().length + 1; // + the closed one, which keeps its row
    await waitForSettled(s.pipeline, s.profileId, { timeoutMs: 60_000, minRows: expectedRows });
    // let a few more scheduled runs pass: nothing may be exported twice
    await new Promise((r) => setTimeout(r, 5000));
    await waitForSettled(s.pipeline, s.profileId, { timeoutMs: 60_000, minRows: expectedRows });

    const updated = await prisma.orderSync.findUniqueOrThrow({ where: { id: exported.id } });
    const closedStatus = s.lookups.plenty.orderStatuses.find((st) => st.id === 9)
      ? 9
      : updated.plentyStatusId;
    expect(updated.status).to.equal('updated');
    expect(updated.plentyStatusId).to.equal(closedStatus);
    expect(s.plenty.state.orders.get(updated.plentyOrderId!)!.statusId).to.equal(updated.plentyStatusId);
    for (const id of [...added, waiting]) {
      const row = await prisma.orderSync.findUniqueOrThrow({
        where: { profileId_magentoOrderId: { profileId: s.profileId, magentoOrderId: id } },
      });
      expect(row.status, `order ${id}`).to.equal('complete');
    }
    const report = await verifyExactlyOnce(prisma, s.plenty.state, s.profileId);
    expect(report).to.deep.include({ duplicateOrders: [], duplicatePayments: [], unsettled: [], lost: [] });
    expect(await prisma.orderSync.count({ where: { profileId: s.profileId } })).to.equal(expectedRows);
    const history = await prisma.orderSyncHistory.findMany({
      where: { orderSyncId: exported.id },
      orderBy: { id: 'asc' },
    });
    expect(history.at(-1)).to.deep.include({ status: 'updated', action: 'status' });
  });
});
