import { Redis } from 'ioredis';
import { warnOnEvictionPolicy } from '@windmill/core/platform/redis';
import { startOwnRedis, type OwnRedis } from '../helpers/own-redis.js';
import { memoryLogger } from '../helpers/silent-logger.js';

/** BullMQ's jobs are plain keys: start-up warns when Redis may evict them. */
describe('Redis eviction policy check', () => {
  let own: OwnRedis;
  let redis: Redis;
  beforeAll(async () => {
    own = await startOwnRedis({ appendonly: false });
    redis = new Redis(own.url, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await redis.quit();
    await own.stop();
  });

  it('says nothing under noeviction', async () => {
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    const { logger, lines } = memoryLogger();
    expect(await warnOnEvictionPolicy(redis, logger)).toBe('noeviction');
    expect(lines().filter((l) => l.level === 40)).toEqual([]);
  });

  it('warns, naming the policy, under allkeys-lru', async () => {
    await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const { logger, lines } = memoryLogger();
    expect(await warnOnEvictionPolicy(redis, logger)).toBe('allkeys-lru');
    logger.flush();
    const warnings = lines().filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]!.msg)).toMatch(/maxmemory-policy is allkeys-lru, not noeviction/);
  });
});
