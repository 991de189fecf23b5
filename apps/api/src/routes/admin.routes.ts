import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { errorBodySchema } from '../errors.js';

/** Actions: ask the pipeline to do something now. Both answer 202: the work happens in the background. */
export const adminRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  app.post(
    '/ingest',
    {
      schema: {
        tags: ['actions'],
        summary: 'Rescan the watched folder and queue every file not yet ingested',
        querystring: z.strictObject({}),
        response: { 202: z.object({ queued: z.number().int() }), 400: errorBodySchema },
      },
    },
    async (_request, reply) => {
      const { queued } = await deps.requestRescan();
      return reply.code(202).send({ queued });
    },
  );

  app.post(
    '/stats/run',
    {
      schema: {
        tags: ['actions', 'stats'],
        summary: 'Queue a statistics run now',
        querystring: z.strictObject({}),
        response: { 202: z.object({ jobId: z.string() }), 400: errorBodySchema },
      },
    },
    async (_request, reply) => {
      const { jobId } = await deps.requestStatsRun();
      return reply.code(202).send({ jobId });
    },
  );
};
