import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CleanReading, Rejection } from '@windmill/core/domain/types';
import { cleanRecords, type CleaningSettings } from '@windmill/core/ingest/clean-records';
import { readRecords } from '@windmill/core/ingest/read-records';
import { EXACT_MALFORMED_KINDS, layoutPreambleLines, layoutTurbineName } from '@windmill/core/generator/layouts/layouts';
import type { GeneratorOptions, Layout } from '@windmill/core/generator/options';
import { writeSampleData } from '@windmill/core/generator/write-sample-data';
import { parseInputProfiles, type InputProfile } from '@windmill/core/profiles/input-profile';

// Each layout is written from the same options as a canonical data set and read back through the
// loader's own reading and cleaning (no database), with the built-in preset: the readings, the
// rejected lines' reasons and their line numbers (less the preamble) must be the canonical ones.

const SETTINGS: CleaningSettings = { timeZone: 'UTC', bounds: { windSpeedMax: 50, powerMin: 0, powerMax: 20 }, maxGapSeconds: 7200 };
const TURBINES = 4;

/** Every kind of messiness, over days without a daylight-saving change in Paris. */
const MESSY: GeneratorOptions = {
  seed: 'read-back',
  turbines: TURBINES,
  files: TURBINES, // one turbine per canonical file, as the per-turbine layouts have
  start: '2022-03-01',
  days: 3,
  intervalSeconds: 600,
  missingRate: 0.05,
  outlierRate: 0.03,
  duplicateRate: 0.03,
  malformedRate: 0.03,
  gapRate: 0.005,
  outOfOrderRate: 0.02,
};

interface ReadBack {
  readings: Array<Omit<CleanReading, 'line'> & { line: number }>;
  rejections: Array<Pick<Rejection, 'line' | 'reason'>>;
}

/** A file as the loader reads it: its readings and rejections, turbines as ids 1..TURBINES. */
async function readBack(file: string, profile: InputProfile | null, layout: Layout): Promise<ReadBack> {
  const ids = new Map(Array.from({ length: TURBINES }, (_, i) => [layoutTurbineName(layout, i + 1), i + 1]));
  const shift = layoutPreambleLines(layout);
  for (const mode of ['ordered', 'sorted'] as const) {
    const out: ReadBack = { readings: [], rejections: [] };
    const source = await readRecords(file, { startOffset: 0, firstDataLine: 2, ...(profile ? { layout: profile } : {}) });
    const result = await cleanRecords(
      source.batches,
      SETTINGS,
      {
        reading: (r) => out.readings.push({ ...r, line: r.line - shift }),
        rejection: (r) => out.rejections.push({ line: r.line - shift, reason: r.reason }),
        drain: () => Promise.resolve(),
      },
      mode,
      undefined,
      { profile, fileName: path.basename(file), resolveTurbines: (names) => Promise.resolve(names.map((n) => ids.get(n) ?? -1)) },
    );
    if (result.ordered) {
      out.readings.sort((a, b) => a.turbineId - b.turbineId || a.ts - b.ts || a.line - b.line);
      out.rejections.sort((a, b) => a.line - b.line);
      return out;
    }
  }
  throw new Error('unreachable: sorted mode always finishes');
}

async function readAll(options: GeneratorOptions, layout: Layout): Promise<ReadBack> {
  const dir = await mkdtemp(path.join(tmpdir(), `windmill-${layout}-`));
  try {
    const { files } = await writeSampleData(dir, { ...options, layout });
    const profile = layout === 'canonical' ? null : parseInputProfiles({ profiles: [{ name: layout, match: '*', preset: layout }] })[0]!;
    const all: ReadBack = { readings: [], rejections: [] };
    for (const file of files) {
      const one = await readBack(file, profile, layout);
      // Per-turbine files number their lines like the one-turbine canonical files: tell them apart by turbine.
      const turbine = one.readings[0]?.turbineId ?? 0;
      all.readings.push(...one.readings);
      all.rejections.push(...one.rejections.map((r) => ({ ...r, line: turbine * 1_000_000 + r.line })));
    }
    return all;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe.each(['greenbyte', 'single-turbine', 'european'] as const)('the %s layout read back with its preset', (layout) => {
  const options = { ...MESSY, malformedKinds: EXACT_MALFORMED_KINDS[layout] };

  it('gives the canonical readings, rejections and line numbers', async () => {
    const canonical = await readAll(options, 'canonical');
    const other = await readAll(options, layout);
    expect(canonical.readings.length).toBeGreaterThan(1400);
    expect(new Set(canonical.rejections.map((r) => r.reason))).toEqual(new Set([...EXACT_MALFORMED_KINDS[layout], 'missing_power']));
    expect(other.readings).toEqual(canonical.readings);
    expect(other.rejections).toEqual(canonical.rejections);
  });
});

describe('bad turbine ids in layouts without a turbine column', () => {
  it.each(['greenbyte', 'single-turbine'] as const)('are rejected in %s as column_count, on the same lines', async (layout) => {
    const options = {
      ...MESSY,
      missingRate: 0,
      duplicateRate: 0,
      gapRate: 0,
      malformedRate: 0.05,
      malformedKinds: ['bad_turbine_id'] as const,
    };
    const canonical = await readAll(options, 'canonical');
    const other = await readAll(options, layout);
    expect(canonical.rejections.length).toBeGreaterThan(10);
    expect(new Set(canonical.rejections.map((r) => r.reason))).toEqual(new Set(['bad_turbine_id']));
    expect(other.rejections).toEqual(canonical.rejections.map((r) => ({ ...r, reason: 'column_count' })));
    expect(other.readings).toEqual(canonical.readings);
  });
});
