import { performance } from 'node:perf_hooks';
import type { Pool, PoolClient } from '../db/pool.js';
import { DEFAULT_JOB_TIMEOUTS, setLocalTimeoutsSql, type QueryTimeouts } from '../db/timeouts.js';
import { checkPerformanceSettings } from '../domain/fleet-performance.js';
import { retentionHorizon } from '../domain/retention.js';
import { foldReadingCounts, vacuumCountTables } from '../ingest/reading-count.repository.js';
import type { Logger } from '../platform/logger.js';
import { deleteAnomalies, writeReadingAnomalies, writeTurbineAnomalies } from './anomaly.repository.js';
import { purgeComputedReadings } from './retention.repository.js';
import { maintainTables } from './table-statistics.repository.js';
import { TAKE_STATS_READ_LOCK_SQL, TRY_TAKE_STATS_LOCK_SQL, WATCH_HOLDER_CONNECTION_SQL } from './stats-lock.js';
import { anyTallies, tallyAllDays, tallyScopeDays } from './power-curve-day.repository.js';
import {
  findLastDoneRun,
  insertFailedRun,
  insertRunningRun,
  markRunDone,
  type PowerCurveSettings,
  type RecordedRunSettings,
  type RunCounts,
  type StatsTrigger,
} from './stats-run.repository.js';
import { deleteUnderperformance, writeUnderperformance } from './underperformance.repository.js';
import {
  aggregatePerformance,
  buildReferenceCurves,
  dropPerformanceTables,
  PERFORMANCE_SCOPE,
  REF_DAYS_OF_SPAN_SQL,
  refDaysOfWindowsSql,
  scopeAffectedWindows,
  updateAffectedWindowStats,
} from './window-performance.repository.js';
import {
  anyReadings,
  consumeAllPendingNotes,
  estimatePendingWindows,
  scopeFromAggregates,
  scopeFromPendingNotes,
} from './stats-scope.repository.js';
import { aggregateWindows, dropWindowAggregates, useFullRunSettings } from './window-aggregate.repository.js';
import { deleteWindowStats, estimateStoredWindows, findStoredExpectedCount, writeWindowStats } from './window-stat.repository.js';

export type { StatsTrigger } from './stats-run.repository.js';

/**
 * The power-curve settings (POWER_CURVE_BIN_WIDTH, POWER_CURVE_MIN_BIN_COUNT,
 * POWER_CURVE_REFERENCE_DAYS, UNDERPERFORMANCE_THRESHOLD, UNDERPERFORMANCE_MIN_EXPECTED_SHARE).
 */
export type PowerCurveOptions = PowerCurveSettings;

/** The documented defaults of the power-curve settings. */
export const DEFAULT_POWER_CURVE: PowerCurveOptions = Object.freeze({
  binWidth: 0.5,
  minBinCount: 5,
  referenceDays: 30,
  threshold: 0.1,
  minExpectedShare: 0.05,
});

export interface ComputeStatsOptions {
  /** Window length W; windows are [start, start + W) aligned to the Unix epoch in UTC. */
  windowSeconds: number;
  /** Nominal time between readings; expected_count = W / this. */
  readingIntervalSeconds: number;
  /** k of the anomaly rules (mean ± k·stddev). */
  sigma: number;
  /** The power curve and the underperformance rule; DEFAULT_POWER_CURVE when absent. */
  powerCurve?: PowerCurveOptions;
  /**
   * Delete readings older than this many days (whole windows, see domain/retention.ts) once their
   * windows are computed; their statistics and anomalies stay. 0 or absent keeps readings forever.
   */
  retainReadingsDays?: number;
  /** The instant retention counts back from; the caller's clock, by default when the run starts. */
  now?: Date;
  trigger: StatsTrigger;
  logger?: Logger;
  /** Statement and lock timeouts of the run's transaction (JOB_STATEMENT_TIMEOUT_SECONDS); DEFAULT_JOB_TIMEOUTS when absent. */
  timeouts?: QueryTimeouts;
}

export type StatsRunOutcome =
  | { status: 'skipped'; reason: 'another run holds the lock' }
  | {
      status: 'done';
      runId: number;
      /** True when every window was recomputed (first run, or W, k or the reading interval changed). */
      full: boolean;
      windowsComputed: number;
      anomaliesReading: number;
      anomaliesTurbine: number;
      anomaliesUnderperformance: number;
      /** UTC days whose power-curve tallies were rebuilt. */
      powerCurveDays: number;
      /** Turbine-windows whose power-curve performance was computed: the run's windows and those whose reference period changed. */
      powerCurveWindows: number;
      /** Readings deleted by retention right after the run (RETAIN_READINGS_DAYS). */
      readingsPurged: number;
      durationMs: number;
    };

/**
 * One stats run: window statistics and anomalies for the windows whose readings changed since the
 * last run (or for every window that has readings when the settings changed), in one transaction
 * that holds the run lock from its first statement to its commit, and the read lock (statistics
 * reads answer 503) from its first write of results to its commit; a run with nothing to write
 * never takes the read lock (see stats-lock.ts). Returns `skipped` at once when another run, in
 * any process, holds the run lock. On error the transaction rolls back, a `failed` stats_run row
 * is recorded (best effort) and the error is rethrown.
 *
 * With retention on, the computed readings before the retention horizon are deleted right after the
 * commit, in short transactions of their own (see retention.repository.ts). A purge that fails is
 * logged and left to the next run; the run's results stand.
 */
export async function computeStats(pool: Pool, given: ComputeStatsOptions): Promise<StatsRunOutcome> {
  const options = { ...given, powerCurve: given.powerCurve ?? DEFAULT_POWER_CURVE };
  assertValidOptions(options);
  const { logger, trigger } = options;
  const startedAt = new Date();
  const t0 = performance.now();
  const client = await pool.connect();
  const progress: { full: boolean | null } = { full: null };
  let result: RunResult;
  try {
    result = await runLocked(client, options, progress);
  } catch (error) {
    releaseAfterRollback(client, await rollback(client), error);
    logger?.error({ err: error, trigger, full: progress.full }, 'stats run failed');
    await insertFailedRun(pool, { ...options, startedAt, full: progress.full }).catch((recordError: unknown) => {
      logger?.warn({ err: recordError }, 'could not record the failed stats run');
    });
    throw error;
  }
  client.release();

  if (result === 'locked-out') {
    logger?.info({ trigger }, 'stats run skipped: another run holds the lock');
    return { status: 'skipped', reason: 'another run holds the lock' };
  }
  const horizon = retentionHorizon(options.now ?? startedAt, options.retainReadingsDays ?? 0, options.windowSeconds);
  const readingsPurged = horizon ? await purge(pool, horizon, options) : 0;
  const maintained = await maintainTables(pool).catch((error: unknown) => {
    logger?.warn({ err: (error as Error).message }, 'could not vacuum or analyze the statistics tables');
    return { vacuumed: [], analyzed: [] };
  });
  if (maintained.vacuumed.length + maintained.analyzed.length > 0) logger?.debug(maintained, 'table maintenance done');
  // The reading counts behind GET /turbines: fold what loads and the purge changed since.
  await foldReadingCounts(pool)
    .then((turbines) => (turbines === null ? undefined : vacuumCountTables(pool)))
    .catch((error: unknown) => logger?.warn({ err: (error as Error).message }, 'could not fold the reading counts'));
  const outcome = { status: 'done' as const, ...result, readingsPurged, durationMs: Math.round(performance.now() - t0) };
  logger?.info({ trigger, ...outcome }, 'stats run done');
  return outcome;
}

type RunOptions = ComputeStatsOptions & { powerCurve: PowerCurveOptions };

type RunResult = 'locked-out' | ({ runId: number; full: boolean } & RunCounts);

/** Retention after a run; returns the number of readings deleted, 0 when the purge failed. */
async function purge(pool: Pool, horizon: Date, options: ComputeStatsOptions): Promise<number> {
  const { logger, trigger } = options;
  try {
    const { deleted, deferredTurbines } = await purgeComputedReadings(pool, horizon, options.windowSeconds);
    logger?.info({ trigger, readingsDeleted: deleted, deferredTurbines, horizon: horizon.toISOString() }, 'readings purged');
    return deleted;
  } catch (error) {
    logger?.error({ err: error, trigger, horizon: horizon.toISOString() }, 'purging old readings failed; the next stats run retries');
    return 0;
  }
}

/** The transaction itself; `progress.full` tells the caller what kind of run failed. */
async function runLocked(client: PoolClient, options: RunOptions, progress: { full: boolean | null }): Promise<RunResult> {
  await client.query('BEGIN');
  // The run's own limits, whatever the database's defaults say (a 5 ms statement_timeout set by
  // ALTER DATABASE would otherwise fail every run until the setting is reset and the pool renewed).
  await client.query(setLocalTimeoutsSql(options.timeouts ?? DEFAULT_JOB_TIMEOUTS));
  const { rows } = await client.query<{ locked: boolean }>(TRY_TAKE_STATS_LOCK_SQL);
  if (rows[0]?.locked !== true) {
    await client.query('ROLLBACK');
    return 'locked-out';
  }
  await client.query(WATCH_HOLDER_CONNECTION_SQL);
  // The planner guesses thousands of readings per window range scan; on a full run that guess
  // triggers JIT compilation costing seconds and gaining nothing for this kind of statement.
  await client.query('SET LOCAL jit = off');

  const last = await findLastDoneRun(client);
  const full = await needsFullRun(client, last, options);
  progress.full = full;
  const runId = await insertRunningRun(client, { ...options, full });
  const counts = full ? await replaceAllWindows(client, options, runId, last) : await replacePendingWindows(client, options, runId);
  await markRunDone(client, runId, counts);
  // Postgres publishes a session's row counts up to a second after it goes idle; asking for it at
  // once lets maintainTables (right after the commit) see what this run changed. Without it a
  // big full run would be analyzed during the next, small run instead (seconds instead of ms).
  await client.query('SELECT pg_stat_force_next_flush()');
  await client.query('COMMIT');
  return { runId, full, ...counts };
}

/** What a run with an empty scope computed: nothing. */
const NOTHING_COMPUTED: RunCounts = Object.freeze({
  windowsComputed: 0,
  anomaliesReading: 0,
  anomaliesTurbine: 0,
  anomaliesUnderperformance: 0,
  powerCurveDays: 0,
  powerCurveWindows: 0,
});

/**
 * From here to the commit, statistics reads answer 503: the run replaces what they read. Taken
 * right before the run's first write of results, and only by a run that has some.
 */
async function holdReadersOff(client: PoolClient): Promise<void> {
  await client.query(TAKE_STATS_READ_LOCK_SQL);
}

/**
 * A full run: every window that has readings. Without readings it has nothing to replace (unless
 * the bin width changed and old tallies must go), and never holds readers off.
 */
async function replaceAllWindows(
  client: PoolClient,
  options: RunOptions,
  runId: number,
  last: RecordedRunSettings | null,
): Promise<RunCounts> {
  const curve = { ...options.powerCurve, windowSeconds: options.windowSeconds };
  await useFullRunSettings(client);
  await consumeAllPendingNotes(client);
  const binWidthChanged = last?.powerCurve?.binWidth !== curve.binWidth;
  if (!(await anyReadings(client)) && !(binWidthChanged && (await anyTallies(client)))) return NOTHING_COMPUTED;
  // The tallies are the first results written, and the curves the one pass needs are built from them.
  await holdReadersOff(client);
  const days = await tallyAllDays(client, curve.binWidth, binWidthChanged);
  // The curves first, so the one pass over every reading computes statistics and performance together.
  await buildReferenceCurves(client, REF_DAYS_OF_SPAN_SQL, curve, true, [days.first, days.last, options.windowSeconds]);
  await aggregateWindows(client, 'all', options.windowSeconds, curve.binWidth);
  await scopeFromAggregates(client);
  // A full run's scope is every window that has readings, so windows whose readings retention
  // deleted keep their statistics and anomalies.
  const written = await writeResults(client, options, runId, true);
  return { ...written, powerCurveDays: days.days, powerCurveWindows: written.windowsComputed };
}

/**
 * An incremental run: the windows of the pending notes, and those whose reference curve their
 * days change. Nothing pending: nothing is written, and readers are never held off.
 */
async function replacePendingWindows(client: PoolClient, options: RunOptions, runId: number): Promise<RunCounts> {
  const curve = { ...options.powerCurve, windowSeconds: options.windowSeconds };
  if ((await scopeFromPendingNotes(client, options.windowSeconds)) === 0) return NOTHING_COMPUTED;
  await aggregateWindows(client, 'pending', options.windowSeconds);
  await holdReadersOff(client);
  const powerCurveDays = await tallyScopeDays(client, curve.binWidth, options.windowSeconds);
  await scopeAffectedWindows(client, options.windowSeconds, curve.referenceDays);
  await buildReferenceCurves(client, refDaysOfWindowsSql(PERFORMANCE_SCOPE), curve, false);
  const powerCurveWindows = await aggregatePerformance(client, curve.binWidth, options.windowSeconds);
  const written = await writeResults(client, options, runId, false);
  return { ...written, powerCurveDays, powerCurveWindows };
}

/** Replaces the statistics and anomalies of the windows in scope (the caller holds readers off). */
async function writeResults(
  client: PoolClient,
  options: RunOptions,
  runId: number,
  full: boolean,
): Promise<Omit<RunCounts, 'powerCurveDays' | 'powerCurveWindows'>> {
  const { windowSeconds } = options;
  await deleteWindowStats(client, windowSeconds);
  await deleteAnomalies(client, windowSeconds);
  await deleteUnderperformance(client, windowSeconds, full);
  const write = { ...options, runId, minExpectedShare: options.powerCurve.minExpectedShare, full };
  const windowsComputed = await writeWindowStats(client, write);
  if (!full) await updateAffectedWindowStats(client, write);
  const anomaliesReading = await writeReadingAnomalies(client, { ...options, runId, full });
  const anomaliesTurbine = await writeTurbineAnomalies(client, { ...options, runId });
  const anomaliesUnderperformance = await writeUnderperformance(client, {
    windowSeconds,
    threshold: options.powerCurve.threshold,
    runId,
    full,
  });
  await dropWindowAggregates(client);
  await dropPerformanceTables(client);
  return { windowsComputed, anomaliesReading, anomaliesTurbine, anomaliesUnderperformance };
}

/**
 * A run is full when there is no completed run yet, or the last one used another window length,
 * sigma or power-curve setting (or none: it predates the power curve), or the stored windows
 * expect another number of readings (the reading interval changed).
 */
async function needsFullRun(client: PoolClient, last: RecordedRunSettings | null, options: RunOptions): Promise<boolean> {
  if (!last || last.windowSeconds !== options.windowSeconds || last.sigma !== options.sigma) return true;
  const curve = options.powerCurve;
  const was = last.powerCurve;
  if (
    was === null ||
    was.binWidth !== curve.binWidth ||
    was.minBinCount !== curve.minBinCount ||
    was.referenceDays !== curve.referenceDays ||
    was.threshold !== curve.threshold ||
    was.minExpectedShare !== curve.minExpectedShare
  )
    return true;
  const stored = await findStoredExpectedCount(client, options.windowSeconds);
  if (stored !== null && stored !== Math.floor(options.windowSeconds / options.readingIntervalSeconds)) return true;
  return isWideScope(await estimatePendingWindows(client, options.windowSeconds), await estimateStoredWindows(client));
}

/**
 * Whether so many windows changed that one parallel pass over every reading costs less than index
 * range scans of each changed window (a bulk load, or files piling up while a run was away). An
 * incremental run costs about 2 ms a window with the power curve on (10 M readings), a full run about
 * 40 µs a stored window: past 2 % of the stored windows (and WIDE_SCOPE_MIN_WINDOWS) the full pass
 * wins. The results are the same either way.
 */
export function isWideScope(pendingWindows: number, storedWindows: number): boolean {
  return pendingWindows > Math.max(WIDE_SCOPE_MIN_WINDOWS, storedWindows * 0.02);
}

const WIDE_SCOPE_MIN_WINDOWS = 2_000;

/** True when the transaction was rolled back; false when the connection itself is broken. */
async function rollback(client: PoolClient): Promise<boolean> {
  try {
    await client.query('ROLLBACK');
    return true;
  } catch {
    return false;
  }
}

/** A broken connection is dropped from the pool instead of being handed out again. */
function releaseAfterRollback(client: PoolClient, rolledBack: boolean, cause: unknown): void {
  client.release(rolledBack ? undefined : cause instanceof Error ? cause : true);
}

function assertValidOptions(options: RunOptions): void {
  const { windowSeconds, readingIntervalSeconds, sigma, retainReadingsDays = 0, powerCurve } = options;
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1)
    throw new RangeError(`windowSeconds must be a positive integer, got ${windowSeconds}`);
  if (!Number.isInteger(readingIntervalSeconds) || readingIntervalSeconds < 1) {
    throw new RangeError(`readingIntervalSeconds must be a positive integer, got ${readingIntervalSeconds}`);
  }
  if (!Number.isFinite(sigma) || sigma <= 0) throw new RangeError(`sigma must be a positive number, got ${sigma}`);
  if (!Number.isInteger(retainReadingsDays) || retainReadingsDays < 0) {
    throw new RangeError(`retainReadingsDays must be a non-negative integer, got ${retainReadingsDays}`);
  }
  checkPerformanceSettings({
    ...powerCurve,
    underperformanceThreshold: powerCurve.threshold,
    readingIntervalSeconds,
    // How W relates to the reading interval is the configuration's concern, not this check's.
    windowSeconds: readingIntervalSeconds,
  });
}
