import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { fromRoot } from './paths';

/**
 * Compiled JavaScript for the images and for every process we spawn (tests, demo, benchmarks).
 * Running TypeScript through tsx costs a loader thread with its own V8 heap (~65 MB per process)
 * and start-up time; the services run `node --conditions=compiled dist/<entry>.js` instead.
 *
 * Each workspace package is bundled on its own (npm packages stay external, so every import is
 * resolved from the package's own node_modules exactly as pnpm laid it out), and its package.json
 * exports point the `compiled` condition at dist/ — the default condition keeps serving src/ to
 * tsx, mocha and the type checker.
 */
export const COMPILED_CONDITION = 'compiled';

/** Packages the services need at run time, with their extra entry points (besides exports). */
export const BUILT_PACKAGES: Record<string, string[]> = {
  'packages/core': [],
  'packages/http': [],
  'packages/runtime': [],
  'packages/queue': [],
  'packages/db': ['src/migrate-cli.ts'],
  'packages/magento': [],
  'packages/plenty': [],
  'packages/sandbox': ['src/cli.ts'],
  'services/collector': ['src/main.ts'],
  'services/scheduler': ['src/main.ts'],
  'services/exporter': ['src/main.ts'],
  'services/api': ['src/main.ts', 'src/cli.ts'],
};

const STAMP = '.built';

/** The package's entry points: its exports (./src/x.ts) and its extra entries. */
export function entryPoints(dir: string): string[] {
  const pkg = JSON.parse(readFileSync(fromRoot(dir, 'package.json'), 'utf8')) as {
    exports: Record<string, string | Record<string, string>>;
  };
  const fromExports = Object.values(pkg.exports).map((e) => (typeof e === 'string' ? e : e.default!));
  return [...new Set([...fromExports.map((e) => e.replace(/^\.\//, '')), ...(BUILT_PACKAGES[dir] ?? [])])];
}

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** True when dist/ is missing or older than src/ or package.json. */
export function isStale(dir: string): boolean {
  const stamp = fromRoot(dir, 'dist', STAMP);
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  return newestMtime(fromRoot(dir, 'src')) > built || statSync(fromRoot(dir, 'package.json')).mtimeMs > built;
}

/**
 * Bundles one package into dist/ (src/x.ts → dist/x.js, shared code in chunks). The output is
 * written next to dist/ and swapped in, so a process starting meanwhile never sees half a build.
 */
export function buildPackage(dir: string): { files: number; ms: number } {
  const started = performance.now();
  const tmp = fromRoot(dir, `dist.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  const result = buildSync({
    absWorkingDir: fromRoot(dir),
    entryPoints: entryPoints(dir),
    outbase: 'src',
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // npm packages resolve at run time from the package's node_modules; workspace packages by
    // their own `compiled` export
    packages: 'external',
    sourcemap: 'linked',
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'error',
  });
  if (result.errors.length) throw new Error(`build of ${dir} failed: ${result.errors[0]!.text}`);
  writeFileSync(join(tmp, STAMP), new Date().toISOString());
  const dist = fromRoot(dir, 'dist');
  const old = fromRoot(dir, `dist.old-${process.pid}`);
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(tmp, dist);
  rmSync(old, { recursive: true, force: true });
  return { files: readdirSync(dist).length, ms: performance.now() - started };
}

/** Builds every package whose dist/ is stale (all of them with `force`); returns what it built. */
export function buildAll(opts: { force?: boolean; onBuilt?: (dir: string, ms: number) => void } = {}) {
  const built: string[] = [];
  for (const dir of Object.keys(BUILT_PACKAGES)) {
    if (!opts.force && !isStale(dir)) continue;
    const { ms } = buildPackage(dir);
    opts.onBuilt?.(dir, ms);
    built.push(dir);
  }
  return built;
}

/** node arguments that run a compiled entry point of a package (built first when stale). */
export function compiledEntry(dir: string, entry: string): string[] {
  buildAll();
  return [`--conditions=${COMPILED_CONDITION}`, fromRoot(dir, 'dist', entry)];
}
