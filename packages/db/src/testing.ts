import type { PrismaClient } from './client';
import type { OrderSync } from './generated/prisma/client';
import { OrderSyncRepository } from './order-sync';

/** A profile with two bare connections, for tests of the sync tables (delete it to clean up). */
export async function createTestProfile(prisma: PrismaClient, name: string): Promise<number> {
  const m = await prisma.connection.create({ data: { kind: 'magento', name: 'm', baseUrl: 'http://m' } });
  const p = await prisma.connection.create({ data: { kind: 'plenty', name: 'p', baseUrl: 'http://p' } });
  const profile = await prisma.profile.create({
    data: { name, magentoConnectionId: m.id, plentyConnectionId: p.id },
  });
  return profile.id;
}

/** The collector's summary of Magento order `id` (increment id `prefix` + id). */
export const orderSummary = (id: number, prefix = '00000') => ({
  magentoOrderId: id,
  incrementId: `${prefix}${id}`,
  customerId: null,
  storeId: 1,
  magentoStatus: 'processing',
  magentoUpdatedAt: new Date('2026-01-01T10:00:00Z'),
});

/** A pending OrderSync row (with `sentSteps` of an earlier attempt) claimed by `holder`. */
export async function claimedRow(
  prisma: PrismaClient,
  profileId: number,
  magentoOrderId: number,
  holder: string,
  opts: { leaseMs?: number; sentSteps?: string[] } = {},
): Promise<OrderSync> {
  const repo = new OrderSyncRepository(prisma);
  const row = await repo.upsert(profileId, orderSummary(magentoOrderId, '20000'), 'pending', null);
  if (opts.sentSteps?.length)
    await prisma.orderSync.update({ where: { id: row.id }, data: { sentSteps: opts.sentSteps } });
  const c = await repo.claim(profileId, magentoOrderId, holder, opts.leaseMs ?? 60_000, ['complete']);
  if (!c.claimed) throw new Error(`order ${magentoOrderId} not claimed: ${c.reason}`);
  return c.row;
}
