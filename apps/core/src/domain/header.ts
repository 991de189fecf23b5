/**
 * Maps a CSV header row to column positions. Names are compared after removing a UTF-8 BOM and
 * surrounding spaces, case-insensitively, in any order. Unknown columns are reported, not fatal.
 */

export const REQUIRED_COLUMNS = ['timestamp', 'turbine_id', 'power_output'] as const;
export const OPTIONAL_COLUMNS = ['wind_speed', 'wind_direction'] as const;
type KnownColumn = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];

export interface ColumnMap {
  timestamp: number;
  turbineId: number;
  powerOutput: number;
  windSpeed: number | null;
  windDirection: number | null;
  /** Fields every data line must have: the header's length. */
  fieldCount: number;
  /** Header names Windmill does not use, as written in the file. */
  ignored: string[];
}

export type HeaderResult = { ok: true; columns: ColumnMap } | { ok: false; error: string };

const KNOWN = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]);

export function normalizeColumnName(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase();
}

/**
 * Edge cases: a known column named twice makes the file unreadable (which one would be meant?);
 * an empty header line or one that lacks a required column is an error naming what is missing.
 */
export function mapHeader(fields: readonly string[]): HeaderResult {
  const positions = new Map<KnownColumn, number>();
  const ignored: string[] = [];
  for (const [index, raw] of fields.entries()) {
    const name = normalizeColumnName(raw);
    if (!KNOWN.has(name)) {
      ignored.push(raw.replace(/^\uFEFF/, '').trim());
      continue;
    }
    if (positions.has(name as KnownColumn)) {
      return { ok: false, error: `the header names column '${name}' twice` };
    }
    positions.set(name as KnownColumn, index);
  }
  const missing = REQUIRED_COLUMNS.filter((c) => !positions.has(c));
  if (missing.length > 0) {
    const shown = fields
      .map((f) => f.replace(/^\uFEFF/, ''))
      .join(',')
      .slice(0, 200);
    return {
      ok: false,
      error: `missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header line was: ${JSON.stringify(shown)})`,
    };
  }
  return {
    ok: true,
    columns: {
      timestamp: positions.get('timestamp')!,
      turbineId: positions.get('turbine_id')!,
      powerOutput: positions.get('power_output')!,
      windSpeed: positions.get('wind_speed') ?? null,
      windDirection: positions.get('wind_direction') ?? null,
      fieldCount: fields.length,
      ignored,
    },
  };
}
