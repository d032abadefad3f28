import type { Queue } from '@mpc/queue';
import type { Logger } from '@mpc/runtime';

/**
 * When Plenty comes back (a breaker closes), the exports that wait out a retry backoff start at
 * once instead of after their 16, 32 or 64 s: the attempts that failed just before the breaker
 * opened would otherwise hold their orders back long after the outage. Every delayed export is
 * promoted; one still waiting for API budget is delayed again by the rate limiter without using
 * an attempt. Each exporter process has its own breaker, so several may promote: that is harmless.
 */
export function promoteOnRecovery(
  queue: Pick<Queue, 'promoteJobs'>,
  logger: Logger,
): (system: string, state: 'open' | 'halfOpen' | 'closed') => Promise<void> | undefined {
  return (system, state) => {
    if (state !== 'closed') return undefined;
    return queue.promoteJobs({ count: 1000 }).then(
      () => {
        logger.info('plenty is back: delayed exports promoted', { system });
      },
      (err: unknown) => {
        logger.warn('could not promote the delayed exports', { system, err });
      },
    );
  };
}
