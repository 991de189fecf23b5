import { referenceDayMs, referencePeriod } from '@windmill/core/domain/reference-period';

const day = (d: number, h = 0) => Date.UTC(2022, 2, d, h);

describe('referencePeriod', () => {
  it('is the whole days before a daily window, the window itself excluded', () => {
    expect(referencePeriod(day(31), 30)).toEqual({ fromMs: day(1), toMs: day(31) });
    expect(referencePeriod(day(2), 1)).toEqual({ fromMs: day(1), toMs: day(2) });
  });

  it('is shared by every shorter window of one UTC day', () => {
    expect(referencePeriod(day(10, 6), 7)).toEqual({ fromMs: day(3), toMs: day(10) });
    expect(referencePeriod(day(10, 18), 7)).toEqual(referencePeriod(day(10), 7));
    expect(referenceDayMs(day(10, 23))).toBe(day(10));
  });

  it('ends where a weekly window starts (epoch-aligned weeks start at midnight)', () => {
    const weekStart = Math.floor(day(10) / 604_800_000) * 604_800_000;
    expect(referencePeriod(weekStart, 30).toMs).toBe(weekStart);
  });
});
