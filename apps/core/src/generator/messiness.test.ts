import { minGapSteps } from '@windmill/core/generator/messiness';
import { generateFileText, planFiles, type GeneratorOptions } from '@windmill/core/generator/telemetry';

// Each knob is checked on the default data set (11,160 lines, 33,480 value cells) with an
// independent reading of the output: plain comma splitting and the input rules.
const LINES = 11_160;
const MISSING = /^(|na|nan|null|-)$/i;
const VALUE_COLUMNS = [2, 3, 4];

function fileRows(options: GeneratorOptions): string[][][] {
  return planFiles(options).map((file) =>
    generateFileText(options, file)
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')),
  );
}
const allRows = (options: GeneratorOptions): string[][] => fileRows(options).flat();

function validTimestamp(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (m === null) return false;
  const [, , month, day, hour, minute, second] = m.map(Number);
  return month! >= 1 && month! <= 12 && day! >= 1 && day! <= 31 && hour! < 24 && minute! < 60 && second! < 60;
}
const epochHours = (ts: string): number => Date.parse(`${ts.replace(' ', 'T')}Z`) / 3_600_000;

function outOfBounds(column: number, cell: string): 'low' | 'high' | null {
  const value = Number(cell);
  const max = column === 2 ? 50 : column === 3 ? 359.999 : 20;
  if (value < 0) return 'low';
  return value > max ? 'high' : null;
}

/** Asserts `count` is within 20% of `rate * total`. */
function expectRate(count: number, total: number, rate: number): void {
  expect(count).toBeGreaterThan(0.8 * rate * total);
  expect(count).toBeLessThan(1.2 * rate * total);
}

describe('missingRate', () => {
  const rows = allRows({ missingRate: 0.05 });
  const cells = rows.flatMap((r) => VALUE_COLUMNS.map((c) => r[c]!));

  it('empties about that share of value cells, in every spelling of missing and mixed case', () => {
    const missing = cells.filter((c) => MISSING.test(c));
    expect(rows).toHaveLength(LINES);
    expectRate(missing.length, 3 * LINES, 0.05);
    expect(new Set(missing.map((c) => c.toLowerCase()))).toEqual(new Set(['', 'na', 'nan', 'null', '-']));
    expect(missing.some((c) => c !== c.toLowerCase() && c !== c.toUpperCase())).toBe(true);
    expect(rows.every((r) => validTimestamp(r[0]!) && /^[1-9]\d*$/.test(r[1]!))).toBe(true);
  });
});

describe('outlierRate', () => {
  const rows = allRows({ outlierRate: 0.05 });

  it('puts about that share of value cells outside their bounds, on both sides, in each column', () => {
    let outliers = 0;
    let missing = 0;
    const sides = new Set<string>();
    for (const row of rows) {
      for (const column of VALUE_COLUMNS) {
        if (MISSING.test(row[column]!)) missing += 1;
        const side = outOfBounds(column, row[column]!);
        if (side !== null) {
          outliers += 1;
          sides.add(`${column}:${side}`);
        }
      }
    }
    expectRate(outliers, 3 * LINES, 0.05);
    expect(missing).toBe(0);
    expect(sides.size).toBe(6);
  });
});

describe('duplicateRate', () => {
  const rows = allRows({ duplicateRate: 0.05 });

  it('repeats about that share of readings: identical, with other values, or with a missing later value', () => {
    const first = new Map<string, string[]>();
    const kinds = { identical: 0, changed: 0, laterMissing: 0 };
    for (const row of rows) {
      const key = `${row[1]}|${row[0]}`;
      const earlier = first.get(key);
      if (earlier === undefined) {
        first.set(key, row);
        continue;
      }
      if (row.join() === earlier.join()) kinds.identical += 1;
      else if (row.some((c) => MISSING.test(c))) kinds.laterMissing += 1;
      else kinds.changed += 1;
    }
    expect(first.size).toBe(LINES);
    expectRate(rows.length - LINES, LINES, 0.05);
    expect(Math.min(kinds.identical, kinds.changed, kinds.laterMissing)).toBeGreaterThan(0.1 * (rows.length - LINES));
  });
});

describe('malformedRate', () => {
  const rows = allRows({ malformedRate: 0.05 });

  it('breaks about that share of lines by field count, timestamp or turbine id', () => {
    const kinds = { columnCount: 0, badTimestamp: 0, badTurbineId: 0 };
    for (const row of rows) {
      if (row.length !== 5) kinds.columnCount += 1;
      else if (!validTimestamp(row[0]!)) kinds.badTimestamp += 1;
      else if (!/^[1-9]\d*$/.test(row[1]!)) kinds.badTurbineId += 1;
    }
    const broken = kinds.columnCount + kinds.badTimestamp + kinds.badTurbineId;
    expect(rows).toHaveLength(LINES);
    expectRate(broken, LINES, 0.05);
    for (const count of Object.values(kinds)) expect(count).toBeGreaterThan(0.2 * broken);
  });
});

describe('gapRate', () => {
  it('needs four hourly readings to defeat a 2-hour interpolation limit', () => {
    expect(minGapSteps(3600, 7200)).toBe(4);
    expect(minGapSteps(600, 7200)).toBe(24);
  });

  const files = fileRows({ gapRate: 0.01 });

  it('makes stretches of missing power that interpolation within 7200 s cannot bridge', () => {
    let runs = 0;
    let gapLines = 0;
    for (const rows of files) {
      const byTurbine = new Map<string, Array<{ hour: number; missing: boolean }>>();
      for (const row of rows) {
        const list = byTurbine.get(row[1]!) ?? [];
        list.push({ hour: epochHours(row[0]!), missing: MISSING.test(row[4]!) });
        byTurbine.set(row[1]!, list);
      }
      for (const series of byTurbine.values()) {
        let runLength = 0;
        series.forEach((reading, i) => {
          if (!reading.missing) {
            if (runLength > 0) expect(runLength).toBeGreaterThanOrEqual(4);
            runLength = 0;
            return;
          }
          if (runLength === 0) runs += 1;
          runLength += 1;
          gapLines += 1;
          const before = series
            .slice(0, i)
            .reverse()
            .find((r) => !r.missing);
          const after = series.slice(i + 1).find((r) => !r.missing);
          const near = (other: { hour: number } | undefined) => other !== undefined && Math.abs(other.hour - reading.hour) <= 2;
          expect(near(before) && near(after)).toBe(false);
        });
      }
    }
    expectRate(runs, LINES - gapLines, 0.01);
  });
});

describe('outOfOrderRate', () => {
  const clean = allRows({}).map((r) => r.join());
  const rows = allRows({ outOfOrderRate: 0.05 });

  it('moves about that share of lines behind later readings of the same turbine, losing none', () => {
    const latest = new Map<string, string>();
    let behind = 0;
    for (const [ts, id] of rows) {
      const seen = latest.get(id!);
      if (seen !== undefined && ts! < seen) behind += 1;
      else latest.set(id!, ts!);
    }
    expectRate(behind, LINES, 0.05);
    expect(rows.map((r) => r.join()).sort()).toEqual([...clean].sort());
  });
});
