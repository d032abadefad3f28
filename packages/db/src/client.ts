import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client';

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

export function createPrismaClient(databaseUrl: string, poolSize = 10): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize }) });
}

/** Readiness check of a service's database: one round trip. */
export function postgresReadiness(prisma: PrismaClient): () => Promise<void> {
  return async () => {
    await prisma.$queryRaw`SELECT 1`;
  };
}
