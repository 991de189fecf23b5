import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateFileText, planFiles } from '@windmill/core/generator/telemetry';
import { writeSampleData, type WrittenFile } from '@windmill/core/generator/write-sample-data';

describe('writeSampleData', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'windmill-generate-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the planned files, byte for byte the generator output, and reports them', async () => {
    const options = { seed: 'io', days: 2, missingRate: 0.1, format: { bom: true } };
    const heard: WrittenFile[] = [];
    const out = path.join(dir, 'nested', 'incoming');
    const result = await writeSampleData(out, options, (file) => heard.push(file));

    const names = planFiles(options).map((f) => f.name);
    expect(await readdir(out)).toEqual(names);
    expect(result.files).toEqual(names.map((n) => path.join(out, n)));
    expect(result.rows).toBe(15 * 48);
    expect(heard.map((f) => f.rows)).toEqual([240, 240, 240]);
    for (const [i, file] of planFiles(options).entries()) {
      const bytes = await readFile(result.files[i]!);
      expect(bytes.toString('utf8')).toBe(generateFileText(options, file));
      expect(heard[i]!.bytes).toBe(bytes.length);
    }
    expect(result.bytes).toBe(heard.reduce((n, f) => n + f.bytes, 0));
  });

  it('streams a file larger than the write buffer without leaving partial files', async () => {
    const result = await writeSampleData(dir, { turbines: 10, days: 100, files: 1 });
    expect(result.rows).toBe(24_000);
    expect(await readdir(dir)).toEqual(['data_group_1.csv']);
    expect((await readFile(result.files[0]!, 'utf8')).split('\n')).toHaveLength(24_002);
  });

  it('rejects bad options before creating anything', async () => {
    const out = path.join(dir, 'never');
    await expect(writeSampleData(out, { turbines: -1 })).rejects.toThrow(/turbines must be a positive integer/);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });
});
