export * from './common';
export * from './report';
export * from './progress';
export { runScenarios, scenarios } from './run';
