import type { Redis } from 'ioredis';
import { PlentyRateLimitedError } from './errors';
import type { CallKind } from './http';
import { type PlentyRateHeaders, parsePlentyRateHeaders, type WindowHeaders } from './rate-limit-headers';

/**
 * Shared, Redis-backed throttle for one Plenty system.
 *
 * The API budget belongs to the Plenty system, so every exporter process must spend from the same
 * counters. Design:
 * - One Redis hash per (kind, window): `read|write` × `short` (minute) / `long` (day), plus one hash
 *   per throttled route (`X-Plenty-Route-*`), and one "blocked until" key set on 429.
 * - The counters are seeded from the plan's published read/write limits (Plenty's headers do not say
 *   whether a call counted as read or write) and re-synchronised from the headers of every response:
 *   we assume the headers on a response describe the bucket that call was charged to, so headers of a
 *   GET resync the read counters, headers of a POST/PUT/DELETE the write counters. Within one window
 *   the synced value is min(local, header) because calls still in flight were already taken locally
 *   but not yet by Plenty; a new window (Decay jumped up) takes the header value as is.
 * - `acquire()` runs one Lua script (atomic across processes): if a 429 block is active, or calls-left
 *   is at the reserve, it returns the wait; when the usable budget falls below `paceBelow` of the
 *   limit it spreads the remaining calls evenly over the remaining decay time (shared `nextAt`);
 *   otherwise it takes one call from every window and returns 0.
 * - Round trips: a response's readings are not sent on their own but with the process's next
 *   script call (or after 100 ms; a 429 at once), and a budget far above the pacing line is granted
 *   a few calls ahead (one per 256 calls of headroom, at most 15, for a second at most; never on a
 *   route with a throttle of its own or not answered yet) that this process spends without asking
 *   Redis. No published plan's minute window has that headroom, so there every call is still
 *   taken one by one; with budget to spare (latency-bound export) EVALSHA per order 13 → 4. Calls
 *   granted ahead do not see another process's 429 block (they lapse within a second).
 * - Time comes from Redis (`TIME`) so processes with skewed clocks agree.
 */

export interface WindowLimits {
  /** calls per minute (per API user) */
  short: number;
  /** calls per day (per system) */
  long: number;
}

export interface PlanLimits {
  read: WindowLimits;
  write: WindowLimits;
}

/** Published limits (reference table, reads/writes per minute and per day). */
export const plentyPlans = {
  basic: { read: { short: 80, long: 59_760 }, write: { short: 40, long: 17_280 } },
  classic: { read: { short: 200, long: 166_000 }, write: { short: 80, long: 48_000 } },
  flex: { read: { short: 240, long: 282_000 }, write: { short: 100, long: 72_000 } },
  plus: { read: { short: 280, long: 282_000 }, write: { short: 120, long: 72_000 } },
} as const satisfies Record<string, PlanLimits>;
export type PlentyPlan = keyof typeof plentyPlans;

export interface WindowBudget {
  limit: number;
  callsLeft: number;
  /** epoch ms when the window resets */
  resetAt: number;
  /** true once the numbers came from Plenty's headers rather than the plan */
  synced: boolean;
}

export interface PlentyBudget {
  read: { short?: WindowBudget; long?: WindowBudget };
  write: { short?: WindowBudget; long?: WindowBudget };
  routes: Record<string, WindowBudget>;
  /** epoch ms until which a 429 blocks every call (0 when not blocked) */
  blockedUntil: number;
}

export interface AcquireOptions {
  /** route template; throttled routes (X-Plenty-Route-*) get their own counter */
  route?: string;
  /** give up (PlentyRateLimitedError) instead of sleeping longer than this; default limiter.maxWaitMs */
  maxWaitMs?: number;
  signal?: AbortSignal;
}

export interface PlentyRateLimiter {
  /** Wait until a call of this kind may be sent, then take it from the shared budget. */
  acquire(kind: CallKind, opts?: AcquireOptions): Promise<void>;
  /** Re-synchronise from a response's headers; on 429 every process waits for Retry-After. */
  update(kind: CallKind, headers: Record<string, unknown>, status: number, route?: string): Promise<void>;
  getBudget(): Promise<PlentyBudget>;
}

export interface RedisRateLimiterOptions {
  redis: Redis;
  /** identifies the Plenty system (e.g. its host); all processes using the same key share the budget */
  systemKey: string;
  keyPrefix?: string;
  plan?: PlentyPlan | PlanLimits;
  /** calls kept back per window so interactive calls (lookups, connection tests) and clock skew fit; default 2 */
  reserve?: number;
  /** pace (spread calls over the remaining decay) when usable calls fall below this share of the limit; default 0.5 */
  paceBelow?: number;
  /** longest sleep inside acquire() before throwing PlentyRateLimitedError; default 30 s */
  maxWaitMs?: number;
  /** wait when a 429 carries no Retry-After; default 5 s */
  default429WaitMs?: number;
}

/**
 * One script for both directions, so a process pays one Redis round trip per acquire and none of
 * its own per response: first the header readings queued since the last call are applied (and a
 * 429's block), then, when acquire keys are given, calls are granted.
 *
 * KEYS: blocked, A acquire windows, S synced windows.
 * ARGV: reserve, paceBelow, A, S, retryAfterMs (429, else 0), prefetchPer, prefetchMax,
 *       A × (defLimit, windowMs), S × (limit, callsLeft, decayMs).
 * Returns {waitMs, reason, granted, leaseMs}.
 */
const THROTTLE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local reserve = tonumber(ARGV[1])
local paceBelow = tonumber(ARGV[2])
local A = tonumber(ARGV[3])
local S = tonumber(ARGV[4])
local retryAfter = tonumber(ARGV[5])
local prefetchPer = tonumber(ARGV[6])
local prefetchMax = tonumber(ARGV[7])
local sargs = 8 + 2 * A
for j = 1, S do
  local k = KEYS[1 + A + j]
  local limit = tonumber(ARGV[sargs + 3 * (j - 1)])
  local hleft = tonumber(ARGV[sargs + 3 * (j - 1) + 1])
  local decay = tonumber(ARGV[sargs + 3 * (j - 1) + 2])
  local h = redis.call('HMGET', k, 'left', 'resetAt', 'synced', 'limit')
  local left = tonumber(h[1])
  local resetAt = tonumber(h[2])
  local newReset = now + decay
  if limit < 0 then limit = tonumber(h[4]) or hleft end
  if h[3] ~= '1' or (not left) or (not resetAt) or resetAt <= now or newReset > resetAt + 1500 then
    left = hleft
  elseif hleft < left then
    left = hleft
  end
  redis.call('HSET', k, 'left', left, 'limit', limit, 'resetAt', newReset, 'synced', '1')
  redis.call('PEXPIREAT', k, newReset + 60000)
end
if retryAfter > 0 then
  local untilMs = now + retryAfter
  local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
  if untilMs > cur then redis.call('SET', KEYS[1], untilMs, 'PX', retryAfter + 1000) end
end
if A == 0 then return {0, '', 0, 0} end
local blocked = tonumber(redis.call('GET', KEYS[1]) or '0')
if blocked > now then return {blocked - now, 'retry-after', 0, 0} end
local wait = 0
local why = ''
local grants = {}
local headroom = -1
local leaseMs = 1000
for i = 1, A do
  local k = KEYS[1 + i]
  local defLimit = tonumber(ARGV[8 + 2 * (i - 1)])
  local windowMs = tonumber(ARGV[9 + 2 * (i - 1)])
  local h = redis.call('HMGET', k, 'left', 'limit', 'resetAt', 'nextAt')
  local left = tonumber(h[1])
  local limit = tonumber(h[2])
  local resetAt = tonumber(h[3])
  local nextAt = tonumber(h[4]) or 0
  local active = true
  if (not resetAt) or resetAt <= now then
    if (not limit) and defLimit < 0 then
      active = false
    else
      limit = limit or defLimit
      left = limit
      resetAt = now + windowMs
      nextAt = 0
      redis.call('HSET', k, 'left', left, 'limit', limit, 'resetAt', resetAt, 'nextAt', 0)
      redis.call('HDEL', k, 'synced')
      redis.call('PEXPIREAT', k, resetAt + 60000)
    end
  end
  if active then
    local r = reserve
    if r >= limit then r = limit - 1 end
    if r < 0 then r = 0 end
    local usable = left - r
    local interval = 0
    if usable <= 0 then
      if resetAt - now > wait then wait = resetAt - now; why = k end
    else
      local above = usable - limit * paceBelow
      if above < 0 then
        interval = math.floor((resetAt - now) / usable)
        if nextAt > now and nextAt - now > wait then wait = nextAt - now; why = k end
        above = 0
      end
      if headroom < 0 or above < headroom then headroom = above end
    end
    if resetAt - now < leaseMs then leaseMs = resetAt - now end
    table.insert(grants, {k, interval, nextAt})
  end
end
if wait > 0 then return {wait, why, 0, 0} end
local n = 1
if headroom > 0 and prefetchPer > 0 then
  n = 1 + math.min(prefetchMax, math.floor(headroom / prefetchPer))
end
for _, g in ipairs(grants) do
  redis.call('HINCRBY', g[1], 'left', -n)
  if g[2] > 0 then
    local base = g[3]
    if base < now then base = now end
    redis.call('HSET', g[1], 'nextAt', base + g[2])
  end
end
return {0, '', n, leaseMs}
`;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Route templates carry ids as `{id}`; one throttled-route counter per template. */
function routeSlug(route: string): string {
  return route.replace(/[^A-Za-z0-9/{}_-]+/g, '_');
}

/** The windows (key names after the system's base) a call of `kind` on `route` counts against. */
function windowNames(kind: CallKind, route?: string) {
  return {
    short: `${kind}:short`,
    long: `${kind}:long`,
    route: route ? `route:${routeSlug(route)}` : undefined,
  };
}

type ScriptCommand = (numberOfKeys: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>;
interface LimiterScripts {
  mpcPlentyThrottle: ScriptCommand;
}

/** A header reading of one window, waiting to travel to Redis with the next script call. */
interface Reading {
  limit: number;
  callsLeft: number;
  decayMs: number;
  /** Date.now() when the response arrived: the decay is counted from then */
  at: number;
}

/** Readings wait at most this long for a script call to carry them before they are sent alone. */
const READING_FLUSH_MS = 100;
/**
 * Calls granted ahead: one more per this many calls of headroom above the pacing line, at most
 * PREFETCH_MAX, so only a budget far from exhausted is granted ahead: never a published plan's
 * minute window (at most 280 calls), where every call is still taken one by one. A call granted
 * ahead lapses unused after at most a second.
 */
const PREFETCH_PER = 256;
const PREFETCH_MAX = 15;

export class RedisPlentyRateLimiter implements PlentyRateLimiter {
  readonly redis: Redis;
  readonly maxWaitMs: number;
  private readonly base: string;
  private readonly plan: PlanLimits;
  private readonly reserve: number;
  private readonly paceBelow: number;
  private readonly default429WaitMs: number;
  /** header readings not yet in Redis, per window key (one per window: see queueReading) */
  private readonly pending = new Map<string, Reading>();
  private flushTimer: NodeJS.Timeout | undefined;
  /** calls Redis granted ahead, per kind and route: spent without a round trip until they lapse */
  private readonly leases = new Map<string, { left: number; until: number }>();
  /**
   * routes whose answers came without X-Plenty-Route headers: not throttled on their own, so calls
   * may be granted ahead; a route never answered yet may have a throttle of unknown size
   */
  private readonly unthrottledRoutes = new Set<string>();

  constructor(opts: RedisRateLimiterOptions) {
    this.redis = opts.redis;
    // hash tag: every key of one system lands in the same cluster slot (Lua needs that)
    this.base = `${opts.keyPrefix ?? 'mpc:'}plenty-rl:{${opts.systemKey}}`;
    this.plan = typeof opts.plan === 'object' ? opts.plan : plentyPlans[opts.plan ?? 'classic'];
    this.reserve = opts.reserve ?? 2;
    this.paceBelow = opts.paceBelow ?? 0.5;
    this.maxWaitMs = opts.maxWaitMs ?? 30_000;
    this.default429WaitMs = opts.default429WaitMs ?? 5_000;
  }

  /**
   * The Lua script as a command of the connection: ioredis sends it by SHA (EVALSHA, the source
   * only after a NOSCRIPT), not its whole text on every call.
   */
  private scripts(): LimiterScripts {
    const r = this.redis as Redis & Partial<LimiterScripts>;
    if (!r.mpcPlentyThrottle) r.defineCommand('mpcPlentyThrottle', { lua: THROTTLE_LUA });
    return r as LimiterScripts;
  }

  /**
   * One script call: applies the queued header readings (and a 429's block), then, for `kind`,
   * tries to take calls from every window.
   */
  private async throttle(
    acquire?: { kind: CallKind; route?: string | undefined },
    retryAfterMs = 0,
  ): Promise<{ waitMs: number; reason: string; granted: number; leaseMs: number }> {
    const keys = [`${this.base}:blocked`];
    const acquireArgs: number[] = [];
    if (acquire) {
      const lim = this.plan[acquire.kind];
      const w = windowNames(acquire.kind, acquire.route);
      keys.push(`${this.base}:${w.short}`, `${this.base}:${w.long}`);
      acquireArgs.push(lim.short, MINUTE_MS, lim.long, DAY_MS);
      if (w.route) {
        keys.push(`${this.base}:${w.route}`);
        acquireArgs.push(-1, MINUTE_MS);
      }
    }
    const syncArgs: number[] = [];
    const now = Date.now();
    for (const [key, r] of this.pending) {
      keys.push(key);
      syncArgs.push(r.limit, r.callsLeft, Math.max(0, r.decayMs - (now - r.at)));
    }
    const synced = this.pending.size;
    this.pending.clear();
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const [waitMs, reason, granted, leaseMs] = (await this.scripts().mpcPlentyThrottle(
      keys.length,
      ...keys,
      this.reserve,
      this.paceBelow,
      acquire ? keys.length - 1 - synced : 0,
      synced,
      retryAfterMs,
      PREFETCH_PER,
      acquire?.route && !this.unthrottledRoutes.has(acquire.route) ? 0 : PREFETCH_MAX,
      ...acquireArgs,
      ...syncArgs,
    )) as [number, string, number, number];
    return {
      waitMs: Number(waitMs),
      reason: String(reason).replace(`${this.base}:`, ''),
      granted: Number(granted),
      leaseMs: Number(leaseMs),
    };
  }

  /**
   * One atomic attempt: 0 = granted, else ms to wait. Calls granted beyond this one (a budget far
   * from exhausted) are kept for this process's next acquire() of the same kind and route.
   */
  async tryAcquire(kind: CallKind, route?: string): Promise<{ waitMs: number; reason: string }> {
    const { waitMs, reason, granted, leaseMs } = await this.throttle({ kind, route });
    if (waitMs <= 0 && granted > 1) {
      const key = leaseKey(kind, route);
      const lease = this.leases.get(key);
      const until = Date.now() + Math.min(leaseMs, 1_000);
      // calls granted to concurrent acquires join the lease without outliving its earliest expiry
      if (lease && lease.until > Date.now()) lease.left += granted - 1;
      else this.leases.set(key, { left: granted - 1, until });
    }
    return { waitMs, reason };
  }

  async acquire(kind: CallKind, opts: AcquireOptions = {}): Promise<void> {
    const lease = this.leases.get(leaseKey(kind, opts.route));
    if (lease && lease.left > 0 && lease.until > Date.now()) {
      lease.left--;
      return;
    }
    const maxWait = opts.maxWaitMs ?? this.maxWaitMs;
    const started = Date.now();
    for (;;) {
      const { waitMs, reason } = await this.tryAcquire(kind, opts.route);
      if (waitMs <= 0) return;
      const waited = Date.now() - started;
      if (waited + waitMs > maxWait) {
        throw new PlentyRateLimitedError(
          `Plenty API budget exhausted (${reason}): next ${kind} call possible in ${Math.ceil(waitMs / 1000)} s`,
          { route: opts.route ?? kind, retryAfterMs: waitMs },
        );
      }
      // sleep in slices: another process may resync the budget from headers meanwhile
      await sleep(Math.min(waitMs, 1_000) + Math.floor(Math.random() * 25), opts.signal);
    }
  }

  /**
   * Queues the response's readings for the next script call (within READING_FLUSH_MS); a 429
   * drops this process's leased calls and blocks every process at once.
   */
  async update(
    kind: CallKind,
    headers: Record<string, unknown>,
    status: number,
    route?: string,
  ): Promise<void> {
    const h: PlentyRateHeaders = parsePlentyRateHeaders(headers);
    const at = Date.now();
    // a window without Decay is assumed to last its nominal length from now
    const names = windowNames(kind, route);
    const windows: [string, WindowHeaders | undefined, number][] = [
      [names.short, h.short, MINUTE_MS],
      [names.long, h.long, DAY_MS],
    ];
    if (names.route && h.route) windows.push([names.route, h.route, MINUTE_MS]);
    if (route && status < 400) {
      if (h.route) this.unthrottledRoutes.delete(route);
      else this.unthrottledRoutes.add(route);
    }
    for (const [name, w, nominal] of windows) {
      if (w?.callsLeft === undefined) continue;
      this.queueReading(`${this.base}:${name}`, {
        limit: w.limit ?? -1,
        callsLeft: w.callsLeft,
        decayMs: w.decayMs ?? nominal,
        at,
      });
    }
    if (status === 429) {
      this.leases.clear();
      await this.throttle(undefined, h.retryAfterMs ?? this.default429WaitMs);
    } else if (this.pending.size && !this.flushTimer) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        this.flush().catch(() => {
          // the next script call or response brings fresh readings
        });
      }, READING_FLUSH_MS);
      this.flushTimer.unref();
    }
  }

  /** Writes the queued readings to Redis now. */
  async flush(): Promise<void> {
    if (this.pending.size) await this.throttle();
  }

  /**
   * Keeps one reading per window, as the script would apply them one after another: a window that
   * reset (its reset time later by more than 1.5 s) replaces the reading, a reading of an older
   * window is dropped, and within one window the lowest calls-left wins.
   */
  private queueReading(key: string, r: Reading): void {
    const old = this.pending.get(key);
    if (!old) {
      this.pending.set(key, r);
      return;
    }
    const resetOld = old.at + old.decayMs;
    const resetNew = r.at + r.decayMs;
    if (resetNew > resetOld + 1_500) this.pending.set(key, r);
    else if (resetNew >= resetOld - 1_500)
      this.pending.set(key, {
        ...r,
        limit: r.limit >= 0 ? r.limit : old.limit,
        callsLeft: Math.min(r.callsLeft, old.callsLeft),
      });
  }

  private async readWindow(key: string): Promise<WindowBudget | undefined> {
    const h = await this.redis.hgetall(key);
    if (h.left === undefined || h.resetAt === undefined) return undefined;
    const resetAt = Number(h.resetAt);
    const limit = Number(h.limit);
    // an elapsed window is full again (the next acquire re-seeds it)
    const callsLeft = resetAt <= Date.now() ? limit : Number(h.left);
    return { limit, callsLeft, resetAt, synced: h.synced === '1' };
  }

  async getBudget(): Promise<PlentyBudget> {
    await this.flush();
    const budget: PlentyBudget = { read: {}, write: {}, routes: {}, blockedUntil: 0 };
    for (const kind of ['read', 'write'] as const) {
      for (const w of ['short', 'long'] as const) {
        const b = await this.readWindow(`${this.base}:${kind}:${w}`);
        if (b) budget[kind][w] = b;
      }
    }
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.base}:route:*`, 'COUNT', 100);
      cursor = next;
      for (const k of keys) {
        const b = await this.readWindow(k);
        if (b) budget.routes[k.slice(`${this.base}:route:`.length)] = b;
      }
    } while (cursor !== '0');
    const blocked = Number((await this.redis.get(`${this.base}:blocked`)) ?? 0);
    budget.blockedUntil = blocked > Date.now() ? blocked : 0;
    return budget;
  }

  /** Tests and admin tooling: forget every counter of this system. */
  async reset(): Promise<void> {
    this.pending.clear();
    this.leases.clear();
    this.unthrottledRoutes.clear();
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', `${this.base}:*`, 'COUNT', 200);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    if (keys.length) await this.redis.del(...keys);
  }
}

function leaseKey(kind: CallKind, route: string | undefined): string {
  return route ? `${kind} ${route}` : kind;
}

export function createPlentyRateLimiter(opts: RedisRateLimiterOptions): RedisPlentyRateLimiter {
  return new RedisPlentyRateLimiter(opts);
}
