export { fromRoot, repoRoot } from './paths';
export * from './kustomize';
export * from './env-keys';
export * from './compose';
