import type { Queryable } from '../db/pool.js';
import { curveFromTallies, ratedPower, type CurveBin, type CurveSettings } from '../domain/power-curve.js';
import { mergeTallies, type BinTally } from '../domain/power-curve-bins.js';
import { findLastDoneRun } from '../stats/stats-run.repository.js';
import { isMeasuredSql, windBinSql } from '../stats/power-curve.sql.js';

/**
 * Power curves over a period for GET /power-curve: the fleet's, from the stats job's daily tallies
 * (power_curve_day) for the whole UTC days of the period and from the readings for the parts of a
 * day at its ends, and one turbine's own, from its readings. Bins are built by the pure core
 * (`curveFromTallies`), with the bin width and minimum count of the last stats run, so the fleet
 * curve's bins mean what its tallies mean (a changed setting takes effect with the next run).
 */

export interface PeriodCurve {
  /** Measured readings in the curve. */
  readings: number;
  /** The highest usable bin mean (MW), null without a usable bin. */
  ratedPower: number | null;
  bins: readonly CurveBin[];
}

export interface CurvePeriod {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

const DAY_MS = 86_400_000;

/** The settings the fleet tallies were built with: the last done run's, else the configured ones. */
export async function curveSettingsInForce(db: Queryable, configured: CurveSettings): Promise<CurveSettings> {
  const last = await findLastDoneRun(db);
  return last?.powerCurve ? { binWidth: last.powerCurve.binWidth, minBinCount: last.powerCurve.minBinCount } : configured;
}

/** The fleet's curve over [from, to). */
export async function readFleetCurve(db: Queryable, period: CurvePeriod, settings: CurveSettings): Promise<PeriodCurve> {
  const from = period.from.getTime();
  const to = period.to.getTime();
  const firstDay = Math.ceil(from / DAY_MS) * DAY_MS;
  const endDay = Math.floor(to / DAY_MS) * DAY_MS;
  const lists: BinTally[][] = [];
  if (firstDay < endDay) {
    lists.push(await dayTallies(db, new Date(firstDay), new Date(endDay)));
    if (from < firstDay) lists.push(await fleetReadingTallies(db, new Date(from), new Date(firstDay), settings.binWidth));
    if (endDay < to) lists.push(await fleetReadingTallies(db, new Date(endDay), new Date(to), settings.binWidth));
  } else {
    lists.push(await fleetReadingTallies(db, period.from, period.to, settings.binWidth));
  }
  return toCurve(mergeTallies(lists), settings);
}

/** One turbine's own curve over [from, to), from its readings (one index range scan). */
export async function readTurbineCurve(
  db: Queryable,
  turbineId: number,
  period: CurvePeriod,
  settings: CurveSettings,
): Promise<PeriodCurve> {
  const { rows } = await db.query<TallyRow>(
    `SELECT ${windBinSql('r.wind_speed', '$4::float8')} AS bin, count(*)::int AS count, sum(r.power_output) AS sum,
            sum(r.power_output * r.power_output) AS sum_sq
       FROM reading r
      WHERE r.turbine_id = $1::int AND r.ts >= $2::timestamptz AND r.ts < $3::timestamptz AND ${isMeasuredSql('r')}
      GROUP BY 1`,
    [turbineId, period.from, period.to, settings.binWidth],
  );
  return toCurve(rows.map(toTally), settings);
}

type TallyRow = {
  bin: number;
  count: number;
  sum: number;
  sum_sq: number;
};

const toTally = (r: TallyRow): BinTally => ({ bin: r.bin, count: r.count, sum: r.sum, sumSquares: r.sum_sq });

function toCurve(tallies: BinTally[], settings: CurveSettings): PeriodCurve {
  const curve = curveFromTallies(tallies, settings);
  return { readings: tallies.reduce((a, t) => a + t.count, 0), ratedPower: ratedPower(curve), bins: curve.bins };
}

async function dayTallies(db: Queryable, fromDay: Date, toDay: Date): Promise<BinTally[]> {
  const { rows } = await db.query<TallyRow>(
    `SELECT bin, sum(count)::int AS count, sum(sum) AS sum, sum(sum_sq) AS sum_sq
       FROM power_curve_day WHERE day >= $1::timestamptz AND day < $2::timestamptz
      GROUP BY bin`,
    [fromDay, toDay],
  );
  return rows.map(toTally);
}

/** Every turbine's measured readings in [from, to) (less than a day), one index range scan per turbine. */
async function fleetReadingTallies(db: Queryable, from: Date, to: Date, binWidth: number): Promise<BinTally[]> {
  const { rows } = await db.query<TallyRow>(
    `SELECT ${windBinSql('r.wind_speed', '$3::float8')} AS bin, count(*)::int AS count, sum(r.power_output) AS sum,
            sum(r.power_output * r.power_output) AS sum_sq
       FROM turbine t
      CROSS JOIN LATERAL (
        SELECT x.wind_speed, x.power_output FROM reading x
         WHERE x.turbine_id = t.id AND x.ts >= $1::timestamptz AND x.ts < $2::timestamptz AND ${isMeasuredSql('x')}
        OFFSET 0
      ) r
      GROUP BY 1`,
    [from, to, binWidth],
  );
  return rows.map(toTally);
}
