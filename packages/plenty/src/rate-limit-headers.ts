/**
 * Plenty's throttling headers (sent on every response):
 *   X-Plenty-Global-Short-Period-{Limit,Calls-Left,Decay[,Calls-Reset]}  per user, minute window
 *   X-Plenty-Global-Long-Period-*                                         per system, day window
 *   X-Plenty-Route-*                                                      only on throttled routes
 *   Retry-After                                                           on 429
 * Decay = seconds until the window resets; Calls-Reset = timestamp of the reset (seconds or ISO).
 */

export interface WindowHeaders {
  limit?: number;
  callsLeft?: number;
  /** milliseconds until the window resets */
  decayMs?: number;
}

export interface PlentyRateHeaders {
  short?: WindowHeaders;
  long?: WindowHeaders;
  route?: WindowHeaders;
  /** from Retry-After or the earliest Calls-Reset of an exhausted window */
  retryAfterMs?: number;
}

type HeaderBag = Record<string, unknown> | { get?: unknown };

function header(headers: HeaderBag, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
    if (k.toLowerCase() === lower) {
      if (Array.isArray(v)) return v[0] === undefined ? undefined : String(v[0]);
      return v === undefined || v === null ? undefined : String(v);
    }
  }
  return undefined;
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Calls-Reset: unix seconds, unix milliseconds or an HTTP/ISO date. Returns ms from `now`. */
function resetToMs(v: string | undefined, now: number): number | undefined {
  if (v === undefined) return undefined;
  const n = num(v);
  let at: number | undefined;
  if (n !== undefined) at = n > 1e12 ? n : n * 1000;
  else {
    const d = Date.parse(v);
    at = Number.isNaN(d) ? undefined : d;
  }
  return at === undefined ? undefined : Math.max(0, at - now);
}

/** Retry-After: delta seconds or an HTTP date. */
export function parseRetryAfter(v: string | undefined, now = Date.now()): number | undefined {
  if (v === undefined) return undefined;
  const n = num(v);
  if (n !== undefined) return Math.max(0, Math.ceil(n * 1000));
  const d = Date.parse(v);
  return Number.isNaN(d) ? undefined : Math.max(0, d - now);
}

function windowHeaders(headers: HeaderBag, prefix: string, now: number): WindowHeaders | undefined {
  const limit = num(header(headers, `${prefix}-Limit`));
  const callsLeft = num(header(headers, `${prefix}-Calls-Left`));
  const decay = num(header(headers, `${prefix}-Decay`));
  const reset = resetToMs(header(headers, `${prefix}-Calls-Reset`), now);
  if (limit === undefined && callsLeft === undefined && decay === undefined && reset === undefined)
    return undefined;
  const w: WindowHeaders = {};
  if (limit !== undefined) w.limit = limit;
  if (callsLeft !== undefined) w.callsLeft = callsLeft;
  if (decay !== undefined) w.decayMs = Math.max(0, Math.ceil(decay * 1000));
  else if (reset !== undefined) w.decayMs = reset;
  return w;
}

export function parsePlentyRateHeaders(headers: HeaderBag, now = Date.now()): PlentyRateHeaders {
  const out: PlentyRateHeaders = {};
  const short = windowHeaders(headers, 'X-Plenty-Global-Short-Period', now);
  const long = windowHeaders(headers, 'X-Plenty-Global-Long-Period', now);
  const route = windowHeaders(headers, 'X-Plenty-Route', now);
  if (short) out.short = short;
  if (long) out.long = long;
  if (route) out.route = route;
  let retryAfter = parseRetryAfter(header(headers, 'Retry-After'), now);
  if (retryAfter === undefined) {
    // no Retry-After: an exhausted window's Calls-Reset tells when calls are possible again
    for (const prefix of ['X-Plenty-Route', 'X-Plenty-Global-Short-Period', 'X-Plenty-Global-Long-Period']) {
      const r = resetToMs(header(headers, `${prefix}-Calls-Reset`), now);
      if (r !== undefined) retryAfter = Math.max(retryAfter ?? 0, r);
    }
  }
  if (retryAfter !== undefined) out.retryAfterMs = retryAfter;
  return out;
}
