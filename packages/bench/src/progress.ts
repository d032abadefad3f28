/** Progress lines on stderr while a scenario runs, at most one every `everyMs` (forced lines always). */
export type Progress = (message: string, force?: boolean) => void;

export function createProgress(
  scenario: string,
  opts: { everyMs?: number; silent?: boolean } = {},
): Progress {
  const started = Date.now();
  let last = 0;
  return (message, force = false) => {
    if (opts.silent) return;
    const now = Date.now();
    if (!force && now - last < (opts.everyMs ?? 2000)) return;
    last = now;
    process.stderr.write(`  [${scenario} ${((now - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
  };
}

export const silentProgress: Progress = () => {};
