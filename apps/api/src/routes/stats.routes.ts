import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listWindowStats } from '@windmill/core/read/window-stats.read';
import type { ApiDeps } from '../deps.js';
import { errorBodySchema } from '../errors.js';
import { cursorKeys, cursorParam, encodeCursor } from '../cursor.js';
import { isoInstant, limitParam, pageOf, rangeIsOrdered, rangeShape, RANGE_ORDER_ISSUE, turbineName } from '../schemas.js';
import { requireStatsIdle } from '../stats-lock.guard.js';
import { requireTurbine } from '../turbine-lookup.js';
import { toWindowStatItem, windowStatItem } from './window-stat.schema.js';

const statsQuery = z
  .strictObject({
    window_start: isoInstant.optional().meta({ description: 'Exactly this window (its start); not combined with from/to' }),
    ...rangeShape,
    turbine: turbineName.optional().meta({ description: 'Only this turbine, by name (404 when unknown)' }),
    limit: limitParam,
    cursor: cursorParam(cursorKeys.windowStat),
  })
  .refine(rangeIsOrdered, RANGE_ORDER_ISSUE)
  .refine((q) => q.window_start === undefined || (q.from === undefined && q.to === undefined), {
    message: 'give either window_start or from/to, not both',
    path: ['window_start'],
  });

export const statsRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const { pool, config } = deps;

  app.get(
    '/stats',
    {
      preHandler: requireStatsIdle(pool),
      schema: {
        tags: ['stats'],
        summary: 'Window statistics across turbines, by window then turbine',
        description: `Rows for the configured window size. from/to filter window_start (from inclusive, to exclusive). 503 while a stats run writes.`,
        querystring: statsQuery,
        response: { 200: pageOf(windowStatItem), 400: errorBodySchema, 404: errorBodySchema, 503: errorBodySchema },
      },
    },
    async (request) => {
      const q = request.query;
      const turbine = q.turbine === undefined ? undefined : await requireTurbine(request, pool, q.turbine);
      const page = await listWindowStats(pool, {
        windowSeconds: config.WINDOW_SECONDS,
        windowStart: q.window_start,
        from: q.from,
        to: q.to,
        turbineId: turbine?.id,
        limit: q.limit,
        after: q.cursor ? { windowStart: new Date(q.cursor[0]), turbineId: q.cursor[1] } : undefined,
      });
      const last = page.rows.at(-1);
      return {
        items: page.rows.map(toWindowStatItem),
        nextCursor: page.hasMore && last ? encodeCursor([last.windowStart.getTime(), last.turbineId]) : null,
      };
    },
  );
};
