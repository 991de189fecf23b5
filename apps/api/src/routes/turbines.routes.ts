import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listPowerPoints } from '@windmill/core/read/readings.read';
import { listTurbines, summarizePower } from '@windmill/core/read/turbines.read';
import { listWindowStats } from '@windmill/core/read/window-stats.read';
import type { ApiDeps } from '../deps.js';
import { errorBodySchema } from '../errors.js';
import { cursorKeys, cursorParam, encodeCursor } from '../cursor.js';
import {
  limitParam,
  MAX_PAGE_SIZE,
  pageOf,
  rangeIsOrdered,
  rangeShape,
  RANGE_ORDER_ISSUE,
  readingsLimitParam,
  timestamp,
  toIso,
  toIsoOrNull,
  turbineParams,
} from '../schemas.js';
import { requireStatsIdle } from '../stats-lock.guard.js';
import { requireTurbine } from '../turbine-lookup.js';
import { toWindowStatItem, windowStatItem } from './window-stat.schema.js';

const turbineItem = z.object({
  id: z.number().int().meta({ description: 'The key of its rows everywhere; negative for a turbine named other than by a number' }),
  name: z
    .string()
    .meta({ description: 'As written in the data (`Kelmarsh 1`); a numbered turbine is named by its id (`7`)', example: 'Kelmarsh 1' }),
  readingCount: z.number().int(),
  fileCount: z.number().int().meta({ description: 'Files that hold at least one of its current readings' }),
  firstReadingAt: timestamp.nullable(),
  lastReadingAt: timestamp.nullable(),
});

/**
 * The turbine list is the dashboard's index of the fleet: by default a page is as large as a page
 * may be, so a fleet of up to 1000 turbines still gets its whole list in one answer, as before paging.
 */
const turbinesQuery = z.strictObject({
  limit: z.coerce
    .number({ error: 'expected an integer' })
    .min(1, 'must be at least 1')
    .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`)
    .int('expected an integer')
    .default(MAX_PAGE_SIZE)
    .meta({ description: `Page size, ${MAX_PAGE_SIZE} by default and at most` }),
  cursor: cursorParam(cursorKeys.single),
});

const statsQuery = z
  .strictObject({ ...rangeShape, limit: limitParam, cursor: cursorParam(cursorKeys.windowStat) })
  .refine(rangeIsOrdered, RANGE_ORDER_ISSUE);

const summaryQuery = z.strictObject(rangeShape).refine(rangeIsOrdered, RANGE_ORDER_ISSUE);

const readingsQuery = z
  .strictObject({ ...rangeShape, limit: readingsLimitParam, cursor: cursorParam(cursorKeys.instant) })
  .refine(rangeIsOrdered, RANGE_ORDER_ISSUE);

const readingItem = z.object({
  ts: timestamp,
  power: z.number().meta({ description: 'power_output, MW' }),
  powerImputed: z.boolean().meta({ description: 'True when the cleaner interpolated the power value' }),
  windSpeed: z.number().nullable().meta({ description: 'wind_speed, m/s; null when missing and not imputable' }),
  windSpeedImputed: z.boolean().meta({ description: 'True when the cleaner interpolated the wind speed' }),
});

const summaryResponse = z.object({
  turbineId: z.number().int(),
  turbineName: z.string(),
  from: timestamp.nullable(),
  to: timestamp.nullable(),
  count: z.number().int(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable().meta({ description: 'Computed in exact decimal arithmetic; null when count is 0' }),
});

export const turbineRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const { pool, config } = deps;

  app.get(
    '/turbines',
    {
      schema: {
        tags: ['turbines'],
        summary: 'The turbines with their name, reading count and time span, a page at a time',
        description:
          'Numbered turbines by id, then named ones in the order they were first loaded. Pages of up to 1000 ' +
          '(the default): pass nextCursor as cursor for the next one; null on the last.',
        querystring: turbinesQuery,
        response: { 200: pageOf(turbineItem), 400: errorBodySchema },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const page = await listTurbines(pool, { limit, afterId: cursor?.[0] });
      const last = page.rows.at(-1);
      return {
        items: page.rows.map((t) => ({
          ...t,
          firstReadingAt: toIsoOrNull(t.firstReadingAt),
          lastReadingAt: toIsoOrNull(t.lastReadingAt),
        })),
        nextCursor: page.hasMore && last ? encodeCursor([last.id]) : null,
      };
    },
  );

  app.get(
    '/turbines/:id/stats',
    {
      preHandler: requireStatsIdle(pool),
      schema: {
        tags: ['turbines', 'stats'],
        summary: `One turbine's window statistics, oldest window first`,
        description: 'from/to filter window_start (from inclusive, to exclusive). 503 while a stats run writes.',
        params: turbineParams,
        querystring: statsQuery,
        response: { 200: pageOf(windowStatItem), 400: errorBodySchema, 404: errorBodySchema, 503: errorBodySchema },
      },
    },
    async (request) => {
      const { from, to, limit, cursor } = request.query;
      const turbine = await requireTurbine(request, pool, request.params.id);
      const page = await listWindowStats(pool, {
        windowSeconds: config.WINDOW_SECONDS,
        turbineId: turbine.id,
        from,
        to,
        limit,
        after: cursor ? { windowStart: new Date(cursor[0]), turbineId: cursor[1] } : undefined,
      });
      const last = page.rows.at(-1);
      return {
        items: page.rows.map(toWindowStatItem),
        nextCursor: page.hasMore && last ? encodeCursor([last.windowStart.getTime(), last.turbineId]) : null,
      };
    },
  );

  app.get(
    '/turbines/:id/readings',
    {
      schema: {
        tags: ['turbines'],
        summary: `One turbine's readings (power and wind speed) in time order`,
        description:
          'from inclusive, to exclusive, on the reading time; both optional. Pages hold up to 10000 readings ' +
          '(a chart’s worth). Reads readings, so it is not blocked by stats runs.',
        params: turbineParams,
        querystring: readingsQuery,
        response: { 200: pageOf(readingItem), 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const { from, to, limit, cursor } = request.query;
      const turbine = await requireTurbine(request, pool, request.params.id);
      const page = await listPowerPoints(pool, { turbineId: turbine.id, from, to, limit, after: cursor ? new Date(cursor[0]) : undefined });
      const last = page.rows.at(-1);
      return {
        items: page.rows.map((r) => ({ ...r, ts: toIso(r.ts) })),
        nextCursor: page.hasMore && last ? encodeCursor([last.ts.getTime()]) : null,
      };
    },
  );

  app.get(
    '/turbines/:id/summary',
    {
      schema: {
        tags: ['turbines'],
        summary: 'min/max/mean of power_output over any period, from the readings',
        description: 'from inclusive, to exclusive; both optional. Reads readings, so it is not blocked by stats runs.',
        params: turbineParams,
        querystring: summaryQuery,
        response: { 200: summaryResponse, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      const turbine = await requireTurbine(request, pool, request.params.id);
      const summary = await summarizePower(pool, turbine.id, { from, to });
      return {
        turbineId: turbine.id,
        turbineName: turbine.name,
        from: from?.toISOString() ?? null,
        to: to?.toISOString() ?? null,
        ...summary,
      };
    },
  );
};
