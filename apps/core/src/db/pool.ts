import pg from 'pg';

/**
 * A plain pg pool for what Prisma cannot do: COPY streams, session-level advisory locks and long
 * multi-statement transactions. Sessions run in UTC so timestamps render the same everywhere.
 * `onConnect` prepares each new connection before it is handed out (the pool awaits it).
 */
export function createPool(databaseUrl: string, max = 5, onConnect?: (client: pg.ClientBase) => Promise<void>): pg.Pool {
  // pg-pool awaits the promise onConnect returns before handing the client out; @types/pg still
  // types the hook as returning void.
  const awaitedHook = onConnect as ((client: pg.ClientBase) => void) | undefined;
  const pool = new pg.Pool({ connectionString: databaseUrl, max, options: '-c timezone=UTC', onConnect: awaitedHook });
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
