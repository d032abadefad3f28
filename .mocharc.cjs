// One mocha run across every workspace; TypeScript runs directly through tsx.
module.exports = {
  'node-option': ['import=tsx'],
  extension: ['ts'],
  timeout: 30000,
  reporter: './scripts/mocha-summary-reporter.cjs',
  require: ['./scripts/mocha-setup.mjs'],
};
