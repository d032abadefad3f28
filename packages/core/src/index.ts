export * from './address';
export * from './export-plan';
export * from './lookups';
export * from './magento-order';
export * from './money';
export * from './plenty-payloads';
export * from './settings';
