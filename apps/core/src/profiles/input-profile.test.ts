import { parseInputProfiles, ProfileError } from '@windmill/core/profiles/input-profile';
import { selectProfile } from '@windmill/core/profiles/select-profile';

function problemsOf(json: unknown): string[] {
  try {
    parseInputProfiles(json);
  } catch (error) {
    if (error instanceof ProfileError) return error.problems;
    throw error;
  }
  throw new Error('expected the profiles to be refused');
}

describe('parseInputProfiles', () => {
  it('fills a preset and lets the profile override single fields', () => {
    const [profile] = parseInputProfiles({
      profiles: [{ name: 'kelmarsh', match: 'Turbine_Data_*.csv', preset: 'greenbyte', columns: { power_output: 'Power, Average (kW)' } }],
    });
    expect(profile).toMatchObject({
      name: 'kelmarsh',
      match: ['Turbine_Data_*.csv'],
      commentPrefix: '#',
      headerPrefix: '# ',
      missingValues: ['NaN'],
      columns: { timestamp: 'Date and time', power_output: 'Power, Average (kW)', wind_speed: 'Wind speed (m/s)' },
      units: { power_output: 'kW', wind_speed: 'm/s' },
      turbine: { from: 'preamble', pattern: '^# Turbine: (.+)$' },
      preset: 'greenbyte',
    });
  });

  it('gives every field its default', () => {
    const [profile] = parseInputProfiles({
      profiles: [
        { name: 'plain', match: ['*.csv'], columns: { timestamp: 'time', power_output: 'P', turbine_id: 'wtg' }, delimiter: '\\t' },
      ],
    });
    expect(profile).toEqual({
      name: 'plain',
      match: ['*.csv'],
      encoding: 'utf-8',
      delimiter: '\t',
      decimalSeparator: '.',
      commentPrefix: null,
      headerPrefix: null,
      skipLines: 0,
      missingValues: [],
      columns: { timestamp: 'time', power_output: 'P', turbine_id: 'wtg' },
      timestampFormat: null,
      timezone: null,
      units: { power_output: 'MW', wind_speed: 'm/s' },
      turbine: { from: 'column' },
      preset: null,
    });
  });

  it('names the profile and the field of every problem, in one error', () => {
    const problems = problemsOf({
      profiles: [
        { name: 'a', match: '*.csv', preset: 'european', encoding: 'ebcdic', timestampFormat: '%d.%m.%Y %H:%Q' },
        { name: 'b', match: '*.txt', columns: { timestamp: 't' } },
        { name: 'c', match: 'x', preset: 'greenbyte', turbine: { from: 'preamble', pattern: 'Turbine: .+' } },
        { name: 'd', match: 'y', preset: 'european', delimiter: ',' },
        { match: 'z' },
        { name: 'a', match: 'w', preset: 'greenbyte' },
        { name: 'e', match: 'v', preset: 'greenbyte', colums: {} },
      ],
    });
    expect(problems).toEqual([
      'profile "a": encoding: expected one of utf-8, windows-1252, iso-8859-1, utf-16le',
      'profile "a": timestampFormat: unknown directive %Q (known: %Y %y %m %d %H %I %p %M %S %f %b %z)',
      'profile "b": columns.power_output: required (the column that holds the power)',
      'profile "b": columns.turbine_id: required with turbine.from = "column" (or name the turbine with turbine.fileName, preamble or value)',
      'profile "c": turbine.pattern: needs exactly one capture group for the turbine name, found 0',
      'profile "d": decimalSeparator: "," needs another delimiter (";", "\\t" or "|")',
      expect.stringMatching(/^profile #5: name: /),
      'profile "a": name: another profile is already named "a"',
      'profile "e": Unrecognized key: "colums"',
    ]);
  });

  it('refuses a file that is not {"profiles": [...]}', () => {
    expect(problemsOf([{ name: 'a' }])[0]).toMatch(/^expected an object \{"profiles": \[ \.\.\. \]\}/);
  });
});

describe('selectProfile', () => {
  const profiles = parseInputProfiles({
    profiles: [
      { name: 'kelmarsh', match: 'Turbine_Data_*.csv', preset: 'greenbyte' },
      { name: 'site-b', match: ['site-b/**/*.csv'], preset: 'european' },
      { name: 'one', match: 'T?.csv', preset: 'single-turbine' },
    ],
  });
  it('takes the first profile whose glob matches the relative path, case-insensitively', () => {
    expect(selectProfile('Turbine_Data_Kelmarsh_1_2016.csv', profiles)?.name).toBe('kelmarsh');
    expect(selectProfile('2016/turbine_data_kelmarsh_2.CSV', profiles)?.name).toBe('kelmarsh');
    expect(selectProfile('site-b/2018/12/export.csv', profiles)?.name).toBe('site-b');
    expect(selectProfile('T1.csv', profiles)?.name).toBe('one');
    expect(selectProfile('T12.csv', profiles)).toBeNull();
    expect(selectProfile('data_group_1.csv', profiles)).toBeNull();
  });
});
