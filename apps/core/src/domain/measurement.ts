/** Reading measurement values: missing-value spellings, decimal numbers, bounds, turbine ids. */

export interface Bounds {
  windSpeedMax: number;
  powerMin: number;
  powerMax: number;
}

const MISSING = new Set(['', 'na', 'nan', 'null', '-']);
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const POSITIVE_INTEGER = /^\+?\d+$/;
const MAX_INT4 = 2_147_483_647;

/**
 * A measurement in decimal notation, or null when missing. Empty, NA, NaN, null and `-` (any case)
 * are missing; so is text that is not a decimal number (1e3, 12 kW, 1,5): the range step treats
 * every unusable value the same way.
 */
export function parseMeasurement(text: string): number | null {
  const value = text.trim();
  if (MISSING.has(value.toLowerCase()) || !DECIMAL.test(value)) return null;
  return Number(value);
}

/** A turbine id: a positive integer that fits Postgres' integer. Leading zeros are allowed ("007" is 7). */
export function parseTurbineId(text: string): number | null {
  const value = text.trim();
  if (!POSITIVE_INTEGER.test(value)) return null;
  const id = Number(value);
  return id >= 1 && id <= MAX_INT4 ? id : null;
}

/** Inclusive 0..windSpeedMax; a value outside is an outlier and counts as missing. */
export function windSpeedInRange(value: number | null, bounds: Bounds): number | null {
  return value !== null && value >= 0 && value <= bounds.windSpeedMax ? value : null;
}

/** Degrees from 0 up to but excluding 360. */
export function windDirectionInRange(value: number | null): number | null {
  return value !== null && value >= 0 && value < 360 ? value : null;
}

/** Inclusive powerMin..powerMax. */
export function powerInRange(value: number | null, bounds: Bounds): number | null {
  return value !== null && value >= bounds.powerMin && value <= bounds.powerMax ? value : null;
}
