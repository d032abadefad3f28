import type { PrismaClient } from '@mpc/db';
import type { PlentyState } from '@mpc/sandbox';

export interface ExactlyOnceReport {
  rows: number;
  byStatus: Record<string, number>;
  /** external order ids (Magento increment ids) booked more than once in Plenty */
  duplicateOrders: string[];
  /** Plenty orders that carry more than one payment, and payments related twice */
  duplicatePayments: number[];
  duplicateRelations: number[];
  /** rows still pending/processing */
  unsettled: string[];
  /** complete rows without their Plenty order, or whose stored ids do not exist in Plenty */
  lost: string[];
  /** skipped/failed rows that have an order in Plenty anyway */
  unexpectedOrders: string[];
  /** contacts created more than once for one e-mail and client */
  duplicateContacts: string[];
}

/**
 * Compares the sync log with what the Plenty sandbox holds: every complete row has exactly one
 * Plenty order with its increment id as external order id (property 7), its stored ids exist,
 * no order, payment, relation or contact was created twice, nothing is left unsettled.
 */
export async function verifyExactlyOnce(
  prisma: PrismaClient,
  plenty: PlentyState,
  profileId: number,
): Promise<ExactlyOnceReport> {
  const rows = await prisma.orderSync.findMany({ where: { profileId } });
  const byExternalId = new Map<string, number[]>();
  for (const order of plenty.orders.values()) {
    const ext = order.properties.find((p) => p.typeId === 7)?.value;
    if (ext) byExternalId.set(ext, [...(byExternalId.get(ext) ?? []), order.id]);
  }
  const paymentsByOrder = new Map<number, number[]>();
  const relationCount = new Map<number, number>();
  for (const rel of plenty.paymentOrderRelations.values()) {
    const orderId = Number(rel.orderId);
    paymentsByOrder.set(orderId, [...(paymentsByOrder.get(orderId) ?? []), rel.paymentId]);
    relationCount.set(rel.paymentId, (relationCount.get(rel.paymentId) ?? 0) + 1);
  }
  const contactRelations = new Map<number, number>();
  for (const rel of plenty.paymentContactRelations.values())
    contactRelations.set(rel.paymentId, (contactRelations.get(rel.paymentId) ?? 0) + 1);
  const contactsByEmail = new Map<string, number>();
  for (const c of plenty.contacts.values()) {
    if (!c.email || c.singleAccess === '1') continue;
    const key = `${c.email.toLowerCase()}|${c.plentyId}`;
    contactsByEmail.set(key, (contactsByEmail.get(key) ?? 0) + 1);
  }
  const report: ExactlyOnceReport = {
    rows: rows.length,
    byStatus: {},
    duplicateOrders: [...byExternalId].filter(([, ids]) => ids.length > 1).map(([ext]) => ext),
    duplicatePayments: [...paymentsByOrder].filter(([, ps]) => new Set(ps).size > 1).map(([o]) => o),
    duplicateRelations: [...relationCount, ...contactRelations].filter(([, n]) => n > 1).map(([p]) => p),
    unsettled: [],
    lost: [],
    unexpectedOrders: [],
    duplicateContacts: [...contactsByEmail].filter(([, n]) => n > 1).map(([k]) => k.split('|')[1] ?? ''),
  };
  for (const row of rows) {
    report.byStatus[row.status] = (report.byStatus[row.status] ?? 0) + 1;
    const booked = byExternalId.get(row.incrementId) ?? [];
    if (row.status === 'pending' || row.status === 'processing') report.unsettled.push(row.incrementId);
    if (row.status === 'complete' || row.status === 'updated') {
      const idsExist =
        row.plentyOrderId != null &&
        booked.includes(row.plentyOrderId) &&
        (row.plentyContactId == null || plenty.contacts.has(row.plentyContactId)) &&
        row.plentyBillingAddressId != null &&
        plenty.addresses.has(row.plentyBillingAddressId) &&
        (row.plentyPaymentId == null || plenty.payments.has(row.plentyPaymentId));
      if (!idsExist) report.lost.push(row.incrementId);
    } else if (booked.length > 0 && row.status !== 'pending' && row.status !== 'processing') {
      report.unexpectedOrders.push(row.incrementId);
    }
  }
  return report;
}
