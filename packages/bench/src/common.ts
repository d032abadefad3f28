import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { exited, type Pipeline, type SettledCounts, spawnService, testEnv, waitForSettled } from '@mpc/demo';
import type { PlentySandbox } from '@mpc/sandbox';
import type { Progress } from './progress';
import type { ScenarioResult } from './report';

/** tiny: the test suite's smoke run; quick: `--quick` (whole command under 3 minutes); full: the figures. */
export type Size = 'tiny' | 'quick' | 'full';

export interface ScenarioContext {
  size: Size;
  progress: Progress;
}

export interface ScenarioDef {
  name: string;
  kind: 'bench' | 'chaos';
  summary: string;
  /** rough wall time per size, printed before the run */
  expectedS: Record<Size, number>;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}

export const bySize = <T>(size: Size, values: Record<Size, T>): T => values[size];

/** Plenty calls the sandbox answered, from its counters ("POST /rest/orders 200" → n). */
export function plentyCalls(plenty: PlentySandbox) {
  const byRouteAndStatus = plenty.state.calls.toJSON().byRouteAndStatus as Record<string, number>;
  let reads = 0;
  let writes = 0;
  let r429 = 0;
  let total = 0;
  let logins = 0;
  for (const [key, n] of Object.entries(byRouteAndStatus)) {
    const [method, route, status] = key.split(' ');
    if (route?.startsWith('/rest/login')) {
      logins += n;
      continue;
    }
    total += n;
    if (status === '429') r429 += n;
    if (!/^2\d\d$/.test(status ?? '')) continue;
    if (method === 'GET') reads += n;
    else writes += n;
  }
  return { reads, writes, r429, total, logins, byRouteAndStatus };
}

/** Settles with progress lines; returns the counts and the seconds it took. */
export async function settle(
  pipeline: Pick<Pipeline, 'prisma' | 'queues'>,
  profileId: number,
  opts: { expected: number; timeoutMs: number; progress: Progress; label?: string },
): Promise<{ counts: SettledCounts; seconds: number }> {
  const started = Date.now();
  const counts = await waitForSettled(pipeline, profileId, {
    timeoutMs: opts.timeoutMs,
    minRows: opts.expected,
    pollMs: 250,
    onProgress: (c) => {
      const done = (c.byStatus.complete ?? 0) + (c.byStatus.updated ?? 0);
      const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
      opts.progress(
        `${opts.label ?? 'export'}: ${done}/${opts.expected} complete, ${JSON.stringify(c.byStatus)}, ${rate.toFixed(1)} orders/s`,
      );
    },
  });
  return { counts, seconds: (Date.now() - started) / 1000 };
}

/** Orders per second between the first and the last `processedAt` of the profile's complete rows. */
export async function exportRate(
  pipeline: Pick<Pipeline, 'prisma'>,
  profileId: number,
): Promise<{ orders: number; seconds: number; perSecond: number }> {
  const agg = await pipeline.prisma.orderSync.aggregate({
    where: { profileId, status: 'complete' },
    _min: { processedAt: true, createdAt: true },
    _max: { processedAt: true },
    _count: { _all: true },
  });
  const from = agg._min.createdAt?.getTime() ?? 0;
  const to = agg._max.processedAt?.getTime() ?? 0;
  const seconds = Math.max(0.001, (to - from) / 1000);
  return { orders: agg._count._all, seconds, perSecond: agg._count._all / seconds };
}

export interface ExporterFleet {
  children: Set<ChildProcess>;
  start(): ChildProcess;
  stopAll(signal?: NodeJS.Signals): Promise<void>;
}

/** Exporter processes as in production (spawnService), on the scenario's queue prefix. */
export function exporterFleet(env: {
  prefix: string;
  databaseUrl?: string;
  redisUrl?: string;
  secretsKey?: string;
  extra?: Record<string, string>;
}): ExporterFleet {
  const children = new Set<ChildProcess>();
  return {
    children,
    start() {
      const child = spawnService('exporter', {
        DATABASE_URL: env.databaseUrl ?? testEnv.databaseUrl,
        REDIS_URL: env.redisUrl ?? testEnv.redisUrl,
        SECRETS_KEY: env.secretsKey ?? testEnv.secretsKey,
        QUEUE_PREFIX: env.prefix,
        LOG_LEVEL: 'error',
        HEALTH_PORT: '0',
        ...env.extra,
      });
      children.add(child);
      const off = onAbort(() => child.kill('SIGKILL'));
      child.once('exit', () => {
        children.delete(child);
        off();
      });
      return child;
    },
    async stopAll(signal = 'SIGTERM') {
      const all = [...children];
      for (const c of all) c.kill(signal);
      await Promise.all(all.map(exited));
    },
  };
}

/** Peak resident memory of processes, sampled from /proc/<pid>/status (VmHWM is the kernel's own peak). */
export class RssSampler {
  private readonly peaks = new Map<number, { label: string; hwmKB: number; rssKB: number }>();
  private timer: NodeJS.Timeout | null = null;

  track(pid: number | undefined, label: string): void {
    if (pid) this.peaks.set(pid, { label, hwmKB: 0, rssKB: 0 });
  }

  start(everyMs = 500): void {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  sample(): void {
    for (const [pid, p] of this.peaks) {
      const s = readStatus(pid);
      if (!s) continue;
      p.hwmKB = Math.max(p.hwmKB, s.hwmKB);
      p.rssKB = Math.max(p.rssKB, s.rssKB);
    }
  }

  stop(): { label: string; pid: number; peakMB: number }[] {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    return [...this.peaks].map(([pid, p]) => ({
      label: p.label,
      pid,
      peakMB: Math.round(Math.max(p.hwmKB, p.rssKB) / 102.4) / 10,
    }));
  }
}

function readStatus(pid: number): { hwmKB: number; rssKB: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return { hwmKB: kb('VmHWM'), rssKB: kb('VmRSS') };
  } catch {
    return null;
  }
}

/** CPU seconds this machine spent busy vs. available during a run (from /proc/stat): says when the cores were the limit. */
export function cpuMeter(): () => { busyShare: number } {
  const read = () => {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const n = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (n[3] ?? 0) + (n[4] ?? 0);
    const total = n.reduce((a, b) => a + b, 0);
    return { idle, total };
  };
  const a = read();
  return () => {
    const b = read();
    const total = b.total - a.total;
    return { busyShare: total > 0 ? Math.round((1 - (b.idle - a.idle) / total) * 100) / 100 : 0 };
  };
}

/**
 * Orders per second between the moments 10% and 90% of `total` had settled: the rate of a warm
 * process, without start-up (JIT warm-up, first logins, cold caches) and the last stragglers.
 * `samples` are (seconds, settled) pairs in time order.
 */
export function steadyRate(samples: { s: number; done: number }[], total: number): number | null {
  const from = samples.find((x) => x.done >= total * 0.1);
  const to = samples.find((x) => x.done >= total * 0.9);
  if (!from || !to || to.s <= from.s) return null;
  return (to.done - from.done) / (to.s - from.s);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * CPU seconds spent by process group between two calls (from /proc/<pid>/stat utime + stime):
 * the exporters, this process (sandboxes, scheduler, collector), Postgres, Redis, the rest.
 */
export function cpuByGroup(groups: () => Record<string, number[]>): () => Record<string, number> {
  const tick = 100; // USER_HZ
  const snapshot = () => {
    const out = new Map<number, { comm: string; t: number }>();
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        const comm = stat.slice(stat.indexOf('(') + 1, close);
        const f = stat.slice(close + 2).split(' ');
        out.set(Number(d), {
          comm,
          t: (Number(f[11]) + Number(f[12]) + Number(f[13] ?? 0) + Number(f[14] ?? 0)) / tick,
        });
      } catch {
        // gone
      }
    }
    return out;
  };
  const a = snapshot();
  return () => {
    const b = snapshot();
    const named = groups();
    const owner = new Map<number, string>();
    for (const [g, pids] of Object.entries(named)) for (const p of pids) owner.set(p, g);
    const result: Record<string, number> = {};
    for (const [pid, s] of b) {
      const used = s.t - (a.get(pid)?.t ?? 0);
      if (used <= 0) continue;
      const g =
        owner.get(pid) ??
        (s.comm.startsWith('postgres') ? 'postgres' : s.comm.startsWith('redis') ? 'redis' : 'other');
      result[g] = Math.round(((result[g] ?? 0) + used) * 10) / 10;
    }
    return result;
  };
}

/** Clean-ups that must run even when the command is interrupted (child processes, private servers). */
const aborters = new Set<() => void>();
export function onAbort(fn: () => void): () => void {
  aborters.add(fn);
  return () => aborters.delete(fn);
}
export function runAborters(): void {
  for (const fn of aborters) {
    try {
      fn();
    } catch {
      // best effort
    }
  }
  aborters.clear();
}
