export { type CatalogEntry, catalogFromOrders } from './catalog';
export { type GenerateOrdersOptions, generateMagentoOrders, generateOrderAt } from './magento/generator';
export {
  loadOrdersFile,
  type MagentoSandbox,
  type MagentoSandboxOptions,
  startMagentoSandbox,
} from './magento/server';
export { MagentoStore, type OrderPatch } from './magento/store';
export { type MagentoOrder, magentoTime, parseMagentoTime } from './magento/types';
