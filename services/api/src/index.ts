export { createApp } from './app';
export type {
  AppDeps,
  ConnectionCredentials,
  ConnectionTestResult,
  FetchedLookups,
  RemoteSystems,
} from './deps';
export { apiEnvSchema } from './env';
export { createRemoteSystems } from './remote';
export { apiKeyRepository } from './repositories/api-keys';
