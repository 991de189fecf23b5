import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ANOMALY_KINDS } from '@windmill/core/domain/enums';
import { listAnomalies, type AnomalyRow } from '@windmill/core/read/anomalies.read';
import type { ApiDeps } from '../deps.js';
import { errorBodySchema } from '../errors.js';
import { cursorKeys, cursorParam, encodeCursor } from '../cursor.js';
import {
  limitParam,
  pageOf,
  positiveInt,
  rangeIsOrdered,
  rangeShape,
  RANGE_ORDER_ISSUE,
  timestamp,
  toIso,
  toIsoOrNull,
} from '../schemas.js';
import { requireStatsIdle } from '../stats-lock.guard.js';

const anomalyKind = z.enum(ANOMALY_KINDS);

const anomalyItem = z.object({
  id: z.number().int(),
  kind: anomalyKind,
  turbineId: z.number().int(),
  windowStart: timestamp,
  windowSeconds: z.number().int(),
  ts: timestamp.nullable().meta({ description: 'The reading time for kind reading; null for kind turbine' }),
  value: z.number().meta({ description: 'The reading power (reading) or the turbine window mean (turbine)' }),
  mean: z.number().meta({ description: 'Reference mean: the turbine-window mean, or the mean over turbines' }),
  stddev: z.number(),
  deviation: z.number().meta({ description: 'value - mean' }),
  sigma: z.number().meta({ description: 'The k of mean ± k·stddev used by the run' }),
});

const anomaliesQuery = z
  .strictObject({
    kind: anomalyKind.optional(),
    turbine: positiveInt('a turbine id').optional().meta({ description: 'Only this turbine' }),
    ...rangeShape,
    limit: limitParam,
    cursor: cursorParam(cursorKeys.anomaly),
  })
  .refine(rangeIsOrdered, RANGE_ORDER_ISSUE);

function toItem(row: AnomalyRow): z.output<typeof anomalyItem> {
  return { ...row, windowStart: toIso(row.windowStart), ts: toIsoOrNull(row.ts) };
}

export const anomalyRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const { pool, config } = deps;

  app.get(
    '/anomalies',
    {
      preHandler: requireStatsIdle(pool),
      schema: {
        tags: ['anomalies'],
        summary: 'Anomalies, by window, turbine, then id',
        description:
          'Anomalies of the configured window size. from/to filter window_start for both kinds (from inclusive, to exclusive). 503 while a stats run writes.',
        querystring: anomaliesQuery,
        response: { 200: pageOf(anomalyItem), 400: errorBodySchema, 503: errorBodySchema },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await listAnomalies(pool, {
        windowSeconds: config.WINDOW_SECONDS,
        kind: q.kind,
        turbineId: q.turbine,
        from: q.from,
        to: q.to,
        limit: q.limit,
        after: q.cursor ? { windowStart: new Date(q.cursor[0]), turbineId: q.cursor[1], id: q.cursor[2] } : undefined,
      });
      const last = page.rows.at(-1);
      return {
        items: page.rows.map(toItem),
        nextCursor: page.hasMore && last ? encodeCursor([last.windowStart.getTime(), last.turbineId, last.id]) : null,
      };
    },
  );
};
