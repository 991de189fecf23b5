import { mapHeader, type ColumnMap } from '@windmill/core/domain/header';
import type { Bounds } from '@windmill/core/domain/measurement';
import { createRecordParser, describeUnusablePower, type RecordResult } from '@windmill/core/domain/record';
import { createTimestampParser } from '@windmill/core/domain/timestamp';

const BOUNDS: Bounds = { windSpeedMax: 50, powerMin: 0, powerMax: 20 };

function columnsOf(header: string): ColumnMap {
  const result = mapHeader(header.split(','));
  if (!result.ok) throw new Error(result.error);
  return result.columns;
}

const FULL = columnsOf('timestamp,turbine_id,wind_speed,wind_direction,power_output');

function parserFor(columns: ColumnMap, bounds: Bounds = BOUNDS, timeZone = 'UTC') {
  return createRecordParser(columns, createTimestampParser(timeZone), bounds);
}

function rowOf(result: RecordResult) {
  if (!result.ok) throw new Error(`expected a row, got ${result.rejection.reason}: ${result.rejection.detail}`);
  return result.row;
}

function rejectionOf(result: RecordResult) {
  if (result.ok) throw new Error('expected a rejection');
  return result.rejection;
}

describe('createRecordParser: a valid line', () => {
  const parse = parserFor(FULL);

  it('reads every field', () => {
    const fields = ['2022-03-01 10:00:00', '7', '8.5', '270', '3.25'];
    expect(parse(fields, 2)).toEqual({
      ok: true,
      row: {
        line: 2,
        turbineId: 7,
        ts: Date.UTC(2022, 2, 1, 10),
        windSpeed: 8.5,
        windDirection: 270,
        power: 3.25,
        fields,
      },
    });
  });

  it('keeps the line number it was given', () => {
    expect(rowOf(parse(['2022-03-01 10:00:00', '7', '8.5', '270', '3.25'], 41)).line).toBe(41);
  });

  it('turns missing spellings into null without rejecting the line', () => {
    const row = rowOf(parse(['2022-03-01 10:00:00', '7', 'NA', 'null', '-'], 2));
    expect(row).toMatchObject({ windSpeed: null, windDirection: null, power: null });
  });

  it('turns values that are not numbers into null (step 3)', () => {
    const row = rowOf(parse(['2022-03-01 10:00:00', '7', '1e3', '12deg', '1,5'], 2));
    expect(row).toMatchObject({ windSpeed: null, windDirection: null, power: null });
  });

  it('turns values outside their bounds into null (outliers)', () => {
    const row = rowOf(parse(['2022-03-01 10:00:00', '7', '50.5', '360', '-1'], 2));
    expect(row).toMatchObject({ windSpeed: null, windDirection: null, power: null });
  });

  it('keeps values on the inclusive bounds', () => {
    expect(rowOf(parse(['2022-03-01 10:00:00', '7', '50', '0', '20'], 2))).toMatchObject({
      windSpeed: 50,
      windDirection: 0,
      power: 20,
    });
    expect(rowOf(parse(['2022-03-01 10:00:00', '7', '0', '359.9', '0'], 2))).toMatchObject({
      windSpeed: 0,
      windDirection: 359.9,
      power: 0,
    });
  });

  it('uses the bounds it was given', () => {
    const parseCustom = parserFor(FULL, { windSpeedMax: 25, powerMin: -1, powerMax: 5 });
    expect(rowOf(parseCustom(['2022-03-01 10:00:00', '7', '30', '90', '-1'], 2))).toMatchObject({
      windSpeed: null,
      power: -1,
    });
    expect(rowOf(parseCustom(['2022-03-01 10:00:00', '7', '25', '90', '6'], 2))).toMatchObject({
      windSpeed: 25,
      power: null,
    });
  });

  it('reads the timestamp in the source time zone it was given', () => {
    const parseBerlin = parserFor(FULL, BOUNDS, 'Europe/Berlin');
    // 10:00 CET (+01:00) = 09:00Z
    expect(rowOf(parseBerlin(['2022-03-01 10:00:00', '7', '1', '1', '1'], 2)).ts).toBe(Date.UTC(2022, 2, 1, 9));
  });

  it('finds reordered columns by name', () => {
    const parseReordered = parserFor(columnsOf('power_output,wind_direction,timestamp,wind_speed,turbine_id'));
    expect(rowOf(parseReordered(['4.5', '90', '2022-03-01 10:00:00', '11', '3'], 2))).toMatchObject({
      turbineId: 3,
      ts: Date.UTC(2022, 2, 1, 10),
      windSpeed: 11,
      windDirection: 90,
      power: 4.5,
    });
  });

  it('gives null wind values when the optional columns are absent', () => {
    const parseMinimal = parserFor(columnsOf('timestamp,turbine_id,power_output'));
    expect(rowOf(parseMinimal(['2022-03-01 10:00:00', '3', '4.5'], 2))).toMatchObject({
      windSpeed: null,
      windDirection: null,
      power: 4.5,
    });
  });

  it('ignores the value of an extra column, whatever it holds', () => {
    const parseExtra = parserFor(columnsOf('timestamp,site,turbine_id,power_output'));
    expect(rowOf(parseExtra(['2022-03-01 10:00:00', 'not a number, at all', '3', '4.5'], 2))).toMatchObject({
      turbineId: 3,
      power: 4.5,
    });
  });
});

describe('createRecordParser: rejections (step 1)', () => {
  const parse = parserFor(FULL);

  it('rejects too few fields with column_count, saying expected and found', () => {
    const fields = ['2022-03-01 10:00:00', '7', '8.5', '3.25'];
    expect(parse(fields, 5)).toEqual({
      ok: false,
      rejection: {
        line: 5,
        raw: '2022-03-01 10:00:00,7,8.5,3.25',
        reason: 'column_count',
        detail: 'expected 5 fields, found 4',
      },
    });
  });

  it('rejects too many fields with column_count', () => {
    const rejection = rejectionOf(parse(['2022-03-01 10:00:00', '7', '8.5', '270', '3.25', ''], 3));
    expect(rejection.reason).toBe('column_count');
    expect(rejection.detail).toBe('expected 5 fields, found 6');
    expect(rejection.raw).toBe('2022-03-01 10:00:00,7,8.5,270,3.25,');
  });

  it('rejects an unparseable timestamp with bad_timestamp, quoting the text', () => {
    const rejection = rejectionOf(parse(['2022-02-30 10:00:00', '7', '8.5', '270', '3.25'], 4));
    expect(rejection).toMatchObject({ line: 4, reason: 'bad_timestamp', raw: '2022-02-30 10:00:00,7,8.5,270,3.25' });
    expect(rejection.detail).toContain('"2022-02-30 10:00:00"');
  });

  it.each(['0', '-3', '1.5', 'T7', '', '99999999999'])('rejects the turbine id %j with bad_turbine_id', (id) => {
    const rejection = rejectionOf(parse(['2022-03-01 10:00:00', id, '8.5', '270', '3.25'], 6));
    expect(rejection.reason).toBe('bad_turbine_id');
    expect(rejection.detail).toContain(JSON.stringify(id));
  });

  it('accepts the turbine id 007 as turbine 7', () => {
    expect(rowOf(parse(['2022-03-01 10:00:00', '007', '8.5', '270', '3.25'], 2)).turbineId).toBe(7);
  });

  it('checks the field count first when everything is wrong', () => {
    expect(rejectionOf(parse(['garbage', 'T7', 'x'], 2)).reason).toBe('column_count');
  });

  it('checks the timestamp before the turbine id', () => {
    expect(rejectionOf(parse(['garbage', 'T7', '8.5', '270', '3.25'], 2)).reason).toBe('bad_timestamp');
  });

  it('rejects a bad turbine id even when the measurements are missing too', () => {
    // a structural fault wins over a missing power: the line is bad_turbine_id, not missing_power
    expect(rejectionOf(parse(['2022-03-01 10:00:00', 'T7', 'NA', 'NA', 'NA'], 2)).reason).toBe('bad_turbine_id');
  });

  it('re-encodes the raw text with RFC 4180 quotes for a field holding a comma or a quote', () => {
    const rejection = rejectionOf(parse(['2022-03-01 10:00:00', '7', '1,5', 'say "north"'], 9));
    expect(rejection.reason).toBe('column_count');
    expect(rejection.raw).toBe('2022-03-01 10:00:00,7,"1,5","say ""north"""');
  });
});

describe('describeUnusablePower', () => {
  it('says missing for the missing spellings', () => {
    expect(describeUnusablePower('NA', BOUNDS)).toBe('power_output is missing ("NA")');
    expect(describeUnusablePower('', BOUNDS)).toBe('power_output is missing ("")');
    expect(describeUnusablePower('null', BOUNDS)).toContain('missing');
  });

  it('says not a number for other text', () => {
    expect(describeUnusablePower('12kW', BOUNDS)).toBe('power_output "12kW" is not a decimal number');
  });

  it('says outside the bounds for an outlier, naming them', () => {
    expect(describeUnusablePower('25', BOUNDS)).toBe('power_output 25 is outside 0..20');
    expect(describeUnusablePower('-1', { ...BOUNDS, powerMin: 0, powerMax: 3.6 })).toBe('power_output -1 is outside 0..3.6');
  });
});
