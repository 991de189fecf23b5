import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redactText, redactUrl } from './redact.js';
import { DependencyUnavailableError } from './startup.js';

export type { Redis } from 'ioredis';

/**
 * An ioredis connection with the options BullMQ needs: `maxRetriesPerRequest: null` so a worker's
 * blocking commands wait through a Redis restart instead of failing, and reconnects forever.
 */
export function createRedis(url: string, logger?: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectTimeout: 5_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  });
  let down = false;
  redis.on('error', (error) => {
    if (!down) logger?.warn({ err: error.message }, 'redis connection error; reconnecting');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger?.info('redis connection restored');
    down = false;
  });
  return redis;
}

/** Fails with a message naming REDIS_URL when Redis does not answer a PING within `timeoutMs`. */
export async function checkRedis(url: string, timeoutMs: number): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null });
  probe.on('error', () => undefined);
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  try {
    while (Date.now() < deadline) {
      try {
        if (probe.status === 'wait' || probe.status === 'end') await probe.connect();
        await probe.ping();
        return;
      } catch (error) {
        lastError = error;
        probe.disconnect();
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    throw new DependencyUnavailableError(
      `cannot reach Redis at ${redactUrl(url)} (REDIS_URL): ${redactText((lastError as Error)?.message ?? 'timed out')}`,
    );
  } finally {
    probe.disconnect();
  }
}

/**
 * BullMQ keeps its jobs as ordinary keys: under any eviction policy but `noeviction`, Redis may
 * silently drop queued work when memory runs short. Says so at start-up.
 */
export async function warnOnEvictionPolicy(redis: Redis, logger: Logger): Promise<string | null> {
  try {
    const info = await redis.info('memory');
    const policy = /maxmemory_policy:(\S+)/.exec(info)?.[1] ?? null;
    if (policy !== null && policy !== 'noeviction') {
      logger.warn(
        { maxmemoryPolicy: policy },
        `redis maxmemory-policy is ${policy}, not noeviction: queued jobs may be evicted under memory pressure`,
      );
    }
    return policy;
  } catch {
    return null;
  }
}
