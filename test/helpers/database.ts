import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '@windmill/core/db/migrate';
import { createPool, type Pool } from '@windmill/core/db/pool';

/**
 * Each integration test file gets a database of its own, migrated from scratch, so test files can
 * run in parallel against the one local Postgres. Set TEST_DATABASE_ADMIN_URL to point elsewhere.
 */
export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(label: string, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `windmill_test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = databaseUrl(name);
  const drop = () => withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined);
  if (options.migrate !== false) {
    // A database whose migration failed is dropped here: the caller never got it, so cannot.
    await migrate(url).catch(async (error: unknown) => {
      await drop().catch(() => undefined);
      throw error;
    });
  }
  return { name, url, drop };
}

/**
 * A test file's own migrated database and a pool on it, for the length of the file: created in
 * beforeAll, closed and dropped in afterAll, also when the set-up failed half-way. Read `pool` and
 * `db` inside tests and hooks (they exist once beforeAll has run).
 */
export function useTestDatabase(label: string, options: { poolSize?: number } = {}): { readonly db: TestDatabase; readonly pool: Pool } {
  let db: TestDatabase | undefined;
  let pool: Pool | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(label);
    pool = createPool(db.url, options.poolSize ?? 2);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });
  return {
    get db() {
      if (!db) throw new Error(`the test database ${label} is not set up (did beforeAll fail?)`);
      return db;
    },
    get pool() {
      if (!pool) throw new Error(`the test database ${label} is not set up (did beforeAll fail?)`);
      return pool;
    },
  };
}
