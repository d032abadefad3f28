import {
  DB_NOW,
  markSentSql,
  type OrderSync,
  orderSyncColumns,
  type PlentyIds,
  Prisma,
  type PrismaClient,
  plentyIdColumns,
} from '@mpc/db';

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

/** A PlentyIds column's SQL type, for reading it out of a batch's JSON (and the whitelist of them). */
const ID_COLUMN_TYPES: Record<keyof PlentyIds, 'int' | 'float8' | 'text'> = {
  plentyOrderId: 'int',
  plentyStatusId: 'float8',
  plentyStatusName: 'text',
  plentyReferrerId: 'float8',
  plentyContactId: 'int',
  plentyBillingAddressId: 'int',
  plentyShippingAddressId: 'int',
  plentyPaymentId: 'int',
  plentyPaymentMethodId: 'int',
  plentyPaymentStatusId: 'int',
  plentyPaymentOrderAssignmentId: 'int',
  plentyPaymentContactAssignmentId: 'int',
};

function checkIds(ids: PlentyIds): void {
  for (const k of Object.keys(ids))
    if (!Object.hasOwn(ID_COLUMN_TYPES, k)) throw new Error(`not an id column: ${k}`);
}

/** Most writes one batch statement carries (its JSON stays small). */
const MAX_BATCH = 64;

interface Write {
  id: number;
  ids: PlentyIds;
  history: StepHistory[];
  /** record: the claim holder, lease and mark; complete: none (it releases the claim) */
  lease?: Lease;
  resolve: (r: { row: OrderSync; held: boolean }) => void;
  reject: (err: unknown) => void;
}

/**
 * One statement for any number of writes (an exporter's many workers record at about the same
 * time), as JSON rows, each updating its own OrderSync row. Fixed text, so it stays one prepared
 * statement whatever the batch size. An id key that is present is set (also to NULL).
 */
const BATCH_SQL = (() => {
  const idSets = plentyIdColumns.map((c) => {
    const value =
      ID_COLUMN_TYPES[c] === 'text' ? `v.b_ids->>'${c}'` : `(v.b_ids->>'${c}')::${ID_COLUMN_TYPES[c]}`;
    return `"${c}" = CASE WHEN v.b_ids ? '${c}' THEN ${value} ELSE o."${c}" END`;
  });
  const now = DB_NOW.sql;
  const held = `o."claimedBy" = v.b_holder`;
  const mark = markSentSql(Prisma.raw('v.b_mark'), Prisma.raw(held)).sql;
  return `/* prepared */ WITH v AS (
      SELECT * FROM jsonb_to_recordset($1::jsonb)
        AS v(b_id int, b_holder text, b_lease_s float8, b_mark text, b_ids jsonb, b_complete boolean, b_message text)
    ), u AS (
      UPDATE "OrderSync" o SET ${idSets.join(', ')},
        "status" = CASE WHEN v.b_complete THEN 'complete'::"OrderSyncStatus" ELSE o."status" END,
        "message" = CASE WHEN v.b_complete THEN v.b_message ELSE o."message" END,
        "claimedBy" = CASE WHEN v.b_complete THEN NULL ELSE o."claimedBy" END,
        "claimedUntil" = CASE WHEN v.b_complete THEN NULL
                              WHEN ${held} THEN ${now} + make_interval(secs => v.b_lease_s)
                              ELSE o."claimedUntil" END,
        "processedAt" = CASE WHEN v.b_complete THEN ${now} ELSE o."processedAt" END,
        ${mark},
        "updatedAt" = ${now}
      FROM v WHERE o."id" = v.b_id
      RETURNING ${orderSyncColumns.sql}, coalesce(${held}, false) AS "__held"
    ), h AS (
      INSERT INTO "OrderSyncHistory" ("orderSyncId", "profileId", "magentoOrderId", "plentyOrderId", "status", "direction", "action", "message", "request", "response")
      SELECT u."id", u."profileId", u."magentoOrderId", coalesce(hv.plenty_order_id, u."plentyOrderId"), hv.status::"OrderSyncStatus",
             'export'::"SyncDirection", hv.action, hv.message, hv.request, hv.response
        FROM jsonb_to_recordset($2::jsonb)
             AS hv(n int, row_id int, status text, action text, message text, plenty_order_id int, request jsonb, response jsonb)
        JOIN u ON u."id" = hv.row_id
       ORDER BY hv.n
    )
    SELECT ${orderSyncColumns.sql}, "__held" FROM u`;
})();

/**
 * The step machine's bookkeeping, the hot path of every export. Same columns and semantics as
 * OrderSyncRepository:
 * - `record`: stores ids (what Plenty returned, and what the runner found and held back), writes
 *   their history rows and, while this job holds the row, renews the claim and marks the next
 *   step sent; with no ids it is the renew-and-mark before a create;
 * - `complete`: the final ids, `complete`, the released claim and the history rows.
 * The writes that the exports running at once make in the same turn of the event loop share one
 * statement (BATCH_SQL): under load ~5 rows a statement, 2.2 statements per order instead of 5.2.
 * A caller gets its own row back, and its write is committed when its promise resolves; a row's
 * next write waits until its write in flight is done.
 */
export class StepStore {
  private queue: Write[] = [];
  private scheduled = false;
  /** rows with a write in flight: the next write of a row waits for it (one job's writes stay in order) */
  private readonly inFlight = new Set<number>();
  /** statements sent (a batch is one): what the batching saves is visible in tests and metrics */
  statementsSent = 0;

  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Ids are written even when the claim was lost meanwhile (they are facts about Plenty that the
   * next holder must not create again); `held` says whether this job still holds the row.
   */
  record(
    id: number,
    ids: PlentyIds,
    history: StepHistory[],
    lease: Lease,
  ): Promise<{ row: OrderSync; held: boolean }> {
    checkIds(ids); // refuses a column that is not a Plenty id before anything is queued
    return this.enqueue({ id, ids, history, lease });
  }

  async complete(id: number, ids: PlentyIds, history: StepHistory[]): Promise<OrderSync> {
    checkIds(ids);
    return (await this.enqueue({ id, ids, history })).row;
  }

  private enqueue(w: Omit<Write, 'resolve' | 'reject'>): Promise<{ row: OrderSync; held: boolean }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...w, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // everything the workers queue in this turn of the event loop goes in one statement
    setImmediate(() => {
      this.scheduled = false;
      const batch: Write[] = [];
      const later: Write[] = [];
      const rows = new Set<number>();
      let full = false;
      for (const w of this.queue) {
        // a row twice in one UPDATE would take only one of the writes, and a row's writes must
        // reach Postgres in order: the later one waits until the earlier one is done
        if (rows.has(w.id) || this.inFlight.has(w.id)) later.push(w);
        else if (batch.length >= MAX_BATCH) {
          full = true;
          later.push(w);
        } else {
          rows.add(w.id);
          batch.push(w);
        }
      }
      this.queue = later;
      // the rest waits for rows in flight (whose completion schedules again) or for the next turn
      if (full) this.schedule();
      if (batch.length === 0) return;
      for (const w of batch) this.inFlight.add(w.id);
      void this.send(batch).finally(() => {
        for (const w of batch) this.inFlight.delete(w.id);
        if (this.queue.length) this.schedule();
      });
    });
  }

  private async send(batch: Write[]): Promise<void> {
    let results: Map<number, { row: OrderSync; held: boolean }>;
    try {
      results = await this.sendBatch(batch);
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      // one statement failed for all (a deadlock with another process, a bad row): each on its own
      await Promise.all(batch.map((w) => this.send([w])));
      return;
    }
    for (const w of batch) {
      const r = results.get(w.id);
      if (!r) w.reject(new Error(`OrderSync row ${w.id} is gone`));
      else w.resolve(w.lease ? r : { row: r.row, held: true });
    }
  }

  private async sendBatch(batch: Write[]): Promise<Map<number, { row: OrderSync; held: boolean }>> {
    // rows in id order: two batches that share rows lock them in the same order (no deadlock)
    const ordered = [...batch].sort((x, y) => x.id - y.id);
    const rows = ordered.map((w) => ({
      b_id: w.id,
      b_holder: w.lease?.holder ?? null,
      b_lease_s: w.lease ? w.lease.leaseMs / 1000 : null,
      b_mark: w.lease?.markSent ?? null,
      // an id given as undefined is set to NULL
      b_ids: Object.fromEntries(Object.entries(w.ids).map(([k, v]) => [k, v ?? null])),
      b_complete: !w.lease,
      b_message: w.lease ? null : (w.history.at(-1)?.message ?? null),
    }));
    const history = ordered
      .flatMap((w) =>
        w.history.map((h, i) => ({
          row_id: w.id,
          // the last history row of a completion is `complete`, the others `processing`
          status: !w.lease && i === w.history.length - 1 ? 'complete' : 'processing',
          action: h.action,
          message: h.message,
          plenty_order_id: h.plentyOrderId ?? null,
          request: h.request ?? null,
          response: h.response ?? null,
        })),
      )
      .map((h, n) => ({ ...h, n }));
    this.statementsSent++;
    const result = await this.prisma.$queryRawUnsafe<(OrderSync & { __held: boolean })[]>(
      BATCH_SQL,
      JSON.stringify(rows),
      JSON.stringify(history),
    );
    return new Map(
      result.map(({ __held, ...row }) => [row.id, { row: row as OrderSync, held: __held === true }]),
    );
  }
}
