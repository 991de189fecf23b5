import { computeStats } from '@windmill/core/stats/compute-stats';
import { useTestDatabase } from '../helpers/database.js';
import { seedReadings } from '../helpers/readings.js';
import { resetTables } from '../helpers/reset.js';
import { DAILY, hourly } from './stats-fixtures.js';
import { explainingPool, generateReadings } from './synthetic-readings.js';

const database = useTestDatabase('stats_incremental_cost');

// At 100 M readings the planner's estimates for a window's readings grow large enough that it
// prefers one scan of the whole table to an index range scan per window, wherever the statement
// lets it choose. Discouraging nested loops here gives these 96 000 readings the same pull: a
// statement that still reads every window by its own index range scan leaves it no choice.
const PLANNERS = [
  { planner: 'as Postgres plans it', settings: null },
  { planner: 'when the planner would rather scan the whole table', settings: 'SET enable_nestloop = off; SET enable_mergejoin = off' },
];

describe('the cost of an incremental run', () => {
  beforeEach(() => resetTables(database.pool));

  it.each(PLANNERS)('reads only the new windows of reading through its index, never the whole table, $planner', async ({ settings }) => {
    // 40 turbines x 100 days of hourly history: 96 000 readings, 4 000 turbine-days.
    const generated = await generateReadings(database.pool, { turbines: 40, hours: 2400, start: '2022-01-01T00:00:00Z' });
    expect(generated).toBe(96_000);
    expect(await computeStats(database.pool, DAILY)).toMatchObject({ status: 'done', full: true, windowsComputed: 4000 });
    // A new file: one day of turbine 7, right after the history.
    await seedReadings(
      database.pool,
      hourly(
        7,
        '2022-04-11T00:00:00Z',
        Array.from({ length: 24 }, (_, i) => 4 + (i % 3)),
      ),
    );

    const { pool: explained, plans } = explainingPool(database.db.url, settings ?? undefined);
    try {
      expect(await computeStats(explained, DAILY)).toMatchObject({ status: 'done', full: false, windowsComputed: 1 });
    } finally {
      await explained.end();
    }

    const readingPlans = plans.filter((plan) => /\bon reading\b/.test(plan));
    expect(readingPlans.length).toBeGreaterThan(0);
    expect(readingPlans.filter((plan) => /Seq Scan on reading\b/.test(plan))).toEqual([]);
    // An index scan or a bitmap scan of the (turbine_id, ts) index: one range per window either way.
    expect(readingPlans.every((plan) => /(Index Scan using|Bitmap Index Scan on) reading_turbine_id_ts_key/.test(plan))).toBe(true);
  });
});
