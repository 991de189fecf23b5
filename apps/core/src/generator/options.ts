import { derateProblems, type Derate } from './derate.js';
import type { Seed } from './prng.js';

/** The challenge's columns, in the challenge's order. */
export const CHALLENGE_COLUMNS = ['timestamp', 'turbine_id', 'wind_speed', 'wind_direction', 'power_output'] as const;
export type Column = (typeof CHALLENGE_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly Column[] = ['timestamp', 'turbine_id', 'power_output'];

export type SplitBy = 'turbine-group' | 'day';
/** `naive` is the challenge's `2022-03-01 00:00:00`; the others are ISO 8601 forms the reader accepts. */
export type TimestampStyle = 'naive' | 'iso-z' | 'iso-ms-z' | 'iso-offset';
export const TIMESTAMP_STYLES: readonly TimestampStyle[] = ['naive', 'iso-z', 'iso-ms-z', 'iso-offset'];

/**
 * How the files are laid out: the challenge's `canonical` CSV, or the same content as one of the
 * three real exports the loader's presets read (SPEC section 8; see `layouts/`).
 */
export const LAYOUTS = ['canonical', 'greenbyte', 'single-turbine', 'european'] as const;
export type Layout = (typeof LAYOUTS)[number];

/** How `malformedRate` breaks a line, named for the reason cleaning step 1 rejects it with. */
export const MALFORMED_KINDS = ['column_count', 'bad_timestamp', 'bad_turbine_id'] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

/** How lines are spelled; the defaults give the challenge's format with LF line endings. */
export interface FormatOptions {
  timestamps: TimestampStyle;
  /** Offset written by `iso-offset` (the instant stays the same), e.g. 120 gives `+02:00`. */
  utcOffsetMinutes: number;
  lineEnding: '\n' | '\r\n';
  /** Start the file with a UTF-8 byte order mark. */
  bom: boolean;
  /** Quote every field (RFC 4180), doubling inner quotes. */
  quoteFields: boolean;
  /** Column order; may leave out the optional `wind_speed` and `wind_direction`. */
  columns: readonly Column[];
  /** Name of an extra column the reader must ignore, or null for none. */
  extraColumn: string | null;
  /** End the last line with a line ending too (the challenge files do). */
  finalNewline: boolean;
}

/** Everything the generator reads; every field has a default (see `resolveOptions`). */
export interface GeneratorOptions {
  seed?: Seed;
  /** Number of turbines, with ids 1..n. */
  turbines?: number;
  /** First day, `YYYY-MM-DD`, midnight UTC. */
  start?: string;
  days?: number;
  intervalSeconds?: number;
  /** Split into files by contiguous groups of turbine ids or of days. */
  by?: SplitBy;
  /** Number of files: defaults to 3 groups of turbines, or one file per day. */
  files?: number;
  /** Per value cell (wind_speed, wind_direction, power_output): written as a missing spelling. */
  missingRate?: number;
  /** Per value cell: written outside its cleaning bounds. */
  outlierRate?: number;
  /** Per line: followed by another line for the same turbine and timestamp. */
  duplicateRate?: number;
  /** Per line: replaced by a line rejected at cleaning step 1. */
  malformedRate?: number;
  /** The ways a malformed line is broken, one drawn per line; all three by default. */
  malformedKinds?: readonly MalformedKind[];
  /** Per turbine reading: starts a stretch of missing power too long to impute. */
  gapRate?: number;
  /** Per line: moved later in the file, behind later readings of the same turbine. */
  outOfOrderRate?: number;
  /** The cleaner's IMPUTE_MAX_GAP_SECONDS: gaps are made long enough to defeat it. */
  imputeMaxGapSeconds?: number;
  /** Turbines that deliver only part of their power on some days (see derate.ts); none by default. */
  derates?: readonly Derate[];
  /**
   * The files' layout; `canonical` by default. Another layout writes the same readings and
   * messiness in that export's spelling, ignoring `format` except `finalNewline` (see `layouts/`).
   */
  layout?: Layout;
  format?: Partial<FormatOptions>;
}

export interface ResolvedOptions extends Required<Omit<GeneratorOptions, 'format'>> {
  format: FormatOptions;
  /** `start` as epoch milliseconds. */
  startMs: number;
}

export const DEFAULT_FORMAT: FormatOptions = Object.freeze({
  timestamps: 'naive',
  utcOffsetMinutes: 120,
  lineEnding: '\n',
  bom: false,
  quoteFields: false,
  columns: CHALLENGE_COLUMNS,
  extraColumn: null,
  finalNewline: true,
});

const RATE_KEYS = ['missingRate', 'outlierRate', 'duplicateRate', 'malformedRate', 'gapRate', 'outOfOrderRate'] as const;

/** Epoch ms of `YYYY-MM-DD` at midnight UTC, or NaN when it is not a real calendar date. */
export function parseStartDate(text: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return Number.NaN;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().startsWith(text) ? ms : Number.NaN;
}

function isPositiveInteger(value: number): boolean {
  return Number.isInteger(value) && value >= 1;
}

/**
 * Fills in the defaults (the challenge: 15 turbines, 2022-03-01, 31 days, hourly, 3 files by
 * turbine group, clean) and validates. Throws one RangeError naming every bad option.
 */
export function resolveOptions(options: GeneratorOptions = {}): ResolvedOptions {
  const turbines = options.turbines ?? 15;
  const days = options.days ?? 31;
  const by = options.by ?? 'turbine-group';
  const format: FormatOptions = { ...DEFAULT_FORMAT, ...options.format };
  const resolved: ResolvedOptions = {
    seed: options.seed ?? 'windmill',
    turbines,
    start: options.start ?? '2022-03-01',
    days,
    intervalSeconds: options.intervalSeconds ?? 3600,
    by,
    files: options.files ?? (by === 'day' ? days : Math.min(3, turbines)),
    missingRate: options.missingRate ?? 0,
    outlierRate: options.outlierRate ?? 0,
    duplicateRate: options.duplicateRate ?? 0,
    malformedRate: options.malformedRate ?? 0,
    malformedKinds: options.malformedKinds ?? MALFORMED_KINDS,
    gapRate: options.gapRate ?? 0,
    outOfOrderRate: options.outOfOrderRate ?? 0,
    imputeMaxGapSeconds: options.imputeMaxGapSeconds ?? 7200,
    derates: options.derates ?? [],
    layout: options.layout ?? 'canonical',
    format,
    startMs: 0,
  };
  resolved.startMs = parseStartDate(resolved.start);

  const problems: string[] = [];
  if (!isPositiveInteger(turbines)) problems.push(`turbines must be a positive integer (got ${turbines})`);
  if (!isPositiveInteger(days)) problems.push(`days must be a positive integer (got ${days})`);
  if (!isPositiveInteger(resolved.intervalSeconds)) {
    problems.push(`intervalSeconds must be a positive integer (got ${resolved.intervalSeconds})`);
  }
  if (Number.isNaN(resolved.startMs)) problems.push(`start must be a date YYYY-MM-DD (got ${resolved.start})`);
  if (by !== 'turbine-group' && by !== 'day') problems.push(`by must be turbine-group or day (got ${String(by)})`);
  const units = by === 'day' ? days : turbines;
  if (!isPositiveInteger(resolved.files) || resolved.files > units) {
    problems.push(
      `files must be an integer from 1 to the number of ${by === 'day' ? 'days' : 'turbines'} (${units}) (got ${resolved.files})`,
    );
  }
  for (const key of RATE_KEYS) {
    const rate = resolved[key];
    if (!(rate >= 0 && rate <= 1)) problems.push(`${key} must be a number from 0 to 1 (got ${rate})`);
  }
  if (!(resolved.imputeMaxGapSeconds >= 0)) problems.push(`imputeMaxGapSeconds must be >= 0 (got ${resolved.imputeMaxGapSeconds})`);
  problems.push(...derateProblems(resolved.derates, turbines, resolved.startMs, days));
  problems.push(...malformedKindProblems(resolved.malformedKinds));
  problems.push(...formatProblems(format));
  problems.push(...layoutProblems(resolved));
  if (problems.length > 0) throw new RangeError(`invalid generator options: ${problems.join('; ')}`);
  return resolved;
}

function formatProblems(format: FormatOptions): string[] {
  const problems: string[] = [];
  if (!TIMESTAMP_STYLES.includes(format.timestamps)) problems.push(`format.timestamps must be one of ${TIMESTAMP_STYLES.join(', ')}`);
  if (!Number.isInteger(format.utcOffsetMinutes) || Math.abs(format.utcOffsetMinutes) > 14 * 60) {
    problems.push('format.utcOffsetMinutes must be an integer within ±840');
  }
  if (format.lineEnding !== '\n' && format.lineEnding !== '\r\n') problems.push('format.lineEnding must be LF or CRLF');
  const unknown = format.columns.filter((c) => !(CHALLENGE_COLUMNS as readonly string[]).includes(c));
  const missing = REQUIRED_COLUMNS.filter((c) => !format.columns.includes(c));
  if (unknown.length > 0) problems.push(`format.columns has unknown names: ${unknown.join(', ')}`);
  if (missing.length > 0) problems.push(`format.columns lacks required: ${missing.join(', ')}`);
  if (new Set(format.columns).size !== format.columns.length) problems.push('format.columns repeats a name');
  const extra = format.extraColumn;
  if (extra !== null && (extra.trim() === '' || (CHALLENGE_COLUMNS as readonly string[]).includes(extra.trim().toLowerCase()))) {
    problems.push('format.extraColumn must be a non-empty name other than the data columns');
  }
  return problems;
}

function malformedKindProblems(kinds: readonly MalformedKind[]): string[] {
  const unknown = kinds.filter((k) => !(MALFORMED_KINDS as readonly string[]).includes(k));
  if (kinds.length === 0) return [`malformedKinds must name at least one of ${MALFORMED_KINDS.join(', ')}`];
  if (unknown.length > 0) return [`malformedKinds has unknown kinds: ${unknown.join(', ')} (known: ${MALFORMED_KINDS.join(', ')})`];
  if (new Set(kinds).size !== kinds.length) return ['malformedKinds repeats a kind'];
  return [];
}

/** What a layout cannot write with these options. */
function layoutProblems(o: ResolvedOptions): string[] {
  const { layout } = o;
  if (!(LAYOUTS as readonly string[]).includes(layout)) return [`layout must be one of ${LAYOUTS.join(', ')} (got ${String(layout)})`];
  if (layout === 'canonical') return [];
  const problems: string[] = [];
  const dropped = (['wind_speed', 'wind_direction'] as const).filter((c) => !o.format.columns.includes(c));
  if (dropped.length > 0) {
    problems.push(`layout ${layout} always writes wind speed and direction: format.columns cannot leave out ${dropped.join(', ')}`);
  }
  // Their timestamps have no seconds; the data set starts at midnight, so whole minutes suffice.
  if ((layout === 'single-turbine' || layout === 'european') && o.intervalSeconds % 60 !== 0) {
    problems.push(`layout ${layout} writes times without seconds: intervalSeconds must be a multiple of 60 (got ${o.intervalSeconds})`);
  }
  if (layout === 'single-turbine' && o.by === 'day' && o.files > 1) {
    problems.push(
      'layout single-turbine names each file after its turbine alone (T7.csv), so a turbine fits one file: use by turbine-group, or files 1',
    );
  }
  return problems;
}
