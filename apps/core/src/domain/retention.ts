import { windowStartMs } from './anomaly-rules.js';

const DAY_MS = 86_400_000;

/**
 * The retention horizon of a stats run: readings before it may be deleted once their windows are
 * computed. It is `now - retainDays` rounded down to a boundary that is both a window boundary and
 * a UTC midnight (a multiple of the least common multiple of the window length and a day since the
 * epoch; with daily windows simply the day). So retention takes whole windows and whole days only:
 * a window either keeps all its readings or none, and a window whose readings are gone is never
 * recomputed from the part that is left; likewise a day's power-curve tally (power_curve_day) is
 * never rebuilt from half of its readings.
 *
 * Returns null when `retainDays` is 0 (keep readings forever). A window that ends exactly at
 * `now - retainDays` is entirely before the horizon; one that holds that instant is kept.
 */
export function retentionHorizon(now: Date, retainDays: number, windowSeconds: number): Date | null {
  if (retainDays === 0) return null;
  return new Date(windowStartMs(now.getTime() - retainDays * DAY_MS, leastCommonMultiple(windowSeconds, DAY_MS / 1000)));
}

function leastCommonMultiple(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return (a / x) * b;
}
