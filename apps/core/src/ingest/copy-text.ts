import type { CleanReading, Rejection } from '../domain/types.js';

/**
 * A file's outcomes as lines of Postgres COPY text for the staging table (see staging.ts for its
 * columns): readings as `r` lines, rejected lines as `x` lines. Pure, so the parse threads can
 * produce them and hand over ready-made text.
 */

function num(value: number | null): string {
  return value === null ? '\\N' : String(value);
}

const flag = (value: boolean) => (value ? 't' : 'f');

/** COPY text format: backslash, tab and line breaks must be escaped inside a value. */
export function escapeCopyText(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

export function readingCopyLine(r: CleanReading): string {
  return (
    `r\t${r.line}\t${r.turbineId}\t${r.ts}\t${num(r.windSpeed)}\t${num(r.windDirection)}\t${r.power}\t` +
    `${flag(r.windSpeedImputed)}\t${flag(r.windDirectionImputed)}\t${flag(r.powerImputed)}\t\\N\t\\N\t\\N\n`
  );
}

export function rejectionCopyLine(r: Rejection): string {
  return `x\t${r.line}\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t${r.reason}\t${escapeCopyText(r.raw)}\t${escapeCopyText(r.detail)}\n`;
}
