import { interpolateDirection, interpolateLinear } from './interpolate.js';
import { CANONICAL_READING, describeUnusablePower, type RecordReading } from './record.js';
import type { Bounds } from './measurement.js';
import type { ColumnMap } from './header.js';
import type { OutcomeSink, ParsedRow } from './types.js';

/**
 * Cleaning steps 2 and 4 as a streaming state machine over one file's parsed rows.
 *
 * Rows must arrive in non-decreasing time order per turbine (exports are written that way; the
 * loader sorts a file that is not). For each turbine the cleaner holds the row at the latest
 * timestamp until a later one arrives, so of several lines for one (turbine, timestamp) the last
 * wins and the others are reported as duplicates. A row with a missing value waits until the
 * next valid value of that field arrives or the gap limit has passed; memory therefore holds at
 * most the rows of one gap per turbine, whatever the file's size.
 *
 * Imputation: linear in time between the nearest earlier and later valid value of the same field
 * and turbine, each at most `maxGapSeconds` away; wind direction along the shorter arc. A row
 * whose power stays missing is rejected (`missing_power`); wind values that stay missing are null.
 */

const WIND_SPEED = 0;
const WIND_DIRECTION = 1;
const POWER = 2;
const FIELDS = [WIND_SPEED, WIND_DIRECTION, POWER] as const;

interface Point {
  ts: number;
  value: number;
}

interface PendingRow {
  row: ParsedRow;
  values: [number | null, number | null, number | null];
  imputed: [boolean, boolean, boolean];
  /** The earlier valid value each waiting field will interpolate from; null = not waiting. */
  waitingFrom: [Point | null, Point | null, Point | null];
}

interface TurbineState {
  current: ParsedRow | null;
  lastValid: [Point | null, Point | null, Point | null];
  pending: PendingRow[];
}

export interface CleanerSettings {
  maxGapSeconds: number;
  bounds: Bounds;
  columns: Pick<ColumnMap, 'powerOutput'>;
  /** How the file's cells are read (a profile's); canonical when left out. */
  reading?: RecordReading;
}

export interface SeriesCleaner {
  /** Feeds the next row. Returns false, consuming nothing, when the row is earlier than its turbine's latest. */
  push(row: ParsedRow): boolean;
  /** Settles every held row; call once after the last push. */
  finish(): void;
}

export function createSeriesCleaner(settings: CleanerSettings, sink: OutcomeSink): SeriesCleaner {
  const maxGapMs = settings.maxGapSeconds * 1000;
  const turbines = new Map<number, TurbineState>();
  const reading = settings.reading ?? CANONICAL_READING;

  const emit = (p: PendingRow): void => {
    const power = p.values[POWER];
    if (power === null) {
      const text = p.row.fields[settings.columns.powerOutput] ?? '';
      sink.rejected({
        line: p.row.line,
        raw: reading.formatRaw(p.row.fields),
        reason: 'missing_power',
        detail: `${describeUnusablePower(text, settings.bounds, reading)} and no valid values within ${settings.maxGapSeconds} s on both sides to impute from`,
      });
      return;
    }
    sink.loaded({
      line: p.row.line,
      turbineId: p.row.turbineId,
      ts: p.row.ts,
      windSpeed: p.values[WIND_SPEED],
      windDirection: p.values[WIND_DIRECTION],
      power,
      windSpeedImputed: p.imputed[WIND_SPEED],
      windDirectionImputed: p.imputed[WIND_DIRECTION],
      powerImputed: p.imputed[POWER],
    });
  };

  const isWaiting = (p: PendingRow) => p.waitingFrom[0] !== null || p.waitingFrom[1] !== null || p.waitingFrom[2] !== null;

  /** Records a valid value; reuses the Point object, which only the fast path below may do. */
  const setLastValid = (state: TurbineState, field: number, ts: number, value: number): void => {
    const point = state.lastValid[field];
    if (point) {
      point.ts = ts;
      point.value = value;
    } else {
      state.lastValid[field] = { ts, value };
    }
  };

  /** Step 4 for a row that has won de-duplication. */
  const settle = (state: TurbineState, row: ParsedRow): void => {
    // The common row: nothing missing and nothing waiting, so it passes straight through. (With no
    // row waiting, no one holds the last-valid Points, so updating them in place is safe.)
    if (state.pending.length === 0 && row.windSpeed !== null && row.windDirection !== null && row.power !== null) {
      setLastValid(state, WIND_SPEED, row.ts, row.windSpeed);
      setLastValid(state, WIND_DIRECTION, row.ts, row.windDirection);
      setLastValid(state, POWER, row.ts, row.power);
      sink.loaded({
        line: row.line,
        turbineId: row.turbineId,
        ts: row.ts,
        windSpeed: row.windSpeed,
        windDirection: row.windDirection,
        power: row.power,
        windSpeedImputed: false,
        windDirectionImputed: false,
        powerImputed: false,
      });
      return;
    }
    const p: PendingRow = {
      row,
      values: [row.windSpeed, row.windDirection, row.power],
      imputed: [false, false, false],
      waitingFrom: [null, null, null],
    };
    for (const field of FIELDS) {
      const value = p.values[field];
      if (value !== null) {
        const next: Point = { ts: row.ts, value };
        for (const q of state.pending) {
          const from = q.waitingFrom[field];
          if (from === null) continue;
          if (next.ts - q.row.ts <= maxGapMs) {
            q.values[field] =
              field === WIND_DIRECTION
                ? interpolateDirection(from.ts, from.value, next.ts, next.value, q.row.ts)
                : interpolateLinear(from.ts, from.value, next.ts, next.value, q.row.ts);
            q.imputed[field] = true;
          }
          q.waitingFrom[field] = null;
        }
        state.lastValid[field] = next;
      } else {
        const from = state.lastValid[field];
        if (from !== null && row.ts - from.ts <= maxGapMs) p.waitingFrom[field] = from;
      }
    }
    // A held row whose next valid value could only come later than the gap allows gives up.
    for (const q of state.pending) {
      if (row.ts - q.row.ts > maxGapMs) q.waitingFrom = [null, null, null];
    }
    if (state.pending.length > 0) {
      const still: PendingRow[] = [];
      for (const q of state.pending) {
        if (isWaiting(q)) still.push(q);
        else emit(q);
      }
      state.pending = still;
    }
    if (isWaiting(p)) state.pending.push(p);
    else emit(p);
  };

  return {
    push(row) {
      let state = turbines.get(row.turbineId);
      if (state === undefined) {
        state = { current: null, lastValid: [null, null, null], pending: [] };
        turbines.set(row.turbineId, state);
      }
      const current = state.current;
      if (current !== null) {
        if (row.ts < current.ts) return false;
        if (row.ts === current.ts) {
          sink.duplicate(current.line);
          state.current = row;
          return true;
        }
        settle(state, current);
      }
      state.current = row;
      return true;
    },
    finish() {
      for (const state of turbines.values()) {
        if (state.current !== null) settle(state, state.current);
        state.current = null;
        for (const q of state.pending) emit(q);
        state.pending = [];
      }
    },
  };
}
