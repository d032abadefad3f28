export * from './call-counter';
export * from './errors';
export * from './export-order';
export * from './metrics';
export * from './plenty-systems';
export * from './recovery';
export * from './step-store';
export * from './worker';
