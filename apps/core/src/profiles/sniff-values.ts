/**
 * What the numeric cells of a sniffed profile say: the decimal separator, the tokens written for
 * missing values and the units of power and wind speed. Pure.
 */
import type { PowerUnit, WindSpeedUnit } from './input-profile.js';

export interface ValueGuess<T> {
  value: T;
  note: string;
  undecided: string | null;
}

/** The canonical spellings of a missing value (SPEC section 1), compared in lower case. */
const CANONICAL_MISSING = new Set(['', 'na', 'nan', 'null', '-']);
const DOT_DECIMAL = /^[+-]?\d*\.\d+$/;
const COMMA_DECIMAL = /^[+-]?\d*,\d+$/;

/**
 * `,` when more of `cells` (numeric columns only) look like `3,25` than like `3.25` and the
 * delimiter is not `,`; else `.`.
 */
export function sniffDecimalSeparator(cells: readonly string[], delimiter: string): ValueGuess<'.' | ','> {
  let comma = 0;
  let dot = 0;
  let commaExample = '';
  for (const cell of cells) {
    const text = cell.trim();
    if (COMMA_DECIMAL.test(text)) {
      comma++;
      commaExample ||= text;
    } else if (DOT_DECIMAL.test(text)) dot++;
  }
  if (delimiter !== ',' && comma > dot) {
    return {
      value: ',',
      note: `decimalSeparator: "," (${comma} numeric cells like "${commaExample}", ${dot} with a point)`,
      undecided: null,
    };
  }
  const why =
    comma === 0 && dot === 0
      ? 'no decimal fractions seen; the default'
      : `${dot} numeric cells with a decimal point, ${comma} with a comma`;
  return { value: '.', note: `decimalSeparator: "." (${why})`, undecided: null };
}

/** The number in `text` written with `decimal` as separator, or null when it is not one. */
export function readNumber(text: string, decimal: '.' | ','): number | null {
  const plain = decimal === ',' ? text.trim().replace(',', '.') : text.trim();
  return /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(plain) ? Number(plain) : null;
}

/**
 * The tokens in `cells` (numeric columns only) that are not numbers and hold no digit (`n/a`,
 * `---`, `#N/A`), besides the canonical missing spellings, most frequent first. Cells with digits
 * that are not numbers (`12 kW`) are bad values, not missing-value tokens: they are left out.
 */
export function sniffMissingValues(cells: readonly string[], decimal: '.' | ','): ValueGuess<string[]> {
  const extra = new Map<string, number>();
  const canonical = new Set<string>();
  for (const cell of cells) {
    const text = cell.trim();
    if (readNumber(text, decimal) !== null) continue;
    if (CANONICAL_MISSING.has(text.toLowerCase())) {
      if (text !== '') canonical.add(text);
    } else if (!/\d/.test(text)) extra.set(text, (extra.get(text) ?? 0) + 1);
  }
  const value = [...extra.entries()].sort((a, b) => b[1] - a[1]).map(([token]) => token);
  const also =
    canonical.size > 0
      ? `; ${[...canonical].map((t) => JSON.stringify(t)).join(', ')} ${canonical.size > 1 ? 'mean' : 'means'} missing already`
      : '';
  const note =
    value.length > 0
      ? `missingValues: ${JSON.stringify(value)} (written in numeric columns instead of a number${also})`
      : `missingValues: none beyond the canonical ones (empty, NA, NaN, null, -)${also}`;
  return { value, note, undecided: null };
}

/** The unit written in a header name: in parentheses or brackets, else as a last word (`power_kw`). */
function unitIn(name: string): string | null {
  const bracketed = /[([]\s*([^)\]]+?)\s*[)\]]/.exec(name);
  if (bracketed) return bracketed[1]!;
  const last = /[\s_]([A-Za-z/]+)$/.exec(name.trim());
  return last ? last[1]! : null;
}

const POWER_UNIT_NAMES: Record<string, PowerUnit> = { w: 'W', kw: 'kW', mw: 'MW' };
const WIND_UNIT_NAMES: Record<string, WindSpeedUnit> = {
  'm/s': 'm/s',
  ms: 'm/s',
  mps: 'm/s',
  'km/h': 'km/h',
  kmh: 'km/h',
  kph: 'km/h',
  kn: 'kn',
  kt: 'kn',
  kts: 'kn',
  knots: 'kn',
};

/**
 * The magnitude the values keep to: their 95th percentile, so that a few outliers (a stuck
 * sensor's 9999, a spike) do not decide the unit; 0 without values.
 */
export function typicalMaximum(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!;
}

/**
 * The power unit: from the column's name (`(kW)`, `[MW]`, `power_w`), else from the values'
 * magnitude (typicalMaximum): above 50 000 W, above 100 kW, up to 20 MW; between 20 and 100 it could be kW in a
 * calm spell or MW out of range, so kW is proposed and `undecided` says so.
 */
export function sniffPowerUnit(column: string, values: readonly number[]): ValueGuess<PowerUnit> {
  const written = unitIn(column);
  const unit = written === null ? undefined : POWER_UNIT_NAMES[written.toLowerCase()];
  if (unit)
    return { value: unit, note: `units.power_output: ${unit} (written in the column name ${JSON.stringify(column)})`, undecided: null };
  const max = typicalMaximum(values.map(Math.abs));
  const seen = values.length === 0 ? 'no power values seen' : `95 % of ${values.length} values are at most ${max}`;
  if (values.length === 0) {
    return {
      value: 'MW',
      note: `units.power_output: MW, the default (${seen})`,
      undecided: `units.power_output: ${seen} and the column name has no unit; write W, kW or MW`,
    };
  }
  if (max > 50_000)
    return { value: 'W', note: `units.power_output: W (no unit in the column name; ${seen}, watts for a turbine)`, undecided: null };
  if (max > 100)
    return { value: 'kW', note: `units.power_output: kW (no unit in the column name; ${seen}, kilowatts for a turbine)`, undecided: null };
  if (max <= 20)
    return { value: 'MW', note: `units.power_output: MW (no unit in the column name; ${seen}, which fits megawatts)`, undecided: null };
  return {
    value: 'kW',
    note: `units.power_output: kW proposed (no unit in the column name; ${seen}: too large for MW, small for kW)`,
    undecided: `units.power_output: the column name has no unit and ${seen}; kW is proposed, write W, kW or MW`,
  };
}

/**
 * The wind speed unit: from the column's name (`(m/s)`, `(km/h)`, `(kn)`), else m/s; values
 * above 40 without a unit may be km/h, and `undecided` says so. A unit no profile reads (mph)
 * is undecided too.
 */
export function sniffWindSpeedUnit(column: string, values: readonly number[]): ValueGuess<WindSpeedUnit> {
  const written = unitIn(column);
  const unit = written === null ? undefined : WIND_UNIT_NAMES[written.toLowerCase().replace(/\s+/g, '')];
  if (unit)
    return { value: unit, note: `units.wind_speed: ${unit} (written in the column name ${JSON.stringify(column)})`, undecided: null };
  if (written !== null && /^mph$/i.test(written)) {
    return {
      value: 'm/s',
      note: 'units.wind_speed: undecided (mph, which no profile reads)',
      undecided: 'units.wind_speed: the column is in mph; profiles read m/s, km/h or kn',
    };
  }
  const max = typicalMaximum(values);
  if (max > 40) {
    return {
      value: 'km/h',
      note: `units.wind_speed: km/h proposed (no unit in the column name; values up to ${max}, a storm in m/s)`,
      undecided: `units.wind_speed: no unit in the column name and values up to ${max}; km/h is proposed, write m/s, km/h or kn`,
    };
  }
  const seen = values.length === 0 ? 'no values seen' : `values up to ${max}`;
  return { value: 'm/s', note: `units.wind_speed: m/s (no unit in the column name; ${seen}, which fits m/s)`, undecided: null };
}
