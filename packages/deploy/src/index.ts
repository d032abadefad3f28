export * from './compose';
export * from './env-keys';
export * from './kustomize';
export { fromRoot, repoRoot } from './paths';
