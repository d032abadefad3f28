import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { fromRoot } from './paths';

/**
 * Compiled JavaScript for the images and for every service process we spawn (tests, benchmarks).
 * Running TypeScript through tsx costs a loader thread with its own V8 heap (~65 MB per process)
 * and start-up time; the services run `node --conditions=compiled dist/<entry>.js` instead.
 *
 * Each workspace package is bundled on its own (npm packages stay external, so every import is
 * resolved from the package's own node_modules exactly as pnpm laid it out), and its package.json
 * exports point the `compiled` condition at dist/ — the default condition keeps serving src/ to
 * tsx, mocha and the type checker.
 */
export const COMPILED_CONDITION = 'compiled';

/**
 * How node runs every service process: the images (Dockerfile CMD and ENV), compose, and every
 * service process tests and benchmarks spawn (`spawnService`: the benchmarks' exporters, the kill
 * and ops tests; the demo and the api/collector benchmarks run services in-process). Measured on an exporter at 64 workers
 * (docs/performance.md §7): peak RSS 288 MB with node's defaults, 170 MB with these.
 * - `--liftoff-only`: Prisma's query compiler is a WebAssembly module, which V8 otherwise also
 *   recompiles with TurboFan on background threads: ~70 MB of compiler memory that glibc keeps for
 *   the life of the process. Baseline code is slower, but the query compiler is ~1% of the CPU.
 */
export const SERVICE_NODE_ARGS = [`--conditions=${COMPILED_CONDITION}`, '--liftoff-only'];

/**
 * - `--max-old-space-size`: V8 grows the heap by a factor that shrinks with the maximum heap; with
 *   the default maximum (a quarter of the machine's memory) an exporter's old space reaches twice
 *   its live ~45 MB before a collection, with 256 MB it collects earlier at the same throughput. In
 *   NODE_OPTIONS so a deployment can raise it with its memory limit (about half of it).
 * - `MALLOC_ARENA_MAX=2`: glibc gives each thread that allocates (V8's GC and compiler threads)
 *   an arena of its own that keeps freed memory; one JavaScript thread needs no more than two.
 */
export const SERVICE_NODE_ENV = {
  NODE_OPTIONS: '--max-old-space-size=256',
  MALLOC_ARENA_MAX: '2',
} as const;

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
  return [...SERVICE_NODE_ARGS, fromRoot(dir, 'dist', entry)];
}
