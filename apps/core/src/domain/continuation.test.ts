import { isContinuation, splitCsvLine } from './continuation.js';

const HEADER = 'timestamp,turbine_id,wind_speed,wind_direction,power_output\n';

describe('isContinuation', () => {
  it('a data line shaped like the previous header continues that file', () => {
    expect(isContinuation('2022-03-01 01:00:00,1,5,90,2.5\n', HEADER)).toBe(true);
    expect(isContinuation('2022-03-01 01:00:00,1,"5",90,"2,5"\r\n', HEADER)).toBe(true);
  });

  it('a file with its own header is never a continuation, whatever its columns', () => {
    expect(isContinuation(HEADER, HEADER)).toBe(false);
    expect(isContinuation('POWER_OUTPUT, Turbine_ID ,timestamp\n', HEADER)).toBe(false);
  });

  it('a header-less line of another shape is not one either (it fails as having no header)', () => {
    expect(isContinuation('2022-03-01 01:00:00,1,2.5\n', HEADER)).toBe(false);
    expect(isContinuation('garbage\n', HEADER)).toBe(false);
  });
});

describe('splitCsvLine', () => {
  it('splits on commas outside quotes and undoes doubled quotes', () => {
    expect(splitCsvLine('a,"b,c","d ""e""",\r\n')).toEqual(['a', 'b,c', 'd "e"', '']);
    expect(splitCsvLine('')).toEqual(['']);
  });
});
