export * from './call-counter';
export * from './errors';
export * from './export-order';
export * from './metrics';
export * from './plenty-systems';
export * from './worker';
export * from './step-store';
