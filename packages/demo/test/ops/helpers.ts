import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { exited, serviceArgs, serviceEnv } from '../../src/processes';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** A TCP port free right now on 127.0.0.1 (bound to port 0, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Polls `fn` until it returns a value that is not undefined, or throws after `timeoutMs` with the last state. */
export async function pollUntil<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
  pollMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `${what}: not within ${timeoutMs} ms (last: ${last instanceof Error ? last.message : String(last)})`,
      );
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export async function httpGet(url: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text() };
}

/** Waits until the HTTP endpoint answers `status`; returns the body (JSON parsed when possible). */
export function waitForStatus(
  url: string,
  status: number,
  timeoutMs: number,
): Promise<{ status: number; body: string; at: number }> {
  return pollUntil(
    `${url} → ${status}`,
    async () => {
      const r = await httpGet(url, 3000);
      if (r.status === status) return { ...r, at: Date.now() };
      throw new Error(`${r.status} ${r.body}`);
    },
    timeoutMs,
  );
}

/** A private redis-server on its own port (never the shared one on 6379), which a test can kill and start again. */
export class PrivateRedis {
  private child: ChildProcess | undefined;
  constructor(readonly port: number) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await pollUntil(
      `redis-server on ${this.port}`,
      () =>
        new Promise<true>((resolve, reject) => {
          const sock = connect(this.port, '127.0.0.1', () => {
            sock.end();
            resolve(true);
          });
          sock.once('error', reject);
        }),
      10_000,
      50,
    );
  }

  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
  }
}

export interface CapturedProcess {
  child: ChildProcess;
  /** every stdout line so far (the services log JSON lines to stdout) */
  lines(): string[];
  stderr(): string;
}

/**
 * Like spawnService, but keeps stdout too (spawnService drops it): tests read the service's log
 * lines. Same command as production (serviceArgs).
 */
export function spawnCaptured(
  name: 'api' | 'scheduler' | 'collector' | 'exporter',
  env: Record<string, string>,
): CapturedProcess {
  const child = spawn(process.execPath, serviceArgs(name), {
    cwd: root,
    env: serviceEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-8000);
  });
  return { child, lines: () => out.split('\n').filter(Boolean), stderr: () => err };
}

/** Parses Prometheus text into samples: name, labels, value. */
export function parseMetrics(
  text: string,
): { name: string; labels: Record<string, string>; value: number }[] {
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** Sum of the samples of `name` whose labels include `match`. */
export function sumOf(
  samples: ReturnType<typeof parseMetrics>,
  name: string,
  match: Record<string, string> = {},
): number {
  return samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}
