import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyRole, PrismaClient } from '@mpc/db';

/** Keys are 256 random bits; only their sha256 is stored, plus a short prefix to recognise them in lists. */
export const KEY_PREFIX = 'mpc_';

export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function displayPrefix(key: string): string {
  return key.slice(0, 12);
}

export interface AuthenticatedKey {
  id: number;
  name: string;
  role: ApiKeyRole;
}

export function apiKeyView(k: {
  id: number;
  name: string;
  role: ApiKeyRole;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}) {
  return {
    id: k.id,
    name: k.name,
    role: k.role,
    prefix: k.prefix,
    createdAt: k.createdAt,
    lastUsedAt: k.lastUsedAt,
    revokedAt: k.revokedAt,
  };
}

export function apiKeyRepository(prisma: PrismaClient) {
  // lastUsedAt is informational: write it at most once a minute per key, not on every request
  const touched = new Map<number, number>();
  return {
    async create(input: { name: string; role: ApiKeyRole; key?: string }) {
      const key = input.key ?? generateApiKey();
      const row = await prisma.apiKey.create({
        data: { name: input.name, role: input.role, prefix: displayPrefix(key), keyHash: hashApiKey(key) },
      });
      return { key, row };
    },
    list: () => prisma.apiKey.findMany({ orderBy: { id: 'asc' } }),
    async revoke(id: number) {
      const row = await prisma.apiKey.findUnique({ where: { id } });
      if (!row) return null;
      if (row.revokedAt) return row;
      return prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    },
    async authenticate(key: string): Promise<AuthenticatedKey | null> {
      const row = await prisma.apiKey.findUnique({ where: { keyHash: hashApiKey(key) } });
      if (!row || row.revokedAt) return null;
      const now = Date.now();
      if ((touched.get(row.id) ?? 0) < now - 60_000) {
        touched.set(row.id, now);
        await prisma.apiKey
          .update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } })
          .catch(() => {});
      }
      return { id: row.id, name: row.name, role: row.role };
    },
    /** For board sessions: the key behind a verified session cookie, unless revoked since. */
    async byId(id: number): Promise<AuthenticatedKey | null> {
      const row = await prisma.apiKey.findUnique({ where: { id } });
      if (!row || row.revokedAt) return null;
      return { id: row.id, name: row.name, role: row.role };
    },
    /** Creates the bootstrap admin key when no (unrevoked) admin key exists; returns whether it did. */
    async ensureBootstrapAdmin(key: string): Promise<boolean> {
      const existing = await prisma.apiKey.count({ where: { role: 'admin', revokedAt: null } });
      if (existing > 0) return false;
      const sameHash = await prisma.apiKey.findUnique({ where: { keyHash: hashApiKey(key) } });
      if (sameHash) return false; // the bootstrap key was revoked on purpose: do not resurrect it
      await prisma.apiKey.create({
        data: {
          name: 'bootstrap-admin',
          role: 'admin',
          prefix: displayPrefix(key),
          keyHash: hashApiKey(key),
        },
      });
      return true;
    },
  };
}
export type ApiKeyRepository = ReturnType<typeof apiKeyRepository>;
