import {
  DB_NOW,
  leaseUntil,
  markSentSql,
  type OrderSync,
  orderSyncColumns,
  type PlentyIds,
  PREPARED,
  Prisma,
  type PrismaClient,
  plentyIdColumns,
} from '@mpc/db';

/** The id columns a step may record (a whitelist: they are put into SQL by name). */
const ID_COLUMNS = new Set<keyof PlentyIds>(plentyIdColumns);

export interface StepHistory {
  action: string;
  message: string;
  plentyOrderId?: number | null;
  request?: unknown;
  response?: unknown;
}

/** The claim holder and lease a `record` renews, and the next step it marks sent. */
export interface Lease {
  holder: string;
  leaseMs: number;
  /** the step whose create call may follow: marked sent in the same statement */
  markSent?: string;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

function setIds(ids: PlentyIds): Prisma.Sql[] {
  return Object.entries(ids).map(([k, v]) => {
    if (!ID_COLUMNS.has(k as keyof PlentyIds)) throw new Error(`not an id column: ${k}`);
    return Prisma.sql`${Prisma.raw(`"${k}"`)} = ${v ?? null}`;
  });
}

/**
 * The step machine's bookkeeping in as few Postgres round trips as the guarantees allow (it is
 * the hot path of every export). Same columns and semantics as OrderSyncRepository:
 * - `record`: stores ids (what Plenty returned, and what the runner found and held back), writes
 *   their history rows and, while this job holds the row, renews the claim and marks the next
 *   step sent, in one statement; with no ids it is the renew-and-mark before a create;
 * - `complete`: the final ids, `complete`, the released claim and the history rows, in one statement.
 */
export class StepStore {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Ids are written even when the claim was lost meanwhile (they are facts about Plenty that the
   * next holder must not create again); `held` says whether this job still holds the row.
   */
  async record(
    id: number,
    ids: PlentyIds,
    history: StepHistory[],
    lease: Lease,
  ): Promise<{ row: OrderSync; held: boolean }> {
    const held = Prisma.sql`"claimedBy" = ${lease.holder}`;
    const sets = [
      ...setIds(ids),
      Prisma.sql`"claimedUntil" = CASE WHEN ${held} THEN ${leaseUntil(lease.leaseMs)} ELSE "claimedUntil" END`,
      Prisma.sql`"updatedAt" = ${DB_NOW}`,
    ];
    if (lease.markSent) sets.push(markSentSql(lease.markSent, held));
    return this.write(id, sets, history, 'processing', held);
  }

  async complete(id: number, ids: PlentyIds, history: StepHistory[]): Promise<OrderSync> {
    const last = history.at(-1);
    const { row } = await this.write(
      id,
      [
        ...setIds(ids),
        Prisma.sql`"status" = 'complete'::"OrderSyncStatus"`,
        Prisma.sql`"message" = ${last?.message ?? null}`,
        Prisma.sql`"claimedBy" = NULL`,
        Prisma.sql`"claimedUntil" = NULL`,
        Prisma.sql`"processedAt" = ${DB_NOW}`,
        Prisma.sql`"updatedAt" = ${DB_NOW}`,
      ],
      history,
      'complete',
    );
    return row;
  }

  private async write(
    id: number,
    sets: Prisma.Sql[],
    history: StepHistory[],
    status: 'processing' | 'complete',
    held: Prisma.Sql = Prisma.sql`true`,
  ): Promise<{ row: OrderSync; held: boolean }> {
    // the last history row gets the row's status; the earlier ones (steps recorded with it) stay processing
    const values = history.map(
      (h, i) =>
        Prisma.sql`(${i}::int, ${i === history.length - 1 ? status : 'processing'}::"OrderSyncStatus", ${h.action}, ${h.message},
                    ${h.plentyOrderId ?? null}::int, ${json(h.request)}::jsonb, ${json(h.response)}::jsonb)`,
    );
    const insertHistory = values.length
      ? Prisma.sql`, h AS (
        INSERT INTO "OrderSyncHistory" ("orderSyncId", "profileId", "magentoOrderId", "plentyOrderId", "status", "direction", "action", "message", "request", "response")
        SELECT u."id", u."profileId", u."magentoOrderId", coalesce(v.plenty_order_id, u."plentyOrderId"), v.status, 'export'::"SyncDirection",
               v.action, v.message, v.request, v.response
          FROM u, (VALUES ${Prisma.join(values, ', ')}) AS v(n, status, action, message, plenty_order_id, request, response)
         ORDER BY v.n
      )`
      : Prisma.empty;
    // a write never changes "claimedBy", so RETURNING's `held` is what the CASE expressions saw
    const rows = await this.prisma.$queryRaw<(OrderSync & { __held: boolean })[]>`${PREPARED}
      WITH u AS (
        UPDATE "OrderSync" SET ${Prisma.join(sets, ', ')} WHERE "id" = ${id}
        RETURNING ${orderSyncColumns}, (${held}) AS "__held"
      )${insertHistory}
      SELECT ${orderSyncColumns}, "__held" FROM u`;
    const first = rows[0];
    if (!first) throw new Error(`OrderSync row ${id} is gone`);
    const { __held, ...row } = first;
    return { row, held: __held === true };
  }
}
