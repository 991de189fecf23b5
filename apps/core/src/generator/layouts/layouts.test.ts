import { generateLayoutLines, generateLayoutTexts } from '@windmill/core/generator/layouts/layout-lines';
import { EXACT_MALFORMED_KINDS, layoutPreambleLines, layoutTurbineName, planLayoutFiles } from '@windmill/core/generator/layouts/layouts';
import { LAYOUTS, resolveOptions, type GeneratorOptions } from '@windmill/core/generator/options';
import { generateFileText, planFiles } from '@windmill/core/generator/telemetry';

const MESSY: GeneratorOptions = {
  seed: 'layouts',
  turbines: 5,
  days: 2,
  intervalSeconds: 600,
  missingRate: 0.05,
  outlierRate: 0.02,
  duplicateRate: 0.05,
  malformedRate: 0.05,
  gapRate: 0.01,
  outOfOrderRate: 0.05,
};

/** Data lines of a file's text, after its header (and preamble). */
function dataLines(text: string, preambleLines: number): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(preambleLines + 1);
}

describe('layoutTurbineName', () => {
  it('names turbine 11 as each export does', () => {
    expect(LAYOUTS.map((layout) => layoutTurbineName(layout, 11))).toEqual(['11', 'Kelmarsh 11', 'T11', 'R80711']);
  });
});

describe('the canonical layout', () => {
  it('is the default and writes byte for byte what generateFileText writes', () => {
    expect(resolveOptions(MESSY).layout).toBe('canonical');
    const texts = generateLayoutTexts({ ...MESSY, format: { bom: true, lineEnding: '\r\n', finalNewline: false } });
    expect(texts.map((t) => t.file.name)).toEqual(['data_group_1.csv', 'data_group_2.csv', 'data_group_3.csv']);
    for (const [i, source] of planFiles(MESSY).entries()) {
      expect(texts[i]!.text).toBe(generateFileText({ ...MESSY, format: { bom: true, lineEnding: '\r\n', finalNewline: false } }, source));
    }
  });

  it('is the only one generateFileLines writes', () => {
    const [source] = planFiles(MESSY);
    expect(() => generateFileText({ ...MESSY, layout: 'greenbyte' }, source!)).toThrow(/generateLayoutLines/);
  });
});

describe.each(['greenbyte', 'single-turbine', 'european'] as const)('the %s layout', (layout) => {
  const options = { ...MESSY, layout };

  it('holds the data lines of each canonical file, as many (its readings are checked in layouts-read-back.test.ts)', () => {
    const canonical = generateLayoutTexts(MESSY);
    const other = generateLayoutTexts(options);
    const preamble = layoutPreambleLines(layout);
    for (const { file, text } of canonical) {
      const parts = other.filter((t) => t.file.source.name === file.name);
      expect(parts.length).toBe(layout === 'european' ? 1 : file.source.turbineIds.length);
      expect(parts.reduce((n, t) => n + dataLines(t.text, preamble).length, 0)).toBe(dataLines(text, 0).length);
    }
    expect(canonical.reduce((n, t) => n + dataLines(t.text, 0).length, 0)).toBeGreaterThan(5 * 288);
  });

  it('is deterministic, and its files come out of one pass over each canonical file', () => {
    const texts = generateLayoutTexts(options);
    expect(generateLayoutTexts(options)).toEqual(texts);
    expect(texts.map((t) => t.file)).toEqual(planLayoutFiles(options));
    const [source] = planFiles(options);
    const { files, lines } = generateLayoutLines(options, source!);
    const seen = new Set<number>();
    for (const line of lines) seen.add(line.file);
    expect(seen.size).toBe(files.length);
  });
});

describe('malformed-line kinds', () => {
  it('default to all three, in the order the draw has always used', () => {
    const all = { ...MESSY, malformedKinds: ['column_count', 'bad_timestamp', 'bad_turbine_id'] as const };
    expect(generateLayoutTexts(all)).toEqual(generateLayoutTexts(MESSY));
  });

  it('can be narrowed to the ones a layout writes exactly', () => {
    expect(EXACT_MALFORMED_KINDS.greenbyte).toEqual(['column_count', 'bad_timestamp']);
    expect(EXACT_MALFORMED_KINDS['single-turbine']).toEqual(['column_count', 'bad_timestamp']);
    expect(EXACT_MALFORMED_KINDS.european).toEqual(['column_count', 'bad_timestamp', 'bad_turbine_id']);
    const texts = generateLayoutTexts({ ...MESSY, malformedRate: 0.2, malformedKinds: ['bad_timestamp'] });
    const rows = texts.flatMap((t) => dataLines(t.text, 0).map((line) => line.split(',')));
    expect(rows.every((cells) => cells.length === 5 && /^[1-5]$/.test(cells[1]!))).toBe(true);
    expect(rows.filter((cells) => !/^2022-03-0[12] \d\d:\d0:00$/.test(cells[0]!)).length).toBeGreaterThan(100);
  });

  it('are checked', () => {
    expect(() => resolveOptions({ malformedKinds: [] })).toThrow(/malformedKinds must name at least one/);
    expect(() => resolveOptions({ malformedKinds: ['bad_power' as never] })).toThrow(/malformedKinds has unknown kinds: bad_power/);
  });
});

describe('layout options', () => {
  it('are checked with the rest, naming what the layout cannot write', () => {
    expect(() => resolveOptions({ layout: 'excel' as never })).toThrow(
      /layout must be one of canonical, greenbyte, single-turbine, european \(got excel\)/,
    );
    expect(() => resolveOptions({ layout: 'european', intervalSeconds: 90 })).toThrow(
      /without seconds: intervalSeconds must be a multiple of 60/,
    );
    expect(() => resolveOptions({ layout: 'single-turbine', by: 'day', days: 3 })).toThrow(/names each file after its turbine/);
    expect(() => resolveOptions({ layout: 'greenbyte', format: { columns: ['timestamp', 'turbine_id', 'power_output'] } })).toThrow(
      /cannot leave out wind_speed, wind_direction/,
    );
    expect(resolveOptions({ layout: 'greenbyte', intervalSeconds: 90 }).layout).toBe('greenbyte');
    expect(resolveOptions({ layout: 'single-turbine', by: 'day', days: 3, files: 1 }).layout).toBe('single-turbine');
  });
});
