// Test-wide defaults: the test database and a Redis key prefix unique to this run, so runs on
// one Redis never collide. scripts/test.mjs creates and migrates the database before mocha starts.
process.env.NODE_ENV ??= 'test';
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/mpc_test';
process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
process.env.LOG_LEVEL ??= 'error';
process.env.SECRETS_KEY ??= 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';
process.env.SPECS_DIR ??= new URL('../../shared/specs', import.meta.url).pathname;
