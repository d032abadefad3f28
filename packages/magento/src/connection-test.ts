import { createMagentoClient, type MagentoClientOptions } from './client';
import { MagentoError, MagentoHttpError, MagentoNetworkError } from './errors';

export type MagentoConnectionTestResult =
  | { ok: true }
  | { ok: false; stage: 'network' | 'auth' | 'permission'; message: string };

/**
 * Used by POST /connections/{id}/test: reads the store views (token check) and one order
 * (Magento_Sales::actions_view). Magento answers 401 both for a bad token and for a missing ACL
 * resource; the `%resources` parameter tells them apart.
 */
export async function testMagentoConnection(
  opts: MagentoClientOptions,
): Promise<MagentoConnectionTestResult> {
  const client = createMagentoClient({ timeoutMs: 15_000, ...opts });
  try {
    await client.getStoreViews();
    await client.searchOrders({ pageSize: 1, currentPage: 1 });
    return { ok: true };
  } catch (err) {
    if (err instanceof MagentoNetworkError) return { ok: false, stage: 'network', message: err.message };
    if (err instanceof MagentoHttpError) {
      if (err.status === 401) {
        return { ok: false, stage: err.missingResources ? 'permission' : 'auth', message: err.message };
      }
      if (err.status === 403) return { ok: false, stage: 'permission', message: err.message };
      if (err.status === 404) {
        return {
          ok: false,
          stage: 'network',
          message: `${opts.baseUrl} does not look like a Magento REST API: ${err.route ?? 'the request'} answered 404 (check the base URL and store code)`,
        };
      }
      return { ok: false, stage: 'network', message: err.message };
    }
    if (err instanceof MagentoError) return { ok: false, stage: 'network', message: err.message };
    return {
      ok: false,
      stage: 'network',
      message: `Unexpected error talking to ${opts.baseUrl}: ${(err as Error).message}`,
    };
  }
}
