import pg from 'pg';
import { ADMIN_URL, databaseUrl } from '../helpers/database.js';

/**
 * The benchmark's databases are named windmill_bench_<run>_<stage> on the local Postgres, so
 * they never touch another database and a crashed run's leftovers are easy to find and drop.
 */

export interface BenchDatabase {
  name: string;
  url: string;
}

export function benchDatabase(runId: string, label: string): BenchDatabase {
  const name = `windmill_bench_${runId}_${label}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return { name, url: databaseUrl(name) };
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(db: BenchDatabase): Promise<void> {
  await withClient(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS "${db.name}" WITH (FORCE)`));
}

/** An empty database (dropped first if a run with the same id left one). */
export async function createEmptyDatabase(db: BenchDatabase): Promise<void> {
  await dropDatabase(db);
  await withClient(ADMIN_URL, (c) => c.query(`CREATE DATABASE "${db.name}"`));
}

/** "PostgreSQL 15.20" from the server's version string. */
export async function postgresVersion(): Promise<string> {
  const { rows } = await withClient(ADMIN_URL, (c) => c.query<{ v: string }>(`SELECT split_part(version(), ' ', 2) AS v`));
  return `PostgreSQL ${rows[0]?.v ?? '?'}`;
}

/** Where the server keeps its data (to check the free disk), or null when this role may not ask. */
export async function postgresDataDirectory(): Promise<string | null> {
  try {
    const { rows } = await withClient(ADMIN_URL, (c) => c.query<{ dir: string }>(`SELECT current_setting('data_directory') AS dir`));
    return rows[0]?.dir ?? null;
  } catch {
    return null;
  }
}

/** The server settings that move the figures (autovacuum decides whether the planner knows the new rows). */
export async function postgresSettings(): Promise<Record<string, string>> {
  const names = ['autovacuum', 'fsync', 'synchronous_commit', 'shared_buffers', 'work_mem', 'max_wal_size'];
  const { rows } = await withClient(ADMIN_URL, (c) =>
    c.query<{ name: string; setting: string }>(`SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1)`, [
      names,
    ]),
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
}

/** What the ledger and the reading table hold after a load: the figures a user would check. */
export async function loadedCounts(url: string): Promise<{
  readings: number;
  rowsTotal: number;
  rowsRejected: number;
  rowsDuplicate: number;
  filesDone: number;
  filesFailed: number;
}> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<Record<string, number>>(`
      SELECT (SELECT count(*)::int FROM reading) AS readings,
             coalesce(sum(rows_total), 0)::int AS "rowsTotal",
             coalesce(sum(rows_rejected), 0)::int AS "rowsRejected",
             coalesce(sum(rows_duplicate), 0)::int AS "rowsDuplicate",
             (count(*) FILTER (WHERE status = 'done'))::int AS "filesDone",
             (count(*) FILTER (WHERE status = 'failed'))::int AS "filesFailed"
        FROM ingested_file`);
    const r = rows[0]!;
    return {
      readings: r.readings!,
      rowsTotal: r.rowsTotal!,
      rowsRejected: r.rowsRejected!,
      rowsDuplicate: r.rowsDuplicate!,
      filesDone: r.filesDone!,
      filesFailed: r.filesFailed!,
    };
  });
}
