// `pnpm bench [scenario...] [--quick]` and `pnpm chaos [scenario...] [--quick]`.
import { parseArgs } from 'node:util';

const HELP = `Usage: pnpm bench [scenario...] [--quick]
       pnpm chaos [scenario...] [--quick]

Runs the benchmark (or chaos) scenarios against the Magento and Plenty sandboxes and the real
Redis and Postgres, prints a table per scenario and writes bench/results/<scenario>.json
(figures, parameters, machine info, git commit). Without scenario names every scenario runs.

Options:
  --quick     small sizes: the whole command finishes in under 3 minutes (a smoke check)
  -h, --help  this help

Environment: BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/mpc_bench, created
and migrated by the command), REDIS_URL (default redis://127.0.0.1:6379; every run uses its own
key prefix).`;

const [kind, ...rest] = process.argv.slice(2);
const { values, positionals } = parseArgs({
  args: rest,
  options: {
    quick: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  allowPositionals: true,
  strict: true,
});
if (values.help || (kind !== 'bench' && kind !== 'chaos')) {
  process.stdout.write(`${HELP}\n`);
  process.exit(values.help ? 0 : 2);
}
// the benchmark's own database: set before the demo helpers read DATABASE_URL
process.env.DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/mpc_bench';
process.env.LOG_LEVEL ??= 'error';
const { runScenarios, scenarios } = await import('./run');
const { runAborters } = await import('./common');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`${kind}: ${signal}, stopping child processes and private servers\n`);
    runAborters();
    process.exit(130);
  });
}
try {
  const names = positionals;
  await runScenarios({ kind, names, size: values.quick ? 'quick' : 'full' });
  process.exit(0);
} catch (err) {
  process.stderr.write(`${kind} failed: ${(err as Error).stack ?? err}\n`);
  process.stderr.write(
    `scenarios: ${scenarios
      .filter((s) => s.kind === kind)
      .map((s) => s.name)
      .join(', ')}\n`,
  );
  process.exit(1);
}
