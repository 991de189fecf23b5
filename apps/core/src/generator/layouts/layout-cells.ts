/**
 * Respelling of the generator's canonical value cells (`12.3`, MW, the missing spellings of
 * messiness.ts) for the export layouts. Works on the cell text alone, never through a float, so
 * a reader that shifts the decimal point back exactly gets the double the canonical text gives.
 */
import { MISSING_SPELLINGS } from '../messiness.js';

const MISSING = new Set<string>(MISSING_SPELLINGS.map((s) => s.toLowerCase()));
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** True for a spelling the canonical reader takes as missing (`''`, `NA`, `nan`, `NuLl`, `-`, any case). */
export function isMissingSpelling(cell: string): boolean {
  return MISSING.has(cell.toLowerCase());
}

/**
 * Decimal text with its decimal point moved `places` digits to the right, by text: with 3 places
 * `1.5` -> `1500`, `0.0375` -> `37.5`, `-0.3` -> `-300`, `12` -> `12000`, `0.0` -> `0`. Leading
 * zeros go, the sign stays, trailing fraction zeros beyond the shift stay (`1.23450` -> `1234.50`).
 * Null when the text is not plain decimal notation (`1e3`, `NaN`, `''`, `1,5`).
 */
export function shiftDecimalPoint(text: string, places: number): string | null {
  const m = DECIMAL.exec(text);
  if (m === null) return null;
  const [, sign, whole, fraction = ''] = m as unknown as [string, string, string, string | undefined];
  if (whole.length + fraction.length === 0) return null;
  const moved = fraction.padEnd(places, '0');
  const integer = (whole + moved.slice(0, places)).replace(/^0+(?=\d)/, '');
  const rest = moved.slice(places);
  return `${sign}${integer}${rest === '' ? '' : `.${rest}`}`;
}

/** How a layout writes its measurement cells. */
export interface ValueSpelling {
  /** Write MW as kW (the decimal point three places to the right). */
  kilo: boolean;
  /** Decimal comma instead of point. */
  decimalComma: boolean;
  /** The layout's own spelling of a missing value. */
  missing: string;
}

/**
 * A respeller of one measurement column's cells: a missing spelling becomes `spelling.missing`,
 * decimal text is scaled and given its decimal separator, anything else (text no reader takes for
 * a number) is left as it is, so it stays unusable.
 */
export function createValueSpeller(spelling: ValueSpelling): (cell: string) => string {
  const { kilo, decimalComma, missing } = spelling;
  return (cell) => {
    if (isMissingSpelling(cell)) return missing;
    const scaled = kilo ? shiftDecimalPoint(cell, 3) : DECIMAL.test(cell) ? cell : null;
    if (scaled === null) return cell;
    return decimalComma ? scaled.replace('.', ',') : scaled;
  };
}
