import { RATED_POWER, createTurbineModel, powerCurve, readingAt, type Reading } from '@windmill/core/generator/value-model';

const MARCH_2022 = Date.UTC(2022, 2, 1) / 1000;

function month(seed: string, id: number): Array<Reading & { hour: number }> {
  const model = createTurbineModel(seed, id);
  return Array.from({ length: 31 * 24 }, (_, i) => ({ ...readingAt(model, MARCH_2022 + i * 3600), hour: i % 24 }));
}

function correlation(xs: number[], ys: number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i]! - my);
    sxx += (x - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

describe('powerCurve', () => {
  it('is 0 below cut-in and from cut-out, rises to rated power and stays there', () => {
    expect(powerCurve(0, 4.5)).toBe(0);
    expect(powerCurve(2.9, 4.5)).toBe(0);
    expect(powerCurve(3, 4.5)).toBe(0);
    expect(powerCurve(8, 4.5)).toBeGreaterThan(powerCurve(6, 4.5));
    expect(powerCurve(12.5, 4.5)).toBe(4.5);
    expect(powerCurve(20, 4.5)).toBe(4.5);
    expect(powerCurve(25, 4.5)).toBe(0);
  });
});

describe('readingAt', () => {
  const readings = Array.from({ length: 5 }, (_, i) => month('model', i + 1)).flat();

  it('returns the same reading for the same turbine and instant', () => {
    const model = createTurbineModel('model', 3);
    expect(readingAt(model, MARCH_2022 + 7200)).toEqual(readingAt(createTurbineModel('model', 3), MARCH_2022 + 7200));
  });

  it('keeps every value within its physical range and rounding', () => {
    for (const r of readings) {
      expect(r.windSpeed).toBeGreaterThanOrEqual(0);
      expect(r.windSpeed).toBeLessThan(50);
      expect(Math.round(r.windSpeed * 10)).toBeCloseTo(r.windSpeed * 10, 6);
      expect(Number.isInteger(r.windDirection)).toBe(true);
      expect(r.windDirection).toBeGreaterThanOrEqual(0);
      expect(r.windDirection).toBeLessThan(360);
      expect(r.powerOutput).toBeGreaterThanOrEqual(0);
      expect(r.powerOutput).toBeLessThanOrEqual(4.5);
    }
    // Realistic spread: calm hours with no power and hours at full power both occur.
    expect(readings.some((r) => r.powerOutput === 0)).toBe(true);
    expect(readings.some((r) => r.powerOutput >= 4)).toBe(true);
  });

  it('makes power follow wind speed', () => {
    const producing = readings.filter((r) => r.windSpeed > 3 && r.windSpeed < 12);
    expect(
      correlation(
        producing.map((r) => r.windSpeed),
        producing.map((r) => r.powerOutput),
      ),
    ).toBeGreaterThan(0.9);
  });

  it('gives every turbine the same power curve: a fleet of one model', () => {
    for (let id = 1; id <= 5; id += 1) {
      const own = month('model', id).filter((r) => r.windSpeed > 4);
      const delivered = own.reduce((a, r) => a + r.powerOutput, 0);
      const ideal = own.reduce((a, r) => a + powerCurve(r.windSpeed, RATED_POWER), 0);
      expect(Math.abs(delivered / ideal - 1)).toBeLessThan(0.01);
    }
  });

  it('takes a derate off the power only, from the same un-derated reading', () => {
    const model = createTurbineModel('model', 2);
    let producing = 0;
    for (let i = 0; i < 31 * 24; i += 1) {
      const t = MARCH_2022 + i * 3600;
      const healthy = readingAt(model, t);
      const derated = readingAt(model, t, 0.25);
      expect(derated).toEqual({ ...healthy, powerOutput: derated.powerOutput });
      expect(Math.abs(derated.powerOutput - 0.75 * healthy.powerOutput)).toBeLessThanOrEqual(0.1 + 1e-9);
      expect(readingAt(model, t, 1).powerOutput).toBe(0);
      if (healthy.powerOutput >= 1) producing += 1;
    }
    expect(producing).toBeGreaterThan(100);
  });

  it('gives wind speed a daily rhythm and direction a slow wander', () => {
    const meanAt = (hours: number[]): number => {
      const picked = readings.filter((r) => hours.includes(r.hour));
      return picked.reduce((a, r) => a + r.windSpeed, 0) / picked.length;
    };
    expect(meanAt([13, 14, 15, 16])).toBeGreaterThan(meanAt([1, 2, 3, 4]) + 0.5);

    const one = month('model', 1);
    const steps = one.slice(1).map((r, i) => {
      const d = Math.abs(r.windDirection - one[i]!.windDirection);
      return Math.min(d, 360 - d);
    });
    steps.sort((a, b) => a - b);
    expect(steps[Math.floor(steps.length / 2)]).toBeLessThan(15);
    expect(new Set(one.map((r) => Math.floor(r.windDirection / 45))).size).toBeGreaterThanOrEqual(3);
  });
});
