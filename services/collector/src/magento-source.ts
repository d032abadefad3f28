import type { ProfileContext } from '@mpc/db';
import { createMagentoClient, type MagentoClient } from '@mpc/magento';

/** One Magento client per connection and token, reused across runs (keep-alive connections). */
export function magentoClients(opts: { timeoutMs?: number } = {}): (ctx: ProfileContext) => MagentoClient {
  const clients = new Map<string, MagentoClient>();
  return (ctx) => {
    const key = `${ctx.magento.connectionId}|${ctx.magento.baseUrl}|${ctx.magento.accessToken}`;
    let client = clients.get(key);
    if (!client) {
      client = createMagentoClient({
        baseUrl: ctx.magento.baseUrl,
        accessToken: ctx.magento.accessToken,
        ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      });
      clients.set(key, client);
    }
    return client;
  };
}
