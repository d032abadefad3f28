import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the repository (the directory holding pnpm-workspace.yaml). */
export const repoRoot = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('pnpm-workspace.yaml not found above packages/deploy');
    dir = up;
  }
  return dir;
})();

export const fromRoot = (...parts: string[]) => join(repoRoot, ...parts);
