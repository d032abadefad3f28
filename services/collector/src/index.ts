export * from './collect';
export * from './search';
export * from './worker';
export * from './magento-source';
