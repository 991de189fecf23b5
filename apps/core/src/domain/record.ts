import { formatCsvRecord } from './csv-text.js';
import type { ColumnMap } from './header.js';
import {
  isMissingSpelling,
  parseMeasurement,
  parseTurbineId,
  powerInRange,
  windDirectionInRange,
  windSpeedInRange,
  type Bounds,
  type MeasurementReader,
  type NumberFormat,
} from './measurement.js';
import type { TimestampParser } from './timestamp.js';
import type { ParsedRow, Rejection } from './types.js';

export type RecordResult = { ok: true; row: ParsedRow } | { ok: false; rejection: Rejection };

/** Where a line's turbine comes from: its id column (canonical), its name column, or the file. */
export type TurbineReading =
  | { kind: 'id' }
  /** Names as written (trimmed) to ids; every name of a batch is resolved before the batch is parsed. */
  | { kind: 'name'; ids: ReadonlyMap<string, number>; nameOf: (text: string) => string | null }
  | { kind: 'file'; id: number };

/** How a profile's cells are read (SPEC section 8); the canonical layout when left out. */
export interface RecordReading {
  power: MeasurementReader;
  windSpeed: MeasurementReader;
  windDirection: MeasurementReader;
  numbers?: NumberFormat;
  turbine: TurbineReading;
  /** The timestamp format, named in a bad_timestamp rejection. */
  timestampFormat: string;
  /** Writes a rejected line's fields back as text. */
  formatRaw: (fields: readonly string[]) => string;
}

/** The canonical layout's reading: decimal points, MW and m/s, positive integer ids. */
export const CANONICAL_READING: RecordReading = {
  power: parseMeasurement,
  windSpeed: parseMeasurement,
  windDirection: parseMeasurement,
  turbine: { kind: 'id' },
  timestampFormat: 'YYYY-MM-DD HH:MM:SS or ISO 8601',
  formatRaw: formatCsvRecord,
};

/**
 * Cleaning steps 1 and 3 for one line: structure (field count, timestamp, turbine id) rejects the
 * line; a measurement that is missing, not a number or out of bounds becomes null. Step 3 runs
 * here, before de-duplication (step 2), because it looks at one value at a time and the order of
 * the two cannot change any outcome.
 */
export function createRecordParser(
  columns: ColumnMap,
  parseTimestamp: TimestampParser,
  bounds: Bounds,
  reading: RecordReading = CANONICAL_READING,
) {
  const reject = (line: number, fields: readonly string[], reason: Rejection['reason'], detail: string): RecordResult => ({
    ok: false,
    rejection: { line, raw: reading.formatRaw(fields), reason, detail },
  });
  const turbine = reading.turbine;
  const readTurbine = (fields: readonly string[]): number | null => {
    if (turbine.kind === 'file') return turbine.id;
    const text = fields[columns.turbineId]!;
    if (turbine.kind === 'id') return parseTurbineId(text);
    const name = turbine.nameOf(text);
    return name === null ? null : (turbine.ids.get(name) ?? null);
  };
  return (fields: readonly string[], line: number): RecordResult => {
    if (fields.length !== columns.fieldCount) {
      return reject(line, fields, 'column_count', `expected ${columns.fieldCount} fields, found ${fields.length}`);
    }
    const tsText = fields[columns.timestamp]!;
    const ts = parseTimestamp(tsText);
    if (ts === null) {
      return reject(line, fields, 'bad_timestamp', `unparseable timestamp ${JSON.stringify(tsText)} (expected ${reading.timestampFormat})`);
    }
    const turbineId = readTurbine(fields);
    if (turbineId === null) {
      const idText = fields[columns.turbineId]!;
      return reject(
        line,
        fields,
        'bad_turbine_id',
        turbine.kind === 'id'
          ? `turbine_id ${JSON.stringify(idText)} is not a positive integer`
          : `turbine name ${JSON.stringify(idText.slice(0, 100))} is not 1 to 64 characters`,
      );
    }
    const windSpeed = columns.windSpeed === null ? null : windSpeedInRange(reading.windSpeed(fields[columns.windSpeed]!), bounds);
    const windDirection =
      columns.windDirection === null ? null : windDirectionInRange(reading.windDirection(fields[columns.windDirection]!));
    const power = powerInRange(reading.power(fields[columns.powerOutput]!), bounds);
    return { ok: true, row: { line, turbineId, ts, windSpeed, windDirection, power, fields } };
  };
}

/**
 * Says why a power value was unusable, for the `missing_power` rejection's detail; with a
 * profile's reading, the value out of bounds is given in MW as converted.
 */
export function describeUnusablePower(text: string, bounds: Bounds, reading: RecordReading = CANONICAL_READING): string {
  const value = reading.power(text);
  if (value === null) {
    return isMissingSpelling(text, reading.numbers)
      ? `power_output is missing (${JSON.stringify(text)})`
      : `power_output ${JSON.stringify(text)} is not a ${reading.numbers?.decimalSeparator === ',' ? 'number with a decimal comma' : 'decimal number'}`;
  }
  return `power_output ${value}${reading === CANONICAL_READING ? '' : ' MW'} is outside ${bounds.powerMin}..${bounds.powerMax}`;
}
