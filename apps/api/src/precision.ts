/**
 * How the API writes numbers. Measured quantities (power, wind speed, energies, means, standard
 * deviations, ratios) come out of double-precision arithmetic with binary noise in their last
 * digits: 71.39999999999999 for a sum of 71.4 MWh, 0.037500000000000006 for a mean of 0.0375.
 * Every fractional number in a JSON answer is written with at most MEASURE_SIGNIFICANT_DIGITS
 * significant digits, which removes that noise (a double holds 15 to 17) and keeps far more than
 * any sensor measures. Integers (counts, ids, byte sizes) are written exactly.
 */
export const MEASURE_SIGNIFICANT_DIGITS = 12;

/**
 * `value` at MEASURE_SIGNIFICANT_DIGITS significant digits: 71.39999999999999 is 71.4, 2.975
 * stays 2.975, 1/3 is 0.333333333333. Integers, NaN and the infinities are returned as they are
 * (JSON has no NaN; the response schemas refuse it before this matters).
 */
export function roundMeasure(value: number): number {
  if (Number.isInteger(value) || !Number.isFinite(value)) return value;
  return Number(value.toPrecision(MEASURE_SIGNIFICANT_DIGITS));
}

/**
 * A copy of a response body with every number rounded by roundMeasure: plain objects and arrays
 * are walked, anything else (strings, booleans, null) is kept.
 */
export function roundMeasures<T>(body: T): T {
  return roundValue(body) as T;
}

function roundValue(value: unknown): unknown {
  if (typeof value === 'number') return roundMeasure(value);
  if (Array.isArray(value)) return value.map(roundValue);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) copy[key] = roundValue(inner);
    return copy;
  }
  return value;
}
