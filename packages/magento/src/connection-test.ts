import { createMagentoClient, type MagentoClientOptions } from './client';
import { MagentoError, MagentoHttpError, MagentoNetworkError } from './errors';

export type MagentoConnectionTestResult =
  | { ok: true }
  | { ok: false; stage: 'network' | 'auth' | 'permission'; message: string };

/**
 * Used by POST /connections/{id}/test: reads the store views (token check) and one order
 * (Magento_Sales::actions_view).
 */
export async function testMagentoConnection(
  opts: MagentoClientOptions,
): Promise<MagentoConnectionTestResult> {
  const client = createMagentoClient({ timeoutMs: 15_000, ...opts });
  // Magento answers an unknown token like a missing ACL resource (401 "%resources"): the token is only
  // proven valid once one call succeeded, so a 401 on the first call is "auth", on the second "permission".
  let tokenAccepted = false;
  try {
    await client.getStoreViews();
    tokenAccepted = true;
    await client.searchOrders({ pageSize: 1, currentPage: 1 });
    return { ok: true };
  } catch (err) {
    if (err instanceof MagentoNetworkError) return { ok: false, stage: 'network', message: err.message };
    if (err instanceof MagentoHttpError) {
      if (err.status === 401) {
        if (!tokenAccepted) {
          return {
            ok: false,
            stage: 'auth',
            message: `Magento rejected the access token (401): check the integration token and that "Allow OAuth Access Tokens to be used as standalone Bearer tokens" is enabled (${err.magentoMessage ?? err.message})`,
          };
        }
        return { ok: false, stage: 'permission', message: err.message };
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
