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
  return pool;
}

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
