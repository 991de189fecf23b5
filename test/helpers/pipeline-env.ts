import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { parseConfig, type Config } from '@windmill/core/config/config';
import { createTestDatabase, type TestDatabase } from './database.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A sandbox for one pipeline test file: its own database, its own folders and its own BullMQ key
 * prefix on the shared Redis. `env` is what a child process gets; `config` the same, parsed.
 */
export interface PipelineEnv {
  db: TestDatabase;
  root: string;
  dirs: { watch: string; processed: string; failed: string };
  prefix: string;
  env: Record<string, string>;
  config: Config;
  cleanup(): Promise<void>;
}

export async function createPipelineEnv(label: string, overrides: Record<string, string> = {}): Promise<PipelineEnv> {
  const db = await createTestDatabase(label);
  const root = await mkdtemp(path.join(tmpdir(), `windmill-${label}-`));
  const dirs = { watch: path.join(root, 'inbox'), processed: path.join(root, 'processed'), failed: path.join(root, 'failed') };
  const prefix = `wmtest-${label}-${randomBytes(3).toString('hex')}`;
  const env: Record<string, string> = {
    DATABASE_URL: db.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    WATCH_DIR: dirs.watch,
    PROCESSED_DIR: dirs.processed,
    FAILED_DIR: dirs.failed,
    WATCH_STABLE_MS: '300',
    RECONCILE_INTERVAL_SECONDS: '2',
    JOB_LOCK_SECONDS: '3',
    STATS_INTERVAL_SECONDS: '3600',
    API_PORT: '0',
    LOG_LEVEL: 'warn',
    ...overrides,
  };
  const config = parseConfig(env, root);
  return {
    db,
    root,
    dirs,
    prefix,
    env,
    config,
    async cleanup() {
      await deleteKeys(prefix);
      await db.drop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Removes every BullMQ key under a prefix. */
export async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
