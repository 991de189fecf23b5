import { mapHeader } from '@windmill/core/domain/header';
import type { Bounds } from '@windmill/core/domain/measurement';
import { createRecordParser } from '@windmill/core/domain/record';
import { createSeriesCleaner } from '@windmill/core/domain/series-cleaner';
import { SLOT_BLOCK } from '@windmill/core/domain/turbine-slots';
import { createTimestampParser } from '@windmill/core/domain/timestamp';
import type { CleanReading, OutcomeSink, ParsedRow, Rejection } from '@windmill/core/domain/types';

const BOUNDS: Bounds = { windSpeedMax: 50, powerMin: 0, powerMax: 20 };
const HEADER = 'timestamp,turbine_id,wind_speed,wind_direction,power_output';

interface Outcomes {
  loaded: CleanReading[];
  duplicates: number[];
  rejected: Rejection[];
}

function collector(): Outcomes & { sink: OutcomeSink } {
  const out: Outcomes = { loaded: [], duplicates: [], rejected: [] };
  return {
    ...out,
    sink: {
      loaded: (r) => out.loaded.push(r),
      duplicate: (line) => out.duplicates.push(line),
      rejected: (r) => out.rejected.push(r),
    },
  };
}

/**
 * Runs data lines (no quoting) through steps 1 and 3 (record parser) and 2 and 4 (the cleaner),
 * as the loader does. The header is line 1, so data line i (from 0) is line i + 2.
 */
function clean(lines: string[], maxGapSeconds = 7200): Outcomes {
  const header = mapHeader(HEADER.split(','));
  if (!header.ok) throw new Error(header.error);
  const parse = createRecordParser(header.columns, createTimestampParser('UTC'), BOUNDS);
  const out = collector();
  const cleaner = createSeriesCleaner({ maxGapSeconds, bounds: BOUNDS, columns: header.columns }, out.sink);
  lines.forEach((text, i) => {
    const result = parse(text.split(','), i + 2);
    if (!result.ok) out.sink.rejected(result.rejection);
    else if (!cleaner.push(result.row)) throw new Error(`line ${i + 2} is out of order`);
  });
  cleaner.finish();
  return { loaded: out.loaded, duplicates: out.duplicates, rejected: out.rejected };
}

function loadedAt(out: Outcomes, line: number): CleanReading {
  const reading = out.loaded.find((r) => r.line === line);
  if (reading === undefined) throw new Error(`line ${line} was not loaded`);
  return reading;
}

function rejectedAt(out: Outcomes, line: number): Rejection {
  const rejection = out.rejected.find((r) => r.line === line);
  if (rejection === undefined) throw new Error(`line ${line} was not rejected`);
  return rejection;
}

/** Every data line of `count` ends as exactly one of loaded, duplicate, rejected. */
function expectEachLineOnce(out: Outcomes, count: number): void {
  const lines = [...out.loaded.map((r) => r.line), ...out.duplicates, ...out.rejected.map((r) => r.line)];
  expect(lines.sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i + 2));
}

/** A time on 1 March 2022, UTC, as the file writes it. */
const at = (hh: number, mm = 0, ss = 0) =>
  `2022-03-01 ${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}`;
const ms = (hh: number, mm = 0, ss = 0) => Date.UTC(2022, 2, 1, hh, mm, ss);

describe('createSeriesCleaner: clean data', () => {
  it('loads every line unchanged, with no imputed flags', () => {
    const out = clean([`${at(0)},1,5,180,10`, `${at(1)},1,6,190,11`]);
    expect(out.duplicates).toEqual([]);
    expect(out.rejected).toEqual([]);
    expect(out.loaded).toEqual([
      {
        line: 2,
        turbineId: 1,
        ts: ms(0),
        windSpeed: 5,
        windDirection: 180,
        power: 10,
        windSpeedImputed: false,
        windDirectionImputed: false,
        powerImputed: false,
      },
      {
        line: 3,
        turbineId: 1,
        ts: ms(1),
        windSpeed: 6,
        windDirection: 190,
        power: 11,
        windSpeedImputed: false,
        windDirectionImputed: false,
        powerImputed: false,
      },
    ]);
  });

  it('loads nothing and reports nothing for an empty file', () => {
    expect(clean([])).toEqual({ loaded: [], duplicates: [], rejected: [] });
  });
});

describe('createSeriesCleaner: duplicates (step 2)', () => {
  it('keeps the last of two lines for one turbine and time, with the values of the last', () => {
    const out = clean([`${at(0)},1,5,180,10`, `${at(0)},1,7,200,12`]);
    expect(out.duplicates).toEqual([2]);
    expect(out.loaded).toHaveLength(1);
    expect(loadedAt(out, 3)).toMatchObject({ windSpeed: 7, windDirection: 200, power: 12, powerImputed: false });
  });

  it('counts two duplicates for three copies', () => {
    const out = clean([`${at(0)},1,5,180,10`, `${at(0)},1,6,180,11`, `${at(0)},1,7,180,12`]);
    expect(out.duplicates.sort()).toEqual([2, 3]);
    expect(out.loaded.map((r) => [r.line, r.power])).toEqual([[4, 12]]);
  });

  it('treats the same time written differently as the same reading', () => {
    // 01:00+01:00 and 00:00Z are the same instant
    const out = clean([`${at(0)},1,5,180,10`, `2022-03-01T01:00:00+01:00,1,6,180,11`]);
    expect(out.duplicates).toEqual([2]);
    expect(loadedAt(out, 3).power).toBe(11);
  });

  it('imputes a last line that has the missing value from its neighbours, not from the earlier copy', () => {
    const out = clean([
      `${at(0)},1,5,180,10`,
      `${at(1)},1,5,180,3`, // the earlier copy, replaced
      `${at(1)},1,5,180,NA`, // the winner: power missing
      `${at(2)},1,5,180,14`,
    ]);
    expect(out.duplicates).toEqual([3]);
    // (10 + 14) / 2 = 12; the earlier copy's 3 is not used
    expect(loadedAt(out, 4)).toMatchObject({ power: 12, powerImputed: true });
  });

  it('rejects a missing last copy with no neighbours even though the earlier copy was valid', () => {
    const out = clean([`${at(0)},1,5,180,10`, `${at(0)},1,5,180,NA`]);
    expect(out.duplicates).toEqual([2]);
    expect(out.loaded).toEqual([]);
    expect(rejectedAt(out, 3).reason).toBe('missing_power');
  });

  it('does not use a replaced copy as a neighbour for imputation', () => {
    const out = clean([
      `${at(0)},1,5,180,10`,
      `${at(1)},1,5,180,NA`,
      `${at(2)},1,5,180,2`, // replaced by the next line: its 2 must not be used
      `${at(2)},1,5,180,14`,
    ]);
    // (10 + 14) / 2 = 12, not (10 + 2) / 2 = 6
    expect(loadedAt(out, 3)).toMatchObject({ power: 12, powerImputed: true });
    expect(out.duplicates).toEqual([4]);
  });

  it('does not see the same time of two turbines as a duplicate', () => {
    const out = clean([`${at(0)},1,5,180,10`, `${at(0)},2,5,180,10`]);
    expect(out.duplicates).toEqual([]);
    expect(out.loaded).toHaveLength(2);
  });
});

describe('createSeriesCleaner: imputation (step 4)', () => {
  it('interpolates a missing power midway', () => {
    const out = clean([`${at(0)},1,5,180,10`, `${at(1)},1,5,180,NA`, `${at(2)},1,5,180,14`]);
    // 10 + (14 - 10) * 1/2 = 12
    expect(loadedAt(out, 3)).toMatchObject({ power: 12, powerImputed: true, windSpeedImputed: false, windDirectionImputed: false });
    expect(loadedAt(out, 2).powerImputed).toBe(false);
    expect(loadedAt(out, 4).powerImputed).toBe(false);
  });

  it('interpolates in time, at one third and two thirds of the way', () => {
    const out = clean([`${at(0)},1,5,180,10`, `${at(0, 20)},1,5,180,NA`, `${at(0, 40)},1,5,180,-`, `${at(1)},1,5,180,13`]);
    // 20 of 60 minutes: 10 + 3 * 1/3 = 11; 40 of 60: 10 + 3 * 2/3 = 12
    expect(loadedAt(out, 3).power).toBeCloseTo(11, 10);
    expect(loadedAt(out, 4).power).toBeCloseTo(12, 10);
    expect(loadedAt(out, 3).powerImputed && loadedAt(out, 4).powerImputed).toBe(true);
  });

  it('interpolates from the nearest earlier valid value, not an older one', () => {
    const out = clean([`${at(0)},1,5,180,10`, `${at(1)},1,5,180,12`, `${at(2)},1,5,180,NA`, `${at(3)},1,5,180,16`]);
    // between 12 (01:00) and 16 (03:00): 14
    expect(loadedAt(out, 4).power).toBe(14);
  });

  it('interpolates consecutive missing values from the same two valid neighbours', () => {
    const out = clean([`${at(0)},1,5,180,10`, `${at(1)},1,5,180,NA`, `${at(2)},1,5,180,NA`, `${at(3)},1,5,180,16`]);
    // 10 -> 16 over 3 h: +2 per hour, so 12 and 14. Each neighbour is at most 2 h = 7200 s away.
    expect(loadedAt(out, 3).power).toBeCloseTo(12, 10);
    expect(loadedAt(out, 4).power).toBeCloseTo(14, 10);
  });

  it('with three missing in a row, imputes only the one whose neighbours are both within the limit', () => {
    const out = clean([
      `${at(0)},1,5,180,10`,
      `${at(1)},1,5,180,NA`, // later neighbour 3 h away
      `${at(2)},1,5,180,NA`, // both 2 h away: 10 + 8 * 2/4 = 14
      `${at(3)},1,5,180,NA`, // earlier neighbour 3 h away
      `${at(4)},1,5,180,18`,
    ]);
    expect(rejectedAt(out, 3).reason).toBe('missing_power');
    expect(loadedAt(out, 4)).toMatchObject({ power: 14, powerImputed: true });
    expect(rejectedAt(out, 5).reason).toBe('missing_power');
    expectEachLineOnce(out, 5);
  });

  it('imputes when each neighbour is exactly at the gap limit', () => {
    const out = clean([`${at(0)},1,5,180,10`, `${at(2)},1,5,180,NA`, `${at(4)},1,5,180,14`]);
    // 7200 s on both sides: (10 + 14) / 2 = 12
    expect(loadedAt(out, 3)).toMatchObject({ power: 12, powerImputed: true });
  });

  it('does not impute power when the later neighbour is one second over the limit, and says why', () => {
    const out = clean([`${at(0)},1,5,180,10`, `${at(2)},1,5,180,NA`, `${at(4, 0, 1)},1,5,180,14`]);
    // earlier 7200 s, later 7201 s
    const rejection = rejectedAt(out, 3);
    expect(rejection).toMatchObject({ reason: 'missing_power', raw: `${at(2)},1,5,180,NA` });
    expect(rejection.detail).toContain('power_output is missing ("NA")');
    expect(rejection.detail).toContain('7200 s');
    expect(out.loaded.map((r) => r.line)).toEqual([2, 4]);
  });

  it('does not impute power when the earlier neighbour is one second over the limit', () => {
    const out = clean([`${at(0)},1,5,180,10`, `${at(2, 0, 1)},1,5,180,NA`, `${at(3)},1,5,180,14`]);
    expect(rejectedAt(out, 3).reason).toBe('missing_power');
  });

  it('leaves a wind speed null, not imputed, when a neighbour is one second over the limit, and loads the line', () => {
    const out = clean([`${at(0)},1,4,180,10`, `${at(2)},1,NA,180,12`, `${at(4, 0, 1)},1,8,180,14`]);
    expect(loadedAt(out, 3)).toMatchObject({ windSpeed: null, windSpeedImputed: false, power: 12, powerImputed: false });
  });

  it('imputes a wind speed at the limit', () => {
    const out = clean([`${at(0)},1,4,180,10`, `${at(2)},1,NA,180,12`, `${at(4)},1,8,180,14`]);
    expect(loadedAt(out, 3)).toMatchObject({ windSpeed: 6, windSpeedImputed: true });
  });

  it('follows a configured gap limit', () => {
    const lines = [`${at(0)},1,5,180,10`, `${at(1)},1,5,180,NA`, `${at(2)},1,5,180,14`];
    expect(loadedAt(clean(lines, 3600), 3).power).toBe(12);
    expect(rejectedAt(clean(lines, 3599), 3).reason).toBe('missing_power');
  });

  it('does not impute a missing power at the start of a turbine series (no earlier neighbour)', () => {
    const out = clean([`${at(0)},1,5,180,NA`, `${at(1)},1,5,180,12`]);
    expect(rejectedAt(out, 2)).toMatchObject({ reason: 'missing_power', raw: `${at(0)},1,5,180,NA` });
    expect(loadedAt(out, 3).power).toBe(12);
  });

  it('does not impute a missing power at the end of a turbine series (no later neighbour)', () => {
    const out = clean([`${at(0)},1,5,180,10`, `${at(1)},1,5,180,NA`]);
    expect(rejectedAt(out, 3).reason).toBe('missing_power');
  });

  it('leaves wind fields null at the start and end of a series but loads the lines', () => {
    const out = clean([`${at(0)},1,NA,NA,10`, `${at(1)},1,5,180,11`, `${at(2)},1,,,12`]);
    expect(loadedAt(out, 2)).toMatchObject({ windSpeed: null, windDirection: null, windSpeedImputed: false, windDirectionImputed: false });
    expect(loadedAt(out, 4)).toMatchObject({ windSpeed: null, windDirection: null, windSpeedImputed: false, windDirectionImputed: false });
  });

  it('treats an out-of-bounds power like a missing one: imputed', () => {
    const out = clean([`${at(0)},1,5,180,10`, `${at(1)},1,5,180,25`, `${at(2)},1,5,180,-3`, `${at(3)},1,5,180,16`]);
    // 10 -> 16 over 3 h: 12 and 14
    expect(loadedAt(out, 3)).toMatchObject({ powerImputed: true });
    expect(loadedAt(out, 3).power).toBeCloseTo(12, 10);
    expect(loadedAt(out, 4).power).toBeCloseTo(14, 10);
  });

  it('never imputes from an outlier: the neighbour is the nearest valid value', () => {
    const out = clean([`${at(0)},1,5,180,10`, `${at(1)},1,5,180,NA`, `${at(2)},1,5,180,99`, `${at(3)},1,5,180,13`]);
    // 99 is out of bounds, so 01:00 lies between 10 (00:00) and 13 (03:00): 10 + 3 * 1/3 = 11
    expect(loadedAt(out, 3).power).toBeCloseTo(11, 10);
  });

  it('says why an out-of-bounds power could not be imputed', () => {
    const out = clean([`${at(0)},1,5,180,25`]);
    expect(rejectedAt(out, 2).detail).toContain('power_output 25 is outside 0..20');
  });

  it('says why a non-numeric power could not be imputed', () => {
    const out = clean([`${at(0)},1,5,180,12kW`]);
    expect(rejectedAt(out, 2).detail).toContain('power_output "12kW" is not a decimal number');
  });

  it('interpolates wind direction along the shorter arc across north', () => {
    const out = clean([`${at(0)},1,5,350,10`, `${at(1)},1,5,NA,10`, `${at(2)},1,5,10,10`, `${at(3)},1,5,NA,10`, `${at(4)},1,5,350,10`]);
    // 350 -> 10 is +20 degrees: midway 360 = 0; 10 -> 350 is -20: midway 0
    expect(loadedAt(out, 3)).toMatchObject({ windDirection: 0, windDirectionImputed: true });
    expect(loadedAt(out, 5)).toMatchObject({ windDirection: 0, windDirectionImputed: true });
  });

  it('interpolates wind direction at a quarter of the way across north', () => {
    const out = clean([`${at(0)},1,5,350,10`, `${at(0, 30)},1,5,NA,10`, `${at(1, 30)},1,5,-,10`, `${at(2)},1,5,10,10`]);
    // 350 + 20 * 1/4 = 355; 350 + 20 * 3/4 = 365 = 5
    expect(loadedAt(out, 3).windDirection).toBeCloseTo(355, 10);
    expect(loadedAt(out, 4).windDirection).toBeCloseTo(5, 10);
  });

  it('treats a direction of 360 as an outlier and imputes it', () => {
    const out = clean([`${at(0)},1,5,90,10`, `${at(1)},1,5,360,10`, `${at(2)},1,5,110,10`]);
    expect(loadedAt(out, 3)).toMatchObject({ windDirection: 100, windDirectionImputed: true });
  });

  it('sets the imputed flag of each field separately', () => {
    const out = clean([
      `${at(0)},1,4,100,10`,
      `${at(1)},1,NA,120,12`, // only wind speed missing
      `${at(2)},1,8,NA,14`, // only direction missing
      `${at(3)},1,10,160,NA`, // only power missing
      `${at(4)},1,NA,NA,NA`, // all missing
      `${at(5)},1,14,200,20`,
    ]);
    expect(loadedAt(out, 3)).toMatchObject({ windSpeed: 6, windSpeedImputed: true, windDirectionImputed: false, powerImputed: false });
    expect(loadedAt(out, 4)).toMatchObject({
      windDirection: 140,
      windSpeedImputed: false,
      windDirectionImputed: true,
      powerImputed: false,
    });
    // power at 03:00 lies between 14 (02:00) and 20 (05:00): 14 + 6 * 1/3 = 16
    expect(loadedAt(out, 5)).toMatchObject({ windSpeedImputed: false, windDirectionImputed: false, powerImputed: true });
    expect(loadedAt(out, 5).power).toBeCloseTo(16, 10);
    // 04:00, all missing: speed (10 + 14) / 2 = 12 and direction (160 + 200) / 2 = 180, from 03:00 and 05:00;
    // power from the valid 14 (02:00) and 20 (05:00), the imputed 16 at 03:00 is not used: 14 + 6 * 2/3 = 18
    const all = loadedAt(out, 6);
    expect(all).toMatchObject({
      windSpeed: 12,
      windDirection: 180,
      windSpeedImputed: true,
      windDirectionImputed: true,
      powerImputed: true,
    });
    expect(all.power).toBeCloseTo(18, 10);
    // rows_imputed: loaded rows with at least one imputed field
    const imputedRows = out.loaded.filter((r) => r.windSpeedImputed || r.windDirectionImputed || r.powerImputed);
    expect(imputedRows.map((r) => r.line).sort()).toEqual([3, 4, 5, 6]);
  });

  it('imputes from valid values only, never from a value it imputed itself', () => {
    const out = clean([`${at(0)},1,5,180,10`, `${at(1)},1,5,180,NA`, `${at(2)},1,5,180,14`, `${at(3)},1,5,180,NA`]);
    // 03:00 has no later valid value; the imputed 12 at 01:00 does not make it imputable either
    expect(loadedAt(out, 3).power).toBe(12);
    expect(rejectedAt(out, 5).reason).toBe('missing_power');
  });

  it('keeps two interleaved turbines apart: neither borrows the other’s values', () => {
    const out = clean([
      `${at(0)},1,5,180,10`,
      `${at(0)},2,5,180,NA`, // turbine 2 has no earlier value of its own
      `${at(1)},1,5,180,NA`,
      `${at(1)},2,5,180,4`,
      `${at(2)},2,5,180,NA`, // turbine 2 has no later value of its own
      `${at(2)},1,5,180,14`,
    ]);
    // turbine 1 at 01:00: (10 + 14) / 2 = 12, not anything from turbine 2's 4
    expect(loadedAt(out, 4)).toMatchObject({ turbineId: 1, power: 12, powerImputed: true });
    expect(rejectedAt(out, 3).reason).toBe('missing_power');
    expect(rejectedAt(out, 6).reason).toBe('missing_power');
    expect(loadedAt(out, 5)).toMatchObject({ turbineId: 2, power: 4 });
    expectEachLineOnce(out, 6);
  });
});

describe('createSeriesCleaner: counts', () => {
  it('ends every line as exactly one of loaded, duplicate or rejected', () => {
    const out = clean([
      `${at(0)},1,5,180,10`, // 2 loaded
      `${at(0)},1,5,180,11`, // 3 loaded, replaces 2 (duplicate)
      `${at(1)},1,NA,180,NA`, // 4 loaded, power imputed
      'garbage,1,5,180,10', // 5 rejected bad_timestamp
      `${at(2)},T1,5,180,10`, // 6 rejected bad_turbine_id
      `${at(2)},1,5,180`, // 7 rejected column_count
      `${at(2)},1,7,180,13`, // 8 loaded
      `${at(0)},2,5,180,NA`, // 9 rejected missing_power
      `${at(1)},2,5,180,3`, // 10 loaded
      `${at(1)},2,5,180,4`, // 11 loaded, replaces 10
    ]);
    expectEachLineOnce(out, 10);
    expect(out.duplicates.sort((a, b) => a - b)).toEqual([2, 10]);
    expect(out.rejected.map((r) => [r.line, r.reason]).sort()).toEqual([
      [5, 'bad_timestamp'],
      [6, 'bad_turbine_id'],
      [7, 'column_count'],
      [9, 'missing_power'],
    ]);
    expect(out.loaded.map((r) => r.line).sort((a, b) => a - b)).toEqual([3, 4, 8, 11]);
    // 11 + (13 - 11) * 1/2 = 12
    expect(loadedAt(out, 4)).toMatchObject({ power: 12, powerImputed: true, windSpeed: 6, windSpeedImputed: true });
    // rows_total = loaded + duplicate + rejected
    expect(out.loaded.length + out.duplicates.length + out.rejected.length).toBe(10);
  });
});

describe('createSeriesCleaner: order and finish', () => {
  const row = (line: number, turbineId: number, hour: number, power: number | null): ParsedRow => ({
    line,
    turbineId,
    ts: ms(hour),
    windSpeed: 5,
    windDirection: 180,
    power,
    fields: [at(hour), String(turbineId), '5', '180', power === null ? 'NA' : String(power)],
  });
  const settings = { maxGapSeconds: 7200, bounds: BOUNDS, columns: { powerOutput: 4 } };

  it('refuses a row earlier than its turbine’s latest, consuming nothing', () => {
    const out = collector();
    const cleaner = createSeriesCleaner(settings, out.sink);
    expect(cleaner.push(row(2, 1, 2, 10))).toBe(true);
    expect(cleaner.push(row(3, 1, 1, 11))).toBe(false);
    cleaner.finish();
    expect(out.loaded.map((r) => r.line)).toEqual([2]);
    expect(out.duplicates).toEqual([]);
    expect(out.rejected).toEqual([]);
  });

  it('accepts rows of another turbine at any time after refusing one', () => {
    const out = collector();
    const cleaner = createSeriesCleaner(settings, out.sink);
    expect(cleaner.push(row(2, 1, 2, 10))).toBe(true);
    expect(cleaner.push(row(3, 1, 1, 11))).toBe(false);
    expect(cleaner.push(row(4, 2, 3, 12))).toBe(true); // later than turbine 1's latest
    expect(cleaner.push(row(5, 3, 0, 13))).toBe(true); // earlier than turbine 1's latest
    expect(cleaner.push(row(6, 1, 3, 14))).toBe(true); // turbine 1 goes on after its latest
    cleaner.finish();
    expect(out.loaded.map((r) => r.line).sort()).toEqual([2, 4, 5, 6]);
  });

  it('accepts a row at the same time as its turbine’s latest: a duplicate, the later line wins', () => {
    const out = collector();
    const cleaner = createSeriesCleaner(settings, out.sink);
    expect(cleaner.push(row(2, 1, 1, 10))).toBe(true);
    expect(cleaner.push(row(3, 1, 1, 11))).toBe(true);
    cleaner.finish();
    expect(out.duplicates).toEqual([2]);
    expect(out.loaded.map((r) => [r.line, r.power])).toEqual([[3, 11]]);
  });

  it('settles every held row at finish, including rows waiting for a later value', () => {
    const out = collector();
    const cleaner = createSeriesCleaner(settings, out.sink);
    cleaner.push(row(2, 1, 0, 10));
    cleaner.push(row(3, 1, 1, null)); // waits for a later power
    cleaner.push(row(4, 2, 0, 7)); // held as turbine 2's latest
    cleaner.finish();
    expect(out.loaded.map((r) => r.line).sort()).toEqual([2, 4]);
    expect(out.rejected.map((r) => [r.line, r.reason])).toEqual([[3, 'missing_power']]);
    expect(out.rejected[0]!.raw).toBe(`${at(1)},1,5,180,NA`);
  });

  it('gives up on a waiting row as soon as a row beyond the gap limit settles, so memory stays bounded', () => {
    const out = collector();
    const cleaner = createSeriesCleaner(settings, out.sink);
    // A row is settled (step 4) when the next row of its turbine arrives; the newest one is held for step 2.
    cleaner.push(row(2, 1, 0, 10));
    cleaner.push(row(3, 1, 1, null)); // 01:00 waits: 00:00 is 1 h before
    cleaner.push(row(4, 1, 2, null)); // 02:00 waits: 00:00 is 2 h before
    cleaner.push(row(5, 1, 3, null));
    cleaner.push(row(6, 1, 4, null)); // settles 03:00: 3 h after 00:00, never waits, rejected at once
    cleaner.push(row(7, 1, 5, null)); // settles 04:00: rejected at once; and 04:00 is 3 h after 01:00, so line 3 gives up
    expect(out.rejected.map((r) => r.line).sort()).toEqual([3, 5, 6]);
    cleaner.finish();
    expect(out.rejected.map((r) => r.line).sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('reports rows as it goes, before finish, once a later row settles them', () => {
    const out = collector();
    const cleaner = createSeriesCleaner(settings, out.sink);
    cleaner.push(row(2, 1, 0, 10));
    cleaner.push(row(3, 1, 1, 11));
    cleaner.push(row(4, 1, 2, 12));
    expect(out.loaded.map((r) => r.line)).toEqual([2, 3]);
    cleaner.finish();
    expect(out.loaded.map((r) => r.line)).toEqual([2, 3, 4]);
  });
});

describe('createSeriesCleaner: many turbines, what was loaded', () => {
  const header = mapHeader(HEADER.split(','));
  if (!header.ok) throw new Error(header.error);
  const parse = createRecordParser(header.columns, createTimestampParser('UTC'), BOUNDS);
  const settings = { maxGapSeconds: 7200, bounds: BOUNDS, columns: header.columns };
  /** Feeds lines (numbered from 2) to a new cleaner, and returns it with the outcomes so far. */
  const feed = (lines: string[]) => {
    const out = collector();
    const cleaner = createSeriesCleaner(settings, out.sink);
    lines.forEach((text, i) => {
      const result = parse(text.split(','), i + 2);
      if (!result.ok || !cleaner.push(result.row)) throw new Error(`line ${i + 2} was not accepted`);
    });
    return { out, cleaner };
  };

  it('sums up the loaded readings per turbine, ascending by id: earliest, latest, how many', () => {
    const { cleaner } = feed([
      `${at(1)},9,5,180,1`,
      `${at(0)},4,5,180,1`,
      `${at(2)},9,5,180,NA`, // imputed: counts
      `${at(2)},4,5,180,NA`, // no later power: rejected, does not count
      `${at(3)},9,5,180,2`,
      `${at(3)},9,5,180,3`, // the duplicate before it does not count
      `${at(0)},7,5,180,NA`, // rejected: turbine 7 loads nothing
    ]);
    expect(cleaner.finish()).toBe(true);
    const ranges = cleaner.ranges();
    expect([...ranges.turbineIds]).toEqual([4, 9]);
    expect([...ranges.tsMin]).toEqual([ms(0), ms(1)]);
    expect([...ranges.tsMax]).toEqual([ms(0), ms(3)]);
    expect([...ranges.counts]).toEqual([1, 3]);
  });

  it('settles the held rows a part at a time when asked, with the same outcomes as all at once', () => {
    const lines = Array.from({ length: 50 }, (_, t) => `${at(0)},${t + 1},5,180,${t % 4 === 0 ? 'NA' : 2}`);
    const whole = feed(lines);
    whole.cleaner.finish();
    const parts = feed(lines);
    const calls: boolean[] = [];
    do calls.push(parts.cleaner.finish(20));
    while (!calls.at(-1));
    expect(calls).toEqual([false, false, true]);
    expect(parts.out.loaded).toEqual(whole.out.loaded);
    expect(parts.out.rejected).toEqual(whole.out.rejected);
    expect(parts.cleaner.ranges()).toEqual(whole.cleaner.ranges());
  });

  it('keeps turbines apart across blocks of slots: each imputes from its own rows, its rejected text kept', () => {
    const turbines = 2 * SLOT_BLOCK + 10;
    const lines: string[] = [];
    // Every turbine at 00:00 (a third of the odd ones without power); even ones again at 01:00
    // without power and at 02:00 with it, so their 01:00 power is imputed between 2 and 4.
    for (let t = 1; t <= turbines; t++) lines.push(`${at(0)},${t},5,180,${t % 2 === 1 && t % 3 === 0 ? 'NA' : 2}`);
    for (let t = 2; t <= turbines; t += 2) lines.push(`${at(1)},${t},5,180,-`);
    for (let t = 2; t <= turbines; t += 2) lines.push(`${at(2)},${t},5,180,4`);
    const { out, cleaner } = feed(lines);
    while (!cleaner.finish(1000));
    const odd = Math.ceil(turbines / 2);
    const rejected = Array.from({ length: odd }, (_, i) => 2 * i + 1).filter((t) => t % 3 === 0);
    expect(out.rejected.map((r) => r.line)).toEqual(rejected.map((t) => t + 1));
    expect(out.rejected[0]).toMatchObject({ raw: `${at(0)},3,5,180,NA`, reason: 'missing_power' });
    expect(out.loaded).toHaveLength(lines.length - rejected.length);
    const last = turbines;
    const imputed = out.loaded.filter((r) => r.powerImputed);
    expect(imputed).toHaveLength(turbines / 2);
    expect(imputed.find((r) => r.turbineId === last)).toMatchObject({ ts: ms(1), power: 3, windSpeed: 5 });
    const ranges = cleaner.ranges();
    expect(ranges.turbineIds).toHaveLength(turbines - rejected.length);
    const i = ranges.turbineIds.indexOf(last);
    expect([ranges.tsMin[i], ranges.tsMax[i], ranges.counts[i]]).toEqual([ms(0), ms(2), 3]);
  });
});
