import pg from 'pg';

/**
 * A plain pg pool for what Prisma cannot do: COPY streams, session-level advisory locks and long
 * multi-statement transactions. Sessions run in UTC so timestamps render the same everywhere.
 */
export function createPool(databaseUrl: string, max = 5): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, options: '-c timezone=UTC' });
  // An idle client that loses its connection (Postgres restarted) must not crash the process;
  // the next checkout gets a fresh connection.
  pool.on('error', () => undefined);
  // A client in use whose connection dies (a backend terminated, Postgres restarted) fails its
  // query, which reaches the caller (a load rolls back and its job retries), and also emits
  // 'error' on the client; unheard, that event would crash the whole worker process.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/**
 * Anything that can run a query: a pool, a client checked out of it (inside a transaction) or a
 * plain client. Repositories and read modules take this, and name the type of the rows they read.
 */
export interface Queryable {
  query<R extends Record<string, unknown>>(sql: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}
