export * from './common';
export * from './progress';
export * from './report';
export { runScenarios, scenarios } from './run';
