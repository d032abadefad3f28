import type { AxiosInstance, AxiosResponse } from 'axios';
import { PlentyAuthError, PlentyError } from './errors';
import { type CallInfo, type Logger, toHttpError, toNetworkError } from './http';
import { parseRetryAfter } from './rate-limit-headers';
import { tokenResponseSchema } from './schemas';

interface Token {
  accessToken: string;
  refreshToken: string | undefined;
  /** epoch ms */
  expiresAt: number;
  /** epoch ms from which we renew (expiresAt minus the safety margin) */
  renewAt: number;
}

export interface PlentyAuthOptions {
  http: AxiosInstance;
  host: string;
  username: string;
  password: string;
  timeoutMs: number;
  /** renew this long before expiry (capped at half the token lifetime); default 5 min */
  refreshMarginMs?: number;
  logger?: Logger;
  onCall?: (info: CallInfo) => void;
}

/**
 * Token lifecycle of the API user: login, refresh before expiry (with a safety margin), one shared
 * in-flight login/refresh for all concurrent callers (no login stampede, which would also run into
 * Plenty's concurrent-session limit). Tokens and passwords are never logged.
 */
export class PlentyAuth {
  private token: Token | undefined;
  private inflight: Promise<string> | undefined;
  private readonly margin: number;
  /** counts for tests and metrics */
  readonly stats = { logins: 0, refreshes: 0 };

  constructor(private readonly o: PlentyAuthOptions) {
    this.margin = o.refreshMarginMs ?? 5 * 60_000;
  }

  /** A valid access token; logs in or refreshes when needed (single-flight). */
  getToken(): Promise<string> {
    const t = this.token;
    if (t && Date.now() < t.renewAt) return Promise.resolve(t.accessToken);
    if (!this.inflight) {
      this.inflight = this.renew().finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  /** Drop the token after a 401 — only if it is still the one that failed (another caller may have renewed). */
  invalidate(accessToken: string): void {
    if (this.token?.accessToken === accessToken) this.token = undefined;
  }

  /** Forget the token (e.g. before a connection test). */
  clear(): void {
    this.token = undefined;
  }

  private async renew(): Promise<string> {
    const t = this.token;
    if (t?.refreshToken && Date.now() < t.expiresAt) {
      try {
        return await this.refresh(t);
      } catch (err) {
        this.o.logger?.warn?.('plenty token refresh failed, logging in again', {
          host: this.o.host,
          error: (err as Error).message,
        });
      }
    }
    return this.login();
  }

  private store(raw: unknown, route: string, status: number): string {
    const parsed = tokenResponseSchema.safeParse(raw);
    if (!parsed.success) {
      throw new PlentyAuthError(
        'unexpected_response',
        `Plenty (${this.o.host}) answered ${route} with ${status} but without an access token`,
        status,
      );
    }
    const lifetime = parsed.data.expiresInSec * 1000;
    const now = Date.now();
    const margin = Math.min(this.margin, lifetime / 2);
    this.token = {
      accessToken: parsed.data.accessToken,
      refreshToken: parsed.data.refreshToken,
      expiresAt: now + lifetime,
      renewAt: now + lifetime - margin,
    };
    return parsed.data.accessToken;
  }

  private async post(route: string, data: unknown, headers: Record<string, string>): Promise<AxiosResponse> {
    const started = performance.now();
    let res: AxiosResponse;
    try {
      res = await this.o.http.post(route, data, { headers });
    } catch (err) {
      this.o.onCall?.({
        method: 'POST',
        route,
        status: 0,
        durationMs: performance.now() - started,
        kind: 'write',
        auth: true,
      });
      throw toNetworkError(err, { route: `POST ${route}`, host: this.o.host, timeoutMs: this.o.timeoutMs });
    }
    this.o.onCall?.({
      method: 'POST',
      route,
      status: res.status,
      durationMs: performance.now() - started,
      kind: 'write',
      auth: true,
    });
    return res;
  }

  private async login(): Promise<string> {
    this.token = undefined;
    this.stats.logins++;
    const route = '/rest/login';
    const res = await this.post(route, { username: this.o.username, password: this.o.password }, {});
    const body = (res.data && typeof res.data === 'object' ? res.data : {}) as Record<string, unknown>;
    const errorCode =
      typeof body.error === 'string'
        ? body.error
        : typeof (body.error as Record<string, unknown> | undefined)?.code === 'string'
          ? String((body.error as Record<string, unknown>).code)
          : undefined;
    if (res.status >= 200 && res.status < 300 && !errorCode) {
      this.o.logger?.debug?.('plenty login ok', { host: this.o.host });
      return this.store(res.data, route, res.status);
    }
    const user = this.o.username;
    if (errorCode === 'too_many_concurrent_sessions' || res.status === 429) {
      const max = body.max_current_sessions ?? body.maxCurrentSessions;
      throw new PlentyAuthError(
        'too_many_concurrent_sessions',
        `Plenty (${this.o.host}) refused the login of API user "${user}": too many concurrent sessions` +
          `${max !== undefined ? ` (max ${max})` : ''}; close other back-end sessions of this user or use a dedicated API user`,
        res.status,
        parseRetryAfter(res.headers['retry-after'] as string | undefined) ?? 60_000,
      );
    }
    if (errorCode === 'invalid_credentials' || res.status === 401 || res.status === 400) {
      throw new PlentyAuthError(
        'invalid_credentials',
        `Plenty (${this.o.host}) rejected the login of API user "${user}": invalid credentials; check the user name and password of the connection`,
        res.status,
      );
    }
    if (res.status === 403) {
      throw new PlentyAuthError(
        'account_locked',
        `Plenty (${this.o.host}) refused the login of API user "${user}" (403): the back-end account is locked or may not use the REST API`,
        res.status,
      );
    }
    if (res.status >= 500 || res.status === 408) throw toHttpError(res, `POST ${route}`);
    throw new PlentyAuthError(
      'unexpected_response',
      `Plenty (${this.o.host}) answered the login with ${res.status}${errorCode ? ` (${errorCode})` : ''}`,
      res.status,
    );
  }

  private async refresh(t: Token): Promise<string> {
    this.stats.refreshes++;
    const route = '/rest/login/refresh';
    const res = await this.post(
      route,
      new URLSearchParams({ refresh_token: t.refreshToken ?? '' }).toString(),
      {
        Authorization: `Bearer ${t.accessToken}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
    );
    if (res.status >= 200 && res.status < 300) return this.store(res.data, route, res.status);
    throw new PlentyError(`Plenty refused the token refresh (${res.status})`, {
      retryable: true,
      route: `POST ${route}`,
    });
  }
}
