import { mapHeader, type ColumnMap } from '../domain/header.js';
import type { Bounds } from '../domain/measurement.js';
import { createRecordParser } from '../domain/record.js';
import { createSeriesCleaner } from '../domain/series-cleaner.js';
import { createTimestampParser } from '../domain/timestamp.js';
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

export type CleanResult = { ordered: true; totals: CleanedTotals } | { ordered: false };

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

  for await (const batch of batches) {
    const rows = batch.rows;
    for (let i = 0; i < rows.length; i++) {
      const fields = rows[i]!;
      const line = batch.firstLine + i;
      totals.lastLine = line;
      if (columns === null) {
        const header = mapHeader(fields);
        if (!header.ok) throw new FileFormatError(explainHeader(header.error, fields));
        columns = header.columns;
        totals.ignoredColumns = columns.ignored;
        parseRecord = createRecordParser(columns, createTimestampParser(settings.timeZone), settings.bounds);
        cleaner = createSeriesCleaner({ maxGapSeconds: settings.maxGapSeconds, bounds: settings.bounds, columns }, sink);
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
  cleaner!.finish();
  await target.drain();
  return { ordered: true, totals };
}

function explainHeader(error: string, fields: readonly string[]): string {
  const joined = fields.join(',');
  if (fields.length === 1 && /[;\t|]/.test(joined)) {
    return `${error}; the header has one column containing ';', tab or '|': Windmill reads comma-separated files`;
  }
  return error;
}
