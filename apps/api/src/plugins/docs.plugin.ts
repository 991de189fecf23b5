import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { ApiConfig } from '../deps.js';
import { MEASURE_SIGNIFICANT_DIGITS } from '../precision.js';
import { securitySchemes } from './auth.plugin.js';
import { DOCS_CSP } from './security-headers.plugin.js';

/**
 * OpenAPI document at /docs/json (and /docs/yaml) and Swagger UI at /docs, generated from the
 * routes' zod schemas. Register before the routes: @fastify/swagger collects them as they are added.
 * Routes marked `hide` (Swagger UI's own, Bull Board's) stay out of the document.
 */
export async function registerDocs(app: FastifyInstance, config: Pick<ApiConfig, 'API_READ_TOKEN'>): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Windmill API',
        description:
          'Wind-turbine telemetry: turbines, window statistics, anomalies and the ingest ledger. ' +
          'Errors are `{ "error": { "code", "message" } }`. Timestamps are ISO 8601 in UTC. ' +
          `Fractional numbers (measurements and what is computed from them) are written with at most ${MEASURE_SIGNIFICANT_DIGITS} significant digits, ` +
          'which removes the noise of binary arithmetic (71.4, not 71.39999999999999); integers (counts, ids) in full. ' +
          'Query parameters are camelCase (windowStart; its first name window_start is kept as an alias).',
        version: '0.1.0',
      },
      // Swagger UI's Authorize button; each route says which it needs (auth.plugin.ts).
      components: { securitySchemes: securitySchemes(config) },
      tags: [
        { name: 'turbines' },
        { name: 'stats' },
        { name: 'anomalies' },
        { name: 'files' },
        { name: 'actions' },
        { name: 'health' },
        { name: 'metrics' },
      ],
    },
    transform: jsonSchemaTransform,
  });
  // The UI's pages get the strictest policy Swagger UI works with, instead of the API's deny-all.
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CSP });
}
