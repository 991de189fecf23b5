import { CHALLENGE_COLUMNS, type Column, type FormatOptions, type TimestampStyle } from './options.js';

/** One data line's cells as text, before column order and quoting are applied. */
export type RowCells = Record<Column, string>;

/** Builds a file's lines in a chosen spelling; lines come without their line ending. */
export interface LineFormat {
  /** Header line, with the BOM in front when asked for. */
  header: string;
  eol: string;
  /** Cells in output order for a row, the extra column (if any) last. */
  order(row: RowCells, turbineId: number): string[];
  /** Joins ordered cells into one line, quoting when asked for. */
  join(cells: readonly string[]): string;
  /** `join(order(row, turbineId))`, fast for the challenge's layout. */
  line(row: RowCells, turbineId: number): string;
}

/** A number with exactly one decimal, as the challenge writes speed and power (`15.0`, `-0.3`). */
export function formatTenths(value: number): string {
  const tenths = Math.round(value * 10);
  const abs = tenths < 0 ? -tenths : tenths;
  const text = `${Math.floor(abs / 10)}.${abs % 10}`;
  return tenths < 0 ? `-${text}` : text;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

const DAY_MS = 86_400_000;

/**
 * A formatter of instants (epoch ms, UTC) in one timestamp style: `2022-03-01 00:00:00` (naive
 * UTC wall time), `2022-03-01T00:00:00Z`, `2022-03-01T00:00:00.000Z`, or the same instant as
 * local time at `offsetMinutes`, e.g. `2022-03-01T02:00:00+02:00`. It remembers the last day's
 * date text, so formatting consecutive readings costs a few string concatenations each.
 */
export function createTimestampFormatter(style: TimestampStyle, offsetMinutes = 0): (epochMs: number) => string {
  const shift = style === 'iso-offset' ? offsetMinutes * 60_000 : 0;
  const abs = Math.abs(offsetMinutes);
  const offset = `${offsetMinutes < 0 ? '-' : '+'}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
  const suffix = style === 'naive' ? '' : style === 'iso-offset' ? offset : 'Z';
  const separator = style === 'naive' ? ' ' : 'T';
  let cachedDay = Number.NaN;
  let datePart = '';
  return (epochMs) => {
    const local = epochMs + shift;
    const day = Math.floor(local / DAY_MS);
    if (day !== cachedDay) {
      cachedDay = day;
      datePart = new Date(day * DAY_MS).toISOString().slice(0, 10) + separator;
    }
    const msOfDay = local - day * DAY_MS;
    const seconds = Math.floor(msOfDay / 1000);
    let time = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
    if (style === 'iso-ms-z') time += `.${String(msOfDay % 1000).padStart(3, '0')}`;
    return datePart + time + suffix;
  };
}

/** One instant in a timestamp style; see `createTimestampFormatter`. */
export function formatTimestamp(epochMs: number, style: TimestampStyle, offsetMinutes = 0): string {
  return createTimestampFormatter(style, offsetMinutes)(epochMs);
}

function quote(cell: string): string {
  return `"${cell.replaceAll('"', '""')}"`;
}

/** Header spelled like the columns it names; the BOM, when asked for, is its first character. */
export function createLineFormat(format: FormatOptions): LineFormat {
  const columns = [...format.columns];
  const extra = format.extraColumn;
  const join = format.quoteFields
    ? (cells: readonly string[]) => cells.map(quote).join(',')
    : (cells: readonly string[]) => cells.join(',');
  const headerCells = extra === null ? columns : [...columns, extra];
  // With quoting on, the ignored column holds a comma and a quote, so a reader that splits on
  // commas instead of parsing RFC 4180 gets the field count wrong.
  const extraValue = (turbineId: number): string =>
    format.quoteFields ? `park ${Math.ceil(turbineId / 5)}, "north"` : `park-${Math.ceil(turbineId / 5)}`;

  const order = (row: RowCells, turbineId: number): string[] => {
    const cells = columns.map((c) => row[c]);
    if (extra !== null) cells.push(extraValue(turbineId));
    return cells;
  };
  const plain = !format.quoteFields && extra === null && columns.join() === CHALLENGE_COLUMNS.join();
  return {
    header: `${format.bom ? '\uFEFF' : ''}${join(headerCells)}`,
    eol: format.lineEnding,
    order,
    join,
    line: plain
      ? (row) => `${row.timestamp},${row.turbine_id},${row.wind_speed},${row.wind_direction},${row.power_output}`
      : (row, turbineId) => join(order(row, turbineId)),
  };
}
