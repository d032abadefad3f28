// `pnpm demo`: sandboxes + the four services in one process, one scheduled export, a summary.
import { parseArgs } from 'node:util';
import { parseFaults, randomSecretsKey, runDemo } from './demo';

const HELP = `Usage: pnpm demo [options]

Starts the Magento and Plenty sandboxes, creates a fresh demo database (mpc_demo beside
DATABASE_URL, or DEMO_DATABASE_URL) and migrates it, creates an active demo profile,
runs the scheduler, collector and exporter, waits until every eligible order is settled and prints
a summary. Exits 0 when every order is settled and none failed.

Options:
  --orders FILE          serve these Magento orders (a JSON array or {"items": [...]}, REST shape)
  --count N              number of generated orders (default 25)
  --seed S               seed of the order generator (default 1)
  --profile FILE         profile and settings per scope, in the config API's JSON shape:
                         {"name", "cronExpression", "timezone", "settings": {"default": {...}, "store:1": {...}}}
  --plenty-catalog FILE  Plenty variations [{"sku", "variationId"}] (default: every SKU of the orders)
  --report FILE          write a JSON report (sync log, history, schedules, Plenty state and call counts, wall time)
  --latency-ms MS        Plenty sandbox latency per call (default 0)
  --faults SPEC          Plenty faults, e.g. 5xx=0.1,timeout=0.02,drop=0.01
  --plan PLAN            Plenty rate-limit plan: basic, classic, flex, plus (default: none)
  --timeout-s S          give up waiting after S seconds (default 300)
  --serve                keep everything running, start the config API (port --api-port, default 3000)
                         with an admin key, and print the URLs (Ctrl-C stops)
  --api-port PORT        port of the API with --serve (0 = any free port)
  -h, --help             this help
`;

/** The demo's own database beside the configured one (it is dropped and re-created every run). */
function demoDatabaseUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/mpc_demo';
  return url.toString();
}

const { values } = parseArgs({
  options: {
    orders: { type: 'string' },
    count: { type: 'string', default: '25' },
    seed: { type: 'string', default: '1' },
    profile: { type: 'string' },
    'plenty-catalog': { type: 'string' },
    report: { type: 'string' },
    'latency-ms': { type: 'string', default: '0' },
    faults: { type: 'string' },
    plan: { type: 'string' },
    'timeout-s': { type: 'string', default: '300' },
    serve: { type: 'boolean', default: false },
    'api-port': { type: 'string', default: '3000' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

function int(name: string, v: string | undefined, min = 0): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    console.error(`demo: --${name} must be a whole number ≥ ${min}, got "${v}"`);
    process.exit(2);
  }
  return n;
}
const plans = ['basic', 'classic', 'flex', 'plus'] as const;
if (values.plan && !plans.includes(values.plan as (typeof plans)[number])) {
  console.error(`demo: --plan must be one of ${plans.join(', ')}`);
  process.exit(2);
}

let faults: ReturnType<typeof parseFaults>;
try {
  faults = parseFaults(values.faults);
} catch (err) {
  console.error(`demo: ${(err as Error).message}`);
  process.exit(2);
}

const result = await runDemo({
  ...(values.orders ? { ordersFile: values.orders } : {}),
  count: int('count', values.count, 1),
  seed: int('seed', values.seed),
  ...(values.profile ? { profileFile: values.profile } : {}),
  ...(values.report ? { reportFile: values.report } : {}),
  ...(values['plenty-catalog'] ? { plentyCatalogFile: values['plenty-catalog'] } : {}),
  latencyMs: int('latency-ms', values['latency-ms']),
  faults,
  ...(values.plan ? { plan: values.plan as (typeof plans)[number] } : {}),
  serve: values.serve,
  apiPort: int('api-port', values['api-port']),
  timeoutMs: int('timeout-s', values['timeout-s'], 1) * 1000,
  databaseUrl:
    process.env.DEMO_DATABASE_URL ??
    demoDatabaseUrl(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/mpc'),
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  secretsKey: process.env.SECRETS_KEY || randomSecretsKey(),
  log: (line) => console.log(line),
});

const table = result.rows.map((r) => ({
  order: r.incrementId,
  status: r.status,
  'plenty order': r.plentyOrderId ?? '',
  contact: r.plentyContactId ?? '',
  billing: r.plentyBillingAddressId ?? '',
  delivery: r.plentyShippingAddressId ?? '',
  payment: r.plentyPaymentId ?? '',
  message: (r.message ?? '').slice(0, 70),
}));
console.table(table);
console.log(
  `demo: ${result.rows.length} orders: ${Object.entries(result.counts.byStatus)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ')} in ${(result.wallTimeMs / 1000).toFixed(1)} s`,
);
if (values.serve) {
  console.log('demo: serving; Ctrl-C stops');
  for (const [name, url] of Object.entries(result.urls)) console.log(`  ${name}: ${url}`);
  const stop = async () => {
    await result.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} else {
  await result.close();
  process.exit(result.ok ? 0 : 1);
}
