import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import pg from 'pg';
import { createPrismaClient, migrate, type PrismaClient } from '../src/index';

/**
 * Drift guard: prisma/schema.prisma (the typed client) and the hand-written SQL migrations must
 * describe the same database. A fresh database is migrated, then every model, field, enum and
 * index of the schema is checked against Postgres' catalog and used through the client.
 */
const schemaPath = new URL('../../../prisma/schema.prisma', import.meta.url);

interface Field {
  name: string;
  type: string;
  optional: boolean;
  list: boolean;
}
interface Model {
  name: string;
  fields: Field[];
  indexes: { fields: string[]; unique: boolean }[];
}

function parseSchema(text: string) {
  const models: Model[] = [];
  const enums = new Map<string, string[]>();
  for (const m of text.matchAll(/^enum (\w+) \{([^}]*)\}/gm)) {
    enums.set(
      m[1]!,
      m[2]!
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('//')),
    );
  }
  for (const m of text.matchAll(/^model (\w+) \{([^}]*)\}/gm)) {
    const model: Model = { name: m[1]!, fields: [], indexes: [] };
    for (const raw of m[2]!.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('//')) continue;
      const idx = line.match(/^@@(unique|index)\(\[([^\]]*)\]/);
      if (idx) {
        model.indexes.push({
          unique: idx[1] === 'unique',
          fields: idx[2]!.split(',').map((f) => f.trim().replace(/\(.*\)/, '')),
        });
        continue;
      }
      const f = line.match(/^(\w+)\s+(\w+)(\[\])?(\?)?/);
      if (!f) continue;
      const type = f[2]!;
      // relation fields (other models) have no column
      if (
        /^[A-Z]/.test(type) &&
        !enums.has(type) &&
        !['String', 'Int', 'Float', 'Boolean', 'DateTime', 'Json', 'BigInt', 'Decimal'].includes(type)
      )
        continue;
      model.fields.push({ name: f[1]!, type, list: Boolean(f[3]), optional: Boolean(f[4]) });
      if (line.includes('@unique')) model.indexes.push({ unique: true, fields: [f[1]!] });
    }
    models.push(model);
  }
  return { models, enums };
}

const PG_TYPES: Record<string, string> = {
  Int: 'integer',
  String: 'text',
  Float: 'double precision',
  Boolean: 'boolean',
  DateTime: 'timestamp without time zone',
  Json: 'jsonb',
};

describe('database schema', () => {
  const base = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/mpc_test');
  const dbName = `mpc_schema_${process.pid}`;
  const url = new URL(base.toString());
  url.pathname = `/${dbName}`;
  let client: pg.Client;
  let prisma: PrismaClient;
  let schema: ReturnType<typeof parseSchema>;

  before(async () => {
    schema = parseSchema(await readFile(schemaPath, 'utf8'));
    const result = await migrate({ databaseUrl: url.toString(), createDatabase: true });
    expect(result.applied.length).to.be.greaterThan(0);
    client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    prisma = createPrismaClient(url.toString(), 2);
  });

  after(async () => {
    await prisma?.$disconnect();
    await client?.end();
    const admin = new URL(base.toString());
    admin.pathname = '/postgres';
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${dbName}"`);
    await c.end();
  });

  it('a second migrate run applies nothing and records migrations as Prisma does', async () => {
    const again = await migrate({ databaseUrl: url.toString() });
    expect(again.applied).to.deep.equal([]);
    const { rows } = await client.query(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations"',
    );
    expect(rows.length).to.equal(again.alreadyApplied.length);
    for (const r of rows) {
      expect(r.checksum).to.match(/^[0-9a-f]{64}$/);
      expect(r.finished_at).to.be.instanceOf(Date);
    }
  });

  it('every model and field of schema.prisma exists as a column with the same type and nullability', async () => {
    expect(schema.models.length).to.be.greaterThanOrEqual(10);
    const { rows } = await client.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      udt_name: string;
      is_nullable: string;
    }>(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const columns = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r]));
    const problems: string[] = [];
    for (const model of schema.models) {
      const tableColumns = rows.filter((r) => r.table_name === model.name).map((r) => r.column_name);
      if (tableColumns.length === 0) problems.push(`table ${model.name} is missing`);
      for (const field of model.fields) {
        const col = columns.get(`${model.name}.${field.name}`);
        if (!col) {
          problems.push(`${model.name}.${field.name} has no column`);
          continue;
        }
        const expected = field.list
          ? 'ARRAY'
          : schema.enums.has(field.type)
            ? 'USER-DEFINED'
            : PG_TYPES[field.type];
        if (col.data_type !== expected)
          problems.push(`${model.name}.${field.name}: ${col.data_type}, schema says ${expected}`);
        if (schema.enums.has(field.type) && col.udt_name !== field.type)
          problems.push(`${model.name}.${field.name}: enum ${col.udt_name}`);
        // Prisma keeps scalar lists nullable in SQL
        if (!field.list && (col.is_nullable === 'YES') !== field.optional) {
          problems.push(
            `${model.name}.${field.name}: nullable=${col.is_nullable}, schema optional=${field.optional}`,
          );
        }
      }
      const extra = tableColumns.filter((c) => !model.fields.some((f) => f.name === c));
      if (extra.length) problems.push(`${model.name} has columns the schema lacks: ${extra.join(', ')}`);
    }
    expect(problems).to.deep.equal([]);
  });

  it('enum values and indexes agree', async () => {
    const { rows: enumRows } = await client.query<{ typname: string; labels: string[] }>(
      `SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
    );
    const dbEnums = new Map(enumRows.map((r) => [r.typname, r.labels]));
    for (const [name, values] of schema.enums) expect(dbEnums.get(name), name).to.deep.equal(values);
    const { rows: idx } = await client.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'public'`,
    );
    const names = new Set(idx.map((r) => r.indexname));
    for (const model of schema.models) {
      for (const index of model.indexes) {
        const name = `${model.name}_${index.fields.join('_')}_${index.unique ? 'key' : 'idx'}`;
        expect(names.has(name), `index ${name}`).to.equal(true);
      }
    }
  });

  it('every model works through the generated client', async () => {
    const m = await prisma.connection.create({
      data: { kind: 'magento', name: 'm', baseUrl: 'http://m', secretEncrypted: 'x' },
    });
    const p = await prisma.connection.create({
      data: { kind: 'plenty', name: 'p', baseUrl: 'http://p', username: 'u', secretEncrypted: 'y' },
    });
    const profile = await prisma.profile.create({
      data: {
        name: 'x',
        magentoConnectionId: m.id,
        plentyConnectionId: p.id,
        cursorUpdatedAt: new Date(),
        cursorEntityId: 1,
      },
    });
    await prisma.profileSetting.create({
      data: { profileId: profile.id, scope: 'default', settings: { export: { enabled: true } } },
    });
    await prisma.lookup.create({ data: { connectionId: p.id, kind: 'plenty', data: { a: 1 } } });
    await prisma.apiKey.create({
      data: { name: 'k', role: 'admin', prefix: 'mpc_abc', keyHash: 'h', lastUsedAt: new Date() },
    });
    await prisma.auditLog.create({
      data: {
        actor: 'k',
        action: 'create',
        entityType: 'profile',
        entityId: String(profile.id),
        after: { name: 'x' },
      },
    });
    const sync = await prisma.orderSync.create({
      data: {
        profileId: profile.id,
        magentoOrderId: 1,
        incrementId: '000000001',
        customerId: 3,
        storeId: 1,
        magentoStatus: 'processing',
        magentoUpdatedAt: new Date(),
        status: 'complete',
        plentyOrderId: 10,
        plentyStatusId: 5.1,
        plentyStatusName: 'Cleared',
        plentyReferrerId: 4.02,
        plentyContactId: 11,
        plentyBillingAddressId: 12,
        plentyShippingAddressId: 13,
        plentyPaymentId: 14,
        plentyPaymentMethodId: 6000,
        plentyPaymentStatusId: 2,
        plentyPaymentOrderAssignmentId: 15,
        plentyPaymentContactAssignmentId: 16,
        sentSteps: ['order'],
        message: 'ok',
        attempts: 1,
        claimedBy: null,
        claimedUntil: null,
        processedAt: new Date(),
      },
    });
    expect(sync.plentyStatusId).to.equal(5.1);
    expect(sync.plentyReferrerId).to.equal(4.02);
    await prisma.orderSyncHistory.create({
      data: {
        orderSyncId: sync.id,
        profileId: profile.id,
        magentoOrderId: 1,
        status: 'complete',
        action: 'complete',
        message: 'ok',
        request: { a: 1 },
        response: { b: 2 },
      },
    });
    const schedule = await prisma.schedule.create({
      data: {
        profileId: profile.id,
        jobCode: 'order_export_profile_1',
        scheduledAt: new Date(),
        stats: { n: 1 },
      },
    });
    await prisma.scheduleHistory.create({
      data: {
        scheduleId: schedule.id,
        profileId: profile.id,
        status: 'success',
        action: 'finish',
        message: 'ok',
      },
    });
    const loaded = await prisma.profile.findUniqueOrThrow({
      where: { id: profile.id },
      include: {
        settings: true,
        orderSyncs: { include: { history: true } },
        schedules: { include: { history: true } },
      },
    });
    expect(loaded.orderSyncs[0]!.history).to.have.length(1);
    expect(loaded.schedules[0]!.history).to.have.length(1);
  });
});
