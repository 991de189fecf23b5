/**
 * The timestamp format of a sniffed profile, decided from the values rather than assumed. Pure.
 */
import { createFormatParser } from '../domain/timestamp-format.js';
import { createTimestampParser } from '../domain/timestamp.js';

export interface FormatGuess {
  /** A strftime format, or null for the canonical formats. */
  format: string | null;
  note: string;
  undecided: string | null;
}

type Order = 'ymd' | 'dmy' | 'mdy' | 'named';

interface Candidate {
  format: string;
  order: Order;
  /** The same format with day and month swapped, for dmy and mdy. */
  swapped: string | null;
}

/** A format fits when at least this share of the values reads with it. */
const FIT = 0.9;

const TIMES = ['%H:%M:%S', '%H:%M', '%H:%M:%S.%f', '%I:%M:%S %p', '%I:%M %p'];

function candidates(): Candidate[] {
  const dates: { date: string; order: Order; swapped: string | null }[] = [];
  for (const sep of ['-', '/', '.', ' ']) {
    dates.push({ date: `%Y${sep}%m${sep}%d`, order: 'ymd', swapped: null });
    for (const year of ['%Y', '%y']) {
      const dayFirst = `%d${sep}%m${sep}${year}`;
      const monthFirst = `%m${sep}%d${sep}${year}`;
      dates.push({ date: dayFirst, order: 'dmy', swapped: monthFirst }, { date: monthFirst, order: 'mdy', swapped: dayFirst });
    }
  }
  for (const date of ['%d-%b-%Y', '%d %b %Y', '%d-%b-%y', '%d/%b/%Y', '%b %d %Y']) dates.push({ date, order: 'named', swapped: null });
  const list: Candidate[] = [];
  for (const { date, order, swapped } of dates) {
    for (const time of TIMES) {
      for (const join of order === 'ymd' ? [' ', 'T'] : [' ']) {
        list.push({ format: `${date}${join}${time}`, order, swapped: swapped === null ? null : `${swapped}${join}${time}` });
      }
    }
  }
  return list;
}

const CANDIDATES = candidates();

/**
 * The format of `values` (a timestamp column's first non-empty cells). The canonical formats
 * (ISO 8601, `YYYY-MM-DD HH:MM:SS`) give null when every value reads with them; otherwise each
 * candidate strftime format is tried and the one that reads the most values wins (90 % at
 * least). Day-first or month-first is decided by a value whose first number is above 12 (or
 * whose second is); when every value reads both ways the guess is day-first (month-first with
 * AM/PM) and `undecided` says so. No fitting format leaves it undecided, with examples.
 */
export function sniffTimestampFormat(values: readonly string[]): FormatGuess {
  if (values.length === 0) {
    return {
      format: null,
      note: 'timestampFormat: null (no timestamp values to read in the first lines)',
      undecided:
        'timestampFormat: no timestamp values in the first lines to decide from; write the strftime format of the timestamp column',
    };
  }
  const example = JSON.stringify(values[0]);
  const canonical = createTimestampParser('UTC');
  if (values.every((value) => canonical(value) !== null)) {
    return {
      format: null,
      note: `timestampFormat: null, the canonical formats (all ${values.length} values read as ISO 8601, e.g. ${example})`,
      undecided: null,
    };
  }
  let best: Candidate[] = [];
  let bestRead = 0;
  for (const candidate of CANDIDATES) {
    const read = readCount(candidate.format, values, bestRead);
    if (read > bestRead) {
      best = [candidate];
      bestRead = read;
    } else if (read === bestRead && read > 0) best.push(candidate);
  }
  if (bestRead < values.length * FIT) {
    const shown = values
      .slice(0, 3)
      .map((v) => JSON.stringify(v))
      .join(', ');
    const dateOnly = values.every((value) => /^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}$/.test(value.trim()));
    const hint = dateOnly ? ' (dates without a time: is the time in another column? the loader reads one timestamp column)' : '';
    return {
      format: null,
      note: `timestampFormat: undecided (no known format reads values such as ${shown}${hint})`,
      undecided: `timestampFormat: no known format reads ${shown}${hint}; write their strftime format (%Y %m %d %H %M %S ...)`,
    };
  }
  const share = bestRead === values.length ? `all ${values.length} values` : `${bestRead} of ${values.length} values`;
  const chosen = best[0]!;
  if (chosen.order !== 'dmy' && chosen.order !== 'mdy') {
    return {
      format: chosen.format,
      note: `timestampFormat: ${JSON.stringify(chosen.format)} (${share} read with it, e.g. ${example})`,
      undecided: null,
    };
  }
  const bothWays = best.some((c) => c.format === chosen.swapped);
  if (!bothWays) {
    const decisive = values.find((value) => firstNumbers(value).some((n, i) => i < 2 && n > 12)) ?? values[0]!;
    const [first] = firstNumbers(decisive);
    const which = chosen.order === 'dmy' ? 'day-first' : 'month-first';
    const why = chosen.order === 'dmy' ? `${first} cannot be a month` : `its second number cannot be a month`;
    return {
      format: chosen.format,
      note: `timestampFormat: ${JSON.stringify(chosen.format)} (${share} read with it; ${which}: ${JSON.stringify(decisive)}, where ${why})`,
      undecided: null,
    };
  }
  const proposed = best.find((c) => c.order === (chosen.format.includes('%p') ? 'mdy' : 'dmy'))!;
  const other = proposed.swapped!;
  return {
    format: proposed.format,
    note: `timestampFormat: ${JSON.stringify(proposed.format)} proposed (${share} read both day-first and month-first: no day above 12 in them, e.g. ${example})`,
    undecided:
      `timestampFormat: every value read has day and month both 12 or less, so day-first cannot be told from month-first; ` +
      `${JSON.stringify(proposed.format)} is proposed, write ${JSON.stringify(other)} if the export is month-first`,
  };
}

/** How many of `values` read with `format`; stops early once it cannot beat `toBeat` or reach 90 %. */
function readCount(format: string, values: readonly string[], toBeat: number): number {
  const parse = createFormatParser(format, 'UTC');
  const allowedMisses = Math.min(values.length - toBeat, Math.floor(values.length * (1 - FIT)));
  let misses = 0;
  let read = 0;
  for (const value of values) {
    if (parse(value) !== null) read++;
    else if (++misses > allowedMisses) return 0;
  }
  return read;
}

const firstNumbers = (value: string) => (value.match(/\d+/g) ?? []).slice(0, 2).map(Number);
