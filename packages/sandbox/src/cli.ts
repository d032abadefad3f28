/**
 * Starts both sandboxes for manual use or a docker-compose profile:
 *   tsx packages/sandbox/src/cli.ts --magento-port 8081 --plenty-port 8082 --orders 500 --seed 42
 *   --orders-file orders.json   serve orders from a JSON file instead of the generator
 *   --plan classic              Plenty plan (basic|classic|flex|plus|sandbox)
 *   --host 0.0.0.0              bind address (default 127.0.0.1)
 */
import { parseArgs } from 'node:util';
import { catalogFromOrders, defaultCatalog } from './catalog';
import { startMagentoSandbox } from './magento/server';
import type { PlanName } from './plenty/rate-limit';
import { startPlentySandbox } from './plenty/server';

const { values } = parseArgs({
  options: {
    'magento-port': { type: 'string', default: '8081' },
    'plenty-port': { type: 'string', default: '8082' },
    host: { type: 'string', default: '127.0.0.1' },
    orders: { type: 'string', default: '200' },
    seed: { type: 'string', default: '42' },
    'orders-file': { type: 'string' },
    plan: { type: 'string', default: 'sandbox' },
    'latency-ms': { type: 'string', default: '0' },
  },
});

const magento = await startMagentoSandbox({
  port: Number(values['magento-port']),
  host: values.host,
  ...(values['orders-file']
    ? { ordersFile: values['orders-file'] }
    : { orders: { count: Number(values.orders), seed: Number(values.seed) } }),
});
const plenty = await startPlentySandbox({
  port: Number(values['plenty-port']),
  host: values.host,
  plan: values.plan as PlanName,
  latencyMs: Number(values['latency-ms']),
  catalog: values['orders-file'] ? catalogFromOrders(magento.store.orders()) : defaultCatalog(),
});
console.log(
  `magento sandbox: ${magento.url} (${magento.store.size} orders; admin/admin123, integration token sandbox-integration-token)`,
);
console.log(`plenty sandbox:  ${plenty.url} (api-user/api-pass, plan ${values.plan})`);

const stop = async () => {
  await Promise.all([magento.close(), plenty.close()]);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
