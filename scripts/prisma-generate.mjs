// Generates the Prisma client offline. Prisma 7's CLI wants to download its native schema
// engine on first use; `generate` runs on the wasm engine shipped in the package and only
// checks that PRISMA_SCHEMA_ENGINE_BINARY names an existing file (see DESIGN.md).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
env.CHECKPOINT_DISABLE = '1';
const r = spawnSync(
  'pnpm',
  [
    '--filter',
    '@mpc/db',
    'exec',
    'prisma',
    'generate',
    '--schema',
    '../../prisma/schema.prisma',
    '--config',
    '../../prisma.config.ts',
  ],
  {
    cwd: root,
    env,
    stdio: 'inherit',
  },
);
process.exit(r.status ?? 1);
