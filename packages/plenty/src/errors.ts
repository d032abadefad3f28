/**
 * Typed errors of the Plenty client. Every error says whether retrying can help (`retryable`), so the
 * exporter can decide between "failed" (Plenty rejected the data) and "retry later" (network, 5xx,
 * 408, 429, timeouts) without parsing messages. Messages never contain tokens or passwords.
 */
import { RemoteError } from '@mpc/http';

export class PlentyError extends RemoteError {
  override name = 'PlentyError';
}

export type ValidationErrors = Record<string, string[]>;

/** Plenty answered with a non-2xx status. */
export class PlentyHttpError extends PlentyError {
  override name = 'PlentyHttpError';
  readonly status: number;
  readonly code: number | string | undefined;
  /** 422: Plenty's validation messages per field (array forms are keyed by index) */
  readonly validationErrors: ValidationErrors | undefined;
  /** 403: the permissions the API user lacks */
  readonly missingPermissions: string[] | undefined;
  /** 429 (and 503 with Retry-After): how long to wait before the next call */
  readonly retryAfterMs: number | undefined;
  constructor(opts: {
    status: number;
    message: string;
    route: string;
    code?: number | string;
    validationErrors?: ValidationErrors;
    missingPermissions?: string[];
    retryAfterMs?: number;
  }) {
    super(opts.message, { retryable: isRetryableStatus(opts.status), route: opts.route });
    this.status = opts.status;
    this.code = opts.code;
    this.validationErrors = opts.validationErrors;
    this.missingPermissions = opts.missingPermissions;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** No HTTP answer at all: connection refused/reset, DNS failure, TLS failure or timeout. Always retryable. */
export class PlentyNetworkError extends PlentyError {
  override name = 'PlentyNetworkError';
  /** Node/axios error code, e.g. ECONNREFUSED, ECONNRESET, ETIMEDOUT, ECONNABORTED */
  readonly code: string | undefined;
  readonly timedOut: boolean;
  constructor(message: string, opts: { route: string; code?: string; timedOut: boolean; cause?: unknown }) {
    super(message, { retryable: true, route: opts.route, cause: opts.cause });
    this.code = opts.code;
    this.timedOut = opts.timedOut;
  }
}

export type PlentyAuthReason =
  | 'invalid_credentials'
  | 'too_many_concurrent_sessions'
  | 'account_locked'
  | 'unexpected_response';

/** POST /rest/login (or refresh) failed. Only too_many_concurrent_sessions is worth retrying later. */
export class PlentyAuthError extends PlentyError {
  override name = 'PlentyAuthError';
  readonly reason: PlentyAuthReason;
  readonly status: number;
  readonly retryAfterMs: number | undefined;
  constructor(reason: PlentyAuthReason, message: string, status: number, retryAfterMs?: number) {
    super(message, { retryable: reason === 'too_many_concurrent_sessions', route: 'POST /rest/login' });
    this.reason = reason;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * The shared rate limiter says the next call may only be made later than the caller is willing to
 * wait (`maxWaitMs`). No call was sent. Retryable; the exporter should delay the job, not fail it.
 */
export class PlentyRateLimitedError extends PlentyError {
  override name = 'PlentyRateLimitedError';
  readonly retryAfterMs: number;
  constructor(message: string, opts: { route: string; retryAfterMs: number }) {
    super(message, { retryable: true, route: opts.route });
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** Plenty answered 2xx with a body that does not match what the client expects (contract drift). */
export class PlentyResponseError extends PlentyError {
  override name = 'PlentyResponseError';
  readonly issues: string[];
  constructor(route: string, issues: string[]) {
    super(`Unexpected response from Plenty for ${route}: ${issues.slice(0, 5).join('; ')}`, {
      retryable: false,
      route,
    });
    this.issues = issues;
  }
}

/** A request body we were about to send fails the request schema; nothing was sent. */
export class PlentyRequestValidationError extends PlentyError {
  override name = 'PlentyRequestValidationError';
  readonly issues: string[];
  constructor(route: string, issues: string[]) {
    super(`Invalid request body for ${route}: ${issues.slice(0, 5).join('; ')}`, { retryable: false, route });
    this.issues = issues;
  }
}

/** 408, 429 and 5xx are worth retrying; every other 4xx means Plenty rejected the request itself. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** True for errors that mean "the budget is used up, wait `retryAfterMs`" (does not count as a failure). */
export function isPlentyRateLimit(err: unknown): err is PlentyRateLimitedError | PlentyHttpError {
  return (
    err instanceof PlentyRateLimitedError ||
    (err instanceof PlentyHttpError && err.status === 429) ||
    (err instanceof PlentyAuthError && err.reason === 'too_many_concurrent_sessions')
  );
}

/** Should an error trip a circuit breaker? 4xx (except 408/429) are the caller's fault, not an outage. */
export function isPlentyOutage(err: unknown): boolean {
  if (err instanceof PlentyNetworkError) return true;
  if (err instanceof PlentyHttpError) return err.status >= 500 || err.status === 408;
  return false;
}
