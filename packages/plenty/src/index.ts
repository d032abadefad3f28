export * from './client';
export * from './connection-test';
export * from './errors';
export type { CallInfo, CallKind, Logger } from './http';
export { normaliseValidationErrors } from './http';
export * from './lookups';
export * from './rate-limit-headers';
export * from './rate-limiter';
export * from './schemas';
