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

/**
 * `windowStart` is camelCase like every field the API answers with; `window_start`, its first
 * name, stays as an alias. Both at once must name the same instant. The handler sees `windowStart` only.
 */
const statsQuery = z
  .strictObject({
    windowStart: isoInstant.optional().meta({ description: 'Exactly this window (its start); not combined with from/to' }),
    window_start: isoInstant
      .optional()
      .meta({ description: 'Alias of windowStart (its earlier, snake_case name); given with windowStart, both must be the same instant' }),
    ...rangeShape,
    turbine: turbineName.optional().meta({ description: 'Only this turbine, by name (404 when unknown)' }),
    limit: limitParam,
    cursor: cursorParam(cursorKeys.windowStat),
  })
  .refine(rangeIsOrdered, RANGE_ORDER_ISSUE)
  .refine((q) => q.windowStart === undefined || q.window_start === undefined || q.windowStart.getTime() === q.window_start.getTime(), {
    message: 'differs from window_start, its alias: give one of them',
    path: ['windowStart'],
  })
  .superRefine((q, ctx) => {
    const given = q.windowStart !== undefined ? 'windowStart' : q.window_start !== undefined ? 'window_start' : null;
    if (given !== null && (q.from !== undefined || q.to !== undefined)) {
      ctx.addIssue({ code: 'custom', message: `give either ${given} or from/to, not both`, path: [given] });
    }
  })
  .transform(({ window_start: alias, ...q }) => ({ ...q, windowStart: q.windowStart ?? alias }));

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
        windowStart: q.windowStart,
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
