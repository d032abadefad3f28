import type { Redis } from 'ioredis';
import { PlentyRateLimitedError } from './errors';
import type { CallKind } from './http';
import { type PlentyRateHeaders, parsePlentyRateHeaders } from './rate-limit-headers';

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

const ACQUIRE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local reserve = tonumber(ARGV[1])
local paceBelow = tonumber(ARGV[2])
local blocked = tonumber(redis.call('GET', KEYS[1]) or '0')
if blocked > now then return {blocked - now, 'retry-after'} end
local wait = 0
local why = ''
local grants = {}
for i = 2, #KEYS do
  local k = KEYS[i]
  local defLimit = tonumber(ARGV[1 + 2 * (i - 1)])
  local windowMs = tonumber(ARGV[2 + 2 * (i - 1)])
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
      if usable < limit * paceBelow then
        interval = math.floor((resetAt - now) / usable)
        if nextAt > now and nextAt - now > wait then wait = nextAt - now; why = k end
      end
    end
    table.insert(grants, {k, interval, nextAt})
  end
end
if wait > 0 then return {wait, why} end
for _, g in ipairs(grants) do
  redis.call('HINCRBY', g[1], 'left', -1)
  if g[2] > 0 then
    local base = g[3]
    if base < now then base = now end
    redis.call('HSET', g[1], 'nextAt', base + g[2])
  end
end
return {0, ''}
`;

const UPDATE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local status = tonumber(ARGV[1])
local retryAfter = tonumber(ARGV[2])
for i = 2, #KEYS do
  local limit = tonumber(ARGV[3 * (i - 1)])
  local hleft = tonumber(ARGV[3 * (i - 1) + 1])
  local decay = tonumber(ARGV[3 * (i - 1) + 2])
  if hleft >= 0 and decay >= 0 then
    local k = KEYS[i]
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
end
if status == 429 then
  local untilMs = now + retryAfter
  local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
  if untilMs > cur then redis.call('SET', KEYS[1], untilMs, 'PX', retryAfter + 1000) end
end
return 0
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

type ScriptCommand = (numberOfKeys: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>;
interface LimiterScripts {
  mpcPlentyAcquire: ScriptCommand;
  mpcPlentyUpdate: ScriptCommand;
}

export class RedisPlentyRateLimiter implements PlentyRateLimiter {
  readonly redis: Redis;
  readonly maxWaitMs: number;
  private readonly base: string;
  private readonly plan: PlanLimits;
  private readonly reserve: number;
  private readonly paceBelow: number;
  private readonly default429WaitMs: number;

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
   * The Lua scripts as commands of the connection: ioredis sends them by SHA (EVALSHA, the source
   * only after a NOSCRIPT), not their whole text on every call (twice per Plenty call).
   */
  private scripts(): LimiterScripts {
    const r = this.redis as Redis & Partial<LimiterScripts>;
    if (!r.mpcPlentyAcquire) r.defineCommand('mpcPlentyAcquire', { lua: ACQUIRE_LUA });
    if (!r.mpcPlentyUpdate) r.defineCommand('mpcPlentyUpdate', { lua: UPDATE_LUA });
    return r as LimiterScripts;
  }

  private keys(kind: CallKind, route?: string): string[] {
    const k = [`${this.base}:blocked`, `${this.base}:${kind}:short`, `${this.base}:${kind}:long`];
    if (route) k.push(`${this.base}:route:${routeSlug(route)}`);
    return k;
  }

  /** One atomic attempt: 0 = granted, else ms to wait. */
  async tryAcquire(kind: CallKind, route?: string): Promise<{ waitMs: number; reason: string }> {
    const keys = this.keys(kind, route);
    const lim = this.plan[kind];
    const args: (string | number)[] = [this.reserve, this.paceBelow, lim.short, MINUTE_MS, lim.long, DAY_MS];
    if (route) args.push(-1, MINUTE_MS);
    const [waitMs, reason] = (await this.scripts().mpcPlentyAcquire(keys.length, ...keys, ...args)) as [
      number,
      string,
    ];
    return { waitMs: Number(waitMs), reason: String(reason).replace(`${this.base}:`, '') };
  }

  async acquire(kind: CallKind, opts: AcquireOptions = {}): Promise<void> {
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

  async update(
    kind: CallKind,
    headers: Record<string, unknown>,
    status: number,
    route?: string,
  ): Promise<void> {
    const h: PlentyRateHeaders = parsePlentyRateHeaders(headers);
    const windows = [h.short, h.long];
    const keys = [`${this.base}:blocked`, `${this.base}:${kind}:short`, `${this.base}:${kind}:long`];
    if (route && h.route) {
      windows.push(h.route);
      keys.push(`${this.base}:route:${routeSlug(route)}`);
    }
    const retryAfter = status === 429 ? (h.retryAfterMs ?? this.default429WaitMs) : 0;
    if (status !== 429 && !windows.some((w) => w?.callsLeft !== undefined)) return;
    const args: number[] = [status, retryAfter];
    // a window without Decay is assumed to last its nominal length from now
    const nominal = [MINUTE_MS, DAY_MS, MINUTE_MS];
    windows.forEach((w, i) => {
      const decay = w?.decayMs ?? (w?.callsLeft !== undefined ? nominal[i]! : -1);
      args.push(w?.limit ?? -1, w?.callsLeft ?? -1, decay);
    });
    await this.scripts().mpcPlentyUpdate(keys.length, ...keys, ...args);
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

export function createPlentyRateLimiter(opts: RedisRateLimiterOptions): RedisPlentyRateLimiter {
  return new RedisPlentyRateLimiter(opts);
}
