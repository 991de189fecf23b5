import { createFormatParser } from '@windmill/core/domain/timestamp-format';
import { createDayFirstRespeller, parseNaiveUtc } from '@windmill/core/generator/layouts/layout-time';
import { PRESETS } from '@windmill/core/profiles/presets';

/** Timestamps messiness.ts writes on purpose: none may parse in a layout's format either. */
const BAD = [
  '2022-13-01 00:00:00',
  '2022-03-01 25:00:00',
  '2022-03-01 10:61:00',
  'yesterday',
  '01/03/2022 00:00',
  '',
  '2022-02-30 10:00:00',
];

describe('parseNaiveUtc', () => {
  it('reads a valid naive UTC time and refuses impossible ones', () => {
    expect(parseNaiveUtc('2022-03-01 10:20:00')).toBe(Date.parse('2022-03-01T10:20:00Z'));
    for (const text of BAD) expect(parseNaiveUtc(text)).toBeNull();
  });
});

describe('createDayFirstRespeller', () => {
  it('writes the single-turbine day-first UTC time, without seconds', () => {
    const respell = createDayFirstRespeller(' ', 'UTC');
    expect(respell('2018-01-01 00:10:00')).toBe('01 01 2018 00:10');
    expect(respell('2022-03-27 23:50:00')).toBe('27 03 2022 23:50');
  });

  it('writes European local time in Paris: +1 h in winter, +2 h in summer, the spring gap skipped', () => {
    const respell = createDayFirstRespeller('.', 'Europe/Paris');
    expect(respell('2018-12-31 22:50:00')).toBe('31.12.2018 23:50');
    expect(respell('2022-07-01 12:00:00')).toBe('01.07.2022 14:00');
    // 27 March 2022: 01:00 UTC is 03:00 CEST; 02:xx local never happens.
    expect(respell('2022-03-27 00:50:00')).toBe('27.03.2022 01:50');
    expect(respell('2022-03-27 01:00:00')).toBe('27.03.2022 03:00');
  });

  it('gives times the loader reads back as the same instant with the presets’ formats and zones', () => {
    for (const layout of ['single-turbine', 'european'] as const) {
      const preset = PRESETS[layout];
      const parse = createFormatParser(preset.timestampFormat!, preset.timezone!);
      const respell = createDayFirstRespeller(layout === 'european' ? '.' : ' ', preset.timezone!);
      // Every 10 minutes of 2022 except the second pass of the repeated autumn hour in Paris
      // (30 October, 01:00-02:00 UTC), which the loader reads as the first (00:00-01:00 UTC).
      for (let ms = Date.UTC(2022, 0, 1); ms < Date.UTC(2023, 0, 1); ms += 600_000) {
        if (layout === 'european' && ms >= Date.UTC(2022, 9, 30, 1) && ms < Date.UTC(2022, 9, 30, 2)) continue;
        const naive = new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
        expect(parse(respell(naive))).toBe(ms);
      }
    }
  });

  it('cannot tell the repeated autumn hour apart: its second pass is written like its first', () => {
    const respell = createDayFirstRespeller('.', 'Europe/Paris');
    expect(respell('2022-10-30 00:30:00')).toBe('30.10.2022 02:30');
    expect(respell('2022-10-30 01:30:00')).toBe('30.10.2022 02:30');
  });

  it('keeps a deliberately bad timestamp unparseable in the layout’s format', () => {
    for (const layout of ['single-turbine', 'european'] as const) {
      const preset = PRESETS[layout];
      const parse = createFormatParser(preset.timestampFormat!, preset.timezone!);
      const respell = createDayFirstRespeller(layout === 'european' ? '.' : ' ', preset.timezone!);
      for (const text of [...BAD, '2022-03-01 10:00:61']) expect(parse(respell(text))).toBeNull();
    }
    expect(createDayFirstRespeller('.', 'UTC')('2022-13-01 00:00:00')).toBe('01.13.2022 00:00');
  });

  it('refuses a valid time with seconds, which a minute format cannot hold', () => {
    expect(() => createDayFirstRespeller(' ', 'UTC')('2022-03-01 00:00:30')).toThrow(/whole minutes/);
  });
});
