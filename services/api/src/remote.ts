import { createHash } from 'node:crypto';
import type { ProfileContext } from '@mpc/db';
import { createMagentoClient, fetchMagentoLookups, testMagentoConnection } from '@mpc/magento';
import { createPlentyClient, fetchPlentyLookups, testPlentyConnection } from '@mpc/plenty';
import type { Redis } from '@mpc/queue';
import type { Logger } from '@mpc/runtime';
import type {
  ConnectionCredentials,
  ConnectionTestResult,
  Fetched,
  FetchedLookups,
  RemoteSystems,
} from './deps';

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function settle<T>(fn: () => Promise<T>): Promise<Fetched<T>> {
  try {
    return { ok: true, data: await fn() };
  } catch (err) {
    return { ok: false, message: messageOf(err) };
  }
}

/**
 * The real remote systems through @mpc/plenty and @mpc/magento. Plenty calls go through the
 * shared Redis rate limiter (the budget belongs to the Plenty system, not to this process).
 */
export function createRemoteSystems(
  opts: { redis?: Redis; keyPrefix?: string; logger?: Logger; timeoutMs?: number } = {},
): RemoteSystems {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  return {
    async fetchLookups(ctx: ProfileContext): Promise<FetchedLookups> {
      const [plenty, magento] = await Promise.all([
        settle(() =>
          fetchPlentyLookups(
            createPlentyClient({
              baseUrl: ctx.plenty.baseUrl,
              username: ctx.plenty.username,
              password: ctx.plenty.password,
              timeoutMs,
              // same budget key as the exporter: the limit belongs to the Plenty system
              ...(opts.redis
                ? {
                    redis: opts.redis,
                    systemKey: createHash('sha256')
                      .update(`${ctx.plenty.baseUrl}|${ctx.plenty.username}`)
                      .digest('base64url')
                      .slice(0, 16),
                    redisKeyPrefix: `${opts.keyPrefix ?? 'mpc'}:`,
                  }
                : {}),
            }),
          ),
        ),
        settle(() =>
          fetchMagentoLookups(
            createMagentoClient({
              baseUrl: ctx.magento.baseUrl,
              accessToken: ctx.magento.accessToken,
              timeoutMs,
            }),
          ),
        ),
      ]);
      return { plenty, magento };
    },
    async testConnection(creds: ConnectionCredentials): Promise<ConnectionTestResult> {
      try {
        const r =
          creds.kind === 'plenty'
            ? await testPlentyConnection({
                baseUrl: creds.baseUrl,
                username: creds.username,
                password: creds.password,
                timeoutMs,
              })
            : await testMagentoConnection({
                baseUrl: creds.baseUrl,
                accessToken: creds.accessToken,
                timeoutMs,
              });
        return r.ok ? { ok: true, message: `connected to ${creds.baseUrl} and authenticated` } : r;
      } catch (err) {
        return { ok: false, stage: 'network', message: messageOf(err) };
      }
    },
  };
}
