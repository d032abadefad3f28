import { DB_NOW, Prisma } from '@mpc/db';

type Tx = Pick<Prisma.TransactionClient, '$queryRaw'>;

/**
 * A row may be re-exported unless an export holds a live claim on it. This is the exporter's own
 * take-over rule (packages/db OrderSyncRepository.claim: `claimedBy IS NULL OR claimedUntil < DB_NOW`,
 * on the database clock), so the API never resets a row an exporter may still be working on, and
 * a `processing` row whose worker died (lease expired) or whose claim was released can be
 * recovered: the exporter resumes at the first step without a stored Plenty id and guards every
 * create by the stored ids / sent marks and lookups.
 */
export const NO_LIVE_CLAIM = Prisma.sql`("claimedBy" IS NULL OR "claimedUntil" IS NULL OR "claimedUntil" < ${DB_NOW})`;

export interface ResetRow {
  id: number;
  profileId: number;
  magentoOrderId: number;
  plentyOrderId: number | null;
  message: string;
  previousStatus: string;
}

/**
 * Puts the rows matching `where` (and without a live claim) back to `pending` for a re-export:
 * attempts 0, claim cleared, stored Plenty ids and sent marks kept (the export resumes). The
 * message names who asked and, for a row that was `processing`/`pending`, what it was
 * (`(was processing, claim of <job> expired 2026-…Z)`). Row locks make a concurrent claim win.
 */
export function resetForReexport(tx: Tx, where: Prisma.Sql, message: string): Promise<ResetRow[]> {
  return tx.$queryRaw<ResetRow[]>`
    UPDATE "OrderSync" AS o SET
      "status" = 'pending'::"OrderSyncStatus",
      "message" = ${message}::text || CASE
        WHEN old."status"::text IN ('processing', 'pending') THEN
          ' (was ' || old."status"::text || CASE
            WHEN old."claimedBy" IS NULL THEN ', not claimed'
            ELSE ', claim of ' || old."claimedBy" || ' expired ' ||
              coalesce(to_char(old."claimedUntil", 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'already')
          END || ')'
        ELSE '' END,
      "attempts" = 0,
      "claimedBy" = NULL,
      "claimedUntil" = NULL,
      "updatedAt" = ${DB_NOW}
    FROM (
      SELECT "id", "status", "claimedBy", "claimedUntil" FROM "OrderSync"
       WHERE ${where} AND ${NO_LIVE_CLAIM}
       FOR UPDATE
    ) AS old
    WHERE o."id" = old."id"
    RETURNING o."id", o."profileId", o."magentoOrderId", o."plentyOrderId", o."message",
      old."status"::text AS "previousStatus"`;
}
