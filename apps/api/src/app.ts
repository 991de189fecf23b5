import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { MAX_TURBINE_NAME } from '@windmill/core/profiles/input-profile';
import type { ApiDeps } from './deps.js';
import { frameworkErrorHandler, registerErrorHandling } from './errors.js';
import { registerAuth } from './plugins/auth.plugin.js';
import { registerBoard } from './plugins/board.plugin.js';
import { registerDashboard } from './plugins/dashboard.plugin.js';
import { registerDocs } from './plugins/docs.plugin.js';
import { registerMetrics } from './plugins/metrics.plugin.js';
import { registerRateLimit } from './plugins/rate-limit.plugin.js';
import { registerSecurityHeaders } from './plugins/security-headers.plugin.js';
import { roundMeasures } from './precision.js';
import { registerRequestLog } from './request-log.js';
import { adminRoutes } from './routes/admin.routes.js';
import { anomalyRoutes } from './routes/anomalies.routes.js';
import { fileRoutes } from './routes/files.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { powerCurveRoutes } from './routes/power-curve.routes.js';
import { statsRoutes } from './routes/stats.routes.js';
import { turbineRoutes } from './routes/turbines.routes.js';
import { windowRoutes } from './routes/windows.routes.js';

export type { ApiConfig, ApiDeps, ApiQueues } from './deps.js';

/** zod's response serializer, with every answer's numbers at the API's stated precision (precision.ts): the one place they are rounded. */
const roundingSerializerCompiler: typeof serializerCompiler = (route) => {
  const serialize = serializerCompiler(route);
  return (body) => serialize(roundMeasures(body));
};

/**
 * Builds the HTTP API without listening, so tests drive it with `inject`. The caller owns every
 * connection in `deps` and closes them after `app.close()`.
 */
export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  // Typed as Fastify's logger interface so route plugins keep Fastify's default instance type.
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance,
    // registerRequestLog writes one line per request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    frameworkErrors: frameworkErrorHandler,
    // Reads never carry a body; keep the limit small for the two POST actions.
    bodyLimit: 64 * 1024,
    // A path parameter is measured decoded, in UTF-16 units: a turbine name of 64 characters
    // outside the BMP takes 128. Longer ones are answered 400 before routing (errors.ts).
    routerOptions: { maxParamLength: 2 * MAX_TURBINE_NAME },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(roundingSerializerCompiler);
  registerErrorHandling(app);
  registerRequestLog(app);
  // Before every route: the headers, the limit and the credentials apply to all of them.
  await registerSecurityHeaders(app);
  await registerRateLimit(app, deps.config);
  await registerAuth(app, deps.config);

  await registerDocs(app, deps.config);
  await registerMetrics(app, deps);
  await app.register(healthRoutes, { deps });
  await app.register(turbineRoutes, { deps });
  await app.register(statsRoutes, { deps });
  await app.register(windowRoutes, { deps });
  await app.register(anomalyRoutes, { deps });
  await app.register(powerCurveRoutes, { deps });
  await app.register(fileRoutes, { deps });
  await app.register(adminRoutes, { deps });
  await registerDashboard(app);
  await registerBoard(app, { config: deps.config, queues: deps.queues, logger: deps.logger });

  await app.ready();
  return app;
}
