import { magentoLookupsSchema, plentyLookupsSchema } from '@mpc/core';
import type { Connection, PrismaClient, Profile, ProfileContext, SecretBox } from '@mpc/db';
import { loadProfileContext, type lookupKinds, ProfileNotFoundError, saveLookups } from '@mpc/db';
import type { RemoteSystems } from '../deps';
import { problems } from '../http/problem';
import { checkCron } from './cron';

export function profileView(p: Profile) {
  const cron = checkCron(p.cronExpression, p.timezone);
  return {
    id: p.id,
    name: p.name,
    entityType: p.entityType,
    direction: p.direction,
    status: p.status,
    cronExpression: p.cronExpression,
    timezone: p.timezone,
    magentoConnectionId: p.magentoConnectionId,
    plentyConnectionId: p.plentyConnectionId,
    nextRuns: cron.ok ? cron.nextRuns : [],
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

export function connectionView(c: Connection) {
  return {
    id: c.id,
    kind: c.kind,
    name: c.name,
    baseUrl: c.baseUrl,
    username: c.username,
    secretSet: Boolean(c.secretEncrypted),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

export async function requireProfile(prisma: PrismaClient, id: number): Promise<Profile> {
  const p = await prisma.profile.findUnique({ where: { id } });
  if (!p) throw problems.notFound(`profile ${id} does not exist`);
  return p;
}

/** Loads the profile context; a secret that no configured key decrypts is a configuration problem, not a 500. */
export async function loadContext(
  prisma: PrismaClient,
  secrets: SecretBox,
  id: number,
): Promise<ProfileContext> {
  try {
    return await loadProfileContext(prisma, secrets, id);
  } catch (err) {
    if (err instanceof ProfileNotFoundError) throw problems.notFound(`profile ${id} does not exist`);
    const msg = (err as Error).message;
    if (/secret|decrypt|auth|malformed/i.test(msg)) {
      throw problems.conflict(
        `a connection secret of profile ${id} cannot be decrypted (${msg}); set it again or configure the key it was encrypted with in SECRETS_KEY_PREVIOUS`,
      );
    }
    throw err;
  }
}

/** Collects lookups from both systems; each side is saved when it succeeded, failures are reported, never thrown. */
export async function collectLookups(
  deps: { prisma: PrismaClient; secrets: SecretBox } & RemoteSystems,
  profileId: number,
) {
  const ctx = await loadContext(deps.prisma, deps.secrets, profileId);
  let fetched: Awaited<ReturnType<RemoteSystems['fetchLookups']>>;
  try {
    fetched = await deps.fetchLookups(ctx);
  } catch (err) {
    const message = (err as Error).message;
    fetched = { plenty: { ok: false, message }, magento: { ok: false, message } };
  }
  const now = new Date();
  const side = async (
    kind: keyof typeof lookupKinds,
    connectionId: number,
    r: (typeof fetched)['plenty'] | (typeof fetched)['magento'],
  ) => {
    if (!r.ok) return { ok: false, fetchedAt: null, error: r.message };
    const parsed = (kind === 'plenty' ? plentyLookupsSchema : magentoLookupsSchema).safeParse(r.data);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      return {
        ok: false,
        fetchedAt: null,
        error: `the ${kind} lookups have an unexpected shape (${first?.path.join('.')}: ${first?.message})`,
      };
    }
    await saveLookups(deps.prisma, connectionId, kind, parsed.data);
    return { ok: true, fetchedAt: now, error: null };
  };
  const plenty = await side('plenty', ctx.plenty.connectionId, fetched.plenty);
  const magento = await side('magento', ctx.magento.connectionId, fetched.magento);
  return { ok: plenty.ok && magento.ok, plenty, magento };
}
