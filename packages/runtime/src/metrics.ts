import client from 'prom-client';

/** One registry per process; every service adds its own metrics to it. */
export function createMetricsRegistry(service: string): client.Registry {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service });
  client.collectDefaultMetrics({ register: registry });
  return registry;
}
export type { Registry } from 'prom-client';
export { client as prom };
