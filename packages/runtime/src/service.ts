import { type ReadinessCheck, startHealthServer } from './health';
import { onShutdown, type ShutdownStep } from './lifecycle';
import type { Logger } from './logger';
import type { Registry } from './metrics';

/**
 * What every worker service shares once its parts are built: the health server (/healthz,
 * /readyz, /metrics) and the ordered shutdown on SIGTERM, which first turns /readyz to 503, then
 * runs the service's steps (stop taking jobs, close queues, database, Redis) and closes the
 * health server last.
 */
export async function runWorkerService(opts: {
  name: string;
  logger: Logger;
  healthPort: number;
  registry: Registry;
  isAlive?: () => boolean;
  checks: Record<string, ReadinessCheck>;
  shutdown: ShutdownStep[];
  shutdownTimeoutMs: number;
  /** extra fields of the "started" log line */
  started?: Record<string, unknown>;
}): Promise<void> {
  const health = await startHealthServer({
    port: opts.healthPort,
    registry: opts.registry,
    checks: opts.checks,
    ...(opts.isAlive ? { isAlive: opts.isAlive } : {}),
  });
  opts.logger.info(`${opts.name} started`, { healthPort: health.port, ...opts.started });
  onShutdown(opts.logger, [...opts.shutdown, { name: 'health', run: () => health.close() }], {
    timeoutMs: opts.shutdownTimeoutMs,
    onStart: () => health.markShuttingDown(),
  });
}
