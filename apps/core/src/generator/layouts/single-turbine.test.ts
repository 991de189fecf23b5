import { encodeLayoutText, generateLayoutTexts } from '@windmill/core/generator/layouts/layout-lines';
import { theoreticalPowerKw } from '@windmill/core/generator/layouts/single-turbine';
import type { GeneratorOptions } from '@windmill/core/generator/options';
import { PRESETS } from '@windmill/core/profiles/presets';

const OPTIONS: GeneratorOptions = { seed: 'single', turbines: 2, days: 2, intervalSeconds: 600, layout: 'single-turbine' };
const HEADER = 'Date/Time,LV ActivePower (kW),Wind Speed (m/s),Theoretical_Power_Curve (KWh),Wind Direction (°)';

describe('the single-turbine layout', () => {
  const texts = generateLayoutTexts(OPTIONS);
  const canonical = generateLayoutTexts({ ...OPTIONS, layout: 'canonical' });

  it('writes one file per turbine named after it, which the preset’s pattern reads back', () => {
    expect(texts.map((t) => t.file.name)).toEqual(['T1.csv', 'T2.csv']);
    const pattern = new RegExp((PRESETS['single-turbine'].turbine as { pattern: string }).pattern);
    expect(texts.map((t) => pattern.exec(t.file.name)?.[1])).toEqual(['T1', 'T2']);
  });

  it('is windows-1252: the header’s ° is the byte 0xB0, and every other byte is ASCII', () => {
    const bytes = encodeLayoutText(texts[0]!.file, texts[0]!.text);
    expect(texts[0]!.file.encoding).toBe('latin1');
    expect(bytes.subarray(0, HEADER.length + 1).toString('latin1')).toBe(`${HEADER}\n`);
    expect(bytes[HEADER.length - 2]).toBe(0xb0);
    expect(bytes.filter((b) => b > 0x7f)).toEqual(Buffer.from([0xb0]));
    expect(bytes.length).toBe(texts[0]!.text.length);
  });

  it('writes day-first minute times, kW, speed and direction of the canonical row, no turbine column', () => {
    const lines = texts[1]!.text.trimEnd().split('\n');
    expect(lines[0]).toBe(HEADER);
    const rows = canonical
      .flatMap((t) =>
        t.text
          .trimEnd()
          .split('\n')
          .slice(1)
          .map((l) => l.split(',')),
      )
      .filter((c) => c[1] === '2');
    expect(lines.slice(1)).toHaveLength(rows.length);
    for (const [i, line] of lines.slice(1).entries()) {
      const [time, kw, speed, curve, direction] = line.split(',') as [string, string, string, string, string];
      const [ts, , ws, wd, mw] = rows[i]!;
      expect(time).toBe(`${ts!.slice(8, 10)} ${ts!.slice(5, 7)} ${ts!.slice(0, 4)} ${ts!.slice(11, 16)}`);
      expect(Number(kw)).toBeCloseTo(Number(mw) * 1000, 6);
      expect(kw).not.toContain('e');
      expect([speed, direction]).toEqual([ws, wd]);
      expect(curve).toBe(theoreticalPowerKw(ws!));
    }
    expect(lines[1]).toMatch(/^01 03 2022 00:00,\d+,\d+\.\d,[\d.]+,\d+$/);
  });

  it('gives the manufacturer’s curve in kW: 0 below cut-in and when the speed is missing, rated 4500 above 12.5 m/s', () => {
    expect(theoreticalPowerKw('2.9')).toBe('0');
    expect(theoreticalPowerKw('')).toBe('0');
    expect(theoreticalPowerKw('NaN')).toBe('0');
    expect(theoreticalPowerKw('13.0')).toBe('4500');
    expect(theoreticalPowerKw('25.0')).toBe('0');
    expect(Number(theoreticalPowerKw('8.0'))).toBeCloseTo((4500 * (512 - 27)) / (12.5 ** 3 - 27), 3);
  });

  it('writes a missing value as an empty cell', () => {
    const messy = generateLayoutTexts({ ...OPTIONS, missingRate: 0.2 });
    const cells = messy[0]!.text
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    expect(cells.filter((c) => c[1] === '').length).toBeGreaterThan(20);
    expect(cells.flat().every((cell) => !/^(na|nan|null|-)$/i.test(cell))).toBe(true);
  });
});
