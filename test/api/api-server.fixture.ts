/**
 * Starts the real API on a free port in its own Node process (no jest module loader in the way),
 * for api-server.e2e.test.ts. Reads its settings from the environment, prints one JSON line
 * `{ "url": ... }` when listening, and closes everything on SIGTERM.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startApi } from '@windmill/api/server';
import { createPool } from '@windmill/core/db/pool';
import { createPrisma } from '@windmill/core/db/prisma';
import { createLogger } from '@windmill/core/platform/logger';
import { INGEST_QUEUE, STATS_JOB, STATS_QUEUE } from '@windmill/core/platform/queues';

const env = process.env;
const databaseUrl = env.DATABASE_URL!;
const prefix = env.QUEUE_PREFIX!;

const logger = createLogger('api', { level: 'warn', destination: process.stderr });
const pool = createPool(databaseUrl);
const prisma = createPrisma(databaseUrl);
const redis = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const queues = {
  ingest: new Queue(INGEST_QUEUE, { connection: redis, prefix }),
  stats: new Queue(STATS_QUEUE, { connection: redis, prefix }),
};

const api = await startApi({
  config: {
    API_HOST: '127.0.0.1',
    API_PORT: 0,
    API_TOKEN: env.API_TOKEN ?? '',
    API_READ_TOKEN: env.API_READ_TOKEN ?? '',
    API_RATE_LIMIT: Number(env.API_RATE_LIMIT ?? 0),
    WINDOW_SECONDS: 86_400,
    BOARD_USER: env.BOARD_USER ?? 'admin',
    BOARD_PASSWORD: env.BOARD_PASSWORD ?? '',
    BOARD_READ_ONLY: env.BOARD_READ_ONLY === 'true',
  },
  logger,
  prisma,
  pool,
  queues,
  requestRescan: async () => ({ queued: 0 }),
  requestStatsRun: async () => ({ jobId: String((await queues.stats.add(STATS_JOB, { trigger: 'api' })).id) }),
});
process.stdout.write(`${JSON.stringify({ url: api.url })}\n`);

process.once('SIGTERM', () => {
  void (async () => {
    await api.close();
    for (const q of Object.values(queues)) await q.close();
    await redis.quit();
    await prisma.$disconnect();
    await pool.end();
    process.exit(0);
  })();
});
