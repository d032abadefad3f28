// `pnpm cli api-key create|list|revoke`, `pnpm cli secrets rotate`
import { createPrismaClient, SecretBox } from '@mpc/db';
import { baseEnvSchema, readEnv } from '@mpc/runtime';
import { Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { apiKeyRepository, apiKeyView } from './repositories/api-keys';
import { audit } from './repositories/audit';

const cliEnv = baseEnvSchema.pick({ DATABASE_URL: true }).extend({
  SECRETS_KEY: z.string().optional(),
  SECRETS_KEY_PREVIOUS: z.string().default(''),
});

function db() {
  const env = readEnv(cliEnv);
  return { env, prisma: createPrismaClient(env.DATABASE_URL, 2) };
}

const cliActor = { id: 0, name: 'cli', role: 'admin' as const };

/** Re-encrypts every connection secret with the current SECRETS_KEY (older keys in SECRETS_KEY_PREVIOUS). */
export async function rotateSecrets(prisma: ReturnType<typeof createPrismaClient>, box: SecretBox) {
  const rows = await prisma.connection.findMany({
    where: { secretEncrypted: { not: null } },
    orderBy: { id: 'asc' },
  });
  let rotated = 0;
  const failed: { id: number; error: string }[] = [];
  for (const row of rows) {
    if (!row.secretEncrypted || !box.needsRotation(row.secretEncrypted)) continue;
    try {
      const plain = box.decrypt(row.secretEncrypted);
      // compare-and-set: a secret changed through the API meanwhile is left alone
      const r = await prisma.connection.updateMany({
        where: { id: row.id, secretEncrypted: row.secretEncrypted },
        data: { secretEncrypted: box.encrypt(plain) },
      });
      rotated += r.count;
    } catch (err) {
      failed.push({ id: row.id, error: (err as Error).message });
    }
  }
  return { total: rows.length, rotated, failed };
}

export function buildCli(): Command {
  const program = new Command('mpc').description('magento-plenty-connector admin CLI');
  const apiKey = program.command('api-key').description('manage API keys');

  apiKey
    .command('create')
    .requiredOption('--name <name>', 'who or what uses the key')
    .requiredOption('--role <role>', 'admin or viewer', (v) => {
      if (v !== 'admin' && v !== 'viewer') throw new InvalidArgumentError('role must be admin or viewer');
      return v as 'admin' | 'viewer';
    })
    .description('create a key; it is printed once and stored only as a hash')
    .action(async (opts: { name: string; role: 'admin' | 'viewer' }) => {
      const { prisma } = db();
      try {
        const { key, row } = await apiKeyRepository(prisma).create({ name: opts.name, role: opts.role });
        await audit(prisma, {
          actor: cliActor,
          action: 'api-key.create',
          entityType: 'api-key',
          entityId: row.id,
          after: apiKeyView(row),
        });
        console.log(`created ${row.role} key ${row.id} "${row.name}" (${row.prefix}…)`);
        console.log(key);
      } finally {
        await prisma.$disconnect();
      }
    });

  apiKey
    .command('list')
    .description('list keys (never the keys themselves)')
    .action(async () => {
      const { prisma } = db();
      try {
        for (const k of await apiKeyRepository(prisma).list()) {
          console.log(
            [
              k.id,
              k.role.padEnd(6),
              k.prefix + '…',
              k.name,
              k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active',
            ].join('\t'),
          );
        }
      } finally {
        await prisma.$disconnect();
      }
    });

  apiKey
    .command('revoke <id>')
    .description('revoke a key by id')
    .action(async (idRaw: string) => {
      const id = Number(idRaw);
      if (!Number.isInteger(id) || id <= 0) throw new InvalidArgumentError('id must be a positive integer');
      const { prisma } = db();
      try {
        const row = await apiKeyRepository(prisma).revoke(id);
        if (!row) {
          console.error(`API key ${id} does not exist`);
          process.exitCode = 1;
          return;
        }
        await audit(prisma, {
          actor: cliActor,
          action: 'api-key.revoke',
          entityType: 'api-key',
          entityId: id,
          after: apiKeyView(row),
        });
        console.log(`revoked key ${id} "${row.name}"`);
      } finally {
        await prisma.$disconnect();
      }
    });

  program
    .command('secrets')
    .description('connection secrets')
    .command('rotate')
    .description(
      're-encrypt every connection secret with the current SECRETS_KEY (keep the old key in SECRETS_KEY_PREVIOUS while running this)',
    )
    .action(async () => {
      const { env, prisma } = db();
      if (!env.SECRETS_KEY) throw new Error('SECRETS_KEY is not set');
      try {
        const r = await rotateSecrets(
          prisma,
          SecretBox.fromEnv({ SECRETS_KEY: env.SECRETS_KEY, SECRETS_KEY_PREVIOUS: env.SECRETS_KEY_PREVIOUS }),
        );
        console.log(
          `secrets: ${r.rotated} re-encrypted, ${r.total - r.rotated - r.failed.length} already current, ${r.failed.length} failed`,
        );
        for (const f of r.failed) console.error(`  connection ${f.id}: ${f.error}`);
        if (r.failed.length) process.exitCode = 1;
      } finally {
        await prisma.$disconnect();
      }
    });
  return program;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildCli()
    .parseAsync(process.argv)
    .catch((err: Error) => {
      console.error(err.message);
      process.exit(1);
    });
}
