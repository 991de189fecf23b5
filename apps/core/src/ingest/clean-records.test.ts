import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CleanReading } from '@windmill/core/domain/types';
import { cleanRecords, MAX_KNOWN_NAMES } from '@windmill/core/ingest/clean-records';
import { readRecords } from '@windmill/core/ingest/read-records';
import { parseInputProfiles } from '@windmill/core/profiles/input-profile';

const SETTINGS = { timeZone: 'UTC', bounds: { windSpeedMax: 50, powerMin: 0, powerMax: 20 }, maxGapSeconds: 7200 };
const [NAMED] = parseInputProfiles({
  profiles: [{ name: 'named', match: '*', columns: { timestamp: 'time', turbine_id: 'wtg', power_output: 'P' } }],
});

describe('cleanRecords: turbine names from a column', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'windmill-clean-records-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives each name its one id in a file of more names than it keeps, asking again for names it let go', async () => {
    const names = Array.from({ length: MAX_KNOWN_NAMES + 1_000 }, (_, i) => `WTG ${i + 1}`);
    const again = names.slice(0, 10);
    const file = path.join(dir, 'many-names.csv');
    const lines = [...names.map((name) => `2022-03-01 00:00:00,${name},2`), ...again.map((name) => `2022-03-01 01:00:00,${name},3`)];
    await writeFile(file, `time,wtg,P\n${lines.join('\n')}\n`);

    // The database's part: an existing name keeps its id, a new one gets the next negative id.
    const registry = new Map<string, number>();
    const asked = new Map<string, number>();
    const resolveTurbines = (batch: string[]) => {
      for (const name of batch) {
        asked.set(name, (asked.get(name) ?? 0) + 1);
        if (!registry.has(name)) registry.set(name, -(registry.size + 1));
      }
      return Promise.resolve(batch.map((name) => registry.get(name)!));
    };
    const readings: CleanReading[] = [];
    const source = await readRecords(file, { startOffset: 0, firstDataLine: 2, layout: NAMED! });
    const result = await cleanRecords(
      source.batches,
      SETTINGS,
      { reading: (r) => readings.push(r), rejection: () => undefined, drain: () => Promise.resolve() },
      'ordered',
      undefined,
      { profile: NAMED!, fileName: 'many-names.csv', resolveTurbines },
    );

    expect(result.ordered && result.totals).toMatchObject({ rowsLoaded: lines.length, rowsRejected: 0 });
    const nameOfLine = (line: number) => lines[line - 2]!.split(',')[1]!;
    expect(readings.every((r) => r.turbineId === registry.get(nameOfLine(r.line)))).toBe(true);
    expect(registry.size).toBe(names.length);
    // The first names were let go once the file had named more than MAX_KNOWN_NAMES, and asked for again.
    expect(again.map((name) => asked.get(name))).toEqual(again.map(() => 2));
    expect(result.ordered && [...result.ranges.counts].filter((n) => n === 2)).toHaveLength(again.length);
  });
});
