import { windowStartMs as alignedStartMs } from './anomaly-rules.js';

const DAY_SECONDS = 86_400;
const DAY_MS = DAY_SECONDS * 1000;

/** A half-open period [fromMs, toMs) in epoch milliseconds. */
export interface ReferencePeriod {
  fromMs: number;
  toMs: number;
}

/**
 * Start of the UTC day that holds `windowStartMs`: the day whose curve judges the window.
 * With the default daily windows it is the window start itself.
 */
export function referenceDayMs(windowStartMs: number): number {
  return alignedStartMs(windowStartMs, DAY_SECONDS);
}

/**
 * The period whose readings (all turbines) build the curve that judges a window: the
 * `referenceDays` whole UTC days before the day that holds the window's start,
 * [day − referenceDays days, day). With daily windows, day 31 is judged by days 1-30.
 *
 * - The window itself is never in its own reference: a turbine that underperforms all day would
 *   otherwise pull its own yardstick down with it, most where the fleet or the history is small,
 *   and the analyst's question is "did it do what the recent past says it should?".
 * - Whole days, not a sliding 30 × 24 h before each window: every window that starts on one
 *   UTC day shares one curve (so shorter windows, e.g. 6 h, are judged like the day, and the
 *   part of the day before the window is not used either), and the stats job can build a
 *   curve by adding 30 daily tallies. For windows longer than a day the day holding the start
 *   counts; windows are aligned to the epoch, so weekly windows start at midnight too.
 * - Only the past counts: appending a day can change the curves of the days after it within
 *   `referenceDays`, never of earlier days.
 * - No history, no curve: the first day of the data (and any window whose preceding
 *   `referenceDays` days hold no readings) gets an empty curve, so its readings have no
 *   expected value and it is not judged. The early days of a data set are judged by the few days
 *   before them, and their bins reach the minimum count only where those days had enough wind of
 *   that speed; the coverage rule in `isUnderperforming` does not flag a window that a thin
 *   curve covers less than half of. Falling back to the window itself would judge a turbine by a curve it helped
 *   make, and by a different rule on day 1 than on day 2.
 */
export function referencePeriod(windowStartMs: number, referenceDays: number): ReferencePeriod {
  const toMs = referenceDayMs(windowStartMs);
  return { fromMs: toMs - referenceDays * DAY_MS, toMs };
}
