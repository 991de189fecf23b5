import { windowStartMs } from '@windmill/core/domain/window';

describe('windowStartMs', () => {
  it('puts a reading exactly on a boundary into the window that starts there', () => {
    const day = Date.UTC(2022, 2, 2);
    expect(windowStartMs(day, 86_400)).toBe(day);
    expect(windowStartMs(day - 1, 86_400)).toBe(Date.UTC(2022, 2, 1));
  });
  it('aligns 6-hour windows to the epoch', () => {
    expect(windowStartMs(Date.UTC(2022, 2, 1, 13, 59, 59), 21_600)).toBe(Date.UTC(2022, 2, 1, 12));
  });
});
