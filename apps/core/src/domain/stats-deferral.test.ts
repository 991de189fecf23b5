import { shouldDeferStatsRun } from './stats-deferral.js';

describe('shouldDeferStatsRun', () => {
  const loading = { filesLoading: 3, oldestWaitingSeconds: 40 };

  it('defers a scheduled run while files load and no committed load has waited the bound', () => {
    expect(shouldDeferStatsRun('schedule', loading, 300)).toBe(true);
    expect(shouldDeferStatsRun('schedule', { filesLoading: 1, oldestWaitingSeconds: null }, 300)).toBe(true);
  });

  it('runs once a committed load has waited the bound', () => {
    expect(shouldDeferStatsRun('schedule', { filesLoading: 3, oldestWaitingSeconds: 300 }, 300)).toBe(false);
    expect(shouldDeferStatsRun('schedule', { filesLoading: 3, oldestWaitingSeconds: 301.5 }, 300)).toBe(false);
  });

  it('runs when nothing is loading', () => {
    expect(shouldDeferStatsRun('schedule', { filesLoading: 0, oldestWaitingSeconds: 12 }, 300)).toBe(false);
  });

  it('never defers a requested run', () => {
    expect(shouldDeferStatsRun('api', loading, 300)).toBe(false);
    expect(shouldDeferStatsRun('cli', loading, 300)).toBe(false);
  });

  it('never defers when the bound is 0 (deferral off)', () => {
    expect(shouldDeferStatsRun('schedule', loading, 0)).toBe(false);
  });
});
