import { createTimestampParser } from '@windmill/core/domain/timestamp';

// Date.UTC takes the month from 0: Date.UTC(2022, 2, 1) is 1 March 2022.
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('createTimestampParser in UTC', () => {
  const parse = createTimestampParser('UTC');

  it('reads the naive form YYYY-MM-DD HH:MM:SS as UTC', () => {
    expect(parse('2022-03-01 10:20:30')).toBe(Date.UTC(2022, 2, 1, 10, 20, 30));
  });

  it('reads ISO 8601 with T the same way', () => {
    expect(parse('2022-03-01T10:20:30')).toBe(Date.UTC(2022, 2, 1, 10, 20, 30));
  });

  it('reads fractional seconds to the millisecond, dropping smaller fractions', () => {
    expect(parse('2022-03-01T10:20:30.5')).toBe(Date.UTC(2022, 2, 1, 10, 20, 30, 500));
    expect(parse('2022-03-01T10:20:30.25Z')).toBe(Date.UTC(2022, 2, 1, 10, 20, 30, 250));
    // .123456789 s = 123.456789 ms -> 123 ms; .9999 s -> 999 ms (truncated, not rounded up to the next second)
    expect(parse('2022-03-01T10:20:30.123456789')).toBe(Date.UTC(2022, 2, 1, 10, 20, 30, 123));
    expect(parse('2022-03-01T10:20:30.9999Z')).toBe(Date.UTC(2022, 2, 1, 10, 20, 30, 999));
  });

  it('reads Z as UTC', () => {
    expect(parse('2022-03-01T10:20:30Z')).toBe(Date.UTC(2022, 2, 1, 10, 20, 30));
  });

  it('subtracts a positive offset: 10:00+02:00 is 08:00Z', () => {
    expect(parse('2022-03-01T10:00:00+02:00')).toBe(Date.UTC(2022, 2, 1, 8, 0, 0));
  });

  it('adds a negative offset: 10:00-05:30 is 15:30Z', () => {
    expect(parse('2022-03-01T10:00:00-05:30')).toBe(Date.UTC(2022, 2, 1, 15, 30, 0));
  });

  it('crosses the date line with an offset: 01:00+02:00 on 1 March is 23:00Z on 28 February', () => {
    expect(parse('2022-03-01T01:00:00+02:00')).toBe(Date.UTC(2022, 1, 28, 23, 0, 0));
  });

  it('combines fractional seconds and an offset', () => {
    expect(parse('2022-03-01T10:00:00.250+02:00')).toBe(Date.UTC(2022, 2, 1, 8, 0, 0, 250));
  });

  it('accepts +00:00 and -00:00 as UTC', () => {
    expect(parse('2022-03-01T10:00:00+00:00')).toBe(Date.UTC(2022, 2, 1, 10));
    expect(parse('2022-03-01T10:00:00-00:00')).toBe(Date.UTC(2022, 2, 1, 10));
  });

  it('ignores spaces around the value', () => {
    expect(parse('  2022-03-01 10:20:30 ')).toBe(Date.UTC(2022, 2, 1, 10, 20, 30));
  });

  it('accepts the first and last second of a day', () => {
    expect(parse('2022-03-01 00:00:00')).toBe(Date.UTC(2022, 2, 1));
    expect(parse('2022-03-01 23:59:59')).toBe(Date.UTC(2022, 2, 1, 23, 59, 59));
  });

  it('accepts 29 February in leap years only', () => {
    expect(parse('2024-02-29 12:00:00')).toBe(Date.UTC(2024, 1, 29, 12));
    expect(parse('2000-02-29 12:00:00')).toBe(Date.UTC(2000, 1, 29, 12));
    expect(parse('2022-02-29 12:00:00')).toBeNull();
    expect(parse('1900-02-29 12:00:00')).toBeNull(); // divisible by 100, not by 400
  });

  it('reads a four-digit year below 100 as that year, not as 19xx', () => {
    const expected = new Date(0);
    expected.setUTCFullYear(99, 5, 1); // 1 June 99 AD, 00:00:00
    expected.setUTCHours(12, 0, 0, 0);
    expect(parse('0099-06-01 12:00:00')).toBe(expected.getTime());
    // 4 AD is a leap year in the proleptic Gregorian calendar
    expect(parse('0004-02-29 00:00:00')).not.toBeNull();
  });

  it.each([
    ['2022-02-30 00:00:00', 'a 30 February'],
    ['2022-04-31 00:00:00', 'a 31 April'],
    ['2022-13-01 00:00:00', 'month 13'],
    ['2022-00-10 00:00:00', 'month 0'],
    ['2022-03-00 00:00:00', 'day 0'],
    ['2022-03-32 00:00:00', 'day 32'],
    ['2022-03-01 24:00:00', 'hour 24'],
    ['2022-03-01 12:60:00', 'minute 60'],
    ['2022-03-01 12:00:60', 'second 60 (leap seconds are not accepted)'],
    ['2022-03-01T10:00:00+24:00', 'an offset of 24 hours'],
    ['2022-03-01T10:00:00+02:60', 'an offset of 60 minutes'],
  ])('refuses the impossible %s (%s)', (text) => {
    expect(parse(text)).toBeNull();
  });

  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['garbage', 'a word'],
    ['NA', 'a missing-value spelling'],
    ['2022-03-01', 'a date without time'],
    ['10:00:00', 'a time without date'],
    ['2022-03-01 10:00', 'no seconds'],
    ['2022-3-1 10:00:00', 'one-digit month and day'],
    ['22-03-01 10:00:00', 'a two-digit year'],
    ['2022/03/01 10:00:00', 'slashes'],
    ['01.03.2022 10:00:00', 'a European date'],
    ['1646128800', 'epoch seconds'],
    ['2022-03-01T10:00:00+2', 'a one-digit offset'],
    ['2022-03-01T10:00:00.', 'a decimal point without digits'],
    ['2022-03-01 10:00:00 extra', 'trailing text'],
    ['2022-03-01T10:00:00ZZ', 'two zone designators'],
  ])('refuses %j (%s)', (text) => {
    expect(parse(text)).toBeNull();
  });
});

describe('createTimestampParser with a source time zone', () => {
  describe('Europe/Berlin', () => {
    const parse = createTimestampParser('Europe/Berlin');

    it('reads a naive winter time at +01:00', () => {
      expect(parse('2022-01-15 12:00:00')).toBe(Date.UTC(2022, 0, 15, 11, 0, 0));
    });

    it('reads a naive summer time at +02:00', () => {
      expect(parse('2022-07-15 12:00:00')).toBe(Date.UTC(2022, 6, 15, 10, 0, 0));
    });

    it('reads ISO with T but no offset in the source zone too', () => {
      expect(parse('2022-07-15T12:00:00')).toBe(Date.UTC(2022, 6, 15, 10, 0, 0));
    });

    it('does not apply the source zone when the text carries Z or an offset', () => {
      expect(parse('2022-07-15T12:00:00Z')).toBe(Date.UTC(2022, 6, 15, 12, 0, 0));
      expect(parse('2022-07-15T12:00:00-05:30')).toBe(Date.UTC(2022, 6, 15, 17, 30, 0));
    });

    it('reads the repeated hour of the autumn change as its first occurrence (still summer time)', () => {
      // 30 Oct 2022: 03:00 CEST (01:00Z) becomes 02:00 CET, so 02:00-02:59 happens twice.
      // 02:30 first occurrence = 02:30+02:00 = 00:30Z (the second would be 01:30Z).
      expect(parse('2022-10-30 02:30:00')).toBe(Date.UTC(2022, 9, 30, 0, 30, 0));
      expect(parse('2022-10-30 02:00:00')).toBe(Date.UTC(2022, 9, 30, 0, 0, 0));
    });

    it('reads the hours around the autumn change at their own offsets', () => {
      // 01:59:59 is still summer time: -2 h
      expect(parse('2022-10-30 01:59:59')).toBe(Date.UTC(2022, 9, 29, 23, 59, 59));
      // 03:00 happens only once, in winter time: -1 h
      expect(parse('2022-10-30 03:00:00')).toBe(Date.UTC(2022, 9, 30, 2, 0, 0));
    });

    it('moves a time in the skipped spring hour forward by the gap', () => {
      // 27 Mar 2022: 02:00 CET (01:00Z) becomes 03:00 CEST; 02:30 does not exist.
      // Moved forward one hour to 03:30 CEST = 01:30Z, i.e. 02:30 read with the +01:00 in force before.
      expect(parse('2022-03-27 02:30:00')).toBe(Date.UTC(2022, 2, 27, 1, 30, 0));
      expect(parse('2022-03-27 02:00:00')).toBe(Date.UTC(2022, 2, 27, 1, 0, 0));
    });

    it('reads the hours around the spring change at their own offsets', () => {
      expect(parse('2022-03-27 01:59:59')).toBe(Date.UTC(2022, 2, 27, 0, 59, 59));
      expect(parse('2022-03-27 03:00:00')).toBe(Date.UTC(2022, 2, 27, 1, 0, 0));
    });

    it('keeps hourly readings across the autumn change distinct and in order', () => {
      // 01:00, 02:00 (first), 03:00 local are 23:00Z, 00:00Z and 02:00Z: the repeated hour is read once.
      const times = ['2022-10-30 01:00:00', '2022-10-30 02:00:00', '2022-10-30 03:00:00'].map(parse);
      expect(times).toEqual([Date.UTC(2022, 9, 29, 23), Date.UTC(2022, 9, 30, 0), Date.UTC(2022, 9, 30, 2)]);
    });

    it('still refuses impossible dates', () => {
      expect(parse('2022-02-30 12:00:00')).toBeNull();
      expect(parse('2022-03-01 24:00:00')).toBeNull();
    });
  });

  describe('America/New_York', () => {
    const parse = createTimestampParser('America/New_York');

    it('reads winter time at -05:00 and summer time at -04:00', () => {
      expect(parse('2022-01-15 12:00:00')).toBe(Date.UTC(2022, 0, 15, 17, 0, 0));
      expect(parse('2022-07-15 12:00:00')).toBe(Date.UTC(2022, 6, 15, 16, 0, 0));
    });

    it('reads the repeated 01:30 on 6 Nov 2022 as its first occurrence (EDT, -04:00)', () => {
      // 01:30-04:00 = 05:30Z; the second occurrence (EST) would be 06:30Z
      expect(parse('2022-11-06 01:30:00')).toBe(Date.UTC(2022, 10, 6, 5, 30, 0));
    });

    it('moves the skipped 02:30 on 13 Mar 2022 forward to 03:30 EDT', () => {
      // 03:30-04:00 = 07:30Z, the same as 02:30 read at the EST offset before the change
      expect(parse('2022-03-13 02:30:00')).toBe(Date.UTC(2022, 2, 13, 7, 30, 0));
    });

    it('reads a naive time late in the evening onto the next UTC day', () => {
      // 1 Mar 2022 22:00 EST = 2 Mar 03:00Z
      expect(parse('2022-03-01 22:00:00')).toBe(Date.UTC(2022, 2, 2, 3, 0, 0));
    });
  });

  describe('Australia/Lord_Howe (a half-hour daylight-saving shift)', () => {
    const parse = createTimestampParser('Australia/Lord_Howe');

    it('reads the repeated half hour on 3 Apr 2022 as its first occurrence (+11:00)', () => {
      // 02:00 +11:00 becomes 01:30 +10:30, so 01:30-01:59 repeats; 01:45+11:00 = 14:45Z on 2 April
      expect(parse('2022-04-03 01:45:00')).toBe(Date.UTC(2022, 3, 2, 14, 45, 0));
    });

    it('moves the skipped 02:15 on 2 Oct 2022 forward by 30 minutes', () => {
      // 02:00 +10:30 becomes 02:30 +11:00; 02:15 read at +10:30 = 15:45Z on 1 October (= 02:45 +11:00)
      expect(parse('2022-10-02 02:15:00')).toBe(Date.UTC(2022, 9, 1, 15, 45, 0));
    });
  });

  it('reads a fixed-offset zone the same in every year, including years below 100', () => {
    // Etc/GMT-2 is UTC+02:00 (the sign is inverted in the Etc names) with no history
    const parse = createTimestampParser('Etc/GMT-2');
    expect(parse('2022-03-01 12:00:00')).toBe(Date.UTC(2022, 2, 1, 10, 0, 0));
    const expected = new Date(0);
    expected.setUTCFullYear(99, 5, 1);
    expected.setUTCHours(10, 0, 0, 0);
    expect(parse('0099-06-01 12:00:00')).toBe(expected.getTime());
    // ISO year 0000 is 1 BC
    expected.setUTCFullYear(0, 5, 1);
    expect(parse('0000-06-01 12:00:00')).toBe(expected.getTime());
  });

  it('reads a half-hour zone: Asia/Kolkata is +05:30', () => {
    expect(createTimestampParser('Asia/Kolkata')('2022-03-01 12:00:00')).toBe(Date.UTC(2022, 2, 1, 6, 30, 0));
  });

  it('treats Etc/UTC like UTC', () => {
    expect(createTimestampParser('Etc/UTC')('2022-10-30 02:30:00')).toBe(Date.UTC(2022, 9, 30, 2, 30, 0));
  });

  it('gives the same instant for a naive time and the same time with its offset written out', () => {
    const parse = createTimestampParser('Europe/Berlin');
    expect(parse('2022-07-15 12:00:00')).toBe(parse('2022-07-15T12:00:00+02:00'));
    expect(parse('2022-01-15 12:00:00')).toBe(parse('2022-01-15T12:00:00+01:00'));
    // 6 hours before the first: offsets are looked up per instant, not per parser
    expect(parse('2022-07-15 06:00:00')! + 6 * HOUR).toBe(parse('2022-07-15 12:00:00'));
  });

  it('refuses an unknown time zone when the parser is created', () => {
    expect(() => createTimestampParser('Mars/Olympus_Mons')).toThrow(RangeError);
  });
});
