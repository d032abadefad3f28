import type { Prisma, PrismaClient } from '@mpc/db';
import type { AuthenticatedKey } from './api-keys';

export function actorOf(key: AuthenticatedKey | undefined): string {
  return key ? `${key.name} (api key ${key.id})` : 'system';
}

const SECRET_FIELDS = new Set(['secretEncrypted', 'password', 'accessToken', 'keyHash', 'secret']);

/** Removes secrets (recursively) before anything reaches the audit log. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !SECRET_FIELDS.has(k))
        .map(([k, v]) => [k, withoutSecrets(v)]),
    );
  }
  return value;
}

type Db = PrismaClient | Prisma.TransactionClient;

export async function audit(
  db: Db,
  entry: {
    actor: AuthenticatedKey | undefined;
    action: string;
    entityType: string;
    entityId: string | number;
    before?: unknown;
    after?: unknown;
  },
): Promise<void> {
  await db.auditLog.create({
    data: {
      actor: actorOf(entry.actor),
      action: entry.action,
      entityType: entry.entityType,
      entityId: String(entry.entityId),
      before:
        entry.before === undefined || entry.before === null
          ? undefined
          : (withoutSecrets(entry.before) as Prisma.InputJsonValue),
      after:
        entry.after === undefined || entry.after === null
          ? undefined
          : (withoutSecrets(entry.after) as Prisma.InputJsonValue),
    },
  });
}
