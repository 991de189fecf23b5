import pg from 'pg';
import type { QueryTimeouts } from './timeouts.js';

/**
 * A plain pg pool for what Prisma cannot do: COPY streams, session-level advisory locks and long
 * multi-statement transactions. Sessions run in UTC so timestamps render the same everywhere.
 * `onConnect` prepares each new connection before it is handed out (the pool awaits it).
 */
export function createPool(
  databaseUrl: string,
  max = 5,
  onConnect?: (client: pg.ClientBase) => Promise<void>,
  options: PoolOptions = {},
): pg.Pool {
  // pg-pool awaits the promise onConnect returns before handing the client out; @types/pg still
  // types the hook as returning void.
  const awaitedHook = onConnect as ((client: pg.ClientBase) => void) | undefined;
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    options: '-c timezone=UTC',
    onConnect: awaitedHook,
    ...connectionLimits(options),
  });
  // An idle client that loses its connection (Postgres restarted) must not crash the process;
  // the next checkout gets a fresh connection.
  pool.on('error', () => undefined);
  // A client in use whose connection dies (a backend terminated, Postgres restarted) fails its
  // query, which reaches the caller (a load rolls back and its job retries), and also emits
  // 'error' on the client; unheard, that event would crash the whole worker process.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** How a pool's connections are limited and renewed (each optional: unset keeps pg's default, no limit). */
export interface PoolOptions {
  /**
   * Closes a connection this many seconds after it was opened (once idle) and opens a fresh one
   * when needed: a setting changed for the database (`ALTER DATABASE ... SET`, `RESET`) reaches
   * only new sessions, so without this a fix would wait for a restart. 0: connections live on.
   */
  maxLifetimeSeconds?: number;
  /** Longest wait for a free connection (or to open one) before the checkout fails. */
  connectionTimeoutMs?: number;
  /**
   * Statement and lock timeouts for every session of the pool, sent when it connects: they
   * override the database's defaults. For connections that only read (the API's).
   */
  sessionTimeouts?: QueryTimeouts;
}

/** The pg (and Prisma adapter) pool settings for `options`; shared by createPool and createPrisma. */
export function connectionLimits(options: PoolOptions): pg.PoolConfig {
  const limits: pg.PoolConfig = {};
  if (options.maxLifetimeSeconds) limits.maxLifetimeSeconds = options.maxLifetimeSeconds;
  if (options.connectionTimeoutMs) limits.connectionTimeoutMillis = options.connectionTimeoutMs;
  if (options.sessionTimeouts) {
    limits.statement_timeout = options.sessionTimeouts.statementMs;
    limits.lock_timeout = options.sessionTimeouts.lockMs;
  }
  return limits;
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
