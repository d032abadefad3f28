import { createKeepAliveHttp, describeNetworkFailure } from '@mpc/http';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { PlentyHttpError, PlentyNetworkError, type ValidationErrors } from './errors';
import { parseRetryAfter } from './rate-limit-headers';

export interface Logger {
  debug?(msg: string, meta?: Record<string, unknown>): void;
  info?(msg: string, meta?: Record<string, unknown>): void;
  warn?(msg: string, meta?: Record<string, unknown>): void;
  error?(msg: string, meta?: Record<string, unknown>): void;
}

export type CallKind = 'read' | 'write';

export interface CallInfo {
  method: string;
  /** route template, e.g. `/rest/orders/{orderId}` (low cardinality, good for metrics) */
  route: string;
  /** HTTP status, 0 when no answer arrived (network error, timeout) */
  status: number;
  durationMs: number;
  kind: CallKind;
  /** true for login/refresh calls */
  auth?: boolean;
}

/** One axios instance per client, with keep-alive agents: connection reuse matters for throughput. */
export function createHttp(baseUrl: string, timeoutMs: number): AxiosInstance {
  return createKeepAliveHttp({ baseURL: baseUrl, timeoutMs, maxSockets: 32 });
}

/** Converts an axios failure without response into a retryable network error with a precise message. */
export function toNetworkError(
  err: unknown,
  opts: { route: string; host: string; timeoutMs: number },
): Error {
  const failure = describeNetworkFailure(err, { system: 'Plenty', ...opts });
  if (!failure) return err as Error;
  const { message, code, timedOut } = failure;
  return new PlentyNetworkError(message, { route: opts.route, code, timedOut, cause: err });
}

/** validation_errors: object of arrays (or strings), or an array of strings / arrays / {field, message}. */
export function normaliseValidationErrors(v: unknown): ValidationErrors | undefined {
  if (v === undefined || v === null) return undefined;
  const out: ValidationErrors = {};
  const asList = (x: unknown): string[] =>
    Array.isArray(x)
      ? x.flatMap(asList)
      : x === undefined || x === null
        ? []
        : [typeof x === 'string' ? x : JSON.stringify(x)];
  if (Array.isArray(v)) {
    v.forEach((e, i) => {
      if (e && typeof e === 'object' && !Array.isArray(e)) {
        const o = e as Record<string, unknown>;
        const field = typeof o.field === 'string' ? o.field : typeof o.key === 'string' ? o.key : String(i);
        const msgs = asList(o.message ?? o.messages ?? o.error ?? Object.values(o));
        out[field] = [...(out[field] ?? []), ...msgs];
      } else out[String(i)] = asList(e);
    });
  } else if (typeof v === 'object') {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = asList(x);
  } else out._ = asList(v);
  return Object.keys(out).length ? out : undefined;
}

function bodyOf(res: AxiosResponse): Record<string, unknown> {
  const d = res.data;
  if (d && typeof d === 'object' && !Array.isArray(d)) return d as Record<string, unknown>;
  if (typeof d === 'string' && d.trim().startsWith('{')) {
    try {
      return JSON.parse(d) as Record<string, unknown>;
    } catch {
      /* not JSON */
    }
  }
  return typeof d === 'string' && d.trim() ? { message: d.trim().slice(0, 300) } : {};
}

/** Maps a non-2xx Plenty answer to PlentyHttpError with Plenty's own message. */
export function toHttpError(res: AxiosResponse, route: string): PlentyHttpError {
  const body = bodyOf(res);
  const errObj =
    body.error && typeof body.error === 'object' ? (body.error as Record<string, unknown>) : undefined;
  const plentyMessage =
    (typeof errObj?.message === 'string' && errObj.message) ||
    (typeof body.message === 'string' && body.message) ||
    (typeof body.error === 'string' && body.error) ||
    undefined;
  const code =
    (errObj?.code as number | string | undefined) ??
    (typeof body.error === 'string' ? body.error : undefined);
  const validationErrors = normaliseValidationErrors(
    body.validation_errors ?? body.validationErrors ?? errObj?.validation_errors,
  );
  const missing = errObj?.missing_permissions ?? body.missing_permissions;
  const missingPermissions = Array.isArray(missing) ? missing.map(String) : undefined;
  const retryAfterMs = parseRetryAfter((res.headers['retry-after'] as string | undefined) ?? undefined);
  const s = res.status;
  let message: string;
  if (s === 422 && validationErrors) {
    const details = Object.entries(validationErrors)
      .map(([k, msgs]) => `${k}: ${msgs.join(' ')}`)
      .join('; ');
    message = `Plenty rejected ${route} (422 ${plentyMessage ?? 'validation error'}): ${details}`;
  } else if (s === 401) {
    message = `Plenty rejected the access token for ${route} (401${plentyMessage ? `: ${plentyMessage}` : ''})`;
  } else if (s === 403) {
    message = `The Plenty API user may not call ${route} (403${plentyMessage ? `: ${plentyMessage}` : ''})${
      missingPermissions?.length ? `; missing permissions: ${missingPermissions.join(', ')}` : ''
    }`;
  } else if (s === 429) {
    message = `Plenty rate limit hit on ${route} (429)${retryAfterMs !== undefined ? `; retry after ${Math.ceil(retryAfterMs / 1000)} s` : ''}`;
  } else if (s >= 500) {
    message = `Plenty server error ${s} on ${route}${plentyMessage ? `: ${plentyMessage}` : ''}`;
  } else {
    message = `Plenty answered ${s} to ${route}${plentyMessage ? `: ${plentyMessage}` : ''}`;
  }
  return new PlentyHttpError({
    status: s,
    message,
    route,
    ...(code !== undefined ? { code } : {}),
    ...(validationErrors ? { validationErrors } : {}),
    ...(missingPermissions ? { missingPermissions } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
