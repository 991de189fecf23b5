import { interpolateDirection, interpolateLinear } from './interpolate.js';
import { CANONICAL_READING, describeUnusablePower, type RecordReading } from './record.js';
import type { Bounds } from './measurement.js';
import type { ColumnMap } from './header.js';
import { LoadedRangeTable, type LoadedRanges } from './loaded-ranges.js';
import { blockOf, offsetIn, releaseArrays, SLOT_BLOCK, TurbineSlots } from './turbine-slots.js';
import type { CleanReading, OutcomeSink, ParsedRow } from './types.js';

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
 *
 * Memory per turbine is what matters when a file names a million turbines: the held row, the
 * last valid values and the summary of what was loaded are numbers in typed arrays indexed by the
 * turbine's slot (about 80 bytes a turbine, 130 once a turbine has a settled row), and a row's
 * text is kept only while its power is missing (to explain a rejection). Rows waiting for a later
 * value are objects, kept only for the turbines that have some.
 */

const WIND_SPEED = 0;
const WIND_DIRECTION = 1;
const POWER = 2;
const FIELDS = [WIND_SPEED, WIND_DIRECTION, POWER] as const;

// Per slot, in blocks of SLOT_BLOCK slots. The held row: its line (0 when none is held), time and
// values (a missing one is NaN, which no valid value is).
const HELD_LINE = 0;
const HELD_TS = 1;
const HELD_VALUE = 2; // + field
const HELD_STRIDE = 5;
// The last valid value of each field: its time (NaN when none) and the value.
const VALID_STRIDE = 6;

type Triple<T> = [T, T, T];

/** What a rejection for missing power says: the line as text and its power cell. */
interface Unusable {
  raw: string;
  power: string;
}

interface PendingRow {
  line: number;
  ts: number;
  values: Triple<number | null>;
  imputed: Triple<boolean>;
  /** The earlier valid value each waiting field will interpolate from: its time, NaN = not waiting. */
  fromTs: Triple<number>;
  fromValue: Triple<number>;
  unusable: Unusable | null;
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
  /**
   * Settles the held rows of the next `turbines` turbines (all when left out); true once every
   * held row is settled. Call after the last push, until it returns true: a file of a million
   * turbines holds a million rows, which its caller may want to hand over a part at a time.
   */
  finish(turbines?: number): boolean;
  /**
   * What was loaded per turbine. Call once, after finish: the cleaner's memory (about 80 MB for a
   * file of a million turbines) is released, and the cleaner cannot be used afterwards.
   */
  ranges(): LoadedRanges;
}

export function createSeriesCleaner(settings: CleanerSettings, sink: OutcomeSink): SeriesCleaner {
  const maxGapMs = settings.maxGapSeconds * 1000;
  const reading = settings.reading ?? CANONICAL_READING;
  const slots = new TurbineSlots();
  const held: Float64Array[] = [];
  /** Allocated for a block when one of its turbines first settles a row before finish(). */
  const lastValid: Array<Float64Array | undefined> = [];
  const loaded = new LoadedRangeTable();
  const pending = new Map<number, PendingRow[]>();
  /** The held rows whose power is missing: their text. */
  const heldUnusable = new Map<number, Unusable>();
  let finishing = false;
  /** The turbines (slots) finish() has settled so far. */
  let finished = 0;

  const load = (slot: number, r: CleanReading): void => {
    loaded.add(slot, r.ts);
    sink.loaded(r);
  };

  const emit = (slot: number, p: PendingRow): void => {
    const power = p.values[POWER];
    if (power === null) {
      sink.rejected({
        line: p.line,
        raw: p.unusable!.raw,
        reason: 'missing_power',
        detail: `${describeUnusablePower(p.unusable!.power, settings.bounds, reading)} and no valid values within ${settings.maxGapSeconds} s on both sides to impute from`,
      });
      return;
    }
    load(slot, {
      line: p.line,
      turbineId: slots.idOf(slot),
      ts: p.ts,
      windSpeed: p.values[WIND_SPEED],
      windDirection: p.values[WIND_DIRECTION],
      power,
      windSpeedImputed: p.imputed[WIND_SPEED],
      windDirectionImputed: p.imputed[WIND_DIRECTION],
      powerImputed: p.imputed[POWER],
    });
  };

  const isWaiting = (p: PendingRow) => !Number.isNaN(p.fromTs[0]) || !Number.isNaN(p.fromTs[1]) || !Number.isNaN(p.fromTs[2]);

  /** The block of last valid values holding `slot`, created when asked to (then with no values). */
  const validBlock = (slot: number, create: boolean): Float64Array | undefined => {
    let block = lastValid[blockOf(slot)];
    if (block === undefined && create) {
      block = new Float64Array(SLOT_BLOCK * VALID_STRIDE).fill(Number.NaN);
      lastValid[blockOf(slot)] = block;
    }
    return block;
  };

  /** A valid value of `field` at `ts`: the rows waiting for one are imputed from it, within the gap, or give up. */
  const resolveWaiting = (queue: readonly PendingRow[], field: number, ts: number, value: number): void => {
    for (const q of queue) {
      const fromTs = q.fromTs[field]!;
      if (Number.isNaN(fromTs)) continue;
      if (ts - q.ts <= maxGapMs) {
        const fromValue = q.fromValue[field]!;
        q.values[field] =
          field === WIND_DIRECTION
            ? interpolateDirection(fromTs, fromValue, ts, value, q.ts)
            : interpolateLinear(fromTs, fromValue, ts, value, q.ts);
        q.imputed[field] = true;
      }
      q.fromTs[field] = Number.NaN;
    }
  };

  /**
   * Step 4 for the row held for `slot`, which has won de-duplication. Last valid values are only
   * kept for a later row: once finish() has begun no row comes, so none are recorded.
   */
  const settle = (slot: number): void => {
    const block = held[blockOf(slot)]!;
    const at = offsetIn(slot, HELD_STRIDE);
    const line = block[at + HELD_LINE]!;
    const ts = block[at + HELD_TS]!;
    const windSpeed = block[at + HELD_VALUE + WIND_SPEED]!;
    const windDirection = block[at + HELD_VALUE + WIND_DIRECTION]!;
    const power = block[at + HELD_VALUE + POWER]!;
    block[at + HELD_LINE] = 0;
    let queue = pending.get(slot);
    const valid = validBlock(slot, !finishing);
    const v = offsetIn(slot, VALID_STRIDE);
    // The common row: nothing missing and nothing waiting, so it passes straight through.
    if (queue === undefined && !Number.isNaN(windSpeed) && !Number.isNaN(windDirection) && !Number.isNaN(power)) {
      if (valid !== undefined && !finishing) {
        valid[v] = ts;
        valid[v + 1] = windSpeed;
        valid[v + 2] = ts;
        valid[v + 3] = windDirection;
        valid[v + 4] = ts;
        valid[v + 5] = power;
      }
      load(slot, {
        line,
        turbineId: slots.idOf(slot),
        ts,
        windSpeed,
        windDirection,
        power,
        windSpeedImputed: false,
        windDirectionImputed: false,
        powerImputed: false,
      });
      return;
    }
    const values: Triple<number | null> = [
      Number.isNaN(windSpeed) ? null : windSpeed,
      Number.isNaN(windDirection) ? null : windDirection,
      Number.isNaN(power) ? null : power,
    ];
    const p: PendingRow = {
      line,
      ts,
      values,
      imputed: [false, false, false],
      fromTs: [Number.NaN, Number.NaN, Number.NaN],
      fromValue: [0, 0, 0],
      unusable: values[POWER] === null ? heldUnusable.get(slot)! : null,
    };
    if (p.unusable !== null) heldUnusable.delete(slot);
    for (const field of FIELDS) {
      const value = values[field];
      if (value !== null) {
        if (queue !== undefined) resolveWaiting(queue, field, ts, value);
        if (valid !== undefined && !finishing) {
          valid[v + 2 * field] = ts;
          valid[v + 2 * field + 1] = value;
        }
      } else if (valid !== undefined) {
        const fromTs = valid[v + 2 * field]!;
        if (!Number.isNaN(fromTs) && ts - fromTs <= maxGapMs) {
          p.fromTs[field] = fromTs;
          p.fromValue[field] = valid[v + 2 * field + 1]!;
        }
      }
    }
    if (queue !== undefined) {
      // A held row whose next valid value could only come later than the gap allows gives up.
      for (const q of queue) if (ts - q.ts > maxGapMs) q.fromTs.fill(Number.NaN);
      const still: PendingRow[] = [];
      for (const q of queue) {
        if (isWaiting(q)) still.push(q);
        else emit(slot, q);
      }
      queue = still;
    }
    if (isWaiting(p)) (queue ??= []).push(p);
    else emit(slot, p);
    if (queue !== undefined && queue.length > 0) pending.set(slot, queue);
    else pending.delete(slot);
  };

  /** Holds `row` as its turbine's latest. */
  const hold = (slot: number, row: ParsedRow): void => {
    const block = held[blockOf(slot)]!;
    const at = offsetIn(slot, HELD_STRIDE);
    block[at + HELD_LINE] = row.line;
    block[at + HELD_TS] = row.ts;
    block[at + HELD_VALUE + WIND_SPEED] = row.windSpeed ?? Number.NaN;
    block[at + HELD_VALUE + WIND_DIRECTION] = row.windDirection ?? Number.NaN;
    block[at + HELD_VALUE + POWER] = row.power ?? Number.NaN;
    // Only a missing power can reject the row later: only then is its text worth keeping.
    if (row.power === null) {
      heldUnusable.set(slot, { raw: reading.formatRaw(row.fields), power: row.fields[settings.columns.powerOutput] ?? '' });
    } else if (heldUnusable.size > 0) heldUnusable.delete(slot);
  };

  return {
    push(row) {
      const slot = slots.slotOf(row.turbineId);
      if (blockOf(slot) === held.length) {
        held.push(new Float64Array(SLOT_BLOCK * HELD_STRIDE));
        loaded.reserve(slot);
      }
      const block = held[blockOf(slot)]!;
      const at = offsetIn(slot, HELD_STRIDE);
      const heldLine = block[at + HELD_LINE]!;
      if (heldLine !== 0) {
        const heldTs = block[at + HELD_TS]!;
        if (row.ts < heldTs) return false;
        if (row.ts === heldTs) sink.duplicate(heldLine);
        else settle(slot);
      }
      hold(slot, row);
      return true;
    },
    finish(turbines = Number.POSITIVE_INFINITY) {
      finishing = true;
      const end = Math.min(slots.size, finished + turbines);
      for (let slot = finished; slot < end; slot++) {
        if (held[blockOf(slot)]![offsetIn(slot, HELD_STRIDE) + HELD_LINE] !== 0) settle(slot);
        if (pending.size === 0) continue;
        const queue = pending.get(slot);
        if (queue === undefined) continue;
        for (const q of queue) emit(slot, q);
        pending.delete(slot);
      }
      // The held rows and last valid values of the turbines settled are not needed any more.
      const done = end === slots.size ? held.length : blockOf(end);
      for (let b = blockOf(finished); b < done; b++) {
        releaseArrays([held[b], lastValid[b]]);
        lastValid[b] = undefined;
      }
      finished = end;
      return finished === slots.size;
    },
    ranges() {
      const ranges = loaded.take(slots);
      releaseArrays([...held, ...lastValid]);
      held.length = 0;
      lastValid.length = 0;
      slots.release();
      return ranges;
    },
  };
}
