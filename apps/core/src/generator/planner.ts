import { resolveOptions, type GeneratorOptions, type ResolvedOptions } from './options.js';

const DAY_SECONDS = 86_400;

/** One output file: its name and the turbines and time steps it holds. */
export interface PlannedFile {
  /** 0-based position in the plan. */
  index: number;
  /** File name; plans sort lexicographically in plan order (npm run ingest takes files in path order). */
  name: string;
  turbineIds: readonly number[];
  /** First day, counted from `start`, and number of days. */
  firstDay: number;
  dayCount: number;
  /** First time step (`start + step * intervalSeconds`) and number of steps. */
  firstStep: number;
  stepCount: number;
  /** Data lines before any messiness: turbines x steps. */
  cleanRows: number;
}

/** First time step at or after the start of day `day`; works for intervals that do not divide a day. */
function firstStepOfDay(day: number, intervalSeconds: number): number {
  return Math.ceil((day * DAY_SECONDS) / intervalSeconds);
}

/** Splits `count` items into `groups` contiguous ranges whose sizes differ by at most one. */
function splitEvenly(count: number, groups: number): Array<[start: number, end: number]> {
  return Array.from({ length: groups }, (_, g) => [Math.floor((g * count) / groups), Math.floor(((g + 1) * count) / groups)]);
}

function isoDay(startMs: number, day: number): string {
  return new Date(startMs + day * DAY_SECONDS * 1000).toISOString().slice(0, 10);
}

/**
 * The files a data set is made of. `by: 'turbine-group'` gives files `data_group_1.csv`... that
 * hold every day for a contiguous range of turbine ids (the challenge's layout); `by: 'day'` gives
 * `data_2022-03-01.csv` (or `data_<first>_<last>.csv` for several days) holding every turbine.
 * Group numbers are zero-padded when there are ten or more files. Throws on invalid options.
 */
export function planFiles(options: GeneratorOptions | ResolvedOptions = {}): PlannedFile[] {
  const o = 'startMs' in options ? options : resolveOptions(options);
  const allIds = Array.from({ length: o.turbines }, (_, i) => i + 1);
  const width = String(o.files).length;

  return splitEvenly(o.by === 'day' ? o.days : o.turbines, o.files).map(([from, to], index) => {
    const [firstDay, dayCount, turbineIds] = o.by === 'day' ? [from, to - from, allIds] : [0, o.days, allIds.slice(from, to)];
    const firstStep = firstStepOfDay(firstDay, o.intervalSeconds);
    const stepCount = firstStepOfDay(firstDay + dayCount, o.intervalSeconds) - firstStep;
    let name: string;
    if (o.by === 'day') {
      const first = isoDay(o.startMs, firstDay);
      name = dayCount === 1 ? `data_${first}.csv` : `data_${first}_${isoDay(o.startMs, firstDay + dayCount - 1)}.csv`;
    } else {
      name = `data_group_${String(index + 1).padStart(width, '0')}.csv`;
    }
    return { index, name, turbineIds, firstDay, dayCount, firstStep, stepCount, cleanRows: turbineIds.length * stepCount };
  });
}

/** Number of time steps in `days` days at `intervalSeconds`. */
export function stepsInDays(days: number, intervalSeconds: number): number {
  return firstStepOfDay(days, intervalSeconds);
}

/**
 * Turbines and days for a target number of clean rows: with `days` given it derives the turbine
 * count, otherwise it keeps `turbines` (default 15) and derives whole days. The result is the
 * smallest shape with at least `rows` rows; `rows` in the answer is that exact count.
 */
export function shapeForRows(
  rows: number,
  given: { turbines?: number; days?: number; intervalSeconds?: number } = {},
): { turbines: number; days: number; rows: number } {
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer (got ${rows})`);
  if (given.turbines !== undefined && given.days !== undefined) {
    throw new RangeError('rows derives either turbines or days: give at most one of them');
  }
  const interval = given.intervalSeconds ?? 3600;
  if (given.days !== undefined) {
    const steps = stepsInDays(given.days, interval);
    const turbines = Math.ceil(rows / steps);
    return { turbines, days: given.days, rows: turbines * steps };
  }
  const turbines = given.turbines ?? 15;
  let days = Math.max(1, Math.floor((rows * interval) / (turbines * DAY_SECONDS)));
  while (turbines * stepsInDays(days, interval) < rows) days += 1;
  return { turbines, days, rows: turbines * stepsInDays(days, interval) };
}
