// `pnpm test [spec globs...]`: prepares the test database (create + migrate), then runs mocha
// over every workspace (or the given globs) with one closing summary line.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env };
env.NODE_ENV ??= 'test';
env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/mpc_test';
env.REDIS_URL ??= 'redis://127.0.0.1:6379';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

console.log(`test: preparing database ${env.DATABASE_URL.replace(/\/\/[^@]*@/, '//***@')}`);
run('node', ['--import', 'tsx', 'packages/db/src/migrate-cli.ts', '--create-database']);
const args = process.argv.slice(2);
const globs = args.some((a) => !a.startsWith('-'))
  ? args
  : [...args, 'packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts'];
run('node', ['node_modules/mocha/bin/mocha.js', ...globs]);
