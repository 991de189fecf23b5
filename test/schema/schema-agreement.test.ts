import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '@windmill/core/db/migrate';
import { ANOMALY_KINDS, FILE_STATUSES, REJECT_REASONS, STATS_RUN_STATUSES } from '@windmill/core/domain/enums';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { readDatabaseCatalog, type Catalog, type Index } from './database-catalog.js';
import { declaredCatalog, loadDeclaredDatamodel } from './declared-catalog.js';

/**
 * prisma/schema.prisma and prisma/migrations must describe the same database: Windmill applies the
 * SQL itself (apps/core/src/db/migrate.ts), Prisma's client is generated from the schema, and
 * online `prisma migrate deploy` must accept the same folder. Without the Prisma CLI's migrate
 * engine (it cannot be downloaded here) this test is the check: it migrates a fresh database and
 * compares its catalog with the catalog the schema declares.
 */

const MIGRATIONS_DIR = path.join(REPO_ROOT, 'prisma/migrations');

/**
 * Differences the migrations make on purpose. Each is asserted to exist exactly as listed, then
 * left out of the comparison; anything else that differs fails the test.
 */
const KNOWN_DIFFERENCES: {
  extraIndexes: Array<Index & { reason: string }>;
  absentForeignKeys: Array<{ table: string; column: string; references: string; reason: string }>;
} = {
  extraIndexes: [
    {
      table: 'ingested_file',
      name: 'ingested_file_sha256_done_key',
      columns: ['sha256'],
      unique: true,
      predicate: "(status = 'done'::file_status)",
      reason:
        'partial unique index (schema.prisma cannot express WHERE): a given content is loaded at most once, even by two racing workers',
    },
    {
      table: 'ingested_file',
      name: 'ingested_file_path_sha256_in_flight_key',
      columns: ['path', 'sha256'],
      unique: true,
      predicate: "(status = ANY (ARRAY['queued'::file_status, 'processing'::file_status]))",
      reason:
        'partial unique index: a path with given content is queued or processing at most once, so repeated watcher events enqueue one ingest',
    },
  ],
  // Not a difference between the two files (neither declares these), but a deliberate absence: the
  // references exist in the data and are checked by test/ingest, without constraints (see the
  // comment on model Reading). A relation added to the schema would make Prisma Migrate create
  // the constraint, and the comparison below would then ask for it in a migration.
  absentForeignKeys: [
    {
      table: 'reading',
      column: 'turbine_id',
      references: 'turbine',
      reason: 'per-row FK triggers took two thirds of the bulk-load time; the loader writes turbine rows in the same transaction',
    },
    {
      table: 'reading',
      column: 'file_id',
      references: 'ingested_file',
      reason: 'same; the loader writes the ledger row in the same transaction',
    },
    {
      table: 'window_stat',
      column: 'turbine_id',
      references: 'turbine',
      reason:
        'a full stats run writes a row per turbine-window; the FK trigger took a quarter of that write, and the ids come from reading',
    },
    {
      table: 'anomaly',
      column: 'turbine_id',
      references: 'turbine',
      reason: 'same as window_stat',
    },
  ],
};

let db: TestDatabase;
let client: pg.Client;
let actual: Catalog;
let declared: Catalog;

beforeAll(async () => {
  db = await createTestDatabase('schema_agreement');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  actual = await readDatabaseCatalog(client);
  declared = declaredCatalog(await loadDeclaredDatamodel());
});
afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe('schema.prisma and the SQL migrations', () => {
  it('declare the same tables', () => {
    expect(actual.tables).toEqual(declared.tables);
  });

  it('declare the same columns, with type, nullability and default', () => {
    expect(actual.columns).toEqual(declared.columns);
  });

  it('declare the same primary keys', () => {
    expect(actual.primaryKeys).toEqual(declared.primaryKeys);
  });

  it('declare the same indexes and unique indexes, besides the listed partial ones', () => {
    const extras = KNOWN_DIFFERENCES.extraIndexes
      .map(({ reason: _reason, ...index }) => index)
      .sort((a, b) => a.name.localeCompare(b.name));
    const extraNames = new Set(extras.map((i) => `${i.table}.${i.name}`));
    expect(actual.indexes.filter((i) => extraNames.has(`${i.table}.${i.name}`))).toEqual(extras);
    expect(actual.indexes.filter((i) => !extraNames.has(`${i.table}.${i.name}`))).toEqual(declared.indexes);
    // Prisma writes uniqueness as unique indexes, never as UNIQUE constraints, and has no CHECKs.
    expect(actual.uniqueConstraints).toEqual([]);
    expect(actual.otherConstraints).toEqual([]);
  });

  it('declare the same foreign keys, and none on the listed references', () => {
    expect(actual.foreignKeys).toEqual(declared.foreignKeys);
    for (const absent of KNOWN_DIFFERENCES.absentForeignKeys) {
      const on = (keys: Catalog['foreignKeys']) => keys.filter((k) => k.table === absent.table && k.columns.includes(absent.column));
      expect(on(actual.foreignKeys)).toEqual([]);
      expect(on(declared.foreignKeys)).toEqual([]);
      // The referenced column exists, so the reference itself is still part of the model.
      expect(actual.columns.some((c) => c.table === absent.table && c.column === absent.column)).toBe(true);
      expect(actual.tables).toContain(absent.references);
    }
  });

  it('declare the same enums, values in the same order', () => {
    expect(actual.enums).toEqual(declared.enums);
  });

  it('hold the same vocabularies as the code (core/domain/enums), so each is defined once', () => {
    const values = (name: string) => actual.enums.find((e) => e.name === name)?.values;
    expect(values('file_status')).toEqual([...FILE_STATUSES]);
    expect(values('reject_reason')).toEqual([...REJECT_REASONS]);
    expect(values('anomaly_kind')).toEqual([...ANOMALY_KINDS]);
    expect(values('stats_run_status')).toEqual([...STATS_RUN_STATUSES]);
  });
});

describe('the migration runner', () => {
  async function migrationFiles(): Promise<Array<{ name: string; sha256: string }>> {
    const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true });
    const names = entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    return Promise.all(
      names.map(async (name) => ({
        name,
        // The raw bytes, as `prisma migrate deploy` hashes them.
        sha256: createHash('sha256')
          .update(await readFile(path.join(MIGRATIONS_DIR, name, 'migration.sql')))
          .digest('hex'),
      })),
    );
  }

  async function history() {
    const { rows } = await client.query<{
      id: string;
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      logs: string | null;
      applied_steps_count: number;
    }>(`SELECT id, migration_name, checksum, finished_at, rolled_back_at, logs, applied_steps_count
          FROM "_prisma_migrations" ORDER BY migration_name`);
    return rows;
  }

  it("records every migration in _prisma_migrations with the sha256 of its migration.sql, as Prisma's deploy does", async () => {
    const files = await migrationFiles();
    expect(files.length).toBeGreaterThan(0);
    const rows = await history();
    expect(rows.map((r) => ({ name: r.migration_name, sha256: r.checksum }))).toEqual(files);
    for (const row of rows) {
      expect(row).toMatchObject({ rolled_back_at: null, logs: null, applied_steps_count: 1 });
      expect(row.finished_at).toBeInstanceOf(Date);
    }
    // `prisma migrate deploy` refuses a folder whose lock file names another provider.
    expect(await readFile(path.join(MIGRATIONS_DIR, 'migration_lock.toml'), 'utf8')).toMatch(/^provider\s*=\s*"postgresql"$/m);
  });

  it('applies nothing on a second call, and leaves the history and the schema as they were', async () => {
    const before = { rows: await history(), catalog: await readDatabaseCatalog(client) };

    const again = await migrate(db.url);

    expect(again).toEqual({ applied: [], alreadyApplied: (await migrationFiles()).length });
    expect(await history()).toEqual(before.rows);
    expect(await readDatabaseCatalog(client)).toEqual(before.catalog);
  });
});
