import type { Queues } from '@mpc/queue';
import type { Logger } from '@mpc/runtime';

const QUEUE_NAMES = ['collect', 'export', 'control'] as const;

/**
 * Merges Prometheus text-format blocks: BullMQ's `exportPrometheusMetrics()` repeats the
 * `# HELP`/`# TYPE` lines of `bullmq_job_count` for every queue, and a scrape with a second TYPE
 * line for one metric (or a family split in two) is rejected by Prometheus. Keeps the first
 * HELP/TYPE of each family and puts all its samples together, in order of first appearance.
 */
export function mergePrometheusText(blocks: string[]): string {
  const families = new Map<string, { help?: string; type?: string; samples: string[] }>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) {
      f = { samples: [] };
      families.set(name, f);
    }
    return f;
  };
  for (const line of blocks.flatMap((b) => b.split('\n'))) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    const meta = /^#\s+(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s|$)/.exec(trimmed);
    if (meta) {
      const f = family(meta[2]!);
      if (meta[1] === 'HELP') f.help ??= trimmed;
      else f.type ??= trimmed;
      continue;
    }
    if (trimmed.startsWith('#')) continue;
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(trimmed)?.[0];
    if (!name) continue;
    // histogram/summary series belong to their family (…_bucket, …_sum, …_count)
    const suffixed = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
    family(suffixed && families.has(suffixed) ? suffixed : name).samples.push(trimmed);
  }
  const out: string[] = [];
  for (const f of families.values()) {
    if (f.help) out.push(f.help);
    if (f.type) out.push(f.type);
    out.push(...f.samples);
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

/**
 * BullMQ's own queue metrics (`bullmq_job_count{queue,state}`, `bullmq_job_completed_total`,
 * `bullmq_job_failed_total`) for every queue, labelled like our series (`service`). A queue whose
 * counts cannot be read (Redis down or slow) is left out with a warning: a scrape still gets the
 * process metrics, and never waits longer than `timeoutMs`.
 */
export async function queueMetricsText(
  queues: Queues,
  labels: Record<string, string>,
  logger?: Logger,
  timeoutMs = 2000,
): Promise<string> {
  const blocks = await Promise.all(
    QUEUE_NAMES.map(async (name) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          queues[name].exportPrometheusMetrics(labels),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
      } catch (err) {
        logger?.warn('queue metrics unavailable', {
          queue: name,
          err: err instanceof Error ? err.message : String(err),
        });
        return '';
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return mergePrometheusText(blocks);
}
