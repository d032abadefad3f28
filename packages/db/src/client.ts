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
