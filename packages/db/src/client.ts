import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from './generated/prisma/client';

export type {
  ApiKey,
  AuditLog,
  Connection,
  Lookup,
  OrderSync,
  OrderSyncHistory,
  Profile,
  ProfileSetting,
  Schedule,
  ScheduleHistory,
} from './generated/prisma/client';
export { Prisma, PrismaClient } from './generated/prisma/client';
export * from './generated/prisma/enums';

const PREPARED_MARK = '/* prepared */ ';

/**
 * Starts a raw statement that runs as a named (server-side prepared) statement: Postgres parses
 * and plans it once per pooled connection instead of on every call (planning alone was ~45% of
 * the export statements' time in Postgres). Only for the hot path's statements, whose texts are
 * few and fixed (each distinct text stays prepared on every connection; a per-query SQL comment,
 * e.g. Prisma's sqlcommenter, would make every call a new one), and never with `*` in a result
 * list: a prepared statement whose result columns change fails with "cached plan must not change
 * result type". The pool then drops that connection (pg-pool discards a client whose query
 * failed), so a migration that changes a returned column's type costs one failed statement per
 * connection; naming the columns spares that for the common case, a column added.
 */
export const PREPARED = Prisma.raw(PREPARED_MARK);

/** The statement name of a PREPARED statement (same text, same name); others stay unnamed. */
export function preparedStatementName(sql: string): string | undefined {
  if (!sql.startsWith(PREPARED_MARK)) return undefined;
  return `mpc_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
}

export function createPrismaClient(databaseUrl: string, poolSize = 10): PrismaClient {
  const adapter = new PrismaPg(
    { connectionString: databaseUrl, max: poolSize },
    // pg sends an unnamed statement for `undefined`
    { statementNameGenerator: (query) => preparedStatementName(query.sql) as string },
  );
  return new PrismaClient({ adapter });
}

/** Readiness check of a service's database: one round trip. */
export function postgresReadiness(prisma: PrismaClient): () => Promise<void> {
  return async () => {
    await prisma.$queryRaw`SELECT 1`;
  };
}
