/** Typed errors of the Magento client; `retryable` tells the collector whether a retry can help. */
import { RemoteError } from '@mpc/http';

export class MagentoError extends RemoteError {
  override name = 'MagentoError';
}

export class MagentoHttpError extends MagentoError {
  override name = 'MagentoHttpError';
  readonly status: number;
  /** Magento's message with %1 / %name placeholders substituted */
  readonly magentoMessage: string | undefined;
  /** ACL resources named in a 401 ("isn't authorized to access %resources") */
  readonly missingResources: string[] | undefined;
  readonly errors: string[] | undefined;
  constructor(opts: {
    status: number;
    message: string;
    route: string;
    magentoMessage?: string;
    missingResources?: string[];
    errors?: string[];
  }) {
    super(opts.message, {
      retryable: opts.status === 408 || opts.status === 429 || opts.status >= 500,
      route: opts.route,
    });
    this.status = opts.status;
    this.magentoMessage = opts.magentoMessage;
    this.missingResources = opts.missingResources;
    this.errors = opts.errors;
  }
}

/** No HTTP answer (connection refused/reset, DNS, TLS, timeout). Always retryable. */
export class MagentoNetworkError extends MagentoError {
  override name = 'MagentoNetworkError';
  readonly code: string | undefined;
  readonly timedOut: boolean;
  constructor(message: string, opts: { route: string; code?: string; timedOut: boolean; cause?: unknown }) {
    super(message, { retryable: true, route: opts.route, cause: opts.cause });
    this.code = opts.code;
    this.timedOut = opts.timedOut;
  }
}

/** 2xx with a body that does not match the expected shape. */
export class MagentoResponseError extends MagentoError {
  override name = 'MagentoResponseError';
  readonly issues: string[];
  constructor(route: string, issues: string[]) {
    super(`Unexpected response from Magento for ${route}: ${issues.slice(0, 5).join('; ')}`, {
      retryable: false,
      route,
    });
    this.issues = issues;
  }
}

/** Replaces %1, %2 (positional) and %name (named) placeholders from Magento's `parameters`. */
export function substituteMagentoParameters(message: string, parameters: unknown): string {
  if (Array.isArray(parameters)) {
    return message.replace(/%(\d+)/g, (m, n: string) => {
      const v = parameters[Number(n) - 1];
      return v === undefined ? m : String(v);
    });
  }
  if (parameters && typeof parameters === 'object') {
    const p = parameters as Record<string, unknown>;
    return message.replace(/%([A-Za-z0-9_]+)/g, (m, k: string) => (k in p ? String(p[k]) : m));
  }
  return message;
}
