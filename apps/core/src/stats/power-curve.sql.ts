/**
 * The power-curve rules of domain/power-curve-bins.ts, power-curve.ts and window-performance.ts
 * rendered as SQL fragments for the stats repositories. Arguments are SQL expressions (columns or
 * bound parameters); nothing here runs a query. Every fragment computes in float8 with the same
 * operations in the same order as the TypeScript, so bins agree to the last bit and energies to
 * the rounding of sums taken in another order.
 */

/** True when the reading's wind speed and power were both measured (`isMeasured`). */
export function isMeasuredSql(reading: string): string {
  return `(${reading}.wind_speed IS NOT NULL AND NOT ${reading}.wind_speed_imputed AND NOT ${reading}.power_imputed)`;
}

/** The bin index of a wind speed (`windBin`): floor(v / w + 0.5) in float8, not round(). */
export function windBinSql(windSpeed: string, binWidth: string): string {
  return `floor(${windSpeed} / ${binWidth} + 0.5)::int`;
}

/** The start of the UTC day holding `ts` (`referenceDayMs`): the day whose curve judges a window starting at `ts`. */
export function utcDaySql(ts: string): string {
  return `date_bin(interval '86400 seconds', ${ts}, timestamptz 'epoch')`;
}

/** `days` whole days as an interval of seconds (never calendar days, which a session time zone with DST would stretch). */
export function daysSql(days: string): string {
  return `(${days} * interval '86400 seconds')`;
}

/**
 * Expected power at wind speed `v` from a row `c` of the reference-curve lookup (see
 * window-performance.repository.ts): for the reading's bin k, `u` is the greatest usable bin <= k
 * with mean `mean_u`, `prev_u`/`prev_mean` the usable bin before u and `next_u`/`next_mean` the one
 * after (NULL at the ends). No lookup row (no curve, or wind outside the usable bins) gives NULL.
 * Cases as in `expectedPower`: below the centre of a usable bin, the line from the usable bin below
 * (or the bin's own mean at the lower edge); at its centre, its mean; above it, or in an unusable
 * bin, the line to the next usable bin (or u's mean at the upper edge).
 */
export function expectedPowerSql(c: string, v: string, binWidth: string): string {
  const line = (a: string, aMean: string, b: string, bMean: string) =>
    `${aMean} + ((${bMean} - ${aMean}) * (${v} - ${a} * ${binWidth})) / ((${b} - ${a}) * ${binWidth})`;
  return `CASE WHEN ${c}.bin IS NULL THEN NULL
            WHEN ${c}.bin = ${c}.u AND ${v} < ${c}.u * ${binWidth}
              THEN CASE WHEN ${c}.prev_u IS NULL THEN ${c}.mean_u ELSE ${line(`${c}.prev_u`, `${c}.prev_mean`, `${c}.u`, `${c}.mean_u`)} END
            WHEN ${c}.next_u IS NULL OR ${v} = ${c}.u * ${binWidth} THEN ${c}.mean_u
            ELSE ${line(`${c}.u`, `${c}.mean_u`, `${c}.next_u`, `${c}.next_mean`)} END`;
}

/** Inputs of `performanceSql`: SQL expressions for one turbine-window. */
export interface PerformanceInputsSql {
  /** Sum of the power of the readings used (MW), NULL when none. */
  usedPower: string;
  /** Sum of their expected power (MW), NULL when none. */
  expectedPower: string;
  /** Readings used. */
  used: string;
  /** The fleet's rated power for the window (highest usable mean of its curve), NULL without one. */
  ratedPower: string;
  /** The window's expected reading count. */
  expectedCount: string;
  /** Reading interval in seconds, window length in seconds, and the guard's share, as float8 or int. */
  intervalSeconds: string;
  windowSeconds: string;
  minExpectedShare: string;
}

/**
 * A LATERAL subquery giving `actual`, `expected`, `lost` (MWh), `ratio` and `judged` of one
 * turbine-window, as `assessWindow` and `isJudged` do: energy = power sum × interval hours,
 * ratio NULL unless expected > 0, judged when there is a ratio, readings used · 2 >= expected
 * count and expected >= share × rated power × window hours.
 */
export function performanceSql(i: PerformanceInputsSql): string {
  return `LATERAL (
      SELECT e.actual, e.expected, e.expected - e.actual AS lost, r.ratio,
             (r.ratio IS NOT NULL AND ${i.used} * 2 >= ${i.expectedCount}
              AND ${i.ratedPower} IS NOT NULL
              AND e.expected >= ${i.minExpectedShare} * (${i.ratedPower} * (${i.windowSeconds}::float8 / 3600))) IS TRUE AS judged
        FROM (SELECT coalesce(${i.usedPower}, 0) * (${i.intervalSeconds}::float8 / 3600) AS actual,
                     coalesce(${i.expectedPower}, 0) * (${i.intervalSeconds}::float8 / 3600) AS expected) e
       CROSS JOIN LATERAL (SELECT CASE WHEN e.expected > 0 THEN e.actual / e.expected END AS ratio) r
    )`;
}
