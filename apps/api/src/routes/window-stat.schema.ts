import { z } from 'zod';
import type { WindowStatRow } from '@windmill/core/read/window-stats.read';
import { timestamp, toIso } from '../schemas.js';

/** One window_stat row as the API shows it (GET /stats and GET /turbines/:id/stats). */
export const windowStatItem = z.object({
  turbineId: z.number().int(),
  turbineName: z.string().meta({ description: "The turbine's name (a numbered turbine's is its id)" }),
  windowStart: timestamp,
  windowSeconds: z.number().int(),
  count: z.number().int(),
  min: z.number().meta({ description: 'Power, MW' }),
  max: z.number().meta({ description: 'Power, MW' }),
  mean: z.number().meta({ description: 'Power, MW' }),
  stddev: z.number().nullable().meta({ description: 'Sample standard deviation of power, MW; null when count < 2' }),
  imputedCount: z.number().int(),
  expectedCount: z.number().int(),
  computedAt: timestamp,
  energyMWh: z.number().meta({ description: 'Energy of all the readings: sum of power × reading interval, MWh' }),
  actualEnergyMWh: z.number().meta({ description: 'Energy of the readings used against the power curve, MWh' }),
  expectedEnergyMWh: z.number().meta({ description: 'What the fleet power curve of the reference period expects of those readings, MWh' }),
  lostEnergyMWh: z.number().meta({ description: 'expectedEnergyMWh - actualEnergyMWh; negative when the turbine beat the curve' }),
  performanceRatio: z.number().nullable().meta({ description: 'actualEnergyMWh / expectedEnergyMWh; null when nothing was expected' }),
  readingsUsed: z
    .number()
    .int()
    .meta({ description: 'Readings with wind speed and power measured (not imputed) and an expected value from the curve' }),
  performanceJudged: z
    .boolean()
    .meta({ description: 'Whether the underperformance rule judged the window: half its expected readings used and not a calm window' }),
});

export function toWindowStatItem(row: WindowStatRow): z.output<typeof windowStatItem> {
  return { ...row, windowStart: toIso(row.windowStart), computedAt: toIso(row.computedAt) };
}
