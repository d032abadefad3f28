export * from './settings';
export * from './lookups';
export * from './money';
export * from './magento-order';
export * from './plenty-payloads';
export * from './address';
export * from './export-plan';
