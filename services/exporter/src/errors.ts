import { InvalidSettingsError } from '@mpc/db';
import { MagentoResponseError } from '@mpc/magento';
import { isPlentyRateLimit, PlentyAuthError, PlentyError, PlentyHttpError } from '@mpc/plenty';
import { BreakerOpenError } from './plenty-systems';

/** The order cannot be mapped as configured: ends `skipped` with a message saying what to fix. */
export class SkipError extends Error {
  override name = 'SkipError';
}

export type ErrorClass =
  | { kind: 'skip'; message: string; details?: unknown }
  /** Plenty rejected the data or our configuration: retrying the same request cannot help */
  | { kind: 'fail'; message: string; details?: unknown }
  /** budget used up or Plenty failing: wait, without using an attempt */
  | { kind: 'wait'; message: string; delayMs: number }
  /** network, timeout, 5xx: retry with backoff */
  | { kind: 'transient'; message: string };

export function classifyError(err: unknown): ErrorClass {
  if (err instanceof SkipError || err instanceof InvalidSettingsError)
    return { kind: 'skip', message: err.message };
  if (err instanceof MagentoResponseError) {
    // the order itself has data we cannot read (an extension writing odd values): say what
    return {
      kind: 'skip',
      message: `the Magento order has data the connector cannot read: ${err.issues.slice(0, 5).join('; ')}`,
    };
  }
  if (err instanceof BreakerOpenError)
    return { kind: 'wait', message: err.message, delayMs: err.retryAfterMs };
  if (isPlentyRateLimit(err)) {
    const delayMs = (err as { retryAfterMs?: number }).retryAfterMs ?? 5000;
    return { kind: 'wait', message: err.message, delayMs: Math.max(500, delayMs) };
  }
  if (err instanceof PlentyAuthError) {
    return {
      kind: 'fail',
      message: `Plenty login failed (${err.reason}): ${err.message}. Fix the Plenty connection, then re-export.`,
    };
  }
  if (err instanceof PlentyHttpError && !err.retryable) {
    const fields = err.validationErrors
      ? `: ${Object.entries(err.validationErrors)
          .map(([f, msgs]) => `${f}: ${msgs.join(', ')}`)
          .join('; ')}`
      : '';
    return {
      kind: 'fail',
      message: `Plenty rejected ${err.route ?? 'the request'} (${err.status}): ${err.message}${fields}`,
      details: {
        status: err.status,
        validationErrors: err.validationErrors,
        missingPermissions: err.missingPermissions,
      },
    };
  }
  if (err instanceof PlentyError) {
    return err.retryable
      ? { kind: 'transient', message: err.message }
      : { kind: 'fail', message: err.message };
  }
  const status = (err as { status?: number }).status;
  const retryable = (err as { retryable?: boolean }).retryable;
  if (typeof status === 'number' && status === 404) {
    return { kind: 'skip', message: 'the order no longer exists in Magento' };
  }
  if (retryable === false) return { kind: 'fail', message: (err as Error).message };
  return { kind: 'transient', message: (err as Error)?.message ?? String(err) };
}
