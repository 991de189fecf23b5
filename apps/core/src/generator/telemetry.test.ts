import { generateFileLines, generateFileText, planFiles, type GeneratorOptions } from '@windmill/core/generator/telemetry';

const HEADER = 'timestamp,turbine_id,wind_speed,wind_direction,power_output';
const LINE = /^2022-03-\d{2} \d{2}:00:00,([1-9]\d?),\d{1,2}\.\d,\d{1,3},\d\.\d$/;

function dataSet(options: GeneratorOptions = {}): Map<string, string> {
  return new Map(planFiles(options).map((file) => [file.name, generateFileText(options, file)]));
}

describe('generateFileLines with default options', () => {
  const files = dataSet();

  it('writes the challenge header and 15 turbines x 31 days x 24 hours = 11,160 data lines over 3 files', () => {
    expect([...files.keys()]).toEqual(['data_group_1.csv', 'data_group_2.csv', 'data_group_3.csv']);
    let lines = 0;
    const turbines = new Set<string>();
    for (const text of files.values()) {
      const [header, ...rows] = text.split('\n');
      expect(header).toBe(HEADER);
      expect(rows.pop()).toBe(''); // the last line ends in a newline, like the challenge files
      for (const row of rows) {
        expect(row).toMatch(LINE);
        turbines.add(row.split(',')[1]!);
      }
      lines += rows.length;
    }
    expect(lines).toBe(11_160);
    expect(turbines.size).toBe(15);
  });

  it('orders rows by timestamp, then turbine id, with one row per turbine and hour', () => {
    for (const text of files.values()) {
      const rows = text
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((r) => r.split(','));
      const keys = rows.map(([ts, id]) => `${ts}|${id!.padStart(3, '0')}`);
      expect([...keys].sort()).toEqual(keys);
      expect(new Set(keys).size).toBe(keys.length);
      const perTurbine = new Map<string, number>();
      for (const [, id] of rows) perTurbine.set(id!, (perTurbine.get(id!) ?? 0) + 1);
      expect([...perTurbine.values()]).toEqual([744, 744, 744, 744, 744]);
    }
  });

  it('streams lazily: the first lines come without generating the rest', () => {
    const iterator = generateFileLines({ turbines: 1, days: 100_000 }, planFiles({ turbines: 1, days: 100_000 })[0]!);
    expect(iterator.next().value).toBe(`${HEADER}\n`);
    expect(iterator.next().value).toMatch(/^2022-03-01 00:00:00,1,/);
  });
});

describe('determinism', () => {
  const messy: GeneratorOptions = {
    seed: 'det',
    missingRate: 0.05,
    outlierRate: 0.02,
    duplicateRate: 0.03,
    malformedRate: 0.02,
    gapRate: 0.01,
    outOfOrderRate: 0.02,
  };

  it('gives byte-identical files for the same options and seed', () => {
    expect(dataSet(messy)).toEqual(dataSet({ ...messy }));
    expect(dataSet()).toEqual(dataSet({ seed: 'windmill' }));
  });

  it('gives different files for a different seed', () => {
    const a = dataSet(messy);
    const b = dataSet({ ...messy, seed: 'det-2' });
    for (const [name, text] of a) expect(b.get(name)).not.toBe(text);
  });

  it('gives every turbine the same readings whether files are split by turbine or by day', () => {
    const byTurbine = [...dataSet({ seed: 's', days: 3 }).values()].flatMap((t) => t.trimEnd().split('\n').slice(1));
    const byDay = [...dataSet({ seed: 's', days: 3, by: 'day' }).values()].flatMap((t) => t.trimEnd().split('\n').slice(1));
    expect(byDay).toHaveLength(15 * 72);
    expect([...byDay].sort()).toEqual([...byTurbine].sort());
  });
});

describe('derates', () => {
  it('lower only the derated turbines power, only on the derated days', () => {
    const base: GeneratorOptions = { seed: 'derate', turbines: 4, days: 4, files: 1 };
    const derates = [{ turbines: [2, 4], from: '2022-03-02', to: '2022-03-03', fraction: 0.5 }];
    const rows = (options: GeneratorOptions) =>
      generateFileText(options, planFiles(options)[0]!)
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((line) => line.split(','));
    const healthy = rows(base);
    const derated = rows({ ...base, derates });
    expect(derated).toHaveLength(healthy.length);
    let changed = 0;
    derated.forEach((row, i) => {
      const [ts, id, wind, direction, power] = row as [string, string, string, string, string];
      const before = healthy[i]!;
      expect([ts, id, wind, direction]).toEqual(before.slice(0, 4));
      const inPeriod = (id === '2' || id === '4') && ts >= '2022-03-02' && ts < '2022-03-04';
      if (!inPeriod) expect(power).toBe(before[4]);
      else {
        expect(Math.abs(Number(power) - Number(before[4]) / 2)).toBeLessThanOrEqual(0.1 + 1e-9);
        if (power !== before[4]) changed += 1;
      }
    });
    expect(changed).toBeGreaterThan(48);
  });
});
