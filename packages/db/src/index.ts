export * from './client';
export * from './migrate';
export * from './order-sync';
export * from './profile-context';
export * from './schedule';
export * from './secrets';
