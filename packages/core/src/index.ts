export * from './settings';
export * from './lookups';
