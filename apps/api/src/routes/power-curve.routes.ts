import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DEFAULT_POWER_CURVE } from '@windmill/core/stats/compute-stats';
import { curveSettingsInForce, readFleetCurve, readTurbineCurve, type PeriodCurve } from '@windmill/core/read/power-curve.read';
import type { ApiDeps } from '../deps.js';
import { errorBodySchema } from '../errors.js';
import { isoInstant, rangeIsOrdered, RANGE_ORDER_ISSUE, timestamp, turbineName } from '../schemas.js';
import { requireStatsIdle } from '../stats-lock.guard.js';
import { requireTurbine } from '../turbine-lookup.js';

const binItem = z.object({
  bin: z.number().int().meta({ description: 'Bin index k: the bin holds wind speeds nearest to k × binWidth' }),
  centre: z.number().meta({ description: 'Centre wind speed, m/s' }),
  count: z.number().int().meta({ description: 'Measured readings in the bin' }),
  mean: z.number().meta({ description: 'Mean power, MW' }),
  stddev: z.number().nullable().meta({ description: 'Sample standard deviation of power, MW; null for a single reading' }),
  usable: z.boolean().meta({ description: 'count >= minBinCount: only usable bins give expected power' }),
});

const curveItem = z.object({
  readings: z.number().int().meta({ description: 'Readings in the curve: wind speed and power measured, not imputed' }),
  ratedPower: z.number().nullable().meta({ description: 'The highest usable bin mean, MW; null when no bin is usable' }),
  bins: z.array(binItem).meta({ description: 'Every bin with a reading, by wind speed' }),
});

const powerCurveResponse = z.object({
  from: timestamp,
  to: timestamp,
  binWidth: z.number().meta({ description: 'm/s, as the last stats run used it (POWER_CURVE_BIN_WIDTH)' }),
  minBinCount: z.number().int().meta({ description: 'POWER_CURVE_MIN_BIN_COUNT of the last stats run' }),
  fleet: curveItem.meta({ description: "Every turbine's readings in [from, to)" }),
  turbine: curveItem
    .extend({ turbineId: z.number().int(), turbineName: z.string() })
    .nullable()
    .meta({ description: "The turbine's own curve over the same period; null without `turbine`" }),
});

const powerCurveQuery = z
  .strictObject({
    from: isoInstant.meta({ description: 'Start, inclusive (ISO 8601; UTC when no offset is given)' }),
    to: isoInstant.meta({ description: 'End, exclusive (ISO 8601; UTC when no offset is given)' }),
    turbine: turbineName.optional().meta({ description: "Also this turbine's own curve, by name (404 when unknown)" }),
  })
  .refine(rangeIsOrdered, RANGE_ORDER_ISSUE);

const toItem = (curve: PeriodCurve) => ({ readings: curve.readings, ratedPower: curve.ratedPower, bins: [...curve.bins] });

/** GET /power-curve: the fleet's binned power curve over a period, and a turbine's beside it. */
export const powerCurveRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const { pool, config } = deps;
  const configured = {
    binWidth: config.POWER_CURVE_BIN_WIDTH ?? DEFAULT_POWER_CURVE.binWidth,
    minBinCount: config.POWER_CURVE_MIN_BIN_COUNT ?? DEFAULT_POWER_CURVE.minBinCount,
  };

  app.get(
    '/power-curve',
    {
      preHandler: requireStatsIdle(pool),
      schema: {
        tags: ['stats'],
        summary: 'The fleet power curve over a period (method of bins), and a turbine’s own beside it',
        description:
          'Power by wind-speed bin over [from, to), from readings whose wind speed and power were both measured (not imputed). ' +
          "The fleet curve adds the stats job's daily tallies for the whole UTC days of the period (so it reflects the last stats run) " +
          'and the readings of the partial days at its ends. With `turbine`, that turbine’s own curve over the same period. ' +
          'Empty bins lists mean no measured readings (for example files without a wind_speed column). 503 while a stats run writes.',
        querystring: powerCurveQuery,
        response: { 200: powerCurveResponse, 400: errorBodySchema, 404: errorBodySchema, 503: errorBodySchema },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      const turbine = request.query.turbine === undefined ? undefined : await requireTurbine(request, pool, request.query.turbine);
      const settings = await curveSettingsInForce(pool, configured);
      const period = { from, to };
      const [fleet, own] = await Promise.all([
        readFleetCurve(pool, period, settings),
        turbine === undefined ? null : readTurbineCurve(pool, turbine.id, period, settings),
      ]);
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        binWidth: settings.binWidth,
        minBinCount: settings.minBinCount,
        fleet: toItem(fleet),
        turbine: own === null || turbine === undefined ? null : { turbineId: turbine.id, turbineName: turbine.name, ...toItem(own) },
      };
    },
  );
};
