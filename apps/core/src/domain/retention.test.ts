import { retentionHorizon } from '@windmill/core/domain/retention';

describe('retentionHorizon', () => {
  const now = new Date('2022-03-31T15:20:00Z');

  it('is null when readings are kept forever', () => {
    expect(retentionHorizon(now, 0, 86_400)).toBeNull();
  });

  it('rounds now - N days down to the start of the window holding it', () => {
    // now - 10 days = 2022-03-21T15:20Z, inside the day window starting 2022-03-21T00:00Z.
    expect(retentionHorizon(now, 10, 86_400)).toEqual(new Date('2022-03-21T00:00:00Z'));
  });

  it('keeps whole days too: with windows shorter than a day, or not dividing it, it rounds down to a midnight that starts a window', () => {
    // 6 h windows: 2022-03-21T12:00Z starts a window, but the day's power-curve tally would lose half its readings.
    expect(retentionHorizon(now, 10, 21_600)).toEqual(new Date('2022-03-21T00:00:00Z'));
    // 7 h windows meet midnight once a week (lcm 168 h): 2022-03-17 is a Thursday, as was the epoch.
    expect(retentionHorizon(now, 10, 25_200)).toEqual(new Date('2022-03-17T00:00:00Z'));
    // 2-day windows start at every other midnight since the epoch.
    expect(retentionHorizon(now, 10, 172_800)!.getTime() % 172_800_000).toBe(0);
  });

  it('takes a window that ends exactly at now - N days', () => {
    const midnight = new Date('2022-03-31T00:00:00Z');
    // [03-29, 03-30) ends at now - 1 day: all of it is older than that, so it is before the horizon.
    expect(retentionHorizon(midnight, 1, 86_400)).toEqual(new Date('2022-03-30T00:00:00Z'));
  });
});
