import { formatTenths, type LineFormat, type RowCells } from './line-format.js';
import { MALFORMED_KINDS, type MalformedKind, type ResolvedOptions } from './options.js';
import type { Random } from './prng.js';
import type { Reading } from './value-model.js';

/**
 * Turns clean readings into the lines a messy export would hold: missing and out-of-range cells,
 * repeated readings, broken lines, long power gaps and lines moved out of time order. Every
 * choice comes from the file's own Random, so the same file always gets the same damage.
 */

/** The spellings the reader takes as missing; each is written in a random mix of upper and lower case. */
export const MISSING_SPELLINGS = ['', 'NA', 'NaN', 'null', '-'] as const;

/** A missing-value spelling such as `NA`, `nan`, `NuLl`, `-` or an empty cell. */
export function missingSpelling(random: Random): string {
  const base = random.pick(MISSING_SPELLINGS);
  let out = '';
  for (const ch of base) out += random.chance(0.5) ? ch.toUpperCase() : ch.toLowerCase();
  return out;
}

type ValueColumn = 'wind_speed' | 'wind_direction' | 'power_output';
const VALUE_COLUMNS: readonly ValueColumn[] = ['wind_speed', 'wind_direction', 'power_output'];

/**
 * A value strictly outside the cleaning bounds of its column: wind speed negative or above 50,
 * direction negative or 360 and up, power negative or above 20. Half are below, half above.
 */
export function outlierValue(column: ValueColumn, random: Random): string {
  const low = random.chance(0.5);
  switch (column) {
    case 'wind_speed':
      return formatTenths(low ? -random.between(0.1, 20) : random.between(50.1, 150));
    case 'wind_direction':
      return String(low ? -1 - random.int(180) : 360 + random.int(360));
    case 'power_output':
      return formatTenths(low ? -random.between(0.1, 5) : random.between(20.1, 60));
  }
}

/** Timestamps a strict reader must refuse. */
const BAD_TIMESTAMPS = ['2022-13-01 00:00:00', '2022-03-01 25:00:00', '2022-03-01 10:61:00', 'yesterday', '01/03/2022 00:00', ''];

/**
 * A line rejected at cleaning step 1: wrong field count, bad timestamp or bad turbine id, one of
 * `kinds` drawn at random (with the default three, the draw is the one this always made). A bad
 * turbine id reaches `format.line` as a `turbine_id` cell other than `String(turbineId)`.
 */
export function malformedLine(
  row: RowCells,
  turbineId: number,
  format: LineFormat,
  random: Random,
  kinds: readonly MalformedKind[] = MALFORMED_KINDS,
): string {
  const kind = kinds[random.int(kinds.length)];
  if (kind === 'column_count') {
    const cells = format.order(row, turbineId);
    if (random.chance(0.5)) cells.pop();
    else cells.push('0.0');
    return format.join(cells);
  }
  const broken: RowCells =
    kind === 'bad_timestamp'
      ? { ...row, timestamp: random.pick(BAD_TIMESTAMPS) }
      : { ...row, turbine_id: random.pick(['0', `-${turbineId}`, `T${turbineId}`, `${turbineId}.5`, '', 'abc']) };
  return format.line(broken, turbineId);
}

/**
 * Fewest consecutive missing power readings such that every one of them is more than
 * `maxGapSeconds` from a valid neighbour on at least one side, so interpolation gives up.
 */
export function minGapSteps(intervalSeconds: number, maxGapSeconds: number): number {
  let steps = 1;
  while (Math.ceil((steps + 1) / 2) * intervalSeconds <= maxGapSeconds) steps += 1;
  return steps;
}

/** A line to write and the slot (position in the file's turbine list) of the turbine it is about. */
export interface InjectedLine {
  slot: number;
  text: string;
}

export interface Injector {
  /** Lines to write now for one reading (possibly none, possibly earlier moved lines too). */
  lines(timestamp: string, turbineSlot: number, turbineId: number, reading: Reading): InjectedLine[];
  /** Moved lines still held back at the end of the file. */
  flush(): InjectedLine[];
}

/** An injector for one file of `turbineCount` turbines, rows ordered by time then turbine. */
export function createInjector(o: ResolvedOptions, format: LineFormat, random: Random, turbineCount: number): Injector {
  const gapLeft = new Int32Array(turbineCount);
  const gapSteps = minGapSteps(o.intervalSeconds, o.imputeMaxGapSeconds);
  const held: Array<{ at: number; lines: InjectedLine[] }> = [];
  let seen = 0;

  const spoil = (row: RowCells, turbineId: number, inGap: boolean): string => {
    let out = row; // copied only when a cell changes: most lines stay as they are
    for (const column of VALUE_COLUMNS) {
      let cell: string | null = null;
      if (random.chance(o.missingRate)) cell = missingSpelling(random);
      else if (random.chance(o.outlierRate)) cell = outlierValue(column, random);
      if (cell !== null) out = { ...out, [column]: cell };
    }
    if (inGap) out = { ...out, power_output: missingSpelling(random) };
    return format.line(out, turbineId);
  };

  const repeat = (row: RowCells, reading: Reading): RowCells => {
    const variant = random.int(3);
    if (variant === 0) return row;
    if (variant === 1) {
      return {
        ...row,
        wind_speed: formatTenths(Math.max(0, reading.windSpeed + random.between(0.3, 2) * (random.chance(0.5) ? 1 : -1))),
        power_output: formatTenths(Math.max(0, reading.powerOutput + random.between(0.1, 0.6) * (random.chance(0.5) ? 1 : -1))),
      };
    }
    const column = random.chance(0.5) ? 'power_output' : random.pick(VALUE_COLUMNS);
    return { ...row, [column]: missingSpelling(random) };
  };

  const release = (out: InjectedLine[]): InjectedLine[] => {
    while (held.length > 0 && held[0]!.at <= seen) out.push(...held.shift()!.lines);
    return out;
  };

  return {
    lines(timestamp, slot, turbineId, reading) {
      seen += 1;
      const row: RowCells = {
        timestamp,
        turbine_id: String(turbineId),
        wind_speed: formatTenths(reading.windSpeed),
        wind_direction: String(reading.windDirection),
        power_output: formatTenths(reading.powerOutput),
      };
      let inGap = gapLeft[slot]! > 0;
      if (inGap) gapLeft[slot]! -= 1;
      else if (random.chance(o.gapRate)) {
        inGap = true;
        gapLeft[slot] = gapSteps - 1 + random.int(4);
      }

      let group: InjectedLine[];
      if (random.chance(o.malformedRate)) group = [{ slot, text: malformedLine(row, turbineId, format, random, o.malformedKinds) }];
      else {
        group = [{ slot, text: spoil(row, turbineId, inGap) }];
        if (random.chance(o.duplicateRate)) group.push({ slot, text: spoil(repeat(row, reading), turbineId, inGap) });
      }

      if (random.chance(o.outOfOrderRate)) {
        // Held back past at least one later reading of the same turbine, at most ~24 steps.
        const at = seen + turbineCount + 1 + random.int(turbineCount * 23);
        let i = held.length;
        while (i > 0 && held[i - 1]!.at > at) i -= 1;
        held.splice(i, 0, { at, lines: group });
        return release([]);
      }
      return release(group);
    },
    flush: () => held.splice(0).flatMap((h) => h.lines),
  };
}
