import { mulberry32 } from '../util/prng';

/**
 * Fault injection: latency, 5xx answers, timeouts (the request is never answered), dropped
 * connections, outage windows and 429 bursts — random at configured rates (seeded) or scripted.
 * Faults on writes can strike before the write (nothing happened) or after it (Plenty applied
 * the write but the answer was lost); `faultAfterWriteRatio` splits the two.
 */
export type FaultKind = '5xx' | 'timeout' | 'drop' | '429';
export type FaultPhase = 'before' | 'after';

export interface ScriptedFault {
  /** route template, e.g. 'POST /rest/orders'; absent = any route */
  route?: string;
  kind: FaultKind;
  /** default 'before'; 'after' only applies to writes */
  phase?: FaultPhase;
  /** HTTP status for kind 5xx (default 500) */
  status?: number;
  /** how many matching calls to hit (default 1) */
  times?: number;
  /** skip this many matching calls first (default 0) */
  skip?: number;
}

export interface OutageConfig {
  /** epoch ms or ISO string; default: now */
  startsAt?: number | string;
  endsAt?: number | string;
  durationMs?: number;
  /** answer 503 (default) or refuse connections (the port stops listening) */
  mode?: '503' | 'refused';
}

export interface FaultConfig {
  error5xxRate?: number;
  /** statuses drawn for random 5xx faults; default [500, 502, 503] */
  error5xxStatuses?: number[];
  timeoutRate?: number;
  dropRate?: number;
  /** share of write faults (5xx/timeout/drop) injected after the write was applied; default 0.5 */
  faultAfterWriteRatio?: number;
  /** limit random faults to these route templates (e.g. ['POST /rest/orders']) */
  routes?: string[];
  outage?: OutageConfig | null;
  /** the next `count` calls (or every call for `durationMs`) get 429 */
  burst429?: { count?: number; durationMs?: number; retryAfterSeconds?: number } | null;
  scripted?: ScriptedFault[];
}

export interface FaultDecision {
  kind: FaultKind;
  phase: FaultPhase;
  status: number;
  retryAfterSeconds?: number;
}

const toMs = (v: number | string | undefined, dflt: number) =>
  v === undefined ? dflt : typeof v === 'number' ? v : Date.parse(v);

export class Faults {
  config: FaultConfig = {};
  private rng: () => number;
  private outageWindow?: { start: number; end: number; mode: '503' | 'refused' };
  private burst?: { left: number; until: number; retryAfter: number };
  private scripted: (ScriptedFault & { hits: number; seen: number })[] = [];
  private timers: NodeJS.Timeout[] = [];

  constructor(
    config: FaultConfig,
    seed: number,
    private readonly now: () => number,
    /** called when a "refused" outage starts (true) or ends (false) */
    private readonly onRefuse: (refusing: boolean) => void,
  ) {
    this.rng = mulberry32(seed);
    this.configure(config);
  }

  /** Merges a partial config (null clears outage / burst; scripted replaces the script). */
  configure(c: FaultConfig): void {
    const { outage, burst429, scripted, ...rest } = c;
    this.config = { ...this.config, ...rest };
    if (outage !== undefined) this.setOutage(outage);
    if (burst429 !== undefined) {
      this.burst = burst429
        ? {
            left: burst429.count ?? (burst429.durationMs ? Number.POSITIVE_INFINITY : 1),
            until: burst429.durationMs ? this.now() + burst429.durationMs : Number.POSITIVE_INFINITY,
            retryAfter: burst429.retryAfterSeconds ?? 1,
          }
        : undefined;
    }
    if (scripted !== undefined) this.scripted = scripted.map((s) => ({ ...s, hits: 0, seen: 0 }));
  }

  private setOutage(o: OutageConfig | null): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    if (this.outageWindow?.mode === 'refused') this.onRefuse(false);
    if (!o) {
      this.outageWindow = undefined;
      return;
    }
    const start = toMs(o.startsAt, this.now());
    const end = o.endsAt !== undefined ? toMs(o.endsAt, start) : start + (o.durationMs ?? 60_000);
    const mode = o.mode ?? '503';
    this.outageWindow = { start, end, mode };
    if (mode === 'refused') {
      const t0 = Math.max(0, start - this.now());
      this.timers.push(setTimeout(() => this.onRefuse(true), t0));
      this.timers.push(setTimeout(() => this.onRefuse(false), Math.max(t0, end - this.now())));
    }
  }

  /** 503 outage in force now? */
  outage503(): boolean {
    const o = this.outageWindow;
    if (!o || o.mode !== '503') return false;
    const t = this.now();
    return t >= o.start && t < o.end;
  }

  /** Decides the fault (if any) of one call. */
  decide(route: string, write: boolean): FaultDecision | undefined {
    if (this.burst) {
      const b = this.burst;
      if (b.left > 0 && this.now() < b.until) {
        b.left--;
        return { kind: '429', phase: 'before', status: 429, retryAfterSeconds: b.retryAfter };
      }
      this.burst = undefined;
    }
    for (const s of this.scripted) {
      if (s.route && s.route !== route) continue;
      if (s.hits >= (s.times ?? 1)) continue;
      s.seen++;
      if (s.seen <= (s.skip ?? 0)) continue;
      s.hits++;
      const phase = s.phase === 'after' && write ? 'after' : 'before';
      return {
        kind: s.kind,
        phase,
        status: s.kind === '5xx' ? (s.status ?? 500) : s.kind === '429' ? 429 : 0,
      };
    }
    const c = this.config;
    if (c.routes && !c.routes.includes(route)) return undefined;
    const r = this.rng();
    const e = c.error5xxRate ?? 0;
    const t = c.timeoutRate ?? 0;
    const d = c.dropRate ?? 0;
    let kind: FaultKind | undefined;
    if (r < e) kind = '5xx';
    else if (r < e + t) kind = 'timeout';
    else if (r < e + t + d) kind = 'drop';
    if (!kind) return undefined;
    const after = write && this.rng() < (c.faultAfterWriteRatio ?? 0.5);
    const statuses = c.error5xxStatuses ?? [500, 502, 503];
    return {
      kind,
      phase: after ? 'after' : 'before',
      status: kind === '5xx' ? statuses[Math.floor(this.rng() * statuses.length)]! : 0,
    };
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }
}
