/**
 * Timestamps in a profile's own format: strftime directives `%Y %y %m %d %H %I %p %M %S %f %b %z`
 * and literal text (`%%` is a literal percent sign). Parsing is strict about shape but, like
 * strptime, takes one or two digits for the month, day, hour, minute and second. Naive times are
 * read in a time zone with the DST rule of timestamp.ts; `%z` (`+0100`, `+01:00`, `Z`) carries its
 * own offset.
 */
import { daysFromCivil, isUtc, wallClockToUtc, type TimestampParser } from './timestamp.js';

const DIRECTIVES: Record<string, { group: string; source: string }> = {
  Y: { group: 'year', source: '(\\d{4})' },
  y: { group: 'year2', source: '(\\d{2})' },
  m: { group: 'month', source: '(\\d{1,2})' },
  d: { group: 'day', source: '(\\d{1,2})' },
  H: { group: 'hour', source: '(\\d{1,2})' },
  I: { group: 'hour12', source: '(\\d{1,2})' },
  p: { group: 'ampm', source: '([AaPp][Mm])' },
  M: { group: 'minute', source: '(\\d{1,2})' },
  S: { group: 'second', source: '(\\d{1,2})' },
  f: { group: 'fraction', source: '(\\d{1,9})' },
  b: { group: 'monthName', source: '([A-Za-z]{3})' },
  z: { group: 'offset', source: '(Z|[+-]\\d{2}:?\\d{2})' },
};
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

interface Compiled {
  regex: RegExp;
  groups: string[];
}

function compile(format: string): Compiled | string {
  let source = '^';
  const groups: string[] = [];
  for (let i = 0; i < format.length; i++) {
    const char = format[i]!;
    if (char !== '%') {
      source += /\s/.test(char) ? '\\s+' : char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
      continue;
    }
    const directive = format[++i];
    if (directive === '%') {
      source += '%';
      continue;
    }
    const known = directive === undefined ? undefined : DIRECTIVES[directive];
    if (!known)
      return `unknown directive %${directive ?? ''} (known: ${Object.keys(DIRECTIVES)
        .map((d) => `%${d}`)
        .join(' ')})`;
    if (groups.includes(known.group)) return `directive %${directive} appears twice`;
    groups.push(known.group);
    source += known.source;
  }
  const has = (g: string) => groups.includes(g);
  if (!has('year') && !has('year2')) return 'needs a year (%Y or %y)';
  if (has('year') && has('year2')) return 'has both %Y and %y';
  if (!has('month') && !has('monthName')) return 'needs a month (%m or %b)';
  if (has('month') && has('monthName')) return 'has both %m and %b';
  if (!has('day')) return 'needs a day (%d)';
  if (has('hour') && has('hour12')) return 'has both %H and %I';
  if (has('hour12') !== has('ampm')) return '%I and %p go together';
  if (!has('hour') && !has('hour12')) return 'needs an hour (%H, or %I with %p)';
  return { regex: new RegExp(`${source}$`), groups };
}

/** Why `format` cannot be used, or null when it can. */
export function checkTimestampFormat(format: string): string | null {
  const compiled = compile(format);
  return typeof compiled === 'string' ? compiled : null;
}

/**
 * A parser for `format`, reading naive times in `timeZone`: epoch ms, or null for text not in the
 * format or an impossible time (31.02., 24:00). Two-digit years are 1969-2068 (POSIX). Throws on
 * a format checkTimestampFormat refuses.
 */
export function createFormatParser(format: string, timeZone: string): TimestampParser {
  const compiled = compile(format);
  if (typeof compiled === 'string') throw new RangeError(`timestamp format ${JSON.stringify(format)}: ${compiled}`);
  const { regex, groups } = compiled;
  const at = Object.fromEntries(groups.map((g, i) => [g, i + 1])) as Record<string, number | undefined>;
  const toUtc = isUtc(timeZone) ? (wallMs: number) => wallMs : wallClockToUtc(timeZone);
  const read = (text: string): number | null => {
    const m = regex.exec(text.trim());
    if (m === null) return null;
    const num = (group: string, fallback: number) => (at[group] === undefined ? fallback : Number(m[at[group]!]));
    let year = num('year', Number.NaN);
    if (Number.isNaN(year)) {
      const two = num('year2', 0);
      year = two < 69 ? 2000 + two : 1900 + two;
    }
    const month = at.monthName === undefined ? num('month', 0) : MONTHS.indexOf(m[at.monthName]!.toLowerCase()) + 1;
    const day = num('day', 0);
    let hour = num('hour', 0);
    if (at.hour12 !== undefined) {
      const h12 = Number(m[at.hour12]);
      if (h12 < 1 || h12 > 12) return null;
      hour = (h12 % 12) + (m[at.ampm!]!.toLowerCase() === 'pm' ? 12 : 0);
    }
    const minute = num('minute', 0);
    const second = num('second', 0);
    const millis = at.fraction === undefined ? 0 : Number(m[at.fraction]!.slice(0, 3).padEnd(3, '0'));
    if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return null;
    const wallMs = daysFromCivil(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
    if (at.offset === undefined) return toUtc(wallMs);
    const offset = m[at.offset]!;
    if (offset === 'Z') return wallMs;
    const digits = offset.replace(':', '');
    const hours = Number(digits.slice(1, 3));
    const minutes = Number(digits.slice(3, 5));
    if (hours > 23 || minutes > 59) return null;
    return wallMs - (offset[0] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000;
  };
  // Exports repeat each timestamp once per turbine, so the previous answer is often the next one.
  let lastText = '';
  let lastValue: number | null = null;
  return (text) => {
    if (text === lastText) return lastValue;
    lastValue = read(text);
    lastText = text;
    return lastValue;
  };
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}
