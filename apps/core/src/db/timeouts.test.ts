import { DEFAULT_JOB_TIMEOUTS, jobTimeouts, setLocalTimeoutsSql } from './timeouts.js';

describe('setLocalTimeoutsSql', () => {
  it('sets both limits for the rest of the transaction, in whole milliseconds', () => {
    expect(setLocalTimeoutsSql({ statementMs: 10_000, lockMs: 999.6 })).toBe(
      'SET LOCAL statement_timeout = 10000; SET LOCAL lock_timeout = 1000',
    );
  });

  it('refuses a limit that would mean "none" or is not a number', () => {
    expect(() => setLocalTimeoutsSql({ statementMs: 0, lockMs: 1000 })).toThrow(RangeError);
    expect(() => setLocalTimeoutsSql({ statementMs: 1000, lockMs: Number.NaN })).toThrow(RangeError);
  });
});

describe('jobTimeouts', () => {
  it('gives a load or a stats run the same limit for a statement and for a lock wait', () => {
    expect(jobTimeouts(30)).toEqual({ statementMs: 30_000, lockMs: 30_000 });
    expect(DEFAULT_JOB_TIMEOUTS).toEqual({ statementMs: 1_800_000, lockMs: 1_800_000 });
  });
});
