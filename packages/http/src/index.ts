import nodeHttp from 'node:http';
import nodeHttps from 'node:https';
import axios, { type AxiosInstance, isAxiosError } from 'axios';

/**
 * Base of the vendor clients' errors (MagentoError, PlentyError). `retryable` tells the caller
 * whether a retry can help; messages never contain tokens or passwords.
 */
export class RemoteError extends Error {
  override name = 'RemoteError';
  readonly retryable: boolean;
  /** route template, e.g. `POST /rest/orders` */
  readonly route: string | undefined;
  constructor(message: string, opts: { retryable: boolean; route?: string; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.retryable = opts.retryable;
    this.route = opts.route;
  }
}

/**
 * One axios instance per client, with keep-alive agents: connection reuse matters for throughput.
 * Statuses are the client's to interpret (axios never throws on 4xx/5xx); redirects are not followed.
 */
export function createKeepAliveHttp(opts: {
  baseURL: string;
  timeoutMs: number;
  maxSockets: number;
}): AxiosInstance {
  return axios.create({
    baseURL: opts.baseURL.replace(/\/+$/, ''),
    timeout: opts.timeoutMs,
    httpAgent: new nodeHttp.Agent({ keepAlive: true, maxSockets: opts.maxSockets }),
    httpsAgent: new nodeHttps.Agent({ keepAlive: true, maxSockets: opts.maxSockets }),
    validateStatus: () => true,
    maxRedirects: 0,
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    transitional: { clarifyTimeoutError: true },
  });
}

/** `https://shop.example/rest` → `shop.example`; what is not a URL is returned as it is. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export interface NetworkFailure {
  message: string;
  /** Node/axios error code, e.g. ECONNREFUSED, ECONNRESET, ETIMEDOUT, ECONNABORTED */
  code: string | undefined;
  timedOut: boolean;
}

/**
 * An axios failure without an HTTP answer (connection refused/reset, DNS, TLS, timeout), described
 * with a precise message naming the system, host and route; undefined for anything else.
 */
export function describeNetworkFailure(
  err: unknown,
  opts: { system: string; route: string; host: string; timeoutMs: number },
): NetworkFailure | undefined {
  if (!isAxiosError(err)) return undefined;
  const code = err.code ?? (err.cause as { code?: string } | undefined)?.code;
  const timedOut = code === 'ETIMEDOUT' || code === 'ECONNABORTED';
  const message = timedOut
    ? `${opts.system} (${opts.host}) did not answer ${opts.route} within ${opts.timeoutMs} ms (timeout)`
    : `Cannot reach ${opts.system} at ${opts.host} for ${opts.route}: ${code ?? 'network error'}${err.message ? ` (${err.message})` : ''}`;
  return { message, code, timedOut };
}

/** zod issues of a body as `path: message` lines (`(body)` for the body itself) */
export function issueLines(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string[] {
  return issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
}
