import { createHeadScanner } from '../domain/file-head.js';
import { createFormatParser } from '../domain/timestamp-format.js';
import { createTimestampParser } from '../domain/timestamp.js';
import { parseInputProfiles, type InputProfile } from './input-profile.js';
import { fileTurbine, mapProfileHeader } from './profile-mapper.js';
import { selectProfile } from './select-profile.js';
import { firstInvalidUtf8 } from './sniff-encoding.js';
import { splitRecord } from './sniff-layout.js';
import { SNIFF_HEAD_BYTES, sniffProfile, type SniffResult } from './sniff-profile.js';

const TEN_MINUTES = 600_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** Readings every 10 minutes from `startMs` (UTC), as date parts a layout formats. */
function* times(startMs: number, count: number) {
  for (let i = 0; i < count; i++) {
    const d = new Date(startMs + i * TEN_MINUTES);
    yield {
      i,
      Y: d.getUTCFullYear(),
      m: pad(d.getUTCMonth() + 1),
      d: pad(d.getUTCDate()),
      H: pad(d.getUTCHours()),
      M: pad(d.getUTCMinutes()),
    };
  }
}

/** A Greenbyte export (Kelmarsh): a 10-line `# ` preamble, then a `# ` header of 61 columns. */
function greenbyteHead(): Buffer {
  const preamble = [
    '# This file was exported by Greenbyte Breeze at 2022-01-11 10:12:13.',
    '# ',
    '# Turbine: Kelmarsh 1',
    '# Type: Senvion MM92',
    '# Time zone: UTC',
    '# Time interval: 2016-01-03 - 2017-01-01',
    '# Resolution: 10 minutes',
    '# Wind farm: Kelmarsh',
    '# Rated power: 2050 kW',
    '# ',
  ];
  const stats = (name: string, unit: string) => [
    `${name} (${unit})`,
    ...['Standard deviation', 'Minimum', 'Maximum'].map((s) => `"${name}, ${s} (${unit})"`),
  ];
  const names = [
    'Date and time',
    ...stats('Wind speed', 'm/s'),
    ...stats('Wind direction', '°'),
    ...stats('Nacelle position', '°'),
    ...stats('Power', 'kW'),
    'Potential power default PC (kW)',
    'Reactive power (kvar)',
    'Energy Export (kWh)',
    ...Array.from({ length: 41 }, (_, i) => `Temperature ${i + 1} (°C)`),
  ];
  const lines = [...preamble, `# ${names.join(',')}`];
  for (const t of times(Date.UTC(2016, 0, 3), 300)) {
    const calm = t.i % 50 === 7;
    const values = names.slice(1).map((_, k) => (calm ? 'NaN' : (k * 13.7 + t.i * 0.31 + 0.5).toFixed(2)));
    lines.push(`${t.Y}-${t.m}-${t.d} ${t.H}:${t.M}:00,${values.join(',')}`);
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

/** The single-turbine export: windows-1252, `Date/Time`, `01 01 2018 00:10`, a few negative powers. */
function singleTurbineHead(days = 14, start = Date.UTC(2018, 0, 1)): Buffer {
  const lines = ['Date/Time,LV ActivePower (kW),Wind Speed (m/s),Theoretical_Power_Curve (KWh),Wind Direction (°)'];
  for (const t of times(start, days * 144)) {
    const power = t.i % 97 === 3 ? '-2.4713499546051' : (380.047790527343 + (t.i % 300)).toString();
    lines.push(`${t.d} ${t.m} ${t.Y} ${t.H}:${t.M},${power},5.31133604049682,416.328907824861,259.994903564453`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
}

/** A European spreadsheet export: `;`, decimal commas, `31.12.2018 23:50`, turbines in a column. */
function europeanHead(): Buffer {
  const lines = ['Wind_turbine_name;Date_time;Ba_avg;P_avg;P_min;P_max;P_std;Q_avg;Ws_avg;Ws1_avg;Wa_avg;Va_avg'];
  for (const t of times(Date.UTC(2018, 11, 31, 23, 50), 100)) {
    for (const [k, turbine] of ['R80711', 'R80721', 'R80736'].entries()) {
      const power = t.i === 5 && k === 1 ? '---' : `${(1200 + t.i * 3.5 + k).toFixed(2).replace('.', ',')}`;
      lines.push(`${turbine};${t.d}.${t.m}.${t.Y} ${t.H}:${t.M};-0,99;${power};12,5;1800,25;33,1;-45,3;7,25;7,3;180,5;-3,2`);
    }
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

/** What the loader does with the head: scan the preamble by the profile's rules, map the header, find the turbine. */
function loadHead(head: Buffer, fileName: string, written: SniffResult['profile']) {
  const [profile] = parseInputProfiles({ profiles: [written] }) as [InputProfile];
  const text = new TextDecoder(profile.encoding).decode(head);
  const scanner = createHeadScanner(profile);
  scanner.push(text);
  const scanned = scanner.end();
  if (scanned.done !== true) throw new Error(`the head scanner did not find the header: ${JSON.stringify(scanned)}`);
  const header = splitRecord(scanned.head.header, profile.delimiter)!;
  const mapped = mapProfileHeader(header, profile);
  if (!mapped.ok) throw new Error(mapped.error);
  const firstRow = splitRecord(scanned.head.rest.split(/\r?\n/)[0]!, profile.delimiter)!;
  const parse = profile.timestampFormat === null ? createTimestampParser('UTC') : createFormatParser(profile.timestampFormat, 'UTC');
  return {
    headerLine: scanned.head.headerLine,
    columns: mapped.columns,
    turbine: fileTurbine(profile, fileName, scanned.head.preamble),
    firstTime: parse(firstRow[mapped.columns.timestamp]!),
  };
}

describe('sniffProfile on the three public layouts', () => {
  it('reads a Greenbyte export: # preamble with the header as its last line, kW, the turbine in the preamble', () => {
    const fileName = 'Turbine_Data_Kelmarsh_1_2016-01-03_-_2017-01-01_228.csv';
    const head = greenbyteHead();
    const { profile, notes, undecided } = sniffProfile({ fileName, head });
    expect(undecided).toEqual([]);
    expect(profile).toEqual({
      name: 'turbine-data-kelmarsh-1-2016-01-03-2017-01-01-228',
      match: fileName,
      encoding: 'utf-8',
      delimiter: ',',
      decimalSeparator: '.',
      commentPrefix: '#',
      headerPrefix: '# ',
      columns: {
        timestamp: 'Date and time',
        power_output: 'Power (kW)',
        wind_speed: 'Wind speed (m/s)',
        wind_direction: 'Wind direction (°)',
      },
      timestampFormat: null,
      timezone: 'UTC',
      units: { power_output: 'kW', wind_speed: 'm/s' },
      turbine: { from: 'preamble', pattern: '^# Turbine: (.+)$' },
    });
    expect(notes).toContainEqual(expect.stringMatching(/^header: line 11, 61 columns/));
    expect(notes).toContainEqual(
      expect.stringMatching(
        /^columns\.power_output: "Power \(kW\)" .*passed over "Power, Standard deviation \(kW\)", "Power, Minimum \(kW\)"/,
      ),
    );
    expect(notes).toContainEqual(expect.stringMatching(/^missingValues: none beyond the canonical ones .*"NaN" means missing already/));
    expect(notes).toContainEqual(
      'match: "Turbine_Data_Kelmarsh_1_2016-01-03_-_2017-01-01_228.csv" (this file only; widen it to a glob such as "Turbine_Data_Kelmarsh_*.csv" for every file of this layout)',
    );

    const loaded = loadHead(head, fileName, profile);
    expect(loaded.headerLine).toBe(11);
    expect(loaded.turbine).toEqual({ ok: true, name: 'Kelmarsh 1' });
    expect(loaded.firstTime).toBe(Date.UTC(2016, 0, 3));
  });

  it('reads the single-turbine export: windows-1252 for its ° byte, day-first times, the turbine in the file name', () => {
    const head = singleTurbineHead();
    const { profile, notes, undecided } = sniffProfile({ fileName: 'T1.csv', head });
    expect(undecided).toEqual([]);
    expect(profile).toMatchObject({
      name: 't1',
      match: 'T1.csv',
      encoding: 'windows-1252',
      delimiter: ',',
      decimalSeparator: '.',
      columns: {
        timestamp: 'Date/Time',
        power_output: 'LV ActivePower (kW)',
        wind_speed: 'Wind Speed (m/s)',
        wind_direction: 'Wind Direction (°)',
      },
      timestampFormat: '%d %m %Y %H:%M',
      units: { power_output: 'kW', wind_speed: 'm/s' },
      turbine: { from: 'fileName', pattern: '^(.+)\\.[Cc][Ss][Vv]$' },
    });
    expect(profile).not.toHaveProperty('commentPrefix');
    expect(profile).not.toHaveProperty('skipLines');
    const degree = head.indexOf(0xb0);
    expect(notes[0]).toBe(`encoding: windows-1252 (byte 0xB0 at offset ${degree} is not valid UTF-8; windows-1252 reads it as "°")`);
    expect(notes).toContainEqual(
      expect.stringMatching(/^columns\.power_output: "LV ActivePower \(kW\)" .*passed over "Theoretical_Power_Curve \(KWh\)"/),
    );
    expect(notes).toContainEqual(
      expect.stringMatching(/^timestampFormat: "%d %m %Y %H:%M" .*day-first: "13 01 2018 00:00", where 13 cannot be a month/),
    );
    expect(notes).toContainEqual(expect.stringMatching(/^turbine: from the file name .*this file's turbine is "T1"/));

    const loaded = loadHead(head, 'T1.csv', profile);
    expect(loaded.turbine).toEqual({ ok: true, name: 'T1' });
    expect(loaded.firstTime).toBe(Date.UTC(2018, 0, 1));
  });

  it('reads a European export: ";" with decimal commas, dotted day-first times, turbine names in a column', () => {
    const head = europeanHead();
    const { profile, notes, undecided } = sniffProfile({ fileName: 'la-haute-borne-data-2017-2020.csv', head });
    expect(undecided).toEqual([]);
    expect(profile).toEqual({
      name: 'la-haute-borne-data-2017-2020',
      match: 'la-haute-borne-data-2017-2020.csv',
      encoding: 'utf-8',
      delimiter: ';',
      decimalSeparator: ',',
      missingValues: ['---'],
      columns: {
        timestamp: 'Date_time',
        power_output: 'P_avg',
        wind_speed: 'Ws_avg',
        wind_direction: 'Wa_avg',
        turbine_id: 'Wind_turbine_name',
      },
      timestampFormat: '%d.%m.%Y %H:%M',
      units: { power_output: 'kW', wind_speed: 'm/s' },
      turbine: { from: 'column' },
    });
    expect(notes).toContainEqual(expect.stringMatching(/^delimiter: ";" \(300 of 300 sampled data lines split into 12 fields/));
    expect(notes).toContainEqual(expect.stringMatching(/^decimalSeparator: "," \(\d+ numeric cells like "1200,00", 0 with a point\)/));
    expect(notes).toContainEqual(
      expect.stringMatching(/^timestampFormat: "%d.%m.%Y %H:%M" .*"31.12.2018 23:50", where 31 cannot be a month/),
    );
    expect(notes).toContainEqual(
      expect.stringMatching(/^units\.power_output: kW \(no unit in the column name; 95 % of \d+ values are at most \d+(\.\d+)?, kilowatts/),
    );
    expect(notes).toContainEqual(
      expect.stringMatching(/^turbine: from the column "Wind_turbine_name" \(3 names in the first lines: "R80711", "R80721", "R80736"\)/),
    );
    expect(notes).toContainEqual('missingValues: ["---"] (written in numeric columns instead of a number)');

    const loaded = loadHead(head, 'la-haute-borne-data-2017-2020.csv', profile);
    expect(loaded.columns.turbineId).toBe(0);
    expect(loaded.firstTime).toBe(Date.UTC(2018, 11, 31, 23, 50));
  });
});

describe('sniffProfile when it cannot decide', () => {
  it('proposes day-first but asks when no day is above 12', () => {
    const head = singleTurbineHead(3);
    const { profile, notes, undecided } = sniffProfile({ fileName: 'T1.csv', head });
    expect(profile.timestampFormat).toBe('%d %m %Y %H:%M');
    expect(notes).toContainEqual(
      expect.stringMatching(/^timestampFormat: "%d %m %Y %H:%M" proposed \(all 432 values read both day-first and month-first/),
    );
    expect(undecided).toEqual([
      'timestampFormat: every value read has day and month both 12 or less, so day-first cannot be told from month-first; ' +
        '"%d %m %Y %H:%M" is proposed, write "%m %d %Y %H:%M" if the export is month-first',
    ]);
    expect(() => parseInputProfiles({ profiles: [profile] })).not.toThrow();
  });

  it('decides month-first from a value whose second number is above 12', () => {
    const csv = 'timestamp,turbine,power\n12/31/2018 11:50 PM,7,1.5\n01/01/2019 12:00 AM,7,1.6\n';
    const { profile, undecided } = sniffProfile({ fileName: 'us.csv', head: Buffer.from(csv) });
    expect(profile.timestampFormat).toBe('%m/%d/%Y %I:%M %p');
    expect(undecided).toEqual([]);
  });

  it('writes a placeholder for a missing power column and says which field to fill in', () => {
    const csv = 'Date,Turbine,Wind speed (m/s)\n2018-03-01 00:00:00,WTG01,5.5\n2018-03-01 00:10:00,WTG01,6.0\n';
    const { profile, notes, undecided } = sniffProfile({ fileName: 'no-power.csv', head: Buffer.from(csv) });
    expect(profile.columns).toEqual({
      timestamp: 'Date',
      power_output: 'FILL IN: power_output',
      wind_speed: 'Wind speed (m/s)',
      turbine_id: 'Turbine',
    });
    expect(notes).toContain('columns.power_output: undecided (no column is named like the active power)');
    expect(undecided).toEqual([
      'columns.power_output: no column is named like the active power; write the header name of the column that holds it',
    ]);
    expect(() => parseInputProfiles({ profiles: [profile] })).not.toThrow();
  });

  it('asks for the timestamp format when no known format reads the values', () => {
    const csv = 'timestamp;power\n20180301-0000;1,5\n20180301-0010;1,6\n';
    const { profile, undecided } = sniffProfile({ fileName: 'odd.csv', head: Buffer.from(csv) });
    expect(profile.timestampFormat).toBeNull();
    expect(undecided).toEqual([
      expect.stringMatching(/^timestampFormat: no known format reads "20180301-0000", "20180301-0010"; write their strftime format/),
    ]);
    expect(() => parseInputProfiles({ profiles: [profile] })).not.toThrow();
  });

  it('asks for the power unit when the magnitude cannot tell kW from MW', () => {
    const csv = 'timestamp,turbine_id,power\n2018-03-01 00:00:00,1,42.5\n2018-03-01 00:10:00,1,55.0\n';
    const { profile, undecided } = sniffProfile({ fileName: 'calm.csv', head: Buffer.from(csv) });
    expect(profile.units).toEqual({ power_output: 'kW', wind_speed: 'm/s' });
    expect(undecided).toEqual([
      'units.power_output: the column name has no unit and 95 % of 2 values are at most 55; kW is proposed, write W, kW or MW',
    ]);
  });

  it('gives a profile of placeholders for an empty or binary file', () => {
    for (const head of [Buffer.alloc(0), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00, 0x21, 0x00])]) {
      const { profile, undecided } = sniffProfile({ fileName: 'x.csv', head });
      expect(undecided.length).toBeGreaterThan(0);
      expect(() => parseInputProfiles({ profiles: [profile] })).not.toThrow();
    }
    expect(sniffProfile({ fileName: 'x.csv', head: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]) }).undecided[0]).toBe(
      'encoding: a NUL byte at offset 4: binary data, not CSV text',
    );
  });
});

describe('sniffProfile details', () => {
  it('reads UTF-16 little-endian with or without a byte-order mark, and UTF-8 with one', () => {
    const csv = 'timestamp,turbine_id,power_output\n2018-03-01 00:00:00,1,1.5\n';
    const bom = sniffProfile({ fileName: 'a.csv', head: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')]) });
    expect(bom.profile.encoding).toBe('utf-16le');
    expect(bom.profile.columns).toMatchObject({ timestamp: 'timestamp', power_output: 'power_output', turbine_id: 'turbine_id' });
    expect(sniffProfile({ fileName: 'a.csv', head: Buffer.from(csv, 'utf16le') }).notes[0]).toBe(
      'encoding: utf-16le (no byte-order mark, but every other byte is NUL: UTF-16 little-endian text)',
    );
    const utf8 = sniffProfile({ fileName: 'a.csv', head: Buffer.from(`\uFEFF${csv}`) });
    expect(utf8.profile.encoding).toBe('utf-8');
    expect(utf8.profile.columns?.timestamp).toBe('timestamp');
  });

  it('skips a preamble that is not commented by its line count, and finds the turbine named in it', () => {
    const csv = 'Export of wind farm X\nTurbine: WTG 07\n\ntime\tpower (MW)\n2018-03-01 00:00:00\t1.5\n2018-03-01 00:10:00\t1.6\n';
    const { profile, notes, undecided } = sniffProfile({ fileName: 'wtg07.txt', head: Buffer.from(csv) });
    expect(undecided).toEqual([]);
    expect(profile).toMatchObject({
      delimiter: '\t',
      skipLines: 2,
      units: { power_output: 'MW' },
      turbine: { from: 'preamble', pattern: '^Turbine: (.+)$' },
    });
    expect(profile).not.toHaveProperty('commentPrefix');
    expect(notes).toContain('preamble: skipLines 2 (lines 1-2 are neither comments nor the header)');
    expect(loadHead(Buffer.from(csv), 'wtg07.txt', profile).turbine).toEqual({ ok: true, name: 'WTG 07' });
  });

  it('leaves out the last line of a head that may have been cut', () => {
    const full = singleTurbineHead(60);
    // Cut inside a line's timestamp ("01 02 2018 00"), at SNIFF_HEAD_BYTES or just past it.
    const lineStart = full.indexOf('\r\n', SNIFF_HEAD_BYTES - 13) + 2;
    const head = full.subarray(0, lineStart + 13);
    const { profile, notes, undecided } = sniffProfile({ fileName: 'T1.csv', head });
    expect(undecided).toEqual([]);
    expect(notes.filter((note) => note.startsWith('rows:'))).toEqual([]);
    expect(notes).toContainEqual(expect.stringMatching(/^timestampFormat: "%d %m %Y %H:%M" \(all \d+ values read with it/));
    expect(profile.timestampFormat).toBe('%d %m %Y %H:%M');
    // The same head as a whole file (shorter than SNIFF_HEAD_BYTES) keeps its last line, and says it is odd.
    const headerLine = full.subarray(0, full.indexOf('\r\n') + 2);
    const lastLines = head.subarray(head.indexOf('\r\n', head.length - 4000) + 2);
    const whole = sniffProfile({ fileName: 'T1.csv', head: Buffer.concat([headerLine, lastLines]) });
    expect(whole.notes).toContainEqual(expect.stringMatching(/^rows: 1 of the first \d+ data lines do not have 5 fields/));
  });

  it('does not count a character cut off at the end of the head against UTF-8', () => {
    const cut = Buffer.from('a°').subarray(0, 2);
    expect(firstInvalidUtf8(cut, true)).toBe(-1);
    expect(firstInvalidUtf8(cut, false)).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80]), true)).toBe(1); // overlong
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]), true)).toBe(0); // a surrogate
  });

  it('writes a match that selects exactly this file, even with glob characters in its name', () => {
    const fileName = 'site [A] {1,2} #3.csv';
    const { profile } = sniffProfile({
      fileName: `exports/${fileName}`,
      head: Buffer.from('timestamp,turbine_id,power_output\n2018-03-01 00:00:00,1,1.5\n'),
    });
    const [parsed] = parseInputProfiles({ profiles: [profile] });
    expect(profile.name).toBe('site-a-1-2-3');
    expect(selectProfile(fileName, [parsed!])).toBe(parsed);
    expect(selectProfile('site A 1.csv', [parsed!])).toBeNull();
  });
});
