import { EXACT_DECISION_MARGIN, FLEET_RULE_MIN_TURBINES, READING_RULE_MIN_COUNT } from '../domain/anomaly-rules.js';

/**
 * The window alignment and the anomaly rules of domain/anomaly-rules.ts, rendered as SQL
 * fragments for the stats repositories. Arguments are SQL expressions (column names or bound
 * parameters such as `$1::int`); nothing here runs a query.
 *
 * Aggregates are computed in double precision, which is fast and parallel. Where that could decide
 * differently from exact arithmetic (a value within EXACT_DECISION_MARGIN of a bound, e.g.
 * 0.54, 0.54, 0.54, 1.7 whose mean + 1.5·σ is exactly 1.7), the value is decided again in
 * numeric, over the values as their decimal text, by `exactlyOutsideSql`.
 */

/** The start of the window holding `ts`: windows of `windowSeconds` aligned to the Unix epoch (UTC). */
export function windowStartSql(ts: string, windowSeconds: string): string {
  return `date_bin(${windowSeconds} * interval '1 second', ${ts}, timestamptz 'epoch')`;
}

/** The end (exclusive) of the window starting at `windowStart`. */
export function windowEndSql(windowStart: string, windowSeconds: string): string {
  return `(${windowStart} + ${windowSeconds} * interval '1 second')`;
}

/** A double as the decimal it stands for (15 significant digits): 2.9749999999999996 reads 2.975. */
export function asDecimalSql(double: string): string {
  return `(${double})::numeric`;
}

/** Whether the reading rule applies to a turbine-window with `count` readings and sample σ `stddev`. */
export function readingRuleAppliesSql(count: string, stddev: string): string {
  return `(${count} >= ${READING_RULE_MIN_COUNT} AND ${stddev} > 0)`;
}

/** Whether the fleet rule applies to a window with `turbines` turbine means and sample σ `stddev`. */
export function fleetRuleAppliesSql(turbines: string, stddev: string): string {
  return `(${turbines} >= ${FLEET_RULE_MIN_TURBINES} AND ${stddev} > 0)`;
}

export interface BandSql {
  value: string;
  mean: string;
  stddev: string;
  k: string;
}

/** Outside the band by more than the margin: flagged without a second look. */
export function clearlyOutsideSql({ value, mean, stddev, k }: BandSql): string {
  const hi = `(${mean} + ${k} * ${stddev})`;
  const lo = `(${mean} - ${k} * ${stddev})`;
  return `(${value} > ${hi} + ${EXACT_DECISION_MARGIN} * (1 + abs(${hi})) OR ${value} < ${lo} - ${EXACT_DECISION_MARGIN} * (1 + abs(${lo})))`;
}

/** Possibly outside: clearly outside, or so near a bound that double precision cannot tell. */
export function maybeOutsideSql({ value, mean, stddev, k }: BandSql): string {
  const hi = `(${mean} + ${k} * ${stddev})`;
  const lo = `(${mean} - ${k} * ${stddev})`;
  return `(${value} > ${hi} - ${EXACT_DECISION_MARGIN} * (1 + abs(${hi})) OR ${value} < ${lo} + ${EXACT_DECISION_MARGIN} * (1 + abs(${lo})))`;
}

/**
 * The strict rule in exact decimal arithmetic: `mean`, `stddev` and `k` are numeric expressions,
 * `value` a double read as its decimal. A value exactly on a bound is not outside.
 */
export function exactlyOutsideSql({ value, mean, stddev, k }: BandSql): string {
  const v = asDecimalSql(value);
  return `(${v} > ${mean} + ${k} * ${stddev} OR ${v} < ${mean} - ${k} * ${stddev})`;
}
