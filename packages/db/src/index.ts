export * from './client';
export * from './migrate';
export * from './secrets';
export * from './profile-context';
export * from './order-sync';
export * from './schedule';
