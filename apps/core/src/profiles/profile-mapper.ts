/**
 * The mapper of a profile's file (SPEC section 8): which of the header's columns hold the fields
 * Windmill reads, how their cells are read (decimal separator, missing spellings, units), and
 * where the turbine's name comes from. Pure: the turbine names' ids are resolved by the caller.
 */
import { formatDelimitedRecord } from '../domain/csv-text.js';
import { normalizeColumnName, type ColumnMap, type HeaderResult } from '../domain/header.js';
import { createMeasurementReader, parseMeasurement, type NumberFormat } from '../domain/measurement.js';
import type { RecordReading, TurbineReading } from '../domain/record.js';
import { turbineName, type InputProfile, type PowerUnit, type WindSpeedUnit } from './input-profile.js';

/** Decimal places from the unit to MW. */
const POWER_SHIFT: Record<PowerUnit, number> = { W: 6, kW: 3, MW: 0 };
/** Factor from the unit to m/s (a knot is 1852 m an hour). */
const WIND_SPEED_SCALE: Record<WindSpeedUnit, number> = { 'm/s': 1, 'km/h': 1 / 3.6, kn: 1852 / 3600 };

/**
 * Maps a header row through the profile's `columns`: each named column found (trimmed,
 * case-insensitive), the rest ignored. A mapped name missing from the header, or present twice,
 * fails with the profile's name, the name it looked for and the header as read.
 */
export function mapProfileHeader(fields: readonly string[], profile: InputProfile): HeaderResult {
  const positions = new Map<string, number[]>();
  for (const [index, raw] of fields.entries()) {
    const name = normalizeColumnName(raw);
    positions.set(name, [...(positions.get(name) ?? []), index]);
  }
  const shown = JSON.stringify(fields.join(profile.delimiter).slice(0, 300));
  // Every column the profile names must be there, optional fields included: a name that does not
  // fit the file is a profile to correct, not a column to drop silently (set it to null instead).
  const find = (field: keyof InputProfile['columns']): number | null | string => {
    const wanted = profile.columns[field];
    if (wanted === undefined) return null;
    const found = positions.get(normalizeColumnName(wanted)) ?? [];
    if (found.length === 1) return found[0]!;
    return found.length > 1
      ? `profile "${profile.name}": the header names column "${wanted}" (columns.${field}) ${found.length} times; header as read: ${shown}`
      : `profile "${profile.name}": the header has no column "${wanted}" (columns.${field}); header as read: ${shown}`;
  };
  const timestamp = find('timestamp');
  const power = find('power_output');
  const speed = find('wind_speed');
  const direction = find('wind_direction');
  const turbine = profile.turbine.from === 'column' ? find('turbine_id') : null;
  const problem = [timestamp, power, turbine, speed, direction].find((p) => typeof p === 'string');
  if (typeof problem === 'string') return { ok: false, error: problem };
  const used = new Set([timestamp, power, speed, direction, turbine].filter((p): p is number => typeof p === 'number'));
  return {
    ok: true,
    columns: {
      timestamp: timestamp as number,
      turbineId: (turbine as number | null) ?? -1,
      powerOutput: power as number,
      windSpeed: speed as number | null,
      windDirection: direction as number | null,
      fieldCount: fields.length,
      ignored: fields.filter((_, i) => !used.has(i)).map((f) => f.trim()),
    } satisfies ColumnMap,
  };
}

/** How the profile's cells are read, with the turbine read as `turbine`. */
export function profileReading(profile: InputProfile, turbine: TurbineReading): RecordReading {
  const numbers: NumberFormat = { decimalSeparator: profile.decimalSeparator, missingValues: profile.missingValues };
  const plain = profile.decimalSeparator === '.' && profile.missingValues.length === 0;
  const reader = (shift: number, scale: number) =>
    plain && shift === 0 && scale === 1 ? parseMeasurement : createMeasurementReader(numbers, shift, scale);
  return {
    power: reader(POWER_SHIFT[profile.units.power_output], 1),
    windSpeed: reader(0, WIND_SPEED_SCALE[profile.units.wind_speed]),
    windDirection: reader(0, 1),
    numbers,
    turbine,
    timestampFormat: profile.timestampFormat ?? 'YYYY-MM-DD HH:MM:SS or ISO 8601',
    formatRaw: (fields) => formatDelimitedRecord(fields, profile.delimiter),
  };
}

/** Why a profile's turbine name could not be found in the file; null when it was. */
export type FileTurbine = { ok: true; name: string } | { ok: false; error: string };

/**
 * The turbine of a whole file, for `turbine.from` fileName, preamble or value: the pattern's one
 * capture group on the file's bare name or on the first preamble line it matches. A pattern that
 * matches nothing, or captures no valid name, fails naming the pattern.
 */
export function fileTurbine(profile: InputProfile, fileName: string, preamble: readonly string[]): FileTurbine | null {
  const source = profile.turbine;
  if (source.from === 'column') return null;
  if (source.from === 'value') return { ok: true, name: source.value.trim() };
  const regex = new RegExp(source.pattern);
  const candidates = source.from === 'fileName' ? [fileName] : preamble;
  for (const text of candidates) {
    const match = regex.exec(text);
    if (match === null) continue;
    const name = turbineName(match[1] ?? '');
    if (name !== null) return { ok: true, name };
    return {
      ok: false,
      error: `profile "${profile.name}": turbine.pattern ${JSON.stringify(source.pattern)} captured ${JSON.stringify(match[1] ?? '')}, not a turbine name of 1 to 64 characters`,
    };
  }
  const where = source.from === 'fileName' ? `the file name ${JSON.stringify(fileName)}` : `any of the ${preamble.length} preamble lines`;
  return {
    ok: false,
    error: `profile "${profile.name}": turbine.pattern ${JSON.stringify(source.pattern)} (from ${source.from}) matches nothing in ${where}`,
  };
}

const MAX_INT4 = 2_147_483_647;

/**
 * A name that is a positive integer keeps that number as the turbine's id (`7`, `007`); any other
 * name has none of its own (null) and is given one by the database.
 */
export function numericTurbineId(name: string): number | null {
  if (!/^\d+$/.test(name)) return null;
  const id = Number(name);
  return id >= 1 && id <= MAX_INT4 ? id : null;
}
