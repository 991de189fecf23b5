import type { FastifyInstance } from 'fastify';
import { Gauge, Histogram, Registry } from 'prom-client';
import { enableDefaultMetrics, processRegistry } from '@windmill/core/platform/metrics';
import { countFilesByStatus, sumRowsByOutcome } from '@windmill/core/read/files.read';
import type { ApiDeps } from '../deps.js';
import { DEFAULT_DEPENDENCY_TIMEOUT_MS, queueDepths, QUEUE_STATES, withTimeout } from '../probes.js';

/**
 * GET /metrics in Prometheus text. Two registries are merged at each scrape: the process one from
 * core (job durations observed by the worker, Node defaults) and one per app built here (HTTP
 * durations, and gauges read from the ledger and the queues at scrape time). A dependency that is
 * down leaves its gauges out of that scrape instead of failing it.
 */
export async function registerMetrics(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  enableDefaultMetrics();
  const timeoutMs = deps.dependencyTimeoutMs ?? DEFAULT_DEPENDENCY_TIMEOUT_MS;
  const registry = new Registry();

  const httpDuration = new Histogram({
    name: 'windmill_http_request_duration_seconds',
    help: 'HTTP request durations by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  new Gauge({
    name: 'windmill_ingested_files',
    help: 'Rows of the ingest ledger by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        const counts = await withTimeout(countFilesByStatus(deps.prisma), timeoutMs);
        for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
      } catch (err) {
        app.log.warn({ err }, 'metrics: could not read the ingest ledger');
      }
    },
  });

  new Gauge({
    name: 'windmill_ingested_rows',
    help: 'CSV lines over all ingested files by outcome (imputed is the part of loaded with an imputed field)',
    labelNames: ['outcome'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        const sums = await withTimeout(sumRowsByOutcome(deps.prisma), timeoutMs);
        for (const [outcome, n] of Object.entries(sums)) this.set({ outcome }, n);
      } catch (err) {
        app.log.warn({ err }, 'metrics: could not read the ingest ledger');
      }
    },
  });

  const queues = deps.queues;
  if (queues !== null) {
    new Gauge({
      name: 'windmill_queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        try {
          const depths = await queueDepths(queues, timeoutMs);
          for (const [queue, depth] of Object.entries(depths)) {
            for (const state of QUEUE_STATES) this.set({ queue, state }, depth[state]);
          }
        } catch (err) {
          app.log.warn({ err }, 'metrics: could not read queue depths');
        }
      },
    });
  }

  app.addHook('onResponse', async (request, reply) => {
    httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.get('/metrics', { schema: { tags: ['metrics'], summary: 'Prometheus metrics (text format)' } }, async (_request, reply) => {
    const merged = Registry.merge([processRegistry, registry]);
    const body = await merged.metrics();
    return reply.type(merged.contentType).send(body);
  });
}
