import type { Logger } from './logger';

export type ShutdownStep = { name: string; run: () => Promise<unknown> };

export interface ShutdownOptions {
  timeoutMs: number;
  exit?: (code: number) => void;
  /** called first, synchronously, when a shutdown starts (e.g. /readyz → 503) */
  onStart?: () => void;
  /** process signals to listen to; default SIGTERM and SIGINT ([] in tests) */
  signals?: NodeJS.Signals[];
  /** listen to unhandledRejection/uncaughtException; default true */
  processHandlers?: boolean;
}

/**
 * Ordered graceful shutdown on SIGTERM/SIGINT: runs the steps in order under one deadline
 * (shorter than Kubernetes' terminationGracePeriodSeconds), then exits 0; past the deadline it
 * exits 1 at once, whatever is still running (the exporter's running jobs then lose their BullMQ
 * locks and run again elsewhere; the step machine makes that safe). A failing step is logged and
 * the next ones still run, the exit code is then 1. An uncaught exception shuts down with exit 1.
 * A second signal while shutting down is ignored (the deadline still applies).
 */
export function onShutdown(
  logger: Logger,
  steps: ShutdownStep[],
  opts: ShutdownOptions = { timeoutMs: 50_000 },
): (reason?: string) => Promise<void> {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let started: Promise<void> | undefined;
  let failed = false;
  const shutdown = (reason = 'signal') => {
    started ??= (async () => {
      const t0 = Date.now();
      logger.info('shutting down', { reason, steps: steps.map((s) => s.name), timeoutMs: opts.timeoutMs });
      try {
        opts.onStart?.();
      } catch (err) {
        logger.error('shutdown start hook failed', { err });
      }
      const deadline = setTimeout(() => {
        logger.error('shutdown deadline passed, exiting', { timeoutMs: opts.timeoutMs });
        exit(1);
      }, opts.timeoutMs);
      deadline.unref();
      for (const step of steps) {
        const s0 = Date.now();
        try {
          await step.run();
          logger.debug('shutdown step done', { step: step.name, ms: Date.now() - s0 });
        } catch (err) {
          failed = true;
          logger.error('shutdown step failed', { step: step.name, err });
        }
      }
      clearTimeout(deadline);
      logger.info('shut down', { ms: Date.now() - t0 });
      exit(failed || reason === 'uncaughtException' ? 1 : 0);
    })();
    return started;
  };
  for (const signal of opts.signals ?? (['SIGTERM', 'SIGINT'] as NodeJS.Signals[])) {
    process.on(signal, () => {
      if (started) logger.warn('already shutting down', { signal });
      else void shutdown(signal);
    });
  }
  if (opts.processHandlers !== false) {
    process.on('unhandledRejection', (err) => logger.error('unhandled rejection', { err }));
    process.on('uncaughtException', (err) => {
      logger.error('uncaught exception', { err });
      void shutdown('uncaughtException');
    });
  }
  return shutdown;
}
