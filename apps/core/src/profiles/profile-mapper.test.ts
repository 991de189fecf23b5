import { parseMeasurement } from '@windmill/core/domain/measurement';
import { parseInputProfiles } from '@windmill/core/profiles/input-profile';
import { fileTurbine, mapProfileHeader, numericTurbineId, profileReading } from '@windmill/core/profiles/profile-mapper';

const [greenbyte, european, single] = parseInputProfiles({
  profiles: [
    { name: 'kelmarsh', match: '*', preset: 'greenbyte' },
    { name: 'eu', match: '*', preset: 'european', units: { wind_speed: 'km/h' } },
    { name: 'one', match: '*', preset: 'single-turbine' },
  ],
});

describe('mapProfileHeader', () => {
  it('finds the mapped columns by name in any order, trimmed and case-insensitively, and ignores the rest', () => {
    const header = [
      'Date and time',
      'Wind speed, Standard deviation (m/s)',
      ' wind speed (m/s) ',
      'POWER (KW)',
      'Other',
      'Wind direction (°)',
    ];
    const result = mapProfileHeader(header, greenbyte!);
    expect(result).toEqual({
      ok: true,
      columns: {
        timestamp: 0,
        turbineId: -1,
        powerOutput: 3,
        windSpeed: 2,
        windDirection: 5,
        fieldCount: 6,
        ignored: ['Wind speed, Standard deviation (m/s)', 'Other'],
      },
    });
  });

  it('reads a file without wind direction when the profile sets it to null', () => {
    const [noDirection] = parseInputProfiles({
      profiles: [{ name: 'k', match: '*', preset: 'greenbyte', columns: { wind_direction: null } }],
    });
    expect(mapProfileHeader(['Date and time', 'Wind speed (m/s)', 'Power (kW)'], noDirection!)).toMatchObject({
      ok: true,
      columns: { windDirection: null },
    });
  });

  it('fails naming the profile, the missing name and the header as read', () => {
    const result = mapProfileHeader(['Date and time', 'Power'], greenbyte!);
    expect(result).toEqual({
      ok: false,
      error: 'profile "kelmarsh": the header has no column "Power (kW)" (columns.power_output); header as read: "Date and time,Power"',
    });
  });
});

describe('profileReading', () => {
  it('reads kW with a decimal comma as exactly the MW a canonical file would give', () => {
    const reading = profileReading(european!, { kind: 'file', id: 1 });
    for (const [kw, mw] of [
      ['3250,5', '3.2505'],
      ['37,5', '0.0375'],
      ['-300', '-0.3'],
      ['1234,5678', '1.2345678'],
      ['0,1', '0.0001'],
    ] as const) {
      expect(reading.power(kw)).toBe(parseMeasurement(mw));
    }
    expect(reading.power('3.25')).toBeNull(); // a decimal point where the profile writes commas
    expect(reading.power('')).toBeNull();
    expect(reading.windSpeed('36')).toBeCloseTo(10, 12);
    expect(reading.windDirection('181,5')).toBe(181.5);
  });

  it("treats the profile's missing spellings as missing and writes a rejected line back with its delimiter", () => {
    const reading = profileReading(greenbyte!, { kind: 'file', id: 1 });
    expect(reading.power('NaN')).toBeNull();
    expect(reading.power('1000')).toBe(1);
    expect(profileReading(european!, { kind: 'file', id: 1 }).formatRaw(['R80711', '1;2', '3,5'])).toBe('R80711;"1;2";3,5');
  });
});

describe('fileTurbine', () => {
  it('takes the name from the preamble, the file name or the value', () => {
    expect(fileTurbine(greenbyte!, 'x.csv', ['# Time zone: UTC', '# Turbine: Kelmarsh 1 '])).toEqual({ ok: true, name: 'Kelmarsh 1' });
    expect(fileTurbine(single!, 'T1.csv', [])).toEqual({ ok: true, name: 'T1' });
    expect(fileTurbine(european!, 'x.csv', [])).toBeNull();
  });

  it('fails naming the pattern when it matches nothing', () => {
    expect(fileTurbine(greenbyte!, 'x.csv', ['# Time zone: UTC'])).toEqual({
      ok: false,
      error: 'profile "kelmarsh": turbine.pattern "^# Turbine: (.+)$" (from preamble) matches nothing in any of the 1 preamble lines',
    });
    expect(fileTurbine(single!, 'T1.txt', [])).toMatchObject({ ok: false, error: expect.stringContaining('the file name "T1.txt"') });
  });
});

describe('numericTurbineId', () => {
  it('keeps positive integers as ids and leaves every other name to the database', () => {
    expect(numericTurbineId('7')).toBe(7);
    expect(numericTurbineId('007')).toBe(7);
    expect(numericTurbineId('0')).toBeNull();
    expect(numericTurbineId('R80711')).toBeNull();
    expect(numericTurbineId('99999999999')).toBeNull();
  });
});
