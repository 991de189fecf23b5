import type { FastifyInstance } from 'fastify';
// The request's `turbine` property is declared there.
import type {} from './turbine-lookup.js';

/**
 * Routes polled by machines, and the dashboard's static files: their lines go to debug so a scrape
 * every few seconds or a page load does not flood the log.
 */
const QUIET_ROUTES = new Set(['/health', '/metrics', '/dashboard/*', '/dashboard/vendor/uplot/*']);

/**
 * One log line per request, when it completes (Fastify's own logging writes two), with the route
 * pattern so lines group by endpoint, and the turbine's id and name when the route resolved one
 * (turbine-lookup.ts).
 */
export function registerRequestLog(app: FastifyInstance): void {
  app.decorateRequest('turbine', null);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    const fields = {
      method: request.method,
      url: request.url,
      route: route ?? null,
      ...(request.turbine ? { turbineId: request.turbine.id, turbineName: request.turbine.name } : {}),
      statusCode: reply.statusCode,
      responseTimeMs: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (route !== undefined && QUIET_ROUTES.has(route)) request.log.debug(fields, 'request completed');
    else request.log.info(fields, 'request completed');
  });
}
