import { generateLayoutTexts } from '@windmill/core/generator/layouts/layout-lines';
import type { GeneratorOptions } from '@windmill/core/generator/options';
import { PRESETS } from '@windmill/core/profiles/presets';

const OPTIONS: GeneratorOptions = { seed: 'european', turbines: 12, days: 2, intervalSeconds: 600, layout: 'european' };

describe('the european layout', () => {
  const texts = generateLayoutTexts(OPTIONS);
  const canonical = generateLayoutTexts({ ...OPTIONS, layout: 'canonical' });

  it('splits and names files as the canonical layout does, with CRLF line endings', () => {
    expect(texts.map((t) => t.file.name)).toEqual(canonical.map((t) => t.file.name));
    for (const { text } of texts) {
      expect(text.endsWith('\r\n')).toBe(true);
      expect(text.split('\r\n').every((line) => !line.includes('\n'))).toBe(true);
    }
  });

  it('has the preset’s columns, `;` separated', () => {
    expect(texts[0]!.text.split('\r\n')[0]).toBe('Wind_turbine_name;Date_time;P_avg;Ws_avg;Wa_avg');
    const columns = PRESETS.european.columns!;
    expect(texts[0]!.text.split('\r\n')[0]!.split(';').sort()).toEqual(Object.values(columns).sort());
  });

  it('writes the canonical rows as R807xx names, Paris local time, kW and decimal commas', () => {
    for (const [f, { text }] of texts.entries()) {
      const rows = text
        .trimEnd()
        .split('\r\n')
        .slice(1)
        .map((l) => l.split(';'));
      const canonicalRows = canonical[f]!.text.trimEnd()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','));
      expect(rows).toHaveLength(canonicalRows.length);
      for (const [i, [name, time, kw, speed, direction]] of rows.entries()) {
        const [ts, id, ws, wd, mw] = canonicalRows[i]!;
        expect(name).toBe(`R${80_700 + Number(id)}`);
        const utc = Date.parse(`${ts!.replace(' ', 'T')}Z`) + 3_600_000; // March 2022 before the 27th: UTC+1
        expect(time).toBe(new Date(utc).toISOString().replace(/^(\d+)-(\d+)-(\d+)T(\d+:\d+).*$/, '$3.$2.$1 $4'));
        expect(Number(kw!.replace(',', '.'))).toBeCloseTo(Number(mw) * 1000, 6);
        expect(speed).toBe(ws!.replace('.', ','));
        expect(direction).toBe(wd);
      }
    }
    expect(texts[0]!.text.split('\r\n')[1]).toMatch(/^R80701;01\.03\.2022 01:00;\d+;\d+,\d;\d+$/);
    expect(texts.at(-1)!.text).toContain('R80712;');
  });

  it('writes missing values as empty cells, and no decimal point anywhere but in the dates', () => {
    const messy = generateLayoutTexts({ ...OPTIONS, missingRate: 0.1, outlierRate: 0.05 });
    const cells = messy.flatMap((t) =>
      t.text
        .trimEnd()
        .split('\r\n')
        .slice(1)
        .map((l) => l.split(';')),
    );
    expect(cells.filter((c) => c[2] === '').length).toBeGreaterThan(50);
    expect(cells.every((c) => /^(-?\d+(,\d+)?|)$/.test(c[2]!))).toBe(true);
    expect(cells.flat().every((cell) => !cell.includes('.') || /^\d\d\.\d\d\.\d{4} /.test(cell))).toBe(true);
  });

  it('keeps a bad turbine id bad: an empty name or one longer than 64 characters', () => {
    const messy = generateLayoutTexts({ ...OPTIONS, malformedRate: 0.2, malformedKinds: ['bad_turbine_id'] });
    const names = messy.flatMap((t) =>
      t.text
        .trimEnd()
        .split('\r\n')
        .slice(1)
        .map((l) => l.split(';')[0]!),
    );
    const bad = names.filter((n) => !/^R807(0[1-9]|1[0-2])$/.test(n));
    expect(bad.length).toBeGreaterThan(100);
    expect(bad.every((n) => n === '' || n.trim().length > 64)).toBe(true);
    expect(bad.some((n) => n === '')).toBe(true);
  });
});
