import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ANOMALY_KINDS } from '@windmill/core/domain/enums';
import { listAnomalies, type AnomalyRow } from '@windmill/core/read/anomalies.read';
import type { Pool } from '@windmill/core/db/pool';
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
  turbineParams,
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

/** The filters and paging of both anomaly routes; /anomalies adds `turbine`. */
const filterShape = {
  kind: anomalyKind.optional(),
  ...rangeShape,
  limit: limitParam,
  cursor: cursorParam(cursorKeys.anomaly),
};

const anomaliesQuery = z
  .strictObject({
    kind: filterShape.kind,
    turbine: turbineName.optional().meta({ description: 'Only this turbine, by name (404 when unknown)' }),
    ...rangeShape,
    limit: filterShape.limit,
    cursor: filterShape.cursor,
  })
  .refine(rangeIsOrdered, RANGE_ORDER_ISSUE);

const turbineAnomaliesQuery = z.strictObject(filterShape).refine(rangeIsOrdered, RANGE_ORDER_ISSUE);

const KINDS_DESCRIPTION =
  'reading (a reading outside its turbine-window mean ± k·σ), turbine (a window mean outside the fleet band) and underperformance (a turbine-window producing less than 1 - UNDERPERFORMANCE_THRESHOLD of what the fleet power curve expects)';

function toItem(row: AnomalyRow): z.output<typeof anomalyItem> {
  return { ...row, windowStart: toIso(row.windowStart), ts: toIsoOrNull(row.ts) };
}

type AnomalyFilters = z.output<typeof turbineAnomaliesQuery>;

/** One page of anomalies of the configured window size, of one turbine or all. */
async function anomalyPage(pool: Pool, windowSeconds: number, q: AnomalyFilters, turbineId: number | undefined) {
  const page = await listAnomalies(pool, {
    windowSeconds,
    kind: q.kind,
    turbineId,
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
        description: `Anomalies of the configured window size: ${KINDS_DESCRIPTION}. from/to filter window_start for every kind (from inclusive, to exclusive). 503 while a stats run writes.`,
        querystring: anomaliesQuery,
        response: { 200: pageOf(anomalyItem), 400: errorBodySchema, 404: errorBodySchema, 503: errorBodySchema },
      },
    },
    async (request) => {
      const q = request.query;
      const turbine = q.turbine === undefined ? undefined : await requireTurbine(request, pool, q.turbine);
      return anomalyPage(pool, config.WINDOW_SECONDS, q, turbine?.id);
    },
  );

  app.get(
    '/turbines/:id/anomalies',
    {
      preHandler: requireStatsIdle(pool),
      schema: {
        tags: ['turbines', 'anomalies'],
        summary: `One turbine's anomalies, by window then id`,
        description: `The turbine's anomalies of the configured window size: ${KINDS_DESCRIPTION}. The filters and paging of /anomalies; from/to filter window_start (from inclusive, to exclusive). 503 while a stats run writes.`,
        params: turbineParams,
        querystring: turbineAnomaliesQuery,
        response: { 200: pageOf(anomalyItem), 400: errorBodySchema, 404: errorBodySchema, 503: errorBodySchema },
      },
    },
    async (request) => {
      const turbine = await requireTurbine(request, pool, request.params.id);
      return anomalyPage(pool, config.WINDOW_SECONDS, request.query, turbine.id);
    },
  );
};
