import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { countFilesAwaitingMove } from '@windmill/core/ingest/ingested-file.repository';
import type { Pool } from '@windmill/core/db/pool';
import type { ApiDeps } from '../deps.js';
import { DEFAULT_DEPENDENCY_TIMEOUT_MS, postgresHealth, probeFailure, queueDepths, withTimeout, type QueueDepth } from '../probes.js';
import { timestamp } from '../schemas.js';

const dependency = z.object({
  status: z.enum(['up', 'down', 'disabled']).meta({ description: 'disabled: this process runs without Redis' }),
  latencyMs: z.number().nullable(),
  error: z.enum(['timeout', 'unreachable']).nullable(),
});

const postgresDependency = z.object({
  status: z.enum(['up', 'slow', 'down']).meta({
    description:
      'slow: Postgres answers, but a read of the statistics tables waits on a lock held by someone else (or every API connection is busy); statistics reads answer 503 meanwhile',
  }),
  latencyMs: z.number().nullable().meta({ description: 'of SELECT 1' }),
  error: z.enum(['timeout', 'unreachable', 'lock_timeout', 'statement_timeout']).nullable(),
  reason: z.string().nullable().meta({ description: 'Why Postgres is slow or down, for a person; null when up' }),
});

const depth = z.object({
  waiting: z.number().int(),
  active: z.number().int(),
  delayed: z.number().int(),
  failed: z.number().int(),
});

const healthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  checkedAt: timestamp,
  postgres: postgresDependency,
  redis: dependency,
  queues: z.object({ ingest: depth, stats: depth }).nullable().meta({ description: 'null when Redis is down or disabled' }),
  files: z
    .object({
      awaitingMove: z.number().int().meta({
        description:
          'Files ingested but still in the inbox because their folder refuses them (read-only, full); status is degraded while any wait',
      }),
    })
    .nullable()
    .meta({ description: 'null when Postgres did not answer' }),
});
type DependencyReport = z.output<typeof dependency>;

async function probe(run: () => Promise<void>, onError: (err: unknown) => void): Promise<DependencyReport> {
  const started = performance.now();
  try {
    await run();
    return { status: 'up', latencyMs: Math.round((performance.now() - started) * 10) / 10, error: null };
  } catch (err) {
    onError(err);
    return { status: 'down', latencyMs: null, error: probeFailure(err) };
  }
}

/** The files waiting in the inbox to be moved, from the ledger; null when Postgres does not answer in time. */
async function filesReport(pool: Pool, timeoutMs: number): Promise<{ awaitingMove: number } | null> {
  try {
    return { awaitingMove: await withTimeout(countFilesAwaitingMove(pool), timeoutMs) };
  } catch {
    return null; // the Postgres probe reports why
  }
}

export const healthRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const timeoutMs = deps.dependencyTimeoutMs ?? DEFAULT_DEPENDENCY_TIMEOUT_MS;

  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Postgres and Redis reachability and queue depths',
        description:
          '200 when every dependency is up or Postgres is only slow, 503 when one is down; status degraded (still 200) while files wait to be moved.',
        querystring: z.strictObject({}),
        response: { 200: healthResponse, 503: healthResponse },
      },
    },
    async (request, reply) => {
      const configured = deps.queues;
      let queues: Record<'ingest' | 'stats', QueueDepth> | null = null;
      const [postgres, redis, files] = await Promise.all([
        postgresHealth(deps.pool, timeoutMs, (err, report) =>
          request.log.warn(
            { err, reason: report.reason },
            report.status === 'slow' ? 'health: postgres is slow' : 'health: postgres is down',
          ),
        ),
        configured === null
          ? Promise.resolve<DependencyReport>({ status: 'disabled', latencyMs: null, error: null })
          : probe(
              async () => {
                queues = await queueDepths(configured, timeoutMs);
              },
              (err) => request.log.warn({ err }, 'health: redis is down'),
            ),
        filesReport(deps.pool, timeoutMs),
      ]);
      const ok = postgres.status === 'up' && redis.status !== 'down';
      // Postgres slow (a statistics table locked) degrades the service, but it still answers: 200.
      const answering = postgres.status !== 'down' && redis.status !== 'down';
      // Files waiting to be moved degrade the pipeline, not the service: still 200.
      const filesWaiting = (files?.awaitingMove ?? 0) > 0;
      return reply.code(answering ? 200 : 503).send({
        status: ok && !filesWaiting ? 'ok' : 'degraded',
        checkedAt: new Date().toISOString(),
        postgres,
        redis,
        queues,
        files,
      });
    },
  );
};
