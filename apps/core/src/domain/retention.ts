import { windowStartMs } from './anomaly-rules.js';

const DAY_MS = 86_400_000;

/**
 * The retention horizon of a stats run: readings before it may be deleted once their windows are
 * computed. It is `now - retainDays` rounded down to a window boundary, so retention takes whole
 * windows only: a window either keeps all its readings or none, and a window whose readings are
 * gone is never recomputed from the part that is left.
 *
 * Returns null when `retainDays` is 0 (keep readings forever). A window that ends exactly at
 * `now - retainDays` is entirely before the horizon; one that holds that instant is kept.
 */
export function retentionHorizon(now: Date, retainDays: number, windowSeconds: number): Date | null {
  if (retainDays === 0) return null;
  return new Date(windowStartMs(now.getTime() - retainDays * DAY_MS, windowSeconds));
}
