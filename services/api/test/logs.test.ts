import { OrderSyncRepository } from '@mpc/db';
import { expect } from 'chai';
import request from 'supertest';
import { as, type Harness, seedProfile, useHarness } from './helpers';

const statuses = ['pending', 'processing', 'complete', 'updated', 'skipped', 'failed'] as const;

async function seedOrders(h: Harness, profileId: number, n: number) {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  await h.prisma.orderSync.createMany({
    data: Array.from({ length: n }, (_, i) => ({
      profileId,
      magentoOrderId: i + 1,
      incrementId: `0000${1000 + i + 1}`,
      customerId: 500 + i,
      storeId: i % 2 ? 1 : 3,
      magentoStatus: 'processing',
      status: statuses[i % statuses.length]!,
      plentyOrderId: i % 3 ? 9000 + i : null,
      plentyStatusId: 5.1,
      plentyStatusName: 'Picking',
      plentyReferrerId: 4.02,
      plentyContactId: 70 + i,
      plentyBillingAddressId: 80 + i,
      plentyShippingAddressId: 81 + i,
      plentyPaymentId: 90 + i,
      plentyPaymentMethodId: 6000,
      plentyPaymentStatusId: 2,
      plentyPaymentOrderAssignmentId: 11 + i,
      plentyPaymentContactAssignmentId: 12 + i,
      message: `message ${i + 1}`,
      attempts: i % 4,
      // every other pair shares a timestamp so the id tie-breaker matters
      createdAt: new Date(t0 + Math.floor(i / 2) * 60_000),
      processedAt: new Date(t0 + i * 60_000 + 1000),
    })),
  });
}

describe('api: sync logs and actions', () => {
  const h = useHarness();
  let id: number;
  beforeEach(async () => {
    id = (await seedProfile(h)).profile.id;
  });

  it('orders: every column of the guide, newest first, keyset pages that add up, first-page total', async () => {
    await seedOrders(h, id, 25);
    const first = await request(h.app).get(`/api/v1/profiles/${id}/orders?limit=10`).set(as(h.viewerKey));
    expect(first.status).to.equal(200);
    expect(first.body.total).to.equal(25);
    expect(first.body.totalExact).to.equal(true);
    const o = first.body.items[0];
    for (const col of [
      'magentoOrderId',
      'incrementId',
      'customerId',
      'storeId',
      'status',
      'plentyOrderId',
      'plentyStatusId',
      'plentyStatusName',
      'plentyReferrerId',
      'plentyContactId',
      'plentyBillingAddressId',
      'plentyShippingAddressId',
      'plentyPaymentId',
      'plentyPaymentMethodId',
      'plentyPaymentStatusId',
      'plentyPaymentOrderAssignmentId',
      'plentyPaymentContactAssignmentId',
      'message',
      'attempts',
      'createdAt',
      'updatedAt',
      'processedAt',
    ]) {
      expect(o, col).to.have.property(col);
    }
    expect(o.magentoOrderId).to.equal(25);
    expect(o.plentyStatusId).to.equal(5.1);
    expect(o.createdAt).to.equal('2026-01-01T00:12:00.000Z');
    const seen: number[] = first.body.items.map((x: { magentoOrderId: number }) => x.magentoOrderId);
    let cursor = first.body.nextCursor;
    while (cursor) {
      const page = await request(h.app)
        .get(`/api/v1/profiles/${id}/orders?limit=10&cursor=${cursor}`)
        .set(as(h.viewerKey));
      expect(page.body.total).to.equal(null);
      seen.push(...page.body.items.map((x: { magentoOrderId: number }) => x.magentoOrderId));
      cursor = page.body.nextCursor;
    }
    expect(seen).to.deep.equal(Array.from({ length: 25 }, (_, i) => 25 - i));
  });

  it('orders: filters by status (one or several), date range, magento order id, increment id', async () => {
    await seedOrders(h, id, 24);
    const get = (q: string) => request(h.app).get(`/api/v1/profiles/${id}/orders?${q}`).set(as(h.viewerKey));
    const failed = await get('status=failed');
    expect(failed.body.items.every((x: { status: string }) => x.status === 'failed')).to.equal(true);
    expect(failed.body.total).to.equal(4);
    expect((await get('status=failed,skipped')).body.total).to.equal(8);
    const range = await get('from=2026-01-01T00:02:00Z&to=2026-01-01T00:03:00Z');
    expect(range.body.items.map((x: { magentoOrderId: number }) => x.magentoOrderId)).to.deep.equal([
      8, 7, 6, 5,
    ]);
    expect((await get('magentoOrderId=7')).body.items).to.have.length(1);
    expect((await get('incrementId=00001003')).body.items[0].magentoOrderId).to.equal(3);
    for (const [q, path] of [
      ['status=done', 'query.status[0]'],
      ['from=yesterday', 'query.from'],
      ['limit=0', 'query.limit'],
      ['limit=501', 'query.limit'],
      ['cursor=abc', 'query.cursor'],
      ['magentoOrderId=-1', 'query.magentoOrderId'],
      ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'query.from'],
      ['sort=asc', 'query.sort'],
    ]) {
      const r = await get(q!);
      expect(r.status, q).to.equal(400);
      expect(r.body.errors[0].path, q).to.equal(path);
    }
    expect((await request(h.app).get('/api/v1/profiles/999/orders').set(as(h.viewerKey))).status).to.equal(
      404,
    );
  });

  it('one order with its history; history, schedules and schedule-history lists', async () => {
    await seedOrders(h, id, 3);
    const row = await h.prisma.orderSync.findFirstOrThrow({ where: { magentoOrderId: 2 } });
    await h.prisma.orderSyncHistory.createMany({
      data: [
        {
          orderSyncId: row.id,
          profileId: id,
          magentoOrderId: 2,
          status: 'processing',
          action: 'claim',
          message: 'claimed',
          createdAt: new Date('2026-01-02T00:00:00Z'),
        },
        {
          orderSyncId: row.id,
          profileId: id,
          magentoOrderId: 2,
          plentyOrderId: 9001,
          status: 'complete',
          action: 'order',
          message: 'created order 9001',
          request: { a: 1 },
          createdAt: new Date('2026-01-02T00:01:00Z'),
        },
      ],
    });
    const d = await request(h.app).get(`/api/v1/profiles/${id}/orders/2`).set(as(h.viewerKey));
    expect(d.status).to.equal(200);
    expect(d.body.history.map((x: { action: string }) => x.action)).to.deep.equal(['order', 'claim']);
    expect(d.body.history[0].request).to.deep.equal({ a: 1 });
    expect(d.body).to.have.property('sentSteps');
    expect(
      (await request(h.app).get(`/api/v1/profiles/${id}/orders/77`).set(as(h.viewerKey))).status,
    ).to.equal(404);

    const hist = await request(h.app)
      .get(`/api/v1/profiles/${id}/history?magentoOrderId=2&status=complete`)
      .set(as(h.viewerKey));
    expect(hist.body.items).to.have.length(1);
    expect(hist.body.items[0]).to.include({
      magentoOrderId: 2,
      plentyOrderId: 9001,
      status: 'complete',
      direction: 'export',
      message: 'created order 9001',
    });

    const sched = await h.prisma.schedule.create({
      data: {
        profileId: id,
        status: 'error',
        jobCode: 'order_export',
        message: 'Magento unreachable',
        scheduledAt: new Date('2026-01-03T00:00:00Z'),
        createdAt: new Date('2026-01-03T00:00:00Z'),
      },
    });
    await h.prisma.schedule.create({
      data: {
        profileId: id,
        status: 'success',
        jobCode: 'order_export',
        scheduledAt: new Date('2026-01-03T00:15:00Z'),
        createdAt: new Date('2026-01-03T00:15:00Z'),
      },
    });
    await h.prisma.scheduleHistory.create({
      data: {
        scheduleId: sched.id,
        profileId: id,
        status: 'error',
        action: 'collect',
        message: 'ECONNREFUSED',
      },
    });
    const s = await request(h.app).get(`/api/v1/profiles/${id}/schedules`).set(as(h.viewerKey));
    expect(s.body.items.map((x: { status: string }) => x.status)).to.deep.equal(['success', 'error']);
    for (const col of [
      'id',
      'status',
      'jobCode',
      'createdAt',
      'scheduledAt',
      'executedAt',
      'finishedAt',
      'message',
    ])
      expect(s.body.items[1]).to.have.property(col);
    expect(
      (await request(h.app).get(`/api/v1/profiles/${id}/schedules?status=error`).set(as(h.viewerKey))).body
        .items,
    ).to.have.length(1);
    const sh = await request(h.app)
      .get(`/api/v1/profiles/${id}/schedule-history?scheduleId=${sched.id}`)
      .set(as(h.viewerKey));
    expect(sh.body.items[0]).to.include({ status: 'error', action: 'collect', message: 'ECONNREFUSED' });
    for (const col of ['createdAt', 'performedAt']) expect(sh.body.items[0]).to.have.property(col);
    expect(
      (await request(h.app).get(`/api/v1/profiles/${id}/schedule-history?status=nope`).set(as(h.viewerKey)))
        .status,
    ).to.equal(400);
  });

  it('re-export one order: pending, message names the key, Plenty ids kept, history row, export job; 404/409/403', async () => {
    await seedOrders(h, id, 6); // order 6 is failed, order 2 is processing
    const r = await request(h.app).post(`/api/v1/profiles/${id}/orders/6/export`).set(as(h.adminKey));
    expect(r.status).to.equal(202);
    expect(r.body.jobId).to.match(new RegExp(`^reexport-${id}-6-\\d+$`));
    const row = await h.prisma.orderSync.findFirstOrThrow({ where: { magentoOrderId: 6 } });
    expect(row).to.include({
      status: 'pending',
      message: 're-export requested by alice-admin',
      plentyOrderId: 9005,
      plentyContactId: 75,
      plentyPaymentId: 95,
    });
    const hist = await h.prisma.orderSyncHistory.findMany({ where: { orderSyncId: row.id } });
    expect(hist).to.have.length(1);
    expect(hist[0]).to.include({
      status: 'pending',
      action: 're-export',
      message: 're-export requested by alice-admin',
    });
    const job = await h.queues.export.getJob(r.body.jobId);
    expect(job!.data).to.deep.equal({ profileId: id, magentoOrderId: 6, action: 'export' });
    // order 2 is processing: an export holds a live claim on it
    await new OrderSyncRepository(h.prisma).claim(id, 2, 'export-x-2-1', 120_000, ['complete', 'updated']);
    const busy = await request(h.app).post(`/api/v1/profiles/${id}/orders/2/export`).set(as(h.adminKey));
    expect(busy.status).to.equal(409);
    expect((await h.prisma.orderSync.findFirstOrThrow({ where: { magentoOrderId: 2 } })).status).to.equal(
      'processing',
    );
    expect(
      (await request(h.app).post(`/api/v1/profiles/${id}/orders/99/export`).set(as(h.adminKey))).status,
    ).to.equal(404);
    expect(
      (await request(h.app).post(`/api/v1/profiles/${id}/orders/6/export`).set(as(h.viewerKey))).status,
    ).to.equal(403);
  });

  it('bulk re-export: failed/skipped by default, filtered, chunked, counted', async () => {
    await seedOrders(h, id, 1200); // 200 failed, 200 skipped
    const none = await request(h.app)
      .post(`/api/v1/profiles/${id}/orders/export`)
      .set(as(h.adminKey))
      .send({ incrementIds: ['nope'] });
    expect(none.body).to.deep.equal({ matched: 0, requeued: 0, limit: 1000, more: false });
    const some = await request(h.app)
      .post(`/api/v1/profiles/${id}/orders/export`)
      .set(as(h.adminKey))
      .send({ status: ['failed'], incrementIds: ['00001006', '00001012', '00001001'] });
    expect(some.status).to.equal(202);
    expect(some.body).to.deep.equal({ matched: 2, requeued: 2, limit: 1000, more: false });
    const all = await request(h.app)
      .post(`/api/v1/profiles/${id}/orders/export`)
      .set(as(h.adminKey))
      .send({ limit: 300 });
    expect(all.body).to.deep.equal({ matched: 300, requeued: 300, limit: 300, more: true });
    const rest = await request(h.app)
      .post(`/api/v1/profiles/${id}/orders/export`)
      .set(as(h.adminKey))
      .send({});
    expect(rest.body).to.deep.equal({ matched: 98, requeued: 98, limit: 1000, more: false });
    expect(await h.queues.export.count()).to.equal(400);
    expect(await h.prisma.orderSync.count({ where: { status: { in: ['failed', 'skipped'] } } })).to.equal(0);
    expect(await h.prisma.orderSyncHistory.count({ where: { action: 're-export' } })).to.equal(400);
    const ranged = await request(h.app)
      .post(`/api/v1/profiles/${id}/orders/export`)
      .set(as(h.adminKey))
      .send({ from: '2026-01-01T00:00:00Z', to: '2026-01-01T01:00:00Z' });
    expect(ranged.body.matched).to.equal(0);
    for (const body of [
      { status: ['complete'] },
      { status: [] },
      { limit: 0 },
      { from: 'x' },
      { incrementIds: [] },
      { what: 1 },
    ]) {
      const r = await request(h.app)
        .post(`/api/v1/profiles/${id}/orders/export`)
        .set(as(h.adminKey))
        .send(body);
      expect(r.status, JSON.stringify(body)).to.equal(400);
    }
  });
  describe('stuck in processing: re-export once the claim has expired', () => {
    const repo = () => new OrderSyncRepository(h.prisma);
    const settled = ['complete', 'updated'] as ('complete' | 'updated')[];
    /** moves a row's claim into the past (a worker died `agoMs` after its lease ended) */
    const expire = (magentoOrderId: number, agoMs = 60_000) =>
      h.prisma
        .$executeRaw`UPDATE "OrderSync" SET "claimedUntil" = now() - make_interval(secs => ${agoMs / 1000})
        WHERE "profileId" = ${id} AND "magentoOrderId" = ${magentoOrderId}`;
    const row = (magentoOrderId: number) =>
      h.prisma.orderSync.findFirstOrThrow({ where: { profileId: id, magentoOrderId } });
    const reexport = (magentoOrderId: number) =>
      request(h.app).post(`/api/v1/profiles/${id}/orders/${magentoOrderId}/export`).set(as(h.adminKey));

    it('one order: 409 with the claim expiry while the claim is live; 202 once it expired; the exporter then claims it', async () => {
      await seedOrders(h, id, 6);
      const claimed = await repo().claim(id, 2, 'export-1-2-v1', 90_000, settled);
      expect(claimed.claimed).to.equal(true);

      const busy = await reexport(2);
      expect(busy.status).to.equal(409);
      expect(busy.headers['content-type']).to.match(/problem\+json/);
      const until = claimed.row!.claimedUntil!.toISOString();
      expect(busy.body.claimedUntil).to.equal(until);
      expect(busy.body.claimedBy).to.equal('export-1-2-v1');
      expect(busy.body.detail).to.include(`until ${until}`);
      expect(busy.body.detail).to.match(/\(in (8\d|9\d) s\)/);
      expect(Number(busy.headers['retry-after'])).to.be.within(80, 90);
      expect(await row(2)).to.include({
        status: 'processing',
        claimedBy: 'export-1-2-v1',
        attempts: claimed.row!.attempts,
      });
      expect(await h.queues.export.count()).to.equal(0);

      await expire(2);
      const r = await reexport(2);
      expect(r.status).to.equal(202);
      const after = await row(2);
      expect(after).to.include({ status: 'pending', attempts: 0, claimedBy: null, claimedUntil: null });
      expect(after.message).to.match(
        /^re-export requested by alice-admin \(was processing, claim of export-1-2-v1 expired \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)$/,
      );
      // stored Plenty ids are kept: the export resumes at the first step without an id
      expect(after).to.include({ plentyContactId: 71, plentyBillingAddressId: 81, plentyOrderId: 9001 });
      const hist = await h.prisma.orderSyncHistory.findMany({ where: { orderSyncId: after.id } });
      expect(hist.map((x) => [x.status, x.action, x.message])).to.deep.equal([
        ['pending', 're-export', after.message],
      ]);
      const job = await h.queues.export.getJob(r.body.jobId);
      expect(job!.data).to.deep.equal({ profileId: id, magentoOrderId: 2, action: 'export' });
      // the re-export job takes the row at once; the dead worker's job can no longer renew it
      expect((await repo().claim(id, 2, r.body.jobId, 90_000, settled)).claimed).to.equal(true);
      expect(await repo().renew(after.id, 'export-1-2-v1', 90_000)).to.equal(false);
    });

    it('one order: a processing row whose claim was released (claimedBy null) is re-exported at once', async () => {
      await seedOrders(h, id, 6); // order 2: processing, never claimed in the seed
      const r = await reexport(2);
      expect(r.status).to.equal(202);
      expect((await row(2)).message).to.equal(
        're-export requested by alice-admin (was processing, not claimed)',
      );
      // failed/skipped rows keep the plain message
      expect((await reexport(6)).status).to.equal(202);
      expect((await row(6)).message).to.equal('re-export requested by alice-admin');
    });

    it('bulk: status processing/pending re-queues only rows without a live claim, in one call', async () => {
      await seedOrders(h, id, 24); // 4 of each status; processing = 2, 8, 14, 20; pending = 1, 7, 13, 19
      await repo().claim(id, 2, 'export-dead-2', 60_000, settled);
      await repo().claim(id, 8, 'export-dead-8', 60_000, settled);
      await repo().claim(id, 14, 'export-live-14', 60_000, settled);
      await expire(2);
      await expire(8, 3_600_000);
      // 20 is processing without a claim (released)
      const r = await request(h.app)
        .post(`/api/v1/profiles/${id}/orders/export`)
        .set(as(h.adminKey))
        .send({ status: ['processing'] });
      expect(r.status).to.equal(202);
      expect(r.body).to.deep.equal({ matched: 3, requeued: 3, limit: 1000, more: false });
      const rows = await h.prisma.orderSync.findMany({
        where: { profileId: id, magentoOrderId: { in: [2, 8, 14, 20] } },
        orderBy: { magentoOrderId: 'asc' },
      });
      expect(rows.map((x) => [x.magentoOrderId, x.status, x.claimedBy])).to.deep.equal([
        [2, 'pending', null],
        [8, 'pending', null],
        [14, 'processing', 'export-live-14'],
        [20, 'pending', null],
      ]);
      expect(rows[0]!.message).to.match(/\(was processing, claim of export-dead-2 expired /);
      expect(rows[3]!.message).to.equal('re-export requested by alice-admin (was processing, not claimed)');
      const jobs = await h.queues.export.getJobs(['waiting']);
      expect(jobs.map((j) => j.data.magentoOrderId).sort((a, b) => a - b)).to.deep.equal([2, 8, 20]);
      expect(await h.prisma.orderSyncHistory.count({ where: { action: 're-export' } })).to.equal(3);

      // a live claim never blocks "more": the repeated call ends
      const again = await request(h.app)
        .post(`/api/v1/profiles/${id}/orders/export`)
        .set(as(h.adminKey))
        .send({ status: ['processing'], limit: 1 });
      expect(again.body).to.deep.equal({ matched: 0, requeued: 0, limit: 1, more: false });

      // pending rows whose job was lost (e.g. Redis data lost), with failed ones in the same call
      const mixed = await request(h.app)
        .post(`/api/v1/profiles/${id}/orders/export`)
        .set(as(h.adminKey))
        .send({
          status: ['pending', 'failed'],
          incrementIds: ['00001001', '00001007', '00001006', '00001002'],
        });
      expect(mixed.body).to.deep.equal({ matched: 4, requeued: 4, limit: 1000, more: false });
      expect((await row(1)).message).to.equal(
        're-export requested by alice-admin (was pending, not claimed)',
      );
      expect((await row(6)).message).to.equal('re-export requested by alice-admin');
    });
  });
});
