import { interpolateDirection, interpolateLinear } from '@windmill/core/domain/interpolate';

const HOUR = 3_600_000;

describe('interpolateLinear', () => {
  it('gives the midpoint halfway', () => {
    // 10 + (14 - 10) * 1/2 = 12
    expect(interpolateLinear(0, 10, 2 * HOUR, 14, HOUR)).toBe(12);
  });

  it('weights by time: at one third of the way', () => {
    // 10 + (13 - 10) * 1/3 = 11
    expect(interpolateLinear(0, 10, 3 * HOUR, 13, HOUR)).toBeCloseTo(11, 10);
  });

  it('interpolates downwards as well', () => {
    // 20 + (5 - 20) * 1/4 = 16.25
    expect(interpolateLinear(1000, 20, 1000 + 4 * HOUR, 5, 1000 + HOUR)).toBeCloseTo(16.25, 10);
  });

  it('returns the end values at the ends', () => {
    expect(interpolateLinear(0, 3, HOUR, 7, 0)).toBe(3);
    expect(interpolateLinear(0, 3, HOUR, 7, HOUR)).toBe(7);
  });

  it('returns the earlier value when both points share a time', () => {
    expect(interpolateLinear(HOUR, 3, HOUR, 7, HOUR)).toBe(3);
  });
});

describe('interpolateDirection', () => {
  it('goes through 0 from 350 to 10: 0 at the midpoint', () => {
    // shorter arc is +20 degrees; 350 + 10 = 360 = 0
    expect(interpolateDirection(0, 350, 2 * HOUR, 10, HOUR)).toBe(0);
  });

  it('goes through 0 from 10 to 350: 0 at the midpoint', () => {
    // shorter arc is -20 degrees; 10 - 10 = 0
    expect(interpolateDirection(0, 10, 2 * HOUR, 350, HOUR)).toBe(0);
  });

  it('stays in [0, 360) on both sides of north', () => {
    // 350 -> 10 (+20): a quarter of the way is 355, three quarters is 365 = 5
    expect(interpolateDirection(0, 350, 4 * HOUR, 10, HOUR)).toBeCloseTo(355, 10);
    expect(interpolateDirection(0, 350, 4 * HOUR, 10, 3 * HOUR)).toBeCloseTo(5, 10);
    // 0 -> 340 (-20): halfway is -10 = 350
    expect(interpolateDirection(0, 0, 2 * HOUR, 340, HOUR)).toBeCloseTo(350, 10);
  });

  it('interpolates plainly when the arc does not cross north', () => {
    // 90 -> 150, one third: 90 + 60/3 = 110
    expect(interpolateDirection(0, 90, 3 * HOUR, 150, HOUR)).toBeCloseTo(110, 10);
    // 200 -> 100 (-100), halfway: 150
    expect(interpolateDirection(0, 200, 2 * HOUR, 100, HOUR)).toBeCloseTo(150, 10);
  });

  it('turns clockwise (increasing degrees) between opposite angles', () => {
    expect(interpolateDirection(0, 0, 2 * HOUR, 180, HOUR)).toBe(90);
    // 270 -> 90 clockwise passes 360 = 0
    expect(interpolateDirection(0, 270, 2 * HOUR, 90, HOUR)).toBe(0);
  });

  it('gives the same angle when both ends agree', () => {
    expect(interpolateDirection(0, 45, 2 * HOUR, 45, HOUR)).toBe(45);
  });

  it('never returns 360', () => {
    // 359 -> 1 (+2), halfway: 360 = 0
    expect(interpolateDirection(0, 359, 2 * HOUR, 1, HOUR)).toBe(0);
  });
});
