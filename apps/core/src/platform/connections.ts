import type { Config } from '../config/config.js';
import { ensureDatabase, migrate } from '../db/migrate.js';
import { createPool, type Pool, type PoolOptions } from '../db/pool.js';
import type { PrismaClient } from '../db/prisma.js';
import type { Logger } from './logger.js';
import { closeQueues, createQueues, type Queues } from './queues.js';
import { checkRedis, createRedis, warnOnEvictionPolicy, type Redis } from './redis.js';
import { waitForPostgres } from './startup.js';

/** What a process needs opened before its app starts. Postgres is always opened. */
export interface ConnectionNeeds {
  /** Create the database if missing and apply pending migrations first (npm start, the migrate service). */
  migrate?: boolean;
  /** A Redis connection and the BullMQ queues on it (everything but `npm run ingest`). */
  redis?: boolean;
  /**
   * Prisma's client: only the API reads through it, so other processes never load its query engine.
   * Comes with `apiPool`, the API's own pg pool; both carry the API's read limits (API_*_MS).
   */
  prisma?: boolean;
  /** Connections in the pg pool; by default WORKER_CONCURRENCY + 4 (each file in flight holds one). */
  poolSize?: number;
}

export interface Connections {
  pool: Pool;
  redis: Redis | null;
  queues: Queues | null;
  prisma: PrismaClient | null;
  /**
   * The API's pg pool (with `prisma`): its sessions carry API_STATEMENT_TIMEOUT_MS and
   * API_LOCK_TIMEOUT_MS and a checkout waits at most API_POOL_WAIT_MS, so a read stuck behind a
   * lock ends (503) instead of holding a connection that the loads and stats runs of the same
   * process, or the API's other reads, need.
   */
  apiPool: Pool | null;
  /**
   * Closes everything. With `waitForPool: false` (a shutdown past its deadline) the pool is not
   * waited for: a file may still be loading on a pooled connection, and waiting would keep the
   * process alive; exiting closes the connection and Postgres rolls that transaction back.
   */
  close(options?: { waitForPool?: boolean }): Promise<void>;
}

/** The connections opened for `needs`, typed so that what was asked for is not null. */
export type ConnectionsFor<N extends ConnectionNeeds> = Connections &
  (N extends { redis: true } ? { redis: Redis; queues: Queues } : unknown) &
  (N extends { prisma: true } ? { prisma: PrismaClient; apiPool: Pool } : unknown);

/**
 * Opens the connections a process needs, checking each dependency first so that a missing
 * Postgres or Redis stops start-up with one clear message naming its setting instead of a hang.
 */
export async function openConnections<N extends ConnectionNeeds>(config: Config, logger: Logger, needs: N): Promise<ConnectionsFor<N>> {
  if (needs.migrate) await ensureDatabase(config.DATABASE_URL).catch(() => undefined);
  const budgetMs = config.STARTUP_TIMEOUT_SECONDS * 1000;
  await waitForPostgres(config.DATABASE_URL, budgetMs);
  if (needs.migrate) {
    const result = await migrate(config.DATABASE_URL);
    if (result.applied.length > 0) logger.info({ applied: result.applied }, 'database migrations applied');
  }
  if (needs.redis) await checkRedis(config.REDIS_URL, budgetMs);

  const renewal = { maxLifetimeSeconds: config.DATABASE_CONNECTION_LIFETIME_SECONDS };
  const pool = createPool(config.DATABASE_URL, needs.poolSize ?? config.WORKER_CONCURRENCY + 4, undefined, renewal);
  const apiLimits = { ...renewal, ...apiReadLimits(config) };
  const apiPool = needs.prisma ? createPool(config.DATABASE_URL, API_POOL_SIZE, undefined, apiLimits) : null;
  // Imported on demand: loading Prisma's client costs memory and start-up time in every process.
  const prisma = needs.prisma ? (await import('../db/prisma.js')).createPrisma(config.DATABASE_URL, API_POOL_SIZE, apiLimits) : null;
  let redis: Redis | null = null;
  let queues: Queues | null = null;
  if (needs.redis) {
    redis = createRedis(config.REDIS_URL, logger);
    await warnOnEvictionPolicy(redis, logger);
    queues = createQueues(redis, config.QUEUE_PREFIX, { attempts: config.INGEST_ATTEMPTS, backoffMs: config.INGEST_BACKOFF_MS });
  }

  const connections: Connections = {
    pool,
    redis,
    queues,
    prisma,
    apiPool,
    async close({ waitForPool = true } = {}) {
      if (queues) await closeQueues(queues).catch(() => undefined);
      if (redis) await redis.quit().catch(() => redis?.disconnect());
      await prisma?.$disconnect();
      await apiPool?.end().catch(() => undefined);
      if (waitForPool) await pool.end();
      else pool.end().catch(() => undefined);
    },
  };
  return connections as ConnectionsFor<N>;
}

/** Connections of the API's pg pool (and of Prisma's): reads are short, so a few serve many requests. */
const API_POOL_SIZE = 5;

/** The limits of the API's read connections (see `apiPool`). */
export function apiReadLimits(config: Config): PoolOptions {
  return {
    connectionTimeoutMs: config.API_POOL_WAIT_MS,
    sessionTimeouts: { statementMs: config.API_STATEMENT_TIMEOUT_MS, lockMs: config.API_LOCK_TIMEOUT_MS },
  };
}
