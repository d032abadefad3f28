/**
 * Throughput of the sandboxes on loopback, latency and faults off. The sandboxes run in a child
 * process (as they would next to a service under test); this process drives keep-alive load.
 *   tsx packages/sandbox/src/bench-throughput.ts [--seconds 3] [--concurrency 32] [--orders 100000]
 * Prints requests/s per scenario and writes bench/results/sandbox-throughput.json.
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '32' },
    orders: { type: 'string', default: '100000' },
    serve: { type: 'boolean', default: false },
  },
});

if (values.serve) {
  const { startMagentoSandbox } = await import('./magento/server');
  const { startPlentySandbox } = await import('./plenty/server');
  const t0 = performance.now();
  const magento = await startMagentoSandbox({
    orders: { count: Number(values.orders), seed: 42 },
    integrationTokens: ['bench'],
  });
  const startupMs = Math.round(performance.now() - t0);
  const plenty = await startPlentySandbox({});
  process.send!({
    magento: magento.url,
    plenty: plenty.url,
    startupMs,
    rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
  });
  process.on('message', (m) => {
    if (m === 'rss') process.send!({ rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) });
    if (m === 'stop') void Promise.all([magento.close(), plenty.close()]).then(() => process.exit(0));
  });
} else {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', '--orders', values.orders!], {
    execArgv: ['--import', 'tsx'],
  });
  const next = () =>
    new Promise<Record<string, any>>((r) => child.once('message', (m) => r(m as Record<string, any>)));
  const info = await next();
  const agent = new Agent({ keepAlive: true, maxSockets: Number(values.concurrency) });
  const send = (url: string, method: string, headers: Record<string, string>, body?: string) =>
    new Promise<number>((res, rej) => {
      const req = request(
        url,
        { method, agent, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) } },
        (r) => {
          r.resume();
          r.on('end', () => res(r.statusCode ?? 0));
        },
      );
      req.on('error', rej);
      req.end(body);
    });
  const loginBody = JSON.stringify({ username: 'api-user', password: 'api-pass' });
  const token = await new Promise<string>((res) => {
    const req = request(
      `${info.plenty}/rest/login`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (r) => {
        let s = '';
        r.on('data', (d) => (s += d));
        r.on('end', () => res(JSON.parse(s).accessToken));
      },
    );
    req.end(loginBody);
  });
  const mh = { authorization: 'Bearer bench' };
  const ph = { authorization: `Bearer ${token}` };
  const orderBody = JSON.stringify({
    typeId: 1,
    plentyId: 41234,
    statusId: 5,
    properties: [{ typeId: 7, value: '000000001' }],
    orderItems: [
      {
        typeId: 1,
        itemVariationId: 2000,
        quantity: 1,
        orderItemName: 'x',
        countryVatId: 1,
        vatField: 0,
        amounts: [{ currency: 'EUR', priceOriginalGross: 10 }],
      },
    ],
  });
  const n = Number(values.orders);
  let i = 0;
  const scenarios: { name: string; run: () => Promise<number> }[] = [
    {
      name: 'magento GET /V1/orders/{id}',
      run: () => send(`${info.magento}/rest/V1/orders/${(i++ % n) + 1}`, 'GET', mh),
    },
    {
      name: 'magento GET /V1/orders (updated_at gteq, pageSize 20)',
      run: () =>
        send(
          `${info.magento}/rest/V1/orders?searchCriteria[filter_groups][0][filters][0][field]=updated_at&searchCriteria[filter_groups][0][filters][0][value]=2024-03-01%2000:00:00&searchCriteria[filter_groups][0][filters][0][condition_type]=gteq&searchCriteria[pageSize]=20&searchCriteria[currentPage]=${(i++ % 50) + 1}`,
          'GET',
          mh,
        ),
    },
    { name: 'plenty GET /rest/webstores', run: () => send(`${info.plenty}/rest/webstores`, 'GET', ph) },
    {
      name: 'plenty GET /rest/items/variations?numberExact',
      run: () => send(`${info.plenty}/rest/items/variations?numberExact=MB-1001`, 'GET', ph),
    },
    {
      name: 'plenty POST /rest/orders',
      run: () => send(`${info.plenty}/rest/orders`, 'POST', ph, orderBody),
    },
  ];
  const seconds = Number(values.seconds);
  const results: Record<string, unknown>[] = [];
  for (const s of scenarios) {
    let done = 0;
    let errors = 0;
    const until = performance.now() + seconds * 1000;
    const worker = async () => {
      while (performance.now() < until) {
        const status = await s.run().catch(() => 0);
        if (status >= 200 && status < 300) done++;
        else errors++;
      }
    };
    const t = performance.now();
    await Promise.all(Array.from({ length: Number(values.concurrency) }, worker));
    const rps = Math.round(done / ((performance.now() - t) / 1000));
    results.push({ scenario: s.name, requestsPerSecond: rps, requests: done, errors });
    console.log(`${s.name.padEnd(58)} ${String(rps).padStart(7)} req/s  (${done} ok, ${errors} errors)`);
  }
  child.send('rss');
  const { rssMb } = await next();
  console.log(
    `magento store: ${n} generated orders, startup ${info.startupMs} ms, sandbox process RSS ${info.rssMb} MB after start, ${rssMb} MB after the run`,
  );
  const out = resolve(
    dirname(fileURLToPath(import.meta.url)),
    '../../../bench/results/sandbox-throughput.json',
  );
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: cpus().length, seconds, concurrency: Number(values.concurrency), orders: n, startupMs: info.startupMs, rssMbAfterStart: info.rssMb, rssMbAfterRun: rssMb, results }, null, 2)}\n`,
  );
  console.log(`written ${out}`);
  child.send('stop');
  agent.destroy();
}
