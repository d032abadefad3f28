import {
  type Lookups,
  type MagentoLookups,
  magentoLookupsSchema,
  type PlentyLookups,
  plentyLookupsSchema,
  type ResolvedSettings,
  resolveSettings,
  type ScopeSettings,
  scopeSettingsSchema,
} from '@mpc/core';
import type { PrismaClient } from './client';
import type { Profile } from './generated/prisma/client';
import type { SecretBox } from './secrets';

/** Lookup rows: one per connection, holding the whole lookup set of that system. */
export const lookupKinds = { plenty: 'plenty', magento: 'magento' } as const;

export interface ProfileContext {
  profile: Profile;
  scopes: Record<string, ScopeSettings>;
  magento: { connectionId: number; baseUrl: string; accessToken: string };
  plenty: { connectionId: number; baseUrl: string; username: string; password: string };
  lookups: Lookups | null;
  lookupsFetchedAt: Date | null;
}

export class InvalidSettingsError extends Error {
  override name = 'InvalidSettingsError';
}

export class ProfileNotFoundError extends Error {
  override name = 'ProfileNotFoundError';
}

/** Loads a profile with its scoped settings, decrypted connection credentials and cached lookups. */
export async function loadProfileContext(
  prisma: PrismaClient,
  secrets: SecretBox,
  profileId: number,
): Promise<ProfileContext> {
  const profile = await prisma.profile.findUnique({
    where: { id: profileId },
    include: { settings: true, magentoConnection: true, plentyConnection: true },
  });
  if (!profile) throw new ProfileNotFoundError(`profile ${profileId} does not exist`);
  const { settings, magentoConnection: m, plentyConnection: p, ...rest } = profile;
  const scopes: Record<string, ScopeSettings> = {};
  for (const row of settings) {
    const parsed = scopeSettingsSchema.safeParse(row.settings);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new InvalidSettingsError(
        `settings of scope ${row.scope} are invalid (${issues}): correct them through the API`,
      );
    }
    scopes[row.scope] = parsed.data;
  }
  const lookupRows = await prisma.lookup.findMany({
    where: {
      OR: [
        { connectionId: p.id, kind: lookupKinds.plenty },
        { connectionId: m.id, kind: lookupKinds.magento },
      ],
    },
  });
  const plentyRow = lookupRows.find((r) => r.kind === lookupKinds.plenty && r.connectionId === p.id);
  const magentoRow = lookupRows.find((r) => r.kind === lookupKinds.magento && r.connectionId === m.id);
  const lookups =
    plentyRow && magentoRow
      ? {
          plenty: plentyLookupsSchema.parse(plentyRow.data) as PlentyLookups,
          magento: magentoLookupsSchema.parse(magentoRow.data) as MagentoLookups,
        }
      : null;
  return {
    profile: rest,
    scopes,
    magento: {
      connectionId: m.id,
      baseUrl: m.baseUrl,
      accessToken: m.secretEncrypted ? secrets.decrypt(m.secretEncrypted) : '',
    },
    plenty: {
      connectionId: p.id,
      baseUrl: p.baseUrl,
      username: p.username ?? '',
      password: p.secretEncrypted ? secrets.decrypt(p.secretEncrypted) : '',
    },
    lookups,
    lookupsFetchedAt:
      plentyRow && magentoRow
        ? new Date(Math.min(plentyRow.fetchedAt.getTime(), magentoRow.fetchedAt.getTime()))
        : null,
  };
}

/** Resolved settings per context and store view: a loaded context is a snapshot, so they stay valid. */
const resolvedByContext = new WeakMap<object, Map<number | null, ResolvedSettings>>();

/** Effective settings for one Magento store view (its website comes from the store lookups). */
export function settingsForStore(
  ctx: Pick<ProfileContext, 'scopes' | 'lookups'>,
  storeId: number | null | undefined,
): ResolvedSettings {
  const key = storeId ?? null;
  let byStore = resolvedByContext.get(ctx);
  const hit = byStore?.get(key);
  if (hit) return hit;
  const websiteId =
    key == null ? null : (ctx.lookups?.magento.storeViews.find((s) => s.id === key)?.website_id ?? null);
  const resolved = resolveSettings(ctx.scopes, { storeId: key, websiteId });
  if (!byStore) {
    byStore = new Map();
    resolvedByContext.set(ctx, byStore);
  }
  byStore.set(key, resolved);
  return resolved;
}

export async function saveLookups(
  prisma: PrismaClient,
  connectionId: number,
  kind: keyof typeof lookupKinds,
  data: PlentyLookups | MagentoLookups,
): Promise<void> {
  const now = new Date();
  await prisma.lookup.upsert({
    where: { connectionId_kind: { connectionId, kind } },
    create: { connectionId, kind, data: data as object, fetchedAt: now },
    update: { data: data as object, fetchedAt: now },
  });
}
