import { createPlentyClient, type PlentyClientOptions } from './client';
import { PlentyAuthError, PlentyError, PlentyHttpError, PlentyNetworkError } from './errors';

export type ConnectionTestResult =
  | { ok: true }
  | { ok: false; stage: 'network' | 'auth' | 'permission'; message: string };

/**
 * Used by POST /connections/{id}/test: logs in, then reads the webstores (a route every order export
 * needs). Says precisely which stage failed: the host (network), the credentials (auth) or the
 * API user's rights (permission). Never throws for those; never echoes the password or token.
 */
export async function testPlentyConnection(
  opts: Omit<PlentyClientOptions, 'redis' | 'rateLimiter'> &
    Partial<Pick<PlentyClientOptions, 'rateLimiter'>>,
): Promise<ConnectionTestResult> {
  const client = createPlentyClient({ timeoutMs: 15_000, ...opts, max429Retries: 0 });
  try {
    await client.login();
  } catch (err) {
    return classify(err, 'auth', opts.baseUrl);
  }
  try {
    await client.getWebstores();
    return { ok: true };
  } catch (err) {
    return classify(err, 'permission', opts.baseUrl);
  }
}

function classify(
  err: unknown,
  step: 'auth' | 'permission',
  baseUrl: string,
): Exclude<ConnectionTestResult, { ok: true }> {
  if (err instanceof PlentyNetworkError) return { ok: false, stage: 'network', message: err.message };
  if (err instanceof PlentyAuthError && err.status !== 404)
    return { ok: false, stage: 'auth', message: err.message };
  if (err instanceof PlentyAuthError || err instanceof PlentyHttpError) {
    if (err.status === 404 && step === 'auth') {
      return {
        ok: false,
        stage: 'network',
        message: `${baseUrl} does not look like a Plenty system: POST /rest/login answered 404 (check the base URL, e.g. https://pNNNNN.my.plentysystems.com)`,
      };
    }
    if (err.status === 401) return { ok: false, stage: 'auth', message: err.message };
    if (err.status === 403) return { ok: false, stage: 'permission', message: err.message };
    if (err.status >= 500 || err.status === 429 || err.status === 408) {
      return { ok: false, stage: 'network', message: err.message };
    }
    return { ok: false, stage: step, message: err.message };
  }
  if (err instanceof PlentyError) return { ok: false, stage: step, message: err.message };
  return {
    ok: false,
    stage: 'network',
    message: `Unexpected error talking to ${baseUrl}: ${(err as Error).message}`,
  };
}
