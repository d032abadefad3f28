export * from './collect';
export * from './magento-source';
export * from './search';
export * from './worker';
