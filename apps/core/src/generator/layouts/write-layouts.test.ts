import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeLayoutText, generateLayoutTexts } from '@windmill/core/generator/layouts/layout-lines';
import type { GeneratorOptions } from '@windmill/core/generator/options';
import { writeSampleData, type WrittenFile } from '@windmill/core/generator/write-sample-data';

describe('writeSampleData with a layout', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'windmill-layouts-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['greenbyte', 'single-turbine', 'european'] as const)(
    'writes the %s files byte for byte, rows counted without the preamble',
    async (layout) => {
      const options: GeneratorOptions = {
        seed: 'write',
        turbines: 5,
        days: 2,
        intervalSeconds: 1800,
        missingRate: 0.05,
        duplicateRate: 0.02,
        layout,
      };
      const heard: WrittenFile[] = [];
      const result = await writeSampleData(dir, options, (file) => heard.push(file));
      const expected = generateLayoutTexts(options);
      expect((await readdir(dir)).sort()).toEqual(expected.map((t) => t.file.name).sort());
      expect(heard.map((f) => path.basename(f.path))).toEqual(expected.map((t) => t.file.name));
      for (const [i, { file, text }] of expected.entries()) {
        const bytes = await readFile(path.join(dir, file.name));
        expect(bytes.equals(encodeLayoutText(file, text))).toBe(true);
        expect(heard[i]!.bytes).toBe(bytes.length);
      }
      const canonical = await writeSampleData(path.join(dir, 'canonical'), { ...options, layout: 'canonical' });
      expect(result.rows).toBe(canonical.rows);
      expect(result.rows).toBeGreaterThan(5 * 96);
    },
  );

  it('writes a file per turbine for a group of any size, in passes of a bounded number of open files', async () => {
    const result = await writeSampleData(dir, { turbines: 300, days: 1, files: 1, layout: 'single-turbine' });
    expect(result.files).toHaveLength(300);
    expect(result.rows).toBe(300 * 24);
    expect(await readFile(path.join(dir, 'T300.csv'), 'latin1')).toMatch(/^Date\/Time,.*\(°\)\n01 03 2022 00:00,/);
  });
});
