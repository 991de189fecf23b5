import { mapHeader, type ColumnMap } from '../domain/header.js';
import type { Bounds } from '../domain/measurement.js';
import { CANONICAL_READING, createRecordParser, type RecordReading } from '../domain/record.js';
import type { LoadedRanges } from '../domain/loaded-ranges.js';
import { createSeriesCleaner } from '../domain/series-cleaner.js';
import { createTimestampParser, type TimestampParser } from '../domain/timestamp.js';
import { createFormatParser } from '../domain/timestamp-format.js';
import { turbineName, type InputProfile } from '../profiles/input-profile.js';
import { fileTurbine, mapProfileHeader, numericTurbineId, profileReading } from '../profiles/profile-mapper.js';
import type { CleanReading, OutcomeSink, ParsedRow, Rejection } from '../domain/types.js';
import type { RecordBatch } from './read-records.js';
import { FileFormatError } from './errors.js';

/**
 * A file whose rows are not in time order per turbine is sorted in memory; past this many rows
 * it is refused instead (see the README), which keeps memory bounded whatever the file.
 */
export const MAX_UNSORTED_ROWS = 1_000_000;
/** ...and the text they keep to explain a later rejection stays under this many characters. */
const MAX_UNSORTED_TEXT = 32 * 1024 * 1024;
/**
 * A file is not telemetry when more than this many of its lines are rejected and they are the
 * majority of the lines so far: it fails instead of filling `rejected_row`.
 */
export const MAX_REJECTED_LINES = 100_000;
const NO_FIELDS: readonly string[] = [];
/** The held rows of this many turbines are settled between two hand-overs at the end of a file. */
const FINISH_TURBINES = 1024;

export interface CleaningSettings {
  timeZone: string;
  bounds: Bounds;
  maxGapSeconds: number;
}

export interface CleanedTotals {
  rowsTotal: number;
  rowsLoaded: number;
  rowsImputed: number;
  rowsDuplicate: number;
  rowsRejected: number;
  lastLine: number;
  ignoredColumns: string[];
}

export interface CleanTarget {
  reading(r: CleanReading): void;
  rejection(r: Rejection): void;
  /** Awaited after each line: lets the writer apply back-pressure. */
  drain(): Promise<void>;
}

/** `ranges`: what was loaded per turbine (see loaded-ranges.ts). */
export type CleanResult = { ordered: true; totals: CleanedTotals; ranges: LoadedRanges } | { ordered: false };

/** Gives each turbine name that is not a positive integer its id (the database's), in order. */
export type ResolveTurbines = (names: string[]) => Promise<number[]>;

/** What the file is read as: the canonical layout (profile null) or a profile's. */
export interface FileReading {
  profile: InputProfile | null;
  /** The file's bare name, for a profile's `turbine.from = "fileName"`. */
  fileName: string;
  resolveTurbines: ResolveTurbines;
}

const CANONICAL_FILE: FileReading = {
  profile: null,
  fileName: '',
  resolveTurbines: () => Promise.reject(new Error('the canonical layout has no turbine names to resolve')),
};

/**
 * Runs the cleaning core over a file's records: header first, then every line through the record
 * parser and the series cleaner, outcomes into `target`. In `ordered` mode (the normal case) rows
 * stream straight through; the first row that is earlier than its turbine's latest stops the run
 * with `{ ordered: false }`, and the caller starts again in `sorted` mode, which holds the parsed
 * rows and sorts them per turbine before cleaning.
 */
export async function cleanRecords(
  batches: AsyncIterable<RecordBatch>,
  settings: CleaningSettings,
  target: CleanTarget,
  mode: 'ordered' | 'sorted',
  onProgress?: (lines: number) => void,
  file: FileReading = CANONICAL_FILE,
): Promise<CleanResult> {
  const totals: CleanedTotals = {
    rowsTotal: 0,
    rowsLoaded: 0,
    rowsImputed: 0,
    rowsDuplicate: 0,
    rowsRejected: 0,
    lastLine: 0,
    ignoredColumns: [],
  };
  const sink: OutcomeSink = {
    loaded(r) {
      totals.rowsLoaded++;
      if (r.windSpeedImputed || r.windDirectionImputed || r.powerImputed) totals.rowsImputed++;
      target.reading(r);
    },
    duplicate() {
      totals.rowsDuplicate++;
    },
    rejected(r) {
      totals.rowsRejected++;
      if (totals.rowsRejected > MAX_REJECTED_LINES && totals.rowsRejected * 2 > totals.rowsTotal) {
        throw new FileFormatError(
          `more than ${MAX_REJECTED_LINES} lines rejected, most of the file so far (line ${r.line}: ${r.reason}, ${r.detail.slice(0, 100)}): not a telemetry CSV`,
        );
      }
      target.rejection(r);
    },
  };
  let columns: ColumnMap | null = null;
  let parseRecord: ReturnType<typeof createRecordParser> | null = null;
  let cleaner: ReturnType<typeof createSeriesCleaner> | null = null;
  const held: ParsedRow[] = [];
  let heldText = 0;
  const refuseUnsorted = () =>
    new FileFormatError(
      `the rows are not in time order per turbine and the file has more than ${MAX_UNSORTED_ROWS} of them: ` +
        'sort it by timestamp or split it into smaller files',
    );

  /** Turbine names seen lately and their ids, for a profile that reads names from a column. */
  let names: Map<string, number> | null = null;

  for await (const batch of batches) {
    const rows = batch.rows;
    if (names !== null && columns !== null) await resolveNames(rows, columns.turbineId, names, file.resolveTurbines);
    for (let i = 0; i < rows.length; i++) {
      const fields = rows[i]!;
      const line = batch.firstLine + i;
      totals.lastLine = line;
      if (columns === null) {
        const header = file.profile === null ? mapHeader(fields) : mapProfileHeader(fields, file.profile);
        if (!header.ok) throw new FileFormatError(file.profile === null ? explainHeader(header.error, fields) : header.error);
        columns = header.columns;
        totals.ignoredColumns = columns.ignored;
        let reading = CANONICAL_READING;
        let parseTimestamp = createTimestampParser(settings.timeZone);
        if (file.profile !== null) {
          ({ reading, parseTimestamp, names } = await readingFor(file, batch.preamble ?? [], settings));
        }
        parseRecord = createRecordParser(columns, parseTimestamp, settings.bounds, reading);
        cleaner = createSeriesCleaner({ maxGapSeconds: settings.maxGapSeconds, bounds: settings.bounds, columns, reading }, sink);
        continue;
      }
      totals.rowsTotal++;
      const result = parseRecord!(fields, line);
      if (!result.ok) sink.rejected(result.rejection);
      else if (mode === 'sorted') {
        if (held.length >= MAX_UNSORTED_ROWS) throw refuseUnsorted();
        // Fields are only needed to explain a missing-power rejection; dropping them keeps held rows small.
        if (result.row.power === null) {
          for (const f of fields) heldText += f.length;
          if (heldText > MAX_UNSORTED_TEXT) throw refuseUnsorted();
          held.push(result.row);
        } else held.push({ ...result.row, fields: NO_FIELDS });
      } else if (!cleaner!.push(result.row)) return { ordered: false };
    }
    await target.drain();
    onProgress?.(totals.rowsTotal);
  }
  if (columns === null) throw new FileFormatError('the file is empty: no header line');
  if (mode === 'sorted') {
    held.sort((a, b) => a.turbineId - b.turbineId || a.ts - b.ts || a.line - b.line);
    for (const [i, row] of held.entries()) {
      cleaner!.push(row);
      if ((i & 0x3ff) === 0) await target.drain();
    }
  }
  // A turbine's last row is held until the end: with many turbines, many rows are settled here.
  while (!cleaner!.finish(FINISH_TURBINES)) await target.drain();
  await target.drain();
  return { ordered: true, totals, ranges: cleaner!.ranges() };
}

/** A canonical-layout header that does not fit: what is wrong, and where other layouts are described. */
function explainHeader(error: string, fields: readonly string[]): string {
  const joined = fields.join(',');
  const hint =
    'if this is another layout (a vendor export), describe it in an input profile (INPUT_PROFILES; `npm run profile -- FILE` writes one)';
  if (fields.length === 1 && /[;\t|]/.test(joined)) {
    return `${error}; the header has one column containing ';', tab or '|': the canonical layout is comma-separated; ${hint}`;
  }
  return `${error}; ${hint}`;
}

/** A profile's reading of the file: its cells, its timestamps and its turbine (resolved to an id). */
async function readingFor(
  file: FileReading,
  preamble: readonly string[],
  settings: CleaningSettings,
): Promise<{ reading: RecordReading; parseTimestamp: TimestampParser; names: Map<string, number> | null }> {
  const profile = file.profile!;
  const zone = profile.timezone ?? settings.timeZone;
  const parseTimestamp = profile.timestampFormat === null ? createTimestampParser(zone) : createFormatParser(profile.timestampFormat, zone);
  const whole = fileTurbine(profile, file.fileName, preamble);
  if (whole === null) {
    const names = new Map<string, number>();
    return { reading: profileReading(profile, { kind: 'name', ids: names, nameOf: turbineName }), parseTimestamp, names };
  }
  if (!whole.ok) throw new FileFormatError(whole.error);
  const id = numericTurbineId(whole.name) ?? (await file.resolveTurbines([whole.name]))[0]!;
  return { reading: profileReading(profile, { kind: 'file', id }), parseTimestamp, names: null };
}

/**
 * Names kept with their ids between batches. A file naming more turbines starts over (the names of
 * a batch are then asked for again, and get the ids they were given), so memory does not grow
 * with the turbines in the file.
 */
export const MAX_KNOWN_NAMES = 50_000;

/** Adds the ids of the batch's new turbine names to `names` (numbers are their own ids). */
async function resolveNames(
  rows: readonly string[][],
  column: number,
  names: Map<string, number>,
  resolve: ResolveTurbines,
): Promise<void> {
  if (names.size > MAX_KNOWN_NAMES) names.clear();
  const unknown = new Set<string>();
  for (const fields of rows) {
    const text = fields[column];
    if (text === undefined) continue;
    const name = turbineName(text);
    if (name === null || names.has(name)) continue;
    const id = numericTurbineId(name);
    if (id !== null) names.set(name, id);
    else unknown.add(name);
  }
  if (unknown.size === 0) return;
  const wanted = [...unknown];
  const ids = await resolve(wanted);
  wanted.forEach((name, i) => names.set(name, ids[i]!));
}
