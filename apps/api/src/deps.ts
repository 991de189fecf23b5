import type { Queue } from 'bullmq';
import type { Config } from '@windmill/core/config/config';
import type { Pool } from '@windmill/core/db/pool';
import type { PrismaClient } from '@windmill/core/db/prisma';
import type { Logger } from '@windmill/core/platform/logger';

/** The settings the API reads; a whole `Config` fits. */
export type ApiConfig = Pick<
  Config,
  | 'API_HOST'
  | 'API_PORT'
  | 'API_TOKEN'
  | 'API_READ_TOKEN'
  | 'API_RATE_LIMIT'
  | 'WINDOW_SECONDS'
  | 'BOARD_USER'
  | 'BOARD_PASSWORD'
  | 'BOARD_READ_ONLY'
> &
  // GET /power-curve before the first stats run (the defaults when absent).
  Partial<Pick<Config, 'POWER_CURVE_BIN_WIDTH' | 'POWER_CURVE_MIN_BIN_COUNT'>> &
  // Bull Board's login throttle (board.plugin.ts; its defaults when absent).
  Partial<Pick<Config, 'BOARD_MAX_FAILED_LOGINS' | 'BOARD_LOCKOUT_SECONDS'>>;

export interface ApiQueues {
  ingest: Queue;
  stats: Queue;
}

/** Everything the API needs, opened and closed by the caller (main wiring or a test). */
export interface ApiDeps {
  config: ApiConfig;
  /** Root logger of the process; Fastify logs requests through it. */
  logger: Logger;
  prisma: PrismaClient;
  /**
   * A pg pool for raw reads and the stats-lock check: the API's own (core's openConnections opens
   * it as `apiPool`), whose sessions carry the API's statement and lock timeouts and whose checkout
   * wait is bounded, so a read that hits one answers 503 database_busy (errors.ts).
   */
  pool: Pool;
  /** null when this process has no Redis: /health then reports it as disabled and Bull Board is not mounted. */
  queues: ApiQueues | null;
  /** Asks the watcher to rescan the watched folder; resolves with the number of files queued. */
  requestRescan: () => Promise<{ queued: number }>;
  /** Queues one stats run now; resolves with the BullMQ job id. */
  requestStatsRun: () => Promise<{ jobId: string }>;
  /** How long /health and /metrics wait for Postgres or Redis before calling it down. Default 2000 ms. */
  dependencyTimeoutMs?: number;
}
