import type { Queryable } from '@windmill/core/db/pool';

/**
 * Every table that holds data, so `resetTables` leaves a migrated database as a fresh install has
 * it. test/schema/reset-tables.test.ts fails when a migration adds a table that is missing here.
 */
export const DATA_TABLES = [
  'reading',
  'reading_count_delta',
  'turbine_file_reading_count',
  'turbine_reading_count',
  'file_turbine_range',
  'rejected_row',
  'ingested_file',
  'turbine',
  'stats_pending',
  'stats_run',
  'window_stat',
  'anomaly',
  'power_curve_day',
] as const;

/**
 * Empties every data table and, unless `keepIds`, restarts their ids at 1, so each test starts from
 * nothing. A suite whose queue outlives the reset keeps ids running: ingest jobs are named by the
 * ledger row's id (`file-<id>`), and BullMQ drops a job whose id it still holds, so a new row 1
 * would never be loaded.
 */
export async function resetTables(db: Queryable, options: { keepIds?: boolean } = {}): Promise<void> {
  await db.query(`TRUNCATE ${DATA_TABLES.join(', ')}${options.keepIds ? '' : ' RESTART IDENTITY'} CASCADE`);
}
