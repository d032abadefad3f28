export * from './reconcile';
export * from './service';
