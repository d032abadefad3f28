// `pnpm db:migrate [--create-database]`: applies prisma/migrations/*/migration.sql.
import { migrate } from './migrate';

const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/mpc';
const createDatabase = process.argv.includes('--create-database');
try {
  const r = await migrate({ databaseUrl, createDatabase, log: (l) => console.log(`migrate: ${l}`) });
  console.log(`migrate: ${r.applied.length} applied, ${r.alreadyApplied.length} already applied`);
} catch (err) {
  console.error(`migrate: ${(err as Error).message}`);
  process.exit(1);
}
