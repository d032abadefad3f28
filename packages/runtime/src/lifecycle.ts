import type { Logger } from './logger';

export type ShutdownStep = { name: string; run: () => Promise<unknown> };

/**
 * Ordered graceful shutdown on SIGTERM/SIGINT: runs the steps in order under one deadline
 * (shorter than Kubernetes' terminationGracePeriodSeconds), then exits 0, or 1 past the deadline.
 */
export function onShutdown(
  logger: Logger,
  steps: ShutdownStep[],
  opts: { timeoutMs: number; exit?: (code: number) => void } = { timeoutMs: 50_000 },
): () => Promise<void> {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let started: Promise<void> | undefined;
  const shutdown = () => {
    started ??= (async () => {
      logger.info('shutting down', { steps: steps.map((s) => s.name) });
      const deadline = setTimeout(() => {
        logger.error('shutdown deadline passed, exiting', { timeoutMs: opts.timeoutMs });
        exit(1);
      }, opts.timeoutMs);
      deadline.unref();
      for (const step of steps) {
        try {
          await step.run();
        } catch (err) {
          logger.error('shutdown step failed', { step: step.name, err });
        }
      }
      clearTimeout(deadline);
      logger.info('shut down');
      exit(0);
    })();
    return started;
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  process.on('unhandledRejection', (err) => logger.error('unhandled rejection', { err }));
  process.on('uncaughtException', (err) => logger.error('uncaught exception', { err }));
  return shutdown;
}
