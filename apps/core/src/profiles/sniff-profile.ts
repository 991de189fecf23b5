/**
 * `npm run profile`'s core: guesses an input profile (SPEC section 8) from the first bytes of an
 * export, each guess with its reason, and names what it cannot decide. The steps run in order:
 * encoding, layout (delimiter, preamble, header), columns, values (decimal separator, timestamp
 * format, units, missing values), turbine, name and match. Pure: the caller reads the file.
 */
import { escape } from 'minimatch';
import { parseInputProfiles, ProfileError, type WrittenProfile } from './input-profile.js';
import { sniffColumns, type ColumnField } from './sniff-columns.js';
import { sniffEncoding } from './sniff-encoding.js';
import { sniffLayout } from './sniff-layout.js';
import { sniffTimestampFormat } from './sniff-timestamp.js';
import { sniffTurbine } from './sniff-turbine.js';
import { readNumber, sniffDecimalSeparator, sniffMissingValues, sniffPowerUnit, sniffWindSpeedUnit } from './sniff-values.js';

/** How much of a file the sniffer is meant to see. */
export const SNIFF_HEAD_BYTES = 256 * 1024;

export interface SniffResult {
  /** A profile that loads the file; fields in `undecided` hold a proposal or a `FILL IN` placeholder. */
  profile: WrittenProfile;
  /** One line per field: what was chosen and why. */
  notes: string[];
  /** `field: hint` for each field a user must fill in or check. */
  undecided: string[];
}

const FIELD_WORDS: Record<ColumnField, string> = {
  timestamp: 'the time',
  power_output: 'the active power',
  wind_speed: 'the wind speed',
  wind_direction: 'the wind direction',
  turbine_id: 'the turbine name',
};

/**
 * Sniffs a profile from `head`, the first bytes of the file called `fileName` (a path or a bare
 * name; only the bare name is used). A head of SNIFF_HEAD_BYTES or more may end inside a line
 * or a character: its last line is left out unless it ends with a newline. The result always
 * validates with parseInputProfiles: a required column it cannot find is written as
 * `FILL IN: <field>` and listed in `undecided`, as is a guess a user must confirm (day-first or
 * month-first, a unit the values cannot tell). Edge cases: an empty or binary head gives a
 * profile of placeholders and says why.
 */
export function sniffProfile({ fileName, head }: { fileName: string; head: Buffer }): SniffResult {
  const bareName = fileName.split(/[\\/]/).pop() || fileName;
  const mayBeCut = head.length >= SNIFF_HEAD_BYTES;
  const notes: string[] = [];
  const undecided: string[] = [];
  const take = (guess: { note: string; undecided: string | null }) => {
    notes.push(guess.note);
    if (guess.undecided !== null) undecided.push(guess.undecided);
  };

  const encoding = sniffEncoding(head, mayBeCut);
  take(encoding);
  // Line ends as the loader's head scanner reads them: \n, \r\n or \r.
  const lines = encoding.text.split(/\r\n|\n|\r/);
  if (/[\r\n]$/.test(encoding.text) || (mayBeCut && lines.length > 1)) lines.pop(); // the empty rest, or a line maybe cut
  const layout = encoding.undecided === null ? sniffLayout(lines) : sniffLayout([]);
  notes.push(...layout.notes);
  undecided.push(...layout.undecided);

  const found = sniffColumns(layout.header);
  const columns: Partial<Record<ColumnField, string>> = {};
  for (const field of ['timestamp', 'power_output', 'wind_speed', 'wind_direction'] as const) {
    const guess = found[field];
    if (guess) {
      const others = guess.passedOver.slice(0, 3).map((name) => JSON.stringify(name));
      const more = guess.passedOver.length > 3 ? ` and ${guess.passedOver.length - 3} more` : '';
      notes.push(
        `columns.${field}: ${JSON.stringify(guess.name)} (named like ${FIELD_WORDS[field]}${others.length ? `; passed over ${others.join(', ')}${more}` : ''})`,
      );
      columns[field] = guess.name;
    } else if (field === 'timestamp' || field === 'power_output') {
      columns[field] = `FILL IN: ${field}`;
      notes.push(`columns.${field}: undecided (no column is named like ${FIELD_WORDS[field]})`);
      undecided.push(`columns.${field}: no column is named like ${FIELD_WORDS[field]}; write the header name of the column that holds it`);
    } else notes.push(`columns.${field}: none (no column is named like ${FIELD_WORDS[field]}; stored as NULL)`);
  }

  const cellsOf = (field: ColumnField) => {
    const index = found[field]?.index;
    return index === undefined ? [] : layout.rows.map((row) => row[index] ?? '');
  };
  const numericCells = [...cellsOf('power_output'), ...cellsOf('wind_speed'), ...cellsOf('wind_direction')];
  const decimal = sniffDecimalSeparator(numericCells, layout.delimiter);
  take(decimal);
  const numbers = (field: ColumnField) =>
    cellsOf(field)
      .map((cell) => readNumber(cell, decimal.value))
      .filter((n): n is number => n !== null);
  const format = found.timestamp
    ? sniffTimestampFormat(
        cellsOf('timestamp')
          .map((v) => v.trim())
          .filter((v) => v !== ''),
      )
    : null;
  if (format) take(format);
  const timezone = timezoneIn(layout.preamble);
  notes.push(
    timezone
      ? `timezone: ${JSON.stringify(timezone.zone)} (from the preamble line ${JSON.stringify(timezone.line)})`
      : 'timezone: not set (naive times are read in SOURCE_TIMEZONE; set an IANA zone if the export writes local times)',
  );
  const power = sniffPowerUnit(found.power_output?.name ?? '', numbers('power_output'));
  if (found.power_output) take(power);
  const wind = sniffWindSpeedUnit(found.wind_speed?.name ?? '', numbers('wind_speed'));
  if (found.wind_speed) take(wind);

  const turbineColumn = found.turbine_id ? { name: found.turbine_id.name, names: cellsOf('turbine_id') } : null;
  const turbine = sniffTurbine(layout.preamble, turbineColumn, bareName);
  take(turbine);
  if (turbine.value.from === 'column') columns.turbine_id = found.turbine_id!.name;
  const missing = sniffMissingValues(numericCells, decimal.value);
  take(missing);

  const name = profileName(bareName);
  notes.push(`name: ${JSON.stringify(name)} (from the file name)`);
  const match = escape(bareName, { magicalBraces: true });
  notes.push(
    `match: ${JSON.stringify(match)} (this file only; widen it to a glob such as ${JSON.stringify(suggestedGlob(bareName))} for every file of this layout)`,
  );

  const profile: WrittenProfile = {
    name,
    match,
    encoding: encoding.encoding,
    delimiter: layout.delimiter,
    decimalSeparator: decimal.value,
    ...(layout.skipLines > 0 ? { skipLines: layout.skipLines } : {}),
    ...(layout.commentPrefix !== null ? { commentPrefix: layout.commentPrefix } : {}),
    ...(layout.headerPrefix !== null ? { headerPrefix: layout.headerPrefix } : {}),
    ...(missing.value.length > 0 ? { missingValues: missing.value } : {}),
    columns,
    timestampFormat: format?.format ?? null,
    ...(timezone ? { timezone: timezone.zone } : {}),
    units: { power_output: power.value, wind_speed: wind.value },
    turbine: turbine.value,
  };
  try {
    parseInputProfiles({ profiles: [profile] });
  } catch (error) {
    if (!(error instanceof ProfileError)) throw error;
    undecided.push(...error.problems.map((problem) => `profile: ${problem}`));
  }
  return { profile, notes, undecided };
}

/** A time zone named in the preamble (`# Time zone: UTC`), when it is one Intl knows. */
function timezoneIn(preamble: readonly string[]): { zone: string; line: string } | null {
  for (const line of preamble) {
    const m = /time ?zone\s*[:=]\s*([A-Za-z_]+(?:\/[A-Za-z_+-]+)*)\s*$/i.exec(line);
    if (!m) continue;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: m[1]! });
      return { zone: m[1]!, line };
    } catch {
      // not a zone Intl knows ("local", "CET+DST"): leave it to the user
    }
  }
  return null;
}

/** A profile name from a file name: letters, digits and `-`, lower case, at most 64 characters. */
function profileName(bareName: string): string {
  const name = bareName
    .replace(/\.[^.]*$/, '')
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .toLowerCase()
    .slice(0, 64)
    .replace(/^-+|-+$/g, '');
  return name || 'profile';
}

/** A glob for files named like this one: the name up to its first digit, then `*` and the extension. */
function suggestedGlob(bareName: string): string {
  const dot = bareName.lastIndexOf('.');
  const extension = dot > 0 ? bareName.slice(dot) : '';
  const stem = dot > 0 ? bareName.slice(0, dot) : bareName;
  const digit = stem.search(/\d/);
  return `${escape(digit === -1 ? '' : stem.slice(0, digit), { magicalBraces: true })}*${escape(extension, { magicalBraces: true })}`;
}
