import { Prisma, type PrismaClient, plentyIdColumns } from '@mpc/db';
import { problems } from '../http/problem';

/**
 * The sync log lists (orders, order history, schedules, schedule history) are keyset-paginated,
 * newest first (createdAt desc, id desc), on the (profileId, createdAt desc, id desc) indexes: a
 * page costs the same at row 10 and at row 1,000,000. The total is counted only on the first page
 * and capped (COUNT over at most TOTAL_CAP + 1 index entries), so it stays cheap on huge logs.
 */
export const TOTAL_CAP = 10_000;
export const DEFAULT_LIMIT = 50;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  limit: number;
  total: number | null;
  totalExact: boolean | null;
}

export function encodeCursor(createdAt: Date, id: number): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: string; id: number } {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      typeof v[0] === 'string' &&
      !Number.isNaN(Date.parse(v[0])) &&
      Number.isInteger(v[1]) &&
      v[1] > 0 &&
      v[1] <= 2_147_483_647
    ) {
      return { createdAt: new Date(v[0]).toISOString(), id: v[1] };
    }
  } catch {
    // fall through
  }
  throw problems.validation([
    { path: 'query.cursor', message: 'invalid cursor: pass the nextCursor of the previous page unchanged' },
  ]);
}

/** timestamps are stored as UTC `timestamp(3)`; compare against UTC explicitly */
const ts = (iso: string) => Prisma.sql`(${iso}::timestamptz AT TIME ZONE 'UTC')`;

export interface ListFilter {
  limit?: number;
  cursor?: string;
  from?: string;
  to?: string;
}

async function keysetPage<T extends { createdAt: Date; id: number }>(
  prisma: PrismaClient,
  table: 'OrderSync' | 'OrderSyncHistory' | 'Schedule' | 'ScheduleHistory',
  columns: Prisma.Sql,
  conditions: Prisma.Sql[],
  filter: ListFilter,
): Promise<Page<T>> {
  const limit = filter.limit ?? DEFAULT_LIMIT;
  const where = [...conditions];
  if (filter.from) where.push(Prisma.sql`"createdAt" >= ${ts(filter.from)}`);
  if (filter.to) where.push(Prisma.sql`"createdAt" <= ${ts(filter.to)}`);
  const base = Prisma.join(where, ' AND ');
  const pageWhere = [...where];
  if (filter.cursor) {
    const c = decodeCursor(filter.cursor);
    pageWhere.push(Prisma.sql`("createdAt", "id") < (${ts(c.createdAt)}, ${c.id})`);
  }
  const tbl = Prisma.raw(`"${table}"`);
  const rows = await prisma.$queryRaw<T[]>`
    SELECT ${columns} FROM ${tbl} WHERE ${Prisma.join(pageWhere, ' AND ')}
    ORDER BY "createdAt" DESC, "id" DESC LIMIT ${limit + 1}`;
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  let total: number | null = null;
  let totalExact: boolean | null = null;
  if (!filter.cursor) {
    const [r] = await prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM (SELECT 1 FROM ${tbl} WHERE ${base} LIMIT ${TOTAL_CAP + 1}) t`;
    const n = Number(r?.n ?? 0);
    total = Math.min(n, TOTAL_CAP);
    totalExact = n <= TOTAL_CAP;
  }
  return {
    items,
    nextCursor: hasMore && last ? encodeCursor(last.createdAt, last.id) : null,
    limit,
    total,
    totalExact,
  };
}

const orderColumns = Prisma.raw(
  [
    'id',
    'profileId',
    'magentoOrderId',
    'incrementId',
    'customerId',
    'storeId',
    'magentoStatus',
    'magentoUpdatedAt',
    'status',
    ...plentyIdColumns,
    'message',
    'attempts',
    'createdAt',
    'updatedAt',
    'processedAt',
  ]
    .map((c) => (c === 'status' ? `"status"::text AS "status"` : `"${c}"`))
    .join(', '),
);

export interface OrderFilter extends ListFilter {
  status?: string[];
  magentoOrderId?: number;
  incrementId?: string;
}

const statusIn = (statuses: string[], type: string) =>
  Prisma.sql`"status" IN (${Prisma.join(statuses.map((s) => Prisma.sql`${s}::${Prisma.raw(`"${type}"`)}`))})`;

export function logsRepository(prisma: PrismaClient) {
  return {
    orders(profileId: number, f: OrderFilter) {
      const where = [Prisma.sql`"profileId" = ${profileId}`];
      if (f.status?.length) where.push(statusIn(f.status, 'OrderSyncStatus'));
      if (f.magentoOrderId !== undefined) where.push(Prisma.sql`"magentoOrderId" = ${f.magentoOrderId}`);
      if (f.incrementId !== undefined) where.push(Prisma.sql`"incrementId" = ${f.incrementId}`);
      return keysetPage(prisma, 'OrderSync', orderColumns, where, f);
    },
    orderHistory(profileId: number, f: OrderFilter) {
      const where = [Prisma.sql`"profileId" = ${profileId}`];
      if (f.status?.length) where.push(statusIn(f.status, 'OrderSyncStatus'));
      if (f.magentoOrderId !== undefined) where.push(Prisma.sql`"magentoOrderId" = ${f.magentoOrderId}`);
      const cols = Prisma.raw(
        `"id", "orderSyncId", "profileId", "magentoOrderId", "plentyOrderId", "status"::text AS "status", "direction"::text AS "direction", "action", "message", "createdAt"`,
      );
      return keysetPage(prisma, 'OrderSyncHistory', cols, where, f);
    },
    schedules(profileId: number, f: ListFilter & { status?: string[] }) {
      const where = [Prisma.sql`"profileId" = ${profileId}`];
      if (f.status?.length) where.push(statusIn(f.status, 'ScheduleStatus'));
      const cols = Prisma.raw(
        `"id", "profileId", "status"::text AS "status", "jobCode", "trigger", "message", "stats", "createdAt", "scheduledAt", "executedAt", "finishedAt"`,
      );
      return keysetPage(prisma, 'Schedule', cols, where, f);
    },
    scheduleHistory(profileId: number, f: ListFilter & { status?: string[]; scheduleId?: number }) {
      const where = [Prisma.sql`"profileId" = ${profileId}`];
      if (f.status?.length) where.push(statusIn(f.status, 'ScheduleStatus'));
      if (f.scheduleId !== undefined) where.push(Prisma.sql`"scheduleId" = ${f.scheduleId}`);
      const cols = Prisma.raw(
        `"id", "scheduleId", "profileId", "status"::text AS "status", "action", "message", "createdAt", "performedAt"`,
      );
      return keysetPage(prisma, 'ScheduleHistory', cols, where, f);
    },
  };
}
