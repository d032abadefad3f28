import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';

export const defaultMigrationsDir = new URL('../../../prisma/migrations', import.meta.url).pathname;

export interface MigrateOptions {
  databaseUrl: string;
  migrationsDir?: string;
  /** create the database named in the URL when it does not exist yet */
  createDatabase?: boolean;
  log?: (line: string) => void;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

// Same table and columns as Prisma's migrate engine, so `prisma migrate deploy` and this
// command agree on what is applied.
const PRISMA_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;
// Arbitrary constant: serialises concurrent migrators (several pods starting at once).
const ADVISORY_LOCK_ID = 72707369;

/** Runs `fn` on the server's maintenance database with the quoted name of the URL's database. */
async function withServer<T>(
  databaseUrl: string,
  fn: (client: pg.Client, name: string, quoted: string) => Promise<T>,
): Promise<T> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await fn(client, name, `"${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

export function ensureDatabase(databaseUrl: string): Promise<boolean> {
  return withServer(databaseUrl, async (client, name, quoted) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${quoted}`);
      return true;
    } catch (err) {
      // another process created it between our check and our CREATE
      if ((err as { code?: string }).code === '42P04') return false;
      throw err;
    }
  });
}

/** Drops and re-creates the database named in the URL (the demo starts from a clean slate). */
export async function recreateDatabase(databaseUrl: string): Promise<void> {
  await withServer(databaseUrl, (client, _name, quoted) =>
    client.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`),
  );
  await ensureDatabase(databaseUrl);
}

export async function listMigrations(
  dir: string,
): Promise<{ name: string; sql: string; checksum: string }[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/** Applies pending SQL migrations in order, each in its own transaction. */
export async function migrate(opts: MigrateOptions): Promise<MigrateResult> {
  const log = opts.log ?? (() => {});
  if (opts.createDatabase && (await ensureDatabase(opts.databaseUrl))) log('created database');
  const migrations = await listMigrations(opts.migrationsDir ?? defaultMigrationsDir);
  const client = new pg.Client({ connectionString: opts.databaseUrl });
  await client.connect();
  const result: MigrateResult = { applied: [], alreadyApplied: [] };
  try {
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_ID]);
    await client.query(PRISMA_MIGRATIONS_TABLE);
    const { rows } = await client.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
    }>('SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL');
    const done = new Map(rows.filter((r) => r.finished_at).map((r) => [r.migration_name, r.checksum]));
    const failed = rows.find((r) => !r.finished_at);
    if (failed) {
      throw new Error(
        `migration ${failed.migration_name} started but never finished; fix the database, then mark it rolled back`,
      );
    }
    for (const m of migrations) {
      const applied = done.get(m.name);
      if (applied) {
        if (applied !== m.checksum) log(`warning: migration ${m.name} was modified after it was applied`);
        result.alreadyApplied.push(m.name);
        continue;
      }
      const id = randomUUID();
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, now(), 1)`,
          [id, m.checksum, m.name],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.name} failed: ${(err as Error).message}`);
      }
      log(`applied ${m.name}`);
      result.applied.push(m.name);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_ID]).catch(() => {});
    await client.end();
  }
  return result;
}
