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
  const plain = scanDecimal(text, 46, 0);
  if (plain !== undefined) return plain;
  const value = text.trim();
  if (MISSING.has(value.toLowerCase()) || !DECIMAL.test(value)) return null;
  return Number(value) + 0; // + 0 turns -0 into 0
}

/** How a profile writes its numbers (SPEC section 8). */
export interface NumberFormat {
  decimalSeparator: '.' | ',';
  /** Spellings of a missing value besides the canonical ones, compared case-insensitively. */
  missingValues: readonly string[];
}

/** Reads one kind of measurement cell, converted to Windmill's unit. */
export type MeasurementReader = (text: string) => number | null;

/**
 * A reader for numbers written in `format`, in a unit `10^shift` times smaller than Windmill's
 * (kW to MW: 3, W to MW: 6), then multiplied by `scale` (km/h to m/s: 1 / 3.6). The decimal
 * shift is exact: `3250,5` kW reads as the same double as `3.2505` MW written canonically. A cell
 * that is a missing spelling, or not a decimal number in the format, is null like any unusable
 * value. Thousands separators are not read (`1.234,5` is unusable).
 */
export function createMeasurementReader(format: NumberFormat, shift = 0, scale = 1): MeasurementReader {
  const point = format.decimalSeparator === ',' ? 44 : 46;
  const missing = new Set([...MISSING, ...format.missingValues.map((v) => v.trim().toLowerCase())]);
  const pattern = point === 44 ? /^[+-]?(?:\d+(?:,\d*)?|,\d+)$/ : DECIMAL;
  const read = (text: string): number | null => {
    const plain = scanDecimal(text, point, shift);
    if (plain !== undefined) return plain;
    const value = text.trim();
    if (missing.has(value.toLowerCase()) || !pattern.test(value)) return null;
    return Number(`${point === 44 ? value.replace(',', '.') : value}e-${shift}`) + 0;
  };
  return scale === 1
    ? read
    : (text) => {
        const value = read(text);
        return value === null ? null : value * scale;
      };
}

/** Whether `text` is one of the format's missing spellings (for explaining an unusable value). */
export function isMissingSpelling(text: string, format?: NumberFormat): boolean {
  const value = text.trim().toLowerCase();
  return MISSING.has(value) || (format?.missingValues.some((v) => v.trim().toLowerCase() === value) ?? false);
}

const isDigit = (code: number) => code >= 48 && code <= 57;

/** 10^0 .. 10^22: every one is a double exactly. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * The hot path of parseMeasurement for text without surrounding spaces: checks the decimal shape
 * by character codes (no trim, no regular expression) and, for up to 15 digits, computes the value
 * on the way: the digits as an integer (exact below 2^53) divided by a power of ten (exact up to
 * 10^22) is one correctly rounded division, the same double as Number(text). Longer numbers go
 * through Number. `point` is the decimal separator's character code; `shift` moves the decimal
 * point that many places left, exactly (the same single division). Undefined hands over to the
 * general path.
 */
function scanDecimal(text: string, point: number, shift: number): number | null | undefined {
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
  if (i < end && text.charCodeAt(i) === point) {
    i++;
    while (i < end && isDigit((code = text.charCodeAt(i)))) {
      mantissa = mantissa * 10 + (code - 48);
      i++;
      digits++;
      fraction++;
    }
  }
  if (i !== end || digits === 0) return undefined;
  const places = fraction + shift;
  if (digits > 15 || places > 22) return Number(`${point === 46 ? text : text.replace(',', '.')}e-${shift}`) + 0;
  const value = places === 0 ? mantissa : mantissa / POWERS_OF_TEN[places]!;
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
