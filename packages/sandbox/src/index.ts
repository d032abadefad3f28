export { type CatalogEntry, catalogFromOrders, defaultCatalog } from './catalog';
export { validateAgainstMagentoSpec, validateMagentoRequest } from './contract/magento';
export * as ownSchemas from './contract/own-schemas';
export { validateAgainstPlentySpec, validatePlentyRequest } from './contract/plenty';
export { type FieldTree, parseFields, selectFields } from './magento/fields';
export { type GenerateOrdersOptions, generateMagentoOrders, generateOrderAt } from './magento/generator';
export {
  loadOrdersFile,
  type MagentoSandbox,
  type MagentoSandboxOptions,
  startMagentoSandbox,
} from './magento/server';
export { MagentoStore, type OrderPatch } from './magento/store';
export { type MagentoOrder, magentoTime, parseMagentoTime } from './magento/types';
export type { PlentyUser } from './plenty/auth';
export type { FaultConfig, OutageConfig, ScriptedFault } from './plenty/faults';
export { PLANS, type PlanLimits, type PlanName, type RouteLimit } from './plenty/rate-limit';
export type { PlentyRuntimeConfig } from './plenty/routes/sandbox';
export { type PlentySandbox, type PlentySandboxOptions, startPlentySandbox } from './plenty/server';
export { PlentyState } from './plenty/state';
export { mulberry32 } from './util/prng';
