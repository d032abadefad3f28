import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseFaults, runDemo } from '../src/demo';
import { testEnv } from '../src/testing';

const ordersFile = new URL('./fixtures/hand-written-orders.json', import.meta.url).pathname;

interface ReportOrder {
  id: number;
  statusId: number;
  plentyId: number;
  properties: { typeId: number; value: string }[];
  orderItems: {
    typeId: number;
    quantity: number;
    orderItemName: string;
    amounts: { priceGross: number; currency: string }[];
  }[];
  amounts?: { grossTotal: number; vatTotal: number; isSystemCurrency: boolean }[];
  addressRelations?: { typeId: number; addressId: number }[];
}

describe('demo runner: --orders with hand-written Magento orders, --report', function () {
  this.timeout(120_000);
  const reportFile = join(tmpdir(), `mpc-demo-report-${process.pid}.json`);
  const url = new URL(testEnv.databaseUrl);
  url.pathname = `${url.pathname}_demo`;
  after(() => rm(reportFile, { force: true }));

  it('books what the orders say: one Plenty order each, the money to the cent, payments where paid', async () => {
    const lines: string[] = [];
    const result = await runDemo({
      ordersFile,
      reportFile,
      count: 0,
      seed: 0,
      latencyMs: 0,
      faults: undefined,
      serve: false,
      timeoutMs: 60_000,
      databaseUrl: url.toString(),
      redisUrl: testEnv.redisUrl,
      secretsKey: testEnv.secretsKey,
      log: (l) => lines.push(l),
    });
    await result.close();
    expect(result.ok, lines.join('\n')).to.equal(true);
    expect(lines.some((l) => /sync log: .*complete/.test(l))).to.equal(true);

    const orders = JSON.parse(await readFile(ordersFile, 'utf8')).items as {
      increment_id: string;
      grand_total: number;
      total_paid: number;
      items: unknown[];
    }[];
    const report = JSON.parse(await readFile(reportFile, 'utf8'));
    expect(report.counts.byStatus).to.deep.equal({ complete: 3 });
    expect(report.orderSyncs).to.have.length(3);
    expect(report.history.length).to.be.greaterThan(9);
    expect(report.schedules.some((s: { status: string }) => s.status === 'success')).to.equal(true);
    expect(report.wallTimeMs).to.be.a('number');
    expect(report.plenty.calls.total).to.be.greaterThan(0);

    const plentyOrders = report.plenty.orders as ReportOrder[];
    expect(plentyOrders).to.have.length(3);
    for (const magento of orders) {
      const booked = plentyOrders.filter((o) =>
        o.properties.some((p) => p.typeId === 7 && p.value === magento.increment_id),
      );
      expect(booked, magento.increment_id).to.have.length(1);
      const order = booked[0]!;
      // Plenty's own totals, computed from the lines we sent, equal Magento's grand total
      const gross = order.orderItems.reduce(
        (sum, item) => sum + Math.round(item.amounts[0]!.priceGross * 100) * item.quantity,
        0,
      );
      expect(gross / 100, `${magento.increment_id} gross`).to.equal(magento.grand_total);
      const payments = (report.plenty.paymentOrderRelations as { paymentId: number; orderId: number }[])
        .filter((r) => r.orderId === order.id)
        .map(
          (r) =>
            (report.plenty.payments as { id: number; amount: number }[]).find((p) => p.id === r.paymentId)!,
        );
      expect(
        payments.map((p) => p.amount),
        `${magento.increment_id} payments`,
      ).to.deep.equal(magento.total_paid > 0 ? [magento.total_paid] : []);
    }
    // the shipped orders carry a shipping-costs line; the e-book does not
    const lineTypes = (inc: string) =>
      plentyOrders
        .find((o) => o.properties.some((p) => p.typeId === 7 && p.value === inc))!
        .orderItems.map((i) => i.typeId)
        .sort();
    expect(lineTypes('HW-0001')).to.deep.equal([1, 6]);
    expect(lineTypes('HW-0002')).to.deep.equal([1, 1, 6]);
    expect(lineTypes('HW-0003')).to.deep.equal([1]);
    // the repeat customer (orders 1 and 3) is one contact; the guest got her own
    const contacts = report.plenty.contacts as { id: number }[];
    expect(contacts).to.have.length(2);
  });

  it('parses --faults and refuses what it does not know', () => {
    expect(parseFaults('5xx=0.1,timeout=0.02,drop=0')).to.deep.equal({
      error5xxRate: 0.1,
      timeoutRate: 0.02,
      dropRate: 0,
    });
    expect(() => parseFaults('5xx=2')).to.throw(/rate from 0 to 1/);
    expect(() => parseFaults('slow=0.1')).to.throw(/not one of/);
    expect(parseFaults(undefined)).to.equal(undefined);
  });
});
