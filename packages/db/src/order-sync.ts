import { PREPARED, type PrismaClient } from './client';
import { type OrderSync, Prisma } from './generated/prisma/client';
import type { OrderSyncStatus } from './generated/prisma/enums';

/**
 * The database clock as Prisma stores `DateTime` (UTC wall time in `timestamp(3)` columns). Every
 * raw statement that writes or compares those columns uses it, whatever the server's TimeZone:
 * plain `now()` would be local time there, hours off from what Prisma and JavaScript read.
 */
export const DB_NOW = Prisma.sql`(now() AT TIME ZONE 'UTC')`;
/** The end of a lease of `leaseMs` from now, on the database clock. */
export const leaseUntil = (leaseMs: number) =>
  Prisma.sql`${DB_NOW} + make_interval(secs => ${leaseMs / 1000})`;

/**
 * Every OrderSync column by name, for result lists of PREPARED statements (never `*`: the columns
 * a prepared statement returns must not change under it).
 */
export const orderSyncColumns = Prisma.raw(
  Object.values(Prisma.OrderSyncScalarFieldEnum)
    .map((c) => `"${c}"`)
    .join(', '),
);

/**
 * Sets `"sentSteps"` to include `step` once, only where `when` holds (a SET clause). `step` is a
 * value, or an expression (a NULL step marks nothing).
 */
export function markSentSql(step: string | Prisma.Sql, when: Prisma.Sql = Prisma.sql`true`): Prisma.Sql {
  const sent = Prisma.sql`coalesce("sentSteps", ARRAY[]::text[])`;
  // NULL = ANY('{}') is false, not NULL: an expression's NULL must be kept out explicitly
  const given = typeof step === 'string' ? Prisma.empty : Prisma.sql` AND ${step} IS NOT NULL`;
  return Prisma.sql`"sentSteps" = CASE WHEN ${when}${given} AND NOT (${step} = ANY(${sent}))
                                       THEN array_append(${sent}, ${step}) ELSE "sentSteps" END`;
}

/** The Plenty ids an export records, one column each (the order synchronisation tab). */
export const plentyIdColumns = [
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
] as const satisfies readonly (keyof OrderSync)[];
export type PlentyIds = Partial<Pick<OrderSync, (typeof plentyIdColumns)[number]>>;

export interface OrderSummary {
  magentoOrderId: number;
  incrementId: string;
  customerId: number | null;
  storeId: number | null;
  magentoStatus: string | null;
  magentoUpdatedAt: Date | null;
}

export type ClaimResult =
  | { claimed: true; row: OrderSync }
  | { claimed: false; reason: 'missing' | 'settled' | 'held'; row: OrderSync | null };

export interface HistoryEntry {
  status: OrderSyncStatus;
  action: string;
  message: string;
  plentyOrderId?: number | null;
  request?: unknown;
  response?: unknown;
}

/** Repository of the sync log: OrderSync rows and their history. */
export class OrderSyncRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findMany(profileId: number, magentoOrderIds: number[]): Promise<OrderSync[]> {
    if (magentoOrderIds.length === 0) return Promise.resolve([]);
    return this.prisma.orderSync.findMany({ where: { profileId, magentoOrderId: { in: magentoOrderIds } } });
  }

  find(profileId: number, magentoOrderId: number): Promise<OrderSync | null> {
    return this.prisma.orderSync.findUnique({
      where: { profileId_magentoOrderId: { profileId, magentoOrderId } },
    });
  }

  /** Creates or refreshes the row of a collected order and sets its status; returns the row. */
  async upsert(
    profileId: number,
    order: OrderSummary,
    status: OrderSyncStatus,
    message: string | null,
  ): Promise<OrderSync> {
    const data = {
      incrementId: order.incrementId,
      customerId: order.customerId,
      storeId: order.storeId,
      magentoStatus: order.magentoStatus,
      magentoUpdatedAt: order.magentoUpdatedAt,
      status,
      message,
    };
    return this.prisma.orderSync.upsert({
      where: { profileId_magentoOrderId: { profileId, magentoOrderId: order.magentoOrderId } },
      create: { profileId, magentoOrderId: order.magentoOrderId, ...data },
      update: data,
    });
  }

  /**
   * Claims a row for one export attempt. Only one job may hold a row: the holder is
   * `<BullMQ job id>#<delivery>` (the delivery's lock token), and a lease covers a holder that died.
   * A re-delivery of the same job (after a crash or a lost lock) takes the row over at once; the
   * earlier delivery, should it still run, then fails every `claimedBy = holder` check and sends
   * nothing more. Another job waits for the lease to expire.
   */
  async claim(
    profileId: number,
    magentoOrderId: number,
    holder: string,
    leaseMs: number,
    settled: OrderSyncStatus[],
  ): Promise<ClaimResult> {
    const rows = await this.prisma.$queryRaw<OrderSync[]>`${PREPARED}
      UPDATE "OrderSync"
         SET "status" = 'processing'::"OrderSyncStatus",
             "claimedBy" = ${holder},
             "claimedUntil" = ${leaseUntil(leaseMs)},
             "attempts" = "attempts" + 1,
             "updatedAt" = ${DB_NOW}
       WHERE "profileId" = ${profileId} AND "magentoOrderId" = ${magentoOrderId}
         AND NOT ("status"::text = ANY(${settled}::text[]))
         AND ("claimedBy" IS NULL OR split_part("claimedBy", '#', 1) = split_part(${holder}, '#', 1)
              OR "claimedUntil" < ${DB_NOW})
      RETURNING ${orderSyncColumns}`;
    if (rows[0]) return { claimed: true, row: rows[0] };
    const row = await this.find(profileId, magentoOrderId);
    if (!row) return { claimed: false, reason: 'missing', row: null };
    return { claimed: false, reason: settled.includes(row.status) ? 'settled' : 'held', row };
  }

  /**
   * Extends the lease while this job still holds the row and, with `markSent`, marks that step
   * sent in the same statement (before its create call: a retry that finds it sent without an id
   * looks it up). False when the claim was taken over: the caller must send nothing more.
   */
  async renew(id: number, holder: string, leaseMs: number, markSent?: string): Promise<boolean> {
    const mark = markSent ? Prisma.sql`, ${markSentSql(markSent)}` : Prisma.empty;
    const n = await this.prisma.$executeRaw`${PREPARED}
      UPDATE "OrderSync" SET "claimedUntil" = ${leaseUntil(leaseMs)}, "updatedAt" = ${DB_NOW} ${mark}
       WHERE "id" = ${id} AND "claimedBy" = ${holder}`;
    return n === 1;
  }

  /** Ends an attempt: releases the claim and writes the status, the message and a history row. */
  async finish(
    row: OrderSync,
    status: OrderSyncStatus,
    message: string,
    history: Omit<HistoryEntry, 'status' | 'message'>,
  ): Promise<OrderSync> {
    const [updated] = await this.prisma.$transaction([
      this.prisma.orderSync.update({
        where: { id: row.id },
        data: {
          status,
          message,
          claimedBy: null,
          claimedUntil: null,
          processedAt: status === 'pending' || status === 'processing' ? undefined : new Date(),
        },
      }),
      this.prisma.orderSyncHistory.create({ data: this.historyData(row, { ...history, status, message }) }),
    ]);
    return updated;
  }

  /** Releases a claim without settling: the row waits (pending) for its job to run again. */
  async release(row: OrderSync, message: string): Promise<void> {
    await this.prisma.orderSync.update({
      where: { id: row.id },
      data: { status: 'pending', claimedBy: null, claimedUntil: null, message },
    });
  }

  /** A job that will not run again left the row unsettled: mark it failed so an admin sees it. */
  async abandon(profileId: number, magentoOrderId: number, message: string): Promise<boolean> {
    const row = await this.find(profileId, magentoOrderId);
    if (!row || (row.status !== 'pending' && row.status !== 'processing')) return false;
    await this.finish(row, 'failed', message, { action: 'export' });
    return true;
  }

  async addHistory(
    row: Pick<OrderSync, 'id' | 'profileId' | 'magentoOrderId' | 'plentyOrderId'>,
    entry: HistoryEntry,
  ): Promise<void> {
    await this.prisma.orderSyncHistory.create({ data: this.historyData(row, entry) });
  }

  private historyData(
    row: Pick<OrderSync, 'id' | 'profileId' | 'magentoOrderId' | 'plentyOrderId'>,
    entry: HistoryEntry,
  ): Prisma.OrderSyncHistoryUncheckedCreateInput {
    return {
      orderSyncId: row.id,
      profileId: row.profileId,
      magentoOrderId: row.magentoOrderId,
      plentyOrderId: entry.plentyOrderId ?? row.plentyOrderId,
      status: entry.status,
      direction: 'export',
      action: entry.action,
      message: entry.message,
      request: entry.request === undefined ? undefined : (entry.request as Prisma.InputJsonValue),
      response: entry.response === undefined ? undefined : (entry.response as Prisma.InputJsonValue),
    };
  }
}
