import { planFiles, shapeForRows } from '@windmill/core/generator/planner';

describe('planFiles', () => {
  it('defaults to the challenge layout: 3 files of 5 turbines over 31 days', () => {
    const plan = planFiles();
    expect(plan.map((f) => f.name)).toEqual(['data_group_1.csv', 'data_group_2.csv', 'data_group_3.csv']);
    expect(plan.map((f) => f.turbineIds)).toEqual([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
      [11, 12, 13, 14, 15],
    ]);
    expect(plan.every((f) => f.stepCount === 744 && f.cleanRows === 3720)).toBe(true);
  });

  it('splits by day with date names, one file per day by default', () => {
    const plan = planFiles({ by: 'day', days: 3, turbines: 4 });
    expect(plan.map((f) => f.name)).toEqual(['data_2022-03-01.csv', 'data_2022-03-02.csv', 'data_2022-03-03.csv']);
    expect(plan.map((f) => [f.firstStep, f.stepCount])).toEqual([
      [0, 24],
      [24, 24],
      [48, 24],
    ]);
    expect(plan[0]!.turbineIds).toEqual([1, 2, 3, 4]);
    expect(planFiles({ by: 'day', days: 31, files: 4 }).map((f) => f.name)[0]).toBe('data_2022-03-01_2022-03-07.csv');
  });

  it('plans 200 files of 50,000 rows in name order', () => {
    const plan = planFiles({ by: 'day', days: 200, files: 200, turbines: 1000, intervalSeconds: 1728 });
    expect(plan).toHaveLength(200);
    expect(plan.every((f) => f.cleanRows === 50_000)).toBe(true);
    const names = plan.map((f) => f.name);
    expect([...names].sort()).toEqual(names);
    expect(new Set(names).size).toBe(200);
    const grouped = planFiles({ turbines: 400, files: 200 }).map((f) => f.name);
    expect(grouped[0]).toBe('data_group_001.csv');
    expect([...grouped].sort()).toEqual(grouped);
  });

  it('covers every step exactly once when the interval does not divide a day', () => {
    const plan = planFiles({ by: 'day', days: 5, files: 5, intervalSeconds: 7000 });
    const total = plan.reduce((n, f) => n + f.stepCount, 0);
    expect(total).toBe(Math.ceil((5 * 86_400) / 7000));
    plan.slice(1).forEach((f, i) => expect(f.firstStep).toBe(plan[i]!.firstStep + plan[i]!.stepCount));
  });

  it('names every bad option in one error', () => {
    expect(() => planFiles({ turbines: 0, missingRate: 2, start: '2022-02-30' })).toThrow(
      /turbines must be a positive integer.*start must be a date.*missingRate must be a number from 0 to 1/,
    );
    expect(() => planFiles({ turbines: 2, files: 3 })).toThrow(/files must be an integer from 1 to the number of turbines \(2\)/);
    expect(() => planFiles({ format: { columns: ['timestamp', 'turbine_id'] } })).toThrow(/lacks required: power_output/);
  });
});

describe('shapeForRows', () => {
  it('derives whole days for the default 15 turbines, or turbines for given days', () => {
    expect(shapeForRows(11_160)).toEqual({ turbines: 15, days: 31, rows: 11_160 });
    expect(shapeForRows(1_000_000)).toEqual({ turbines: 15, days: 2778, rows: 1_000_080 });
    expect(shapeForRows(1_000_000, { days: 31 })).toEqual({ turbines: 1345, days: 31, rows: 1345 * 744 });
    expect(shapeForRows(10, { turbines: 2 })).toEqual({ turbines: 2, days: 1, rows: 48 });
  });

  it('refuses to derive when both dimensions are fixed', () => {
    expect(() => shapeForRows(100, { turbines: 2, days: 2 })).toThrow(RangeError);
    expect(() => shapeForRows(0)).toThrow(RangeError);
  });
});
