import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { ApiConfig } from '../deps.js';

/**
 * At most API_RATE_LIMIT requests per minute from one client address, on every route (0 turns
 * the limit off). Past it the API answers 429 in its usual error shape, with Retry-After. The
 * counters live in this process's memory: each API instance counts on its own. Behind a reverse
 * proxy every request comes from the proxy's address; limit there instead.
 */
export async function registerRateLimit(app: FastifyInstance, config: Pick<ApiConfig, 'API_RATE_LIMIT'>): Promise<void> {
  if (config.API_RATE_LIMIT === 0) return;
  await app.register(rateLimit, {
    global: true,
    max: config.API_RATE_LIMIT,
    timeWindow: 60_000,
    // Thrown, so the API's one error handler writes the body: { error: { code, message } }.
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`too many requests: at most ${context.max} a minute; retry in ${context.after}`), { statusCode: 429 }),
  });
}
