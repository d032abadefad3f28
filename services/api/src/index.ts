export { createApp } from './app';
export type {
  AppDeps,
  ConnectionCredentials,
  ConnectionTestResult,
  FetchedLookups,
  RemoteSystems,
} from './deps';
export { apiEnvSchema } from './env';
