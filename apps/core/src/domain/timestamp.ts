/**
 * Timestamp parsing: `YYYY-MM-DD HH:MM:SS` read as wall-clock time in a source time zone, or ISO
 * 8601 with `T`, optional fractional seconds and an optional `Z` / `±hh:mm` offset. Returns epoch
 * milliseconds (fractions below a millisecond are dropped), or null for anything unparseable or
 * impossible (2022-02-30, 24:00:00).
 *
 * Wall-clock times that a daylight-saving change makes ambiguous or impossible follow the usual
 * "compatible" rule: a repeated hour gives its first occurrence, a skipped hour is moved forward
 * by the length of the gap (02:30 on a spring-forward night becomes 03:30).
 */

export type TimestampParser = (text: string) => number | null;

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/i;

/** Like Date.UTC, but a year from 0 to 99 stays that year (Date.UTC reads 99 as 1999). */
function utcFromParts(year: number, monthIndex: number, day: number, hour = 0, minute = 0, second = 0, millis = 0): number {
  const date = new Date(Date.UTC(2000, 0, 1, hour, minute, second, millis));
  date.setUTCFullYear(year, monthIndex, day);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcFromParts(year, month, 0)).getUTCDate();
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Two ASCII digits at `i` as a number, or -1. */
function twoDigits(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (any year), without allocating a Date. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * The common case, `YYYY-MM-DD HH:MM:SS` (or with `T`) and nothing else, read without a regular
 * expression or any allocation: the wall-clock time as epoch ms, null when impossible, undefined
 * when the text has another shape (the general parser decides then).
 */
function parsePlainWallClock(text: string): number | null | undefined {
  if (text.length !== 19) return undefined;
  const c = (i: number) => text.charCodeAt(i);
  if (c(4) !== 45 || c(7) !== 45 || (c(10) !== 32 && c(10) !== 84) || c(13) !== 58 || c(16) !== 58) return undefined;
  const hi = twoDigits(text, 0);
  const lo = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  if (hi < 0 || lo < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  const year = hi * 100 + lo;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!)) return null;
  return daysFromCivil(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000;
}

export function createTimestampParser(timeZone: string): TimestampParser {
  const toUtc = isUtc(timeZone) ? (wallMs: number) => wallMs : wallClockToUtc(timeZone);
  // Exports repeat each timestamp once per turbine, so the previous answer is often the next one.
  let lastText = '';
  let lastValue: number | null = null;
  const parse = (text: string): number | null => {
    const plain = parsePlainWallClock(text);
    if (plain !== undefined) return plain === null ? null : toUtc(plain);
    return parseGeneral(text);
  };
  const parseGeneral = (text: string): number | null => {
    const m = PATTERN.exec(text.trim());
    if (m === null) return null;
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    const hour = Number(m[4]);
    const minute = Number(m[5]);
    const second = Number(m[6]);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
    if (hour > 23 || minute > 59 || second > 59) return null;
    const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
    const wallMs = utcFromParts(year, month - 1, day, hour, minute, second, millis);
    if (m[8] !== undefined) return wallMs;
    if (m[9] !== undefined) {
      const offsetHours = Number(m[10]);
      const offsetMinutes = Number(m[11]);
      if (offsetHours > 23 || offsetMinutes > 59) return null;
      const offsetMs = (offsetHours * 60 + offsetMinutes) * 60_000 * (m[9] === '-' ? -1 : 1);
      return wallMs - offsetMs;
    }
    return toUtc(wallMs);
  };
  return (text) => {
    if (text === lastText) return lastValue;
    lastValue = parse(text);
    lastText = text;
    return lastValue;
  };
}

export function isUtc(timeZone: string): boolean {
  return ['utc', 'etc/utc', 'gmt', 'etc/gmt', 'z'].includes(timeZone.toLowerCase());
}

/** Offsets change at most every 15 minutes in any real zone, so they are cached per quarter hour. */
const QUARTER_HOUR = 15 * 60_000;
const DAY = 86_400_000;

/** Wall-clock epoch ms in `timeZone` to UTC epoch ms, with the DST rule described at the top. */
export function wallClockToUtc(timeZone: string): (wallMs: number) => number {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    era: 'short',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const cache = new Map<number, number>();
  const offsetAt = (utcMs: number): number => {
    const key = Math.floor(utcMs / QUARTER_HOUR);
    let offset = cache.get(key);
    if (offset === undefined) {
      const instant = key * QUARTER_HOUR;
      const p = Object.fromEntries(format.formatToParts(instant).map((x) => [x.type, x.value]));
      // Intl writes ISO year 0 (1 BC) as year 1 of era BC.
      const year = p.era === 'BC' ? 1 - Number(p.year) : Number(p.year);
      const wall = utcFromParts(year, Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
      offset = wall - instant;
      if (cache.size > 200_000) cache.clear();
      cache.set(key, offset);
    }
    return offset;
  };
  return (wallMs) => {
    const before = offsetAt(wallMs - DAY);
    const after = offsetAt(wallMs + DAY);
    const candidates = [...new Set([before, after])].map((offset) => wallMs - offset).filter((utc) => utc + offsetAt(utc) === wallMs);
    if (candidates.length > 0) return Math.min(...candidates);
    // Skipped by a spring-forward change: keep the offset in force before it, which lands after the gap.
    return wallMs - before;
  };
}
