import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compiledEntry, SERVICE_NODE_ENV } from '@mpc/deploy/build';

const root = fileURLToPath(new URL('../../../', import.meta.url));

export type ServiceName = 'api' | 'scheduler' | 'collector' | 'exporter';

/**
 * The node arguments that start a service as in production: its compiled entry point
 * (`node --conditions=compiled services/<name>/dist/main.js`), built first when src/ is newer.
 */
export function serviceArgs(name: ServiceName): string[] {
  return compiledEntry(`services/${name}`, 'main.js');
}

/**
 * A service's environment: this process's, node's settings of the images (SERVICE_NODE_ENV; an
 * inherited NODE_OPTIONS is appended, so its options win), then `env`.
 */
export function serviceEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const nodeOptions = [SERVICE_NODE_ENV.NODE_OPTIONS, process.env.NODE_OPTIONS].filter(Boolean).join(' ');
  return { ...process.env, ...SERVICE_NODE_ENV, NODE_OPTIONS: nodeOptions, ...env };
}

/** Runs a service as its own process, as in production (see serviceArgs). */
export function spawnService(
  name: ServiceName,
  env: Record<string, string>,
  opts: { onExit?: (code: number | null, signal: NodeJS.Signals | null) => void; output?: boolean } = {},
): ChildProcess {
  const child = spawn(process.execPath, serviceArgs(name), {
    cwd: root,
    env: serviceEnv(env),
    stdio: ['ignore', opts.output ? 'inherit' : 'ignore', opts.output ? 'inherit' : 'pipe'],
  });
  if (!opts.output) {
    // keep the last lines of stderr for a failing test's message
    let tail = '';
    child.stderr?.on('data', (d: Buffer) => {
      tail = (tail + d.toString()).slice(-4000);
    });
    (child as ChildProcess & { stderrTail: () => string }).stderrTail = () => tail;
  }
  if (opts.onExit) child.on('exit', opts.onExit);
  return child;
}

/** Waits for a process to exit (resolves at once if it already has). */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** A small deterministic PRNG (mulberry32) for reproducible chaos. */
export { mulberry32 as prng } from '@mpc/sandbox';
