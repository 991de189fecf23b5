import { z } from 'zod';
import type { WindowStatRow } from '@windmill/core/read/window-stats.read';
import { timestamp, toIso } from '../schemas.js';

/** One window_stat row as the API shows it (GET /stats and GET /turbines/:id/stats). */
export const windowStatItem = z.object({
  turbineId: z.number().int(),
  windowStart: timestamp,
  windowSeconds: z.number().int(),
  count: z.number().int(),
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  stddev: z.number().nullable().meta({ description: 'Sample standard deviation; null when count < 2' }),
  imputedCount: z.number().int(),
  expectedCount: z.number().int(),
  computedAt: timestamp,
});

export function toWindowStatItem(row: WindowStatRow): z.output<typeof windowStatItem> {
  return { ...row, windowStart: toIso(row.windowStart), computedAt: toIso(row.computedAt) };
}
