/**
 * Plenty's API throttling: a short window per user and a long (day) window per system, counted
 * separately for reads (GET) and writes (POST/PUT/PATCH/DELETE), plus optional per-route
 * limits. Every answer carries the X-Plenty-* headers; over budget → 429 with Retry-After.
 */
export interface PlanLimits {
  readPerWindow: number;
  writePerWindow: number;
  windowSeconds: number;
  longReadPerDay?: number;
  longWritePerDay?: number;
  /** length of the long window; default 86400 */
  longWindowSeconds?: number;
}
export type PlanName = 'basic' | 'classic' | 'flex' | 'plus' | 'sandbox';

/** Published limits (reads / writes per user·minute and per system·day). */
export const PLANS: Record<PlanName, PlanLimits> = {
  basic: {
    readPerWindow: 80,
    writePerWindow: 40,
    windowSeconds: 60,
    longReadPerDay: 59_760,
    longWritePerDay: 17_280,
  },
  classic: {
    readPerWindow: 200,
    writePerWindow: 80,
    windowSeconds: 60,
    longReadPerDay: 166_000,
    longWritePerDay: 48_000,
  },
  flex: {
    readPerWindow: 240,
    writePerWindow: 100,
    windowSeconds: 60,
    longReadPerDay: 282_000,
    longWritePerDay: 72_000,
  },
  plus: {
    readPerWindow: 280,
    writePerWindow: 120,
    windowSeconds: 60,
    longReadPerDay: 282_000,
    longWritePerDay: 72_000,
  },
  /** the sandbox default: headers present, limits out of reach of ordinary tests */
  sandbox: {
    readPerWindow: 1_000_000,
    writePerWindow: 1_000_000,
    windowSeconds: 60,
    longReadPerDay: 100_000_000,
    longWritePerDay: 100_000_000,
  },
};

export interface RouteLimit {
  limit: number;
  windowSeconds: number;
}

interface Window {
  start: number;
  used: number;
}

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
  retryAfterSeconds?: number;
}

export class RateLimiter {
  private windows = new Map<string, Window>();
  plan: PlanLimits;

  constructor(
    plan: PlanName | PlanLimits,
    public routeLimits: Record<string, RouteLimit>,
    private readonly now: () => number,
  ) {
    this.plan = resolvePlan(plan);
  }

  setPlan(plan: PlanName | PlanLimits): void {
    this.plan = resolvePlan(plan);
    this.windows.clear();
  }

  reset(): void {
    this.windows.clear();
  }

  private window(key: string, seconds: number): Window {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t >= w.start + seconds * 1000) {
      w = { start: t, used: 0 };
      this.windows.set(key, w);
    }
    return w;
  }

  /** Counts the call when it is within every budget; returns the headers either way. */
  check(user: string, write: boolean, route: string): RateDecision {
    const p = this.plan;
    const kind = write ? 'write' : 'read';
    const longSeconds = p.longWindowSeconds ?? 86_400;
    const budgets: { prefix: string; key: string; limit: number; seconds: number }[] = [
      {
        prefix: 'X-Plenty-Global-Short-Period',
        key: `short:${kind}:${user}`,
        limit: write ? p.writePerWindow : p.readPerWindow,
        seconds: p.windowSeconds,
      },
      {
        prefix: 'X-Plenty-Global-Long-Period',
        key: `long:${kind}`,
        // without a day budget: the short budget over a whole long window
        limit:
          (write ? p.longWritePerDay : p.longReadPerDay) ??
          Math.ceil(((write ? p.writePerWindow : p.readPerWindow) * longSeconds) / p.windowSeconds),
        seconds: longSeconds,
      },
    ];
    const rl = this.routeLimits[route];
    if (rl)
      budgets.push({
        prefix: 'X-Plenty-Route',
        key: `route:${route}:${user}`,
        limit: rl.limit,
        seconds: rl.windowSeconds,
      });
    const t = this.now();
    const ws = budgets.map((b) => ({ ...b, w: this.window(b.key, b.seconds) }));
    const exhausted = ws.filter((b) => b.w.used >= b.limit);
    const allowed = exhausted.length === 0;
    if (allowed) for (const b of ws) b.w.used++;
    const headers: Record<string, string> = {};
    for (const b of ws) {
      const reset = b.w.start + b.seconds * 1000;
      headers[`${b.prefix}-Limit`] = String(b.limit);
      headers[`${b.prefix}-Calls-Left`] = String(Math.max(0, b.limit - b.w.used));
      headers[`${b.prefix}-Decay`] = String(Math.max(0, Math.ceil((reset - t) / 1000)));
    }
    if (allowed) return { allowed, headers };
    let retry = 0;
    for (const b of exhausted) {
      const reset = b.w.start + b.seconds * 1000;
      retry = Math.max(retry, Math.max(1, Math.ceil((reset - t) / 1000)));
      headers[`${b.prefix}-Calls-Reset`] = String(Math.floor(reset / 1000));
    }
    headers['Retry-After'] = String(retry);
    return { allowed, headers, retryAfterSeconds: retry };
  }
}

export function resolvePlan(plan: PlanName | PlanLimits): PlanLimits {
  if (typeof plan === 'string') {
    const p = PLANS[plan];
    if (!p) throw new Error(`unknown Plenty plan "${plan}" (basic, classic, flex, plus, sandbox)`);
    return { ...p };
  }
  return { ...plan };
}
