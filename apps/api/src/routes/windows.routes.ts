import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listWindowOverviews } from '@windmill/core/read/windows.read';
import type { ApiDeps } from '../deps.js';
import { errorBodySchema } from '../errors.js';
import { cursorKeys, cursorParam, encodeCursor } from '../cursor.js';
import { limitParam, pageOf, rangeIsOrdered, rangeShape, RANGE_ORDER_ISSUE, timestamp, toIso } from '../schemas.js';
import { requireStatsIdle } from '../stats-lock.guard.js';

const windowItem = z.object({
  windowStart: timestamp,
  windowSeconds: z.number().int(),
  turbineCount: z.number().int().meta({ description: 'Turbines with statistics for this window' }),
  readingCount: z.number().int().meta({ description: 'Readings of all those turbines in the window' }),
  expectedCount: z.number().int().meta({ description: 'Sum of their expected counts; coverage = readingCount / expectedCount' }),
  turbineAnomalies: z.number().int().meta({ description: 'Turbines whose window mean left the fleet band (kind turbine)' }),
  readingAnomalies: z.number().int().meta({ description: 'Readings outside their turbine-window band (kind reading)' }),
  underperformanceAnomalies: z
    .number()
    .int()
    .meta({ description: 'Turbines producing less than the power curve expects (kind underperformance)' }),
  energyMWh: z.number().meta({ description: "Sum of the turbines' energy in the window, MWh" }),
  expectedEnergyMWh: z.number().meta({ description: "Sum of the turbines' expected energy against the fleet power curve, MWh" }),
  lostEnergyMWh: z.number().meta({ description: "Sum of the turbines' lost energy (expected - actual), MWh" }),
  sigma: z.number().nullable().meta({ description: 'The k of mean ± k·stddev used by the run that computed the window' }),
  fleetMean: z.number().meta({ description: "The fleet rule's μ: the mean of the turbines' window means" }),
  fleetStddev: z.number().nullable().meta({ description: "The fleet rule's σ: the sample stddev of those means (null for one turbine)" }),
  fleetRuleApplies: z.boolean().meta({ description: 'Whether the fleet rule applies to this window (at least 3 turbines and σ > 0)' }),
});

const windowsQuery = z
  .strictObject({ ...rangeShape, limit: limitParam, cursor: cursorParam(cursorKeys.instant) })
  .refine(rangeIsOrdered, RANGE_ORDER_ISSUE);

/** GET /windows: the statistics windows across the fleet, for the dashboard's window picker. */
export const windowRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const { pool, config } = deps;

  app.get(
    '/windows',
    {
      preHandler: requireStatsIdle(pool),
      schema: {
        tags: ['stats'],
        summary: 'Every statistics window, oldest first, with its turbine and anomaly counts',
        description:
          'Windows of the configured size that have statistics. from/to filter window_start (from inclusive, to exclusive). 503 while a stats run writes.',
        querystring: windowsQuery,
        response: { 200: pageOf(windowItem), 400: errorBodySchema, 503: errorBodySchema },
      },
    },
    async (request) => {
      const { from, to, limit, cursor } = request.query;
      const page = await listWindowOverviews(pool, {
        windowSeconds: config.WINDOW_SECONDS,
        from,
        to,
        limit,
        after: cursor ? new Date(cursor[0]) : undefined,
      });
      const last = page.rows.at(-1);
      return {
        items: page.rows.map((w) => ({ ...w, windowStart: toIso(w.windowStart) })),
        nextCursor: page.hasMore && last ? encodeCursor([last.windowStart.getTime()]) : null,
      };
    },
  );
};
