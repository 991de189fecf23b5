/** What every layout of the generator provides (see `layouts.ts` for the four of them). */
import type { LineFormat } from '../line-format.js';
import type { ResolvedOptions } from '../options.js';
import type { PlannedFile } from '../planner.js';

/** How a file's text is turned into bytes: `latin1` is windows-1252 for text without 0x80-0x9F. */
export type LayoutEncoding = 'utf-8' | 'latin1';

/** One output file of a layout. */
export interface LayoutFile {
  /** File name in the output folder. */
  name: string;
  /** The canonical planned file whose lines it holds: all of them, or one turbine's. */
  source: PlannedFile;
  /** The turbine whose lines it holds, or null for every turbine of `source`. */
  turbineId: number | null;
  encoding: LayoutEncoding;
}

export interface LayoutSpec {
  /** The files made of one canonical planned file, in turbine order. */
  files(o: ResolvedOptions, source: PlannedFile): LayoutFile[];
  /** A file's lines before its data, joined by the line format's `eol`, the column header last. */
  header(o: ResolvedOptions, file: LayoutFile): string;
  /**
   * The data lines' spelling for the whole data set, given the canonical cells (a naive UTC
   * timestamp, the turbine id, MW). Its own `header` is not used. Messiness calls `line` with a
   * `turbine_id` cell other than `String(turbineId)` for a bad-turbine line.
   */
  lineFormat(o: ResolvedOptions): LineFormat;
  /** Lines before the header (the header is one line): data line numbers are shifted by this. */
  preambleLines: number;
}

/** `YYYY-MM-DD` of day `day` counted from the data set's first day. */
export function dayOf(o: ResolvedOptions, day: number): string {
  return new Date(o.startMs + day * 86_400_000).toISOString().slice(0, 10);
}

/** A whole file for each turbine of `source`, named by `name`. */
export function filePerTurbine(source: PlannedFile, encoding: LayoutEncoding, name: (turbineId: number) => string): LayoutFile[] {
  return source.turbineIds.map((turbineId) => ({ name: name(turbineId), source, turbineId, encoding }));
}
