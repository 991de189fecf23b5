import { mapHeader, normalizeColumnName } from '@windmill/core/domain/header';

/** The header row as the CSV reader hands it over: one string per field. */
const split = (line: string) => line.split(',');

function columnsOf(line: string) {
  const result = mapHeader(split(line));
  if (!result.ok) throw new Error(`expected a valid header, got: ${result.error}`);
  return result.columns;
}

function errorOf(line: string): string {
  const result = mapHeader(split(line));
  if (result.ok) throw new Error('expected the header to be refused');
  return result.error;
}

describe('mapHeader', () => {
  it('maps the standard header to its positions', () => {
    expect(columnsOf('timestamp,turbine_id,wind_speed,wind_direction,power_output')).toEqual({
      timestamp: 0,
      turbineId: 1,
      windSpeed: 2,
      windDirection: 3,
      powerOutput: 4,
      fieldCount: 5,
      ignored: [],
    });
  });

  it('removes a UTF-8 BOM, surrounding spaces and case before matching', () => {
    const columns = columnsOf('\uFEFF Timestamp ,  TURBINE_ID,Wind_Speed ,\tWIND_direction,Power_Output  ');
    expect(columns).toMatchObject({ timestamp: 0, turbineId: 1, windSpeed: 2, windDirection: 3, powerOutput: 4 });
    expect(columns.ignored).toEqual([]);
  });

  it('accepts the columns in any order', () => {
    expect(columnsOf('wind_direction,power_output,wind_speed,turbine_id,timestamp')).toMatchObject({
      timestamp: 4,
      turbineId: 3,
      powerOutput: 1,
      windSpeed: 2,
      windDirection: 0,
      fieldCount: 5,
    });
  });

  it('reports an extra column as ignored, as written (trimmed, BOM removed), and counts it in the field count', () => {
    const columns = columnsOf('\uFEFFSite Name,timestamp,turbine_id, Notes ,power_output');
    expect(columns.ignored).toEqual(['Site Name', 'Notes']);
    expect(columns).toMatchObject({ timestamp: 1, turbineId: 2, powerOutput: 4, fieldCount: 5 });
  });

  it('leaves the optional wind columns null when they are absent', () => {
    const columns = columnsOf('timestamp,turbine_id,power_output');
    expect(columns.windSpeed).toBeNull();
    expect(columns.windDirection).toBeNull();
    expect(columns.fieldCount).toBe(3);
  });

  it('accepts one optional column without the other', () => {
    const columns = columnsOf('timestamp,turbine_id,wind_direction,power_output');
    expect(columns.windSpeed).toBeNull();
    expect(columns.windDirection).toBe(2);
  });

  it('refuses a header that lacks a required column and names that column', () => {
    const error = errorOf('timestamp,wind_speed,power_output');
    expect(error).toMatch(/missing required column turbine_id\b/);
  });

  it('names every missing required column', () => {
    const error = errorOf('turbine_id,wind_speed');
    expect(error).toMatch(/missing required columns timestamp, power_output\b/);
  });

  it('refuses an empty header line, naming all three required columns', () => {
    expect(errorOf('')).toMatch(/timestamp, turbine_id, power_output/);
  });

  it('does not take a column whose name only contains a required name', () => {
    // "timestamp_utc" is an unknown column, so timestamp is missing.
    expect(errorOf('timestamp_utc,turbine_id,power_output')).toMatch(/missing required column timestamp\b/);
  });

  it('refuses a known column named twice, even in a different case or spacing', () => {
    const error = errorOf('timestamp,turbine_id, Timestamp,power_output');
    expect(error).toContain("'timestamp'");
    expect(error).toContain('twice');
  });

  it('refuses an optional column named twice too', () => {
    expect(errorOf('timestamp,turbine_id,wind_speed,power_output,WIND_SPEED')).toContain("'wind_speed'");
  });

  it('allows an unknown column named twice: both are ignored', () => {
    expect(columnsOf('timestamp,note,turbine_id,note,power_output').ignored).toEqual(['note', 'note']);
  });
});

describe('normalizeColumnName', () => {
  it('removes the BOM and spaces and lower-cases', () => {
    expect(normalizeColumnName('\uFEFF  Power_OUTPUT \t')).toBe('power_output');
  });
});
