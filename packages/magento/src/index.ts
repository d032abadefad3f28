export * from './client';
export * from './connection-test';
export * from './errors';
export * from './order-schema';
export * from './search-criteria';
