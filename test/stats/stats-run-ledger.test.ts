import { computeStats } from '@windmill/core/stats/compute-stats';
import { useTestDatabase } from '../helpers/database.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { seedReadings } from '../helpers/readings.js';
import { resetTables } from '../helpers/reset.js';
import { DAILY, hourly, readWindowStats } from './stats-fixtures.js';

const database = useTestDatabase('stats_run_ledger');
beforeEach(() => resetTables(database.pool));

interface StatsRunRow {
  id: number;
  started_at: Date;
  finished_at: Date | null;
  windows_computed: number;
  anomalies_reading: number;
  anomalies_turbine: number;
  status: string;
  window_seconds: number;
  sigma: number;
  full: boolean;
  trigger: string;
}

async function readRuns(): Promise<StatsRunRow[]> {
  return (await database.pool.query<StatsRunRow>('SELECT * FROM stats_run ORDER BY id')).rows;
}

describe('the stats_run ledger', () => {
  it('records a completed run with its settings, counts and trigger, and logs one line', async () => {
    await seedReadings(database.pool, hourly(1, '2022-03-01T00:00:00Z', [0, 0, 0, 0, 0, 0, 0, 0, 9]));
    await seedReadings(database.pool, hourly(2, '2022-03-01T00:00:00Z', [1, 1, 1]));
    const { lines: logLines, logger } = memoryLogger('test', 'info');
    const lines = logLines();

    const outcome = await computeStats(database.pool, { ...DAILY, sigma: 2, trigger: 'api', logger });

    // Turbine 1: mean 1, the 9 is 8/3 stddevs out. Only 2 turbines: no fleet comparison.
    expect(outcome).toMatchObject({ status: 'done', full: true, windowsComputed: 2, anomaliesReading: 1, anomaliesTurbine: 0 });
    const [run, ...others] = await readRuns();
    expect(others).toEqual([]);
    expect(run).toMatchObject({
      status: 'done',
      windows_computed: 2,
      anomalies_reading: 1,
      anomalies_turbine: 0,
      window_seconds: 86_400,
      sigma: 2,
      full: true,
      trigger: 'api',
    });
    expect(run!.finished_at!.getTime()).toBeGreaterThanOrEqual(run!.started_at.getTime());
    expect(lines.filter((l) => l.msg === 'stats run done')).toMatchObject([{ runId: run!.id, windowsComputed: 2, full: true }]);
  });

  it('rolls a failing run back completely and records it as failed', async () => {
    await seedReadings(database.pool, hourly(1, '2022-03-01T00:00:00Z', [1, 2, 3]));
    await computeStats(database.pool, DAILY);
    const before = await readWindowStats(database.pool);
    await seedReadings(database.pool, hourly(1, '2022-03-01T00:00:00Z', [7, 8, 9]));
    // Make the run fail after it has deleted and rewritten part of its results.
    await database.pool.query(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
                      BEGIN RAISE EXCEPTION 'disk on fire'; END $$`);
    await database.pool.query('CREATE TRIGGER refuse_anomaly BEFORE INSERT ON anomaly FOR EACH STATEMENT EXECUTE FUNCTION refuse()');
    try {
      await expect(computeStats(database.pool, DAILY)).rejects.toThrow('disk on fire');

      expect(await readWindowStats(database.pool)).toEqual(before);
      expect((await database.pool.query('SELECT 1 FROM stats_pending')).rowCount).toBe(1);
      expect((await readRuns()).map((r) => [r.status, r.full, r.trigger, r.finished_at !== null])).toEqual([
        ['done', true, 'cli', true],
        ['failed', false, 'cli', true],
      ]);
    } finally {
      await database.pool.query('DROP TRIGGER refuse_anomaly ON anomaly; DROP FUNCTION refuse()');
    }

    // The pending note survived, so the next run picks the change up.
    expect(await computeStats(database.pool, DAILY)).toMatchObject({ status: 'done', full: false, windowsComputed: 1 });
    expect(await readWindowStats(database.pool)).toMatchObject([{ mean: 8 }]);
  });
});
