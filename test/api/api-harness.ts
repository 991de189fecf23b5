import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { buildApp } from '@windmill/api/app';
import type { ApiConfig, ApiDeps } from '@windmill/api/deps';
import { createPool, type Pool } from '@windmill/core/db/pool';
import { createPrisma, type PrismaClient } from '@windmill/core/db/prisma';
import { createLogger } from '@windmill/core/platform/logger';
import { INGEST_QUEUE, STATS_QUEUE } from '@windmill/core/platform/queues';
import { requestStatsRun } from '@windmill/core/platform/queues';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { LogCapture } from '../helpers/silent-logger.js';

export { LogCapture };

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** No board password by default, as in a fresh install; board.test.ts sets one. */
export const TEST_CONFIG: ApiConfig = {
  API_HOST: '127.0.0.1',
  API_PORT: 0,
  // The actions are enabled with a known token; auth.test.ts covers the other cases.
  API_TOKEN: 'test-api-token-0123456789',
  API_READ_TOKEN: '',
  // Tests send many requests from one address; rate-limit.test.ts sets a limit.
  API_RATE_LIMIT: 0,
  WINDOW_SECONDS: 86_400,
  BOARD_USER: 'admin',
  BOARD_PASSWORD: '',
  BOARD_READ_ONLY: false,
};

/** One migrated database, pool, Prisma client and a pair of queues under a unique prefix. */
export interface ApiWorld {
  db: TestDatabase;
  pool: Pool;
  prisma: PrismaClient;
  redis: Redis;
  queues: { ingest: Queue; stats: Queue };
  prefix: string;
  rescans: number;
  /** Builds an app on this world; extra deps override the defaults. Apps are closed by `close()`. */
  build(overrides?: Partial<ApiDeps> & { logs?: LogCapture }): Promise<FastifyInstance>;
  close(): Promise<void>;
}

export async function createApiWorld(label: string): Promise<ApiWorld> {
  const db = await createTestDatabase(label);
  const pool = createPool(db.url);
  const prisma = createPrisma(db.url);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const prefix = `wm-test-${label}-${randomBytes(4).toString('hex')}`;
  const queues = {
    ingest: new Queue(INGEST_QUEUE, { connection: redis, prefix }),
    stats: new Queue(STATS_QUEUE, { connection: redis, prefix }),
  };
  const apps: FastifyInstance[] = [];
  const world: ApiWorld = {
    db,
    pool,
    prisma,
    redis,
    queues,
    prefix,
    rescans: 0,
    async build(overrides = {}) {
      const { logs, ...deps } = overrides;
      const app = await buildApp({
        config: TEST_CONFIG,
        logger: createLogger('api', { level: 'info', destination: logs ?? new LogCapture() }),
        prisma,
        pool,
        queues,
        requestRescan: async () => {
          world.rescans += 1;
          return { queued: 2 };
        },
        requestStatsRun: () => requestStatsRun(queues.stats, 'api'),
        dependencyTimeoutMs: 5000,
        ...deps,
      });
      apps.push(app);
      return app;
    },
    async close() {
      for (const app of apps) await app.close();
      for (const q of Object.values(queues)) {
        await q.obliterate({ force: true });
        await q.close();
      }
      await redis.quit();
      await prisma.$disconnect();
      await pool.end();
      await db.drop();
    },
  };
  return world;
}

/** The header that the actions need with TEST_CONFIG. */
export const WRITE_AUTH = { authorization: `Bearer ${TEST_CONFIG.API_TOKEN}` };

export function basicAuthHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
