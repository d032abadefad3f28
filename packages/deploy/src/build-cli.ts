// `pnpm build [--force]`: compiles the packages the services run (dist/), only the stale ones
// unless --force. Run by the Dockerfile's build stage; spawned processes build on demand.
import { BUILT_PACKAGES, buildAll } from './build';

const force = process.argv.includes('--force');
const started = performance.now();
const built = buildAll({
  force,
  onBuilt: (dir, ms) => console.log(`build: ${dir} (${Math.round(ms)} ms)`),
});
console.log(
  `build: ${built.length} of ${Object.keys(BUILT_PACKAGES).length} packages built in ${Math.round(performance.now() - started)} ms${built.length ? '' : ' (all up to date)'}`,
);
