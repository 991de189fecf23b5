import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { connectionLimits, type PoolOptions } from './pool.js';

export { PrismaClient } from '../generated/prisma/client.js';
export type { Prisma } from '../generated/prisma/client.js';

/**
 * Prisma 7 talks to Postgres through the pg driver adapter; the query engine is WASM, no download.
 * `options` limit its pool's connections as createPool's do (the API's read limits).
 */
export function createPrisma(databaseUrl: string, poolSize = 5, options: PoolOptions = {}): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize, ...connectionLimits(options) }) });
}
