import { checkTimestampFormat, createFormatParser } from '@windmill/core/domain/timestamp-format';

describe('createFormatParser', () => {
  it('reads day-first times without seconds (the single-turbine export)', () => {
    const parse = createFormatParser('%d %m %Y %H:%M', 'UTC');
    expect(parse('01 01 2018 00:10')).toBe(Date.UTC(2018, 0, 1, 0, 10));
    expect(parse('31 12 2018 23:50')).toBe(Date.UTC(2018, 11, 31, 23, 50));
    expect(parse(' 1 2 2018 3:05 ')).toBe(Date.UTC(2018, 1, 1, 3, 5));
  });

  it('reads dotted local times in a named zone, DST included', () => {
    const parse = createFormatParser('%d.%m.%Y %H:%M', 'Europe/Berlin');
    expect(parse('31.12.2018 23:50')).toBe(Date.UTC(2018, 11, 31, 22, 50));
    expect(parse('01.07.2018 12:00')).toBe(Date.UTC(2018, 6, 1, 10, 0));
    // 02:30 does not exist on 25 March 2018: moved forward by the gap, as for canonical times.
    expect(parse('25.03.2018 02:30')).toBe(Date.UTC(2018, 2, 25, 1, 30));
    // 02:30 happens twice on 28 October 2018: the first occurrence (CEST).
    expect(parse('28.10.2018 02:30')).toBe(Date.UTC(2018, 9, 28, 0, 30));
  });

  it('refuses text that is not in the format, and impossible dates', () => {
    const parse = createFormatParser('%d.%m.%Y %H:%M', 'UTC');
    expect(parse('2018-12-31 23:50:00')).toBeNull();
    expect(parse('31.02.2018 10:00')).toBeNull();
    expect(parse('31.12.2018 24:00')).toBeNull();
    expect(parse('')).toBeNull();
  });

  it('reads month names, 12-hour clocks, fractions, two-digit years and offsets', () => {
    expect(createFormatParser('%d-%b-%y %I:%M:%S %p', 'UTC')('05-Mar-22 01:15:00 PM')).toBe(Date.UTC(2022, 2, 5, 13, 15));
    expect(createFormatParser('%d-%b-%y %I:%M:%S %p', 'UTC')('05-mar-22 12:00:00 am')).toBe(Date.UTC(2022, 2, 5, 0, 0));
    expect(createFormatParser('%Y-%m-%dT%H:%M:%S.%f%z', 'Europe/Berlin')('2022-03-01T10:00:00.250+01:00')).toBe(
      Date.UTC(2022, 2, 1, 9, 0, 0, 250),
    );
    expect(createFormatParser('%Y%m%d %H%M%z', 'UTC')('20220301 1000Z')).toBe(Date.UTC(2022, 2, 1, 10));
    expect(createFormatParser('%m/%d/%y %H:%M', 'UTC')('12/31/69 00:00')).toBe(Date.UTC(1969, 11, 31));
    expect(createFormatParser('%m/%d/%y %H:%M', 'UTC')('12/31/68 00:00')).toBe(Date.UTC(2068, 11, 31));
  });
});

describe('checkTimestampFormat', () => {
  it('accepts complete formats and names what is wrong with others', () => {
    expect(checkTimestampFormat('%Y-%m-%d %H:%M:%S')).toBeNull();
    expect(checkTimestampFormat('%d.%m.%Y %H:%M')).toBeNull();
    expect(checkTimestampFormat('%Y-%m-%d %H:%Q')).toMatch(/unknown directive %Q/);
    expect(checkTimestampFormat('%m-%d %H:%M')).toMatch(/needs a year/);
    expect(checkTimestampFormat('%Y-%m-%d %I:%M')).toMatch(/%I and %p go together/);
    expect(checkTimestampFormat('%Y-%m-%d %H:%M %M')).toMatch(/appears twice/);
  });
});
