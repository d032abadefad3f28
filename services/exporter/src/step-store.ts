import { type OrderSync, type PlentyIds, Prisma, type PrismaClient, plentyIdColumns } from '@mpc/db';

/** The id columns a step may record (a whitelist: they are put into SQL by name). */
const ID_COLUMNS = new Set<keyof PlentyIds>(plentyIdColumns);

export interface StepHistory {
  action: string;
  message: string;
  plentyOrderId?: number | null;
  request?: unknown;
  response?: unknown;
}

/** UTC wall time, as Prisma stores `DateTime` in `timestamp(3)` columns. */
const UTC_NOW = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

function setIds(ids: PlentyIds): Prisma.Sql[] {
  return Object.entries(ids).map(([k, v]) => {
    if (!ID_COLUMNS.has(k as keyof PlentyIds)) throw new Error(`not an id column: ${k}`);
    return Prisma.sql`${Prisma.raw(`"${k}"`)} = ${v ?? null}`;
  });
}

/**
 * The step machine's bookkeeping in as few Postgres round trips as the guarantees allow (the hot
 * path of every export: a step used to cost four statements: renew, mark sent, record ids, add
 * history; it now costs two). Same columns and semantics as OrderSyncRepository:
 * - `sent`: renews the claim and marks the step sent before its create call, in one statement
 *   that only succeeds while this job still holds the row;
 * - `record`: stores the ids Plenty returned and writes the history row, in one statement;
 * - `complete`: the final ids, `complete`, the released claim and the history row, in one statement.
 */
export class StepStore {
  constructor(private readonly prisma: PrismaClient) {}

  async sent(id: number, holder: string, leaseMs: number, step: string): Promise<boolean> {
    const n = await this.prisma.$executeRaw`
      UPDATE "OrderSync"
         SET "claimedUntil" = now() + make_interval(secs => ${leaseMs / 1000}),
             "sentSteps" = CASE WHEN ${step} = ANY(coalesce("sentSteps", ARRAY[]::text[])) THEN "sentSteps"
                                ELSE array_append(coalesce("sentSteps", ARRAY[]::text[]), ${step}) END,
             "updatedAt" = ${UTC_NOW}
       WHERE "id" = ${id} AND "claimedBy" = ${holder}`;
    return n === 1;
  }

  async record(
    id: number,
    ids: PlentyIds,
    history: StepHistory & { status?: 'processing' },
  ): Promise<OrderSync> {
    return this.write(id, [...setIds(ids), Prisma.sql`"updatedAt" = ${UTC_NOW}`], {
      ...history,
      status: history.status ?? 'processing',
    });
  }

  async complete(id: number, ids: PlentyIds, history: StepHistory): Promise<OrderSync> {
    return this.write(
      id,
      [
        ...setIds(ids),
        Prisma.sql`"status" = 'complete'::"OrderSyncStatus"`,
        Prisma.sql`"message" = ${history.message}`,
        Prisma.sql`"claimedBy" = NULL`,
        Prisma.sql`"claimedUntil" = NULL`,
        Prisma.sql`"processedAt" = ${UTC_NOW}`,
        Prisma.sql`"updatedAt" = ${UTC_NOW}`,
      ],
      { ...history, status: 'complete' },
    );
  }

  private async write(
    id: number,
    sets: Prisma.Sql[],
    h: StepHistory & { status: 'processing' | 'complete' },
  ): Promise<OrderSync> {
    const rows = await this.prisma.$queryRaw<OrderSync[]>`
      WITH u AS (
        UPDATE "OrderSync" SET ${Prisma.join(sets, ', ')} WHERE "id" = ${id} RETURNING *
      ), h AS (
        INSERT INTO "OrderSyncHistory" ("orderSyncId", "profileId", "magentoOrderId", "plentyOrderId", "status", "direction", "action", "message", "request", "response")
        SELECT u."id", u."profileId", u."magentoOrderId", coalesce(${h.plentyOrderId ?? null}::int, u."plentyOrderId"), ${h.status}::"OrderSyncStatus", 'export'::"SyncDirection",
               ${h.action}, ${h.message}, ${json(h.request)}::jsonb, ${json(h.response)}::jsonb
          FROM u
      )
      SELECT * FROM u`;
    const row = rows[0];
    if (!row) throw new Error(`OrderSync row ${id} is gone`);
    return row;
  }
}
