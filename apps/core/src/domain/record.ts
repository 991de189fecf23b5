import { formatCsvRecord } from './csv-text.js';
import type { ColumnMap } from './header.js';
import { parseMeasurement, parseTurbineId, powerInRange, windDirectionInRange, windSpeedInRange, type Bounds } from './measurement.js';
import type { TimestampParser } from './timestamp.js';
import type { ParsedRow, Rejection } from './types.js';

export type RecordResult = { ok: true; row: ParsedRow } | { ok: false; rejection: Rejection };

/**
 * Cleaning steps 1 and 3 for one line: structure (field count, timestamp, turbine id) rejects the
 * line; a measurement that is missing, not a number or out of bounds becomes null. Step 3 runs
 * here, before de-duplication (step 2), because it looks at one value at a time and the order of
 * the two cannot change any outcome.
 */
export function createRecordParser(columns: ColumnMap, parseTimestamp: TimestampParser, bounds: Bounds) {
  const reject = (line: number, fields: readonly string[], reason: Rejection['reason'], detail: string): RecordResult => ({
    ok: false,
    rejection: { line, raw: formatCsvRecord(fields), reason, detail },
  });
  return (fields: readonly string[], line: number): RecordResult => {
    if (fields.length !== columns.fieldCount) {
      return reject(line, fields, 'column_count', `expected ${columns.fieldCount} fields, found ${fields.length}`);
    }
    const tsText = fields[columns.timestamp]!;
    const ts = parseTimestamp(tsText);
    if (ts === null) return reject(line, fields, 'bad_timestamp', `unparseable timestamp ${JSON.stringify(tsText)}`);
    const idText = fields[columns.turbineId]!;
    const turbineId = parseTurbineId(idText);
    if (turbineId === null) {
      return reject(line, fields, 'bad_turbine_id', `turbine_id ${JSON.stringify(idText)} is not a positive integer`);
    }
    const windSpeed = columns.windSpeed === null ? null : windSpeedInRange(parseMeasurement(fields[columns.windSpeed]!), bounds);
    const windDirection = columns.windDirection === null ? null : windDirectionInRange(parseMeasurement(fields[columns.windDirection]!));
    const power = powerInRange(parseMeasurement(fields[columns.powerOutput]!), bounds);
    return { ok: true, row: { line, turbineId, ts, windSpeed, windDirection, power, fields } };
  };
}

/** Says why a power value was unusable, for the `missing_power` rejection's detail. */
export function describeUnusablePower(text: string, bounds: Bounds): string {
  const value = parseMeasurement(text);
  if (value === null) {
    return text.trim() === '' || /^(na|nan|null|-)$/i.test(text.trim())
      ? `power_output is missing (${JSON.stringify(text)})`
      : `power_output ${JSON.stringify(text)} is not a decimal number`;
  }
  return `power_output ${value} is outside ${bounds.powerMin}..${bounds.powerMax}`;
}
