import { generateLayoutTexts } from '@windmill/core/generator/layouts/layout-lines';
import { GREENBYTE_COLUMNS } from '@windmill/core/generator/layouts/greenbyte-columns';
import type { GeneratorOptions } from '@windmill/core/generator/options';
import { PRESETS } from '@windmill/core/profiles/presets';

const OPTIONS: GeneratorOptions = { seed: 'greenbyte', turbines: 3, days: 4, intervalSeconds: 600, layout: 'greenbyte' };

/** Splits one header or data line of these files: quoted names hold commas, values never do. */
const cellsOf = (line: string): string[] =>
  line
    .match(/("[^"]*"|[^,]*)(,|$)/g)!
    .slice(0, -1)
    .map((c) => c.replace(/,$/, '').replace(/^"|"$/g, ''));

describe('the greenbyte layout', () => {
  const texts = generateLayoutTexts(OPTIONS);
  const canonical = generateLayoutTexts({ ...OPTIONS, layout: 'canonical' });
  const first = texts[0]!.text.split('\n');

  it('writes one file per turbine, named like the Kelmarsh files', () => {
    expect(texts.map((t) => t.file.name)).toEqual([
      'Turbine_Data_Kelmarsh_1_2022-03-01_-_2022-03-04_229.csv',
      'Turbine_Data_Kelmarsh_2_2022-03-01_-_2022-03-04_230.csv',
      'Turbine_Data_Kelmarsh_3_2022-03-01_-_2022-03-04_231.csv',
    ]);
    expect(texts.every((t) => t.file.encoding === 'utf-8')).toBe(true);
  });

  it('starts with a `#` preamble naming the turbine and UTC, the header its last line', () => {
    expect(first.slice(0, 6)).toEqual([
      "# This file was exported by Greenbyte at 2022-01-27 10:33:05. (Synthetic sample data from Windmill's generator.)",
      '#',
      '# Turbine: Kelmarsh 1',
      '# Turbine type: Windmill sample turbine (4.5 MW)',
      '# Time zone: UTC',
      '# Time interval: 2022-03-01 00:00:00 - 2022-03-05 00:00:00 (4 days)',
    ]);
    expect(first.slice(0, 10).every((line) => line.startsWith('#'))).toBe(true);
    expect(first[9]).toMatch(
      /^# Date and time,Wind speed \(m\/s\),"Wind speed, Standard deviation \(m\/s\)","Wind speed, Minimum \(m\/s\)",/,
    );
    expect(first[10]).toMatch(/^2022-03-01 00:00:00,\d+\.\d,/);
    const pattern = new RegExp((PRESETS.greenbyte.turbine as { pattern: string }).pattern);
    expect(first.map((line) => pattern.exec(line)?.[1]).filter(Boolean)).toEqual(['Kelmarsh 1']);
  });

  it('has some 300 columns, the preset’s four among them once each', () => {
    const header = cellsOf(first[9]!.slice(2));
    expect(header).toEqual(GREENBYTE_COLUMNS);
    expect(header.length).toBeGreaterThanOrEqual(290);
    expect(header.filter((name) => name.includes(',')).length).toBeGreaterThan(100);
    for (const name of Object.values(PRESETS.greenbyte.columns!)) {
      expect(header.filter((h) => h.toLowerCase() === name!.toLowerCase())).toHaveLength(1);
    }
  });

  it('writes ~2 KB lines with as many cells as the header, power in kW, the timestamp as in the canonical file', () => {
    const header = cellsOf(first[9]!.slice(2));
    const power = header.indexOf('Power (kW)');
    const speed = header.indexOf('Wind speed (m/s)');
    const data = first.slice(10, -1);
    expect(data).toHaveLength(576);
    const canonicalRows = canonical[0]!.text
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','))
      .filter((c) => c[1] === '1');
    for (const [i, line] of data.entries()) {
      expect(line.length).toBeGreaterThan(1800);
      const cells = line.split(',');
      expect(cells).toHaveLength(header.length);
      const [ts, , ws, , mw] = canonicalRows[i]!;
      expect(cells[0]).toBe(ts);
      expect(cells[speed]).toBe(ws);
      expect(Number(cells[power])).toBeCloseTo(Number(mw) * 1000, 6);
      expect(cells[power]).toMatch(/^\d+$/);
    }
  });

  it('writes every missing value as NaN, in the mapped columns too', () => {
    const messy = generateLayoutTexts({ ...OPTIONS, missingRate: 0.2 });
    const data = messy[0]!.text
      .split('\n')
      .slice(10, -1)
      .map((line) => line.split(','));
    const header = cellsOf(messy[0]!.text.split('\n')[9]!.slice(2));
    const power = data.map((cells) => cells[header.indexOf('Power (kW)')]!);
    expect(power.filter((p) => p === 'NaN').length).toBeGreaterThan(50);
    expect(power.every((p) => p === 'NaN' || /^-?\d+(\.\d+)?$/.test(p))).toBe(true);
    expect(data.flat().every((cell) => !/^(na|null|-|)$/i.test(cell))).toBe(true);
  });
});
