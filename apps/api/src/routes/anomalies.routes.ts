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
  rangeIsOrdered,
  rangeShape,
  RANGE_ORDER_ISSUE,
  timestamp,
  toIso,
  toIsoOrNull,
  turbineName,
} from '../schemas.js';
import { requireStatsIdle } from '../stats-lock.guard.js';
import { requireTurbine } from '../turbine-lookup.js';

const anomalyKind = z.enum(ANOMALY_KINDS);

const anomalyItem = z.object({
  id: z.number().int(),
  kind: anomalyKind,
  turbineId: z.number().int(),
  turbineName: z.string().meta({ description: "The turbine's name (a numbered turbine's is its id)" }),
  windowStart: timestamp,
  windowSeconds: z.number().int(),
  ts: timestamp
    .nullable()
    .meta({ description: 'The reading time for kind reading; null for the window kinds turbine and underperformance' }),
  value: z.number().meta({
    description:
      'The reading power in MW (reading), the turbine window mean in MW (turbine), or the performance ratio actual / expected energy (underperformance)',
  }),
  mean: z.number().meta({ description: 'Reference: the turbine-window mean, the mean over turbines (MW), or 1 for underperformance' }),
  stddev: z.number().nullable().meta({ description: 'The reference standard deviation (MW); null for underperformance' }),
  deviation: z.number().meta({ description: 'value - mean (for underperformance: ratio - 1, e.g. -0.25 for 25 % below the curve)' }),
  sigma: z.number().nullable().meta({ description: 'The k of mean ± k·stddev used by the run; null for underperformance' }),
  threshold: z
    .number()
    .nullable()
    .meta({ description: 'UNDERPERFORMANCE_THRESHOLD of the run (flagged below 1 - threshold); null for the other kinds' }),
  lostEnergyMWh: z
    .number()
    .nullable()
    .meta({ description: 'Expected minus actual energy of the window, MWh (underperformance); null for the other kinds' }),
});

const anomaliesQuery = z
  .strictObject({
    kind: anomalyKind.optional(),
    turbine: turbineName.optional().meta({ description: 'Only this turbine, by name (404 when unknown)' }),
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
          'Anomalies of the configured window size: reading (a reading outside its turbine-window mean ± k·σ), turbine (a window mean outside the fleet band) and underperformance (a turbine-window producing less than 1 - UNDERPERFORMANCE_THRESHOLD of what the fleet power curve expects). from/to filter window_start for every kind (from inclusive, to exclusive). 503 while a stats run writes.',
        querystring: anomaliesQuery,
        response: { 200: pageOf(anomalyItem), 400: errorBodySchema, 404: errorBodySchema, 503: errorBodySchema },
      },
    },
    async (request) => {
      const q = request.query;
      const turbine = q.turbine === undefined ? undefined : await requireTurbine(request, pool, q.turbine);
      const page = await listAnomalies(pool, {
        windowSeconds: config.WINDOW_SECONDS,
        kind: q.kind,
        turbineId: turbine?.id,
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
