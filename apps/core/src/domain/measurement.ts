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
  const plain = scanDecimal(text);
  if (plain !== undefined) return plain;
  const value = text.trim();
  if (MISSING.has(value.toLowerCase()) || !DECIMAL.test(value)) return null;
  return Number(value) + 0; // + 0 turns -0 into 0
}

const isDigit = (code: number) => code >= 48 && code <= 57;

/** 10^0 .. 10^22: every one is a double exactly. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * The hot path of parseMeasurement for text without surrounding spaces: checks the decimal shape
 * by character codes (no trim, no regular expression) and, for up to 15 digits, computes the value
 * on the way: the digits as an integer (exact below 2^53) divided by a power of ten (exact up to
 * 10^22) is one correctly rounded division, the same double as Number(text). Longer numbers go
 * through Number. Undefined hands over to the general path.
 */
function scanDecimal(text: string): number | null | undefined {
  const end = text.length;
  if (end === 0) return null;
  let i = 0;
  const first = text.charCodeAt(0);
  if (first === 43 || first === 45) i = 1;
  let digits = 0;
  let mantissa = 0;
  let code: number;
  while (i < end && isDigit((code = text.charCodeAt(i)))) {
    mantissa = mantissa * 10 + (code - 48);
    i++;
    digits++;
  }
  let fraction = 0;
  if (i < end && text.charCodeAt(i) === 46) {
    i++;
    while (i < end && isDigit((code = text.charCodeAt(i)))) {
      mantissa = mantissa * 10 + (code - 48);
      i++;
      digits++;
      fraction++;
    }
  }
  if (i !== end || digits === 0) return undefined;
  if (digits > 15) return Number(text) + 0;
  const value = fraction === 0 ? mantissa : mantissa / POWERS_OF_TEN[fraction]!;
  return (first === 45 ? -value : value) + 0; // + 0 turns -0 into 0
}

/** A turbine id: a positive integer that fits Postgres' integer. Leading zeros are allowed ("007" is 7). */
export function parseTurbineId(text: string): number | null {
  // The common case, plain digits, read by character codes; anything else takes the general path.
  const end = text.length;
  if (end > 0 && end <= 9) {
    let id = 0;
    let i = 0;
    for (; i < end; i++) {
      const code = text.charCodeAt(i);
      if (!isDigit(code)) break;
      id = id * 10 + (code - 48);
    }
    if (i === end) return id >= 1 ? id : null;
  }
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
