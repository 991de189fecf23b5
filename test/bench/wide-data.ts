import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { GREENBYTE_COLUMNS } from '@windmill/core/generator/layouts/greenbyte-columns';
import { shapeForRows, type GeneratorOptions } from '@windmill/core/generator/telemetry';
import { writeSampleData, type WrittenFile } from '@windmill/core/generator/write-sample-data';
import { REPO_ROOT } from '../helpers/paths.js';
import type { BenchOptions } from './bench-args.js';
import { filesIntact, generatorHash, MESSINESS, readManifest, START } from './bench-data.js';
import type { WideDataSummary } from './wide-report.js';

/**
 * The wide set: the same generator writing the Greenbyte layout (the open Kelmarsh exports): one
 * file per turbine and period, a 9-line `#` preamble, a `# ` header of ~300 columns, ~2 KB a
 * line, ten-minute data, power in kW. Cached under bench-output/data/wide_<shape>/ like the main
 * set, keyed by its generator options and the generator's sources, layouts included.
 */

/** Twenty turbines: at 1 M lines each file holds 348 days of one turbine (~50 k lines, ~105 MB). */
export const WIDE_TURBINES = 20;
export const WIDE_INTERVAL_SECONDS = 600;
/** Greenbyte exports come a year per file at most: a longer span is split into periods of this many days. */
const WIDE_DAYS_PER_PERIOD = 365;

/** What `npm run ingest` reads the wide set with (INPUT_PROFILES). */
export const WIDE_PROFILES = { profiles: [{ name: 'greenbyte', match: 'Turbine_Data_*.csv', preset: 'greenbyte' }] } as const;

export interface WideData {
  /** One file per turbine and period, in path order (what `npm run ingest` is given: their folder). */
  files: WrittenFile[];
  dir: string;
  summary: WideDataSummary;
}

interface WideManifest {
  generatorHash: string;
  options: GeneratorOptions;
  files: WrittenFile[];
}

/** The generator's options for about `rows` wide lines: 20 turbines, whole days, periods of at most a year. Pure. */
export function wideGeneratorOptions(rows: number, seed: string): GeneratorOptions {
  const { days } = shapeForRows(rows, { turbines: WIDE_TURBINES, intervalSeconds: WIDE_INTERVAL_SECONDS });
  return {
    seed,
    turbines: WIDE_TURBINES,
    start: START,
    days,
    intervalSeconds: WIDE_INTERVAL_SECONDS,
    by: 'day',
    files: Math.ceil(days / WIDE_DAYS_PER_PERIOD),
    layout: 'greenbyte',
    ...MESSINESS,
  };
}

type WideOptions = Pick<BenchOptions, 'wideRows' | 'seed'>;

async function planWide(root: string, options: WideOptions) {
  const dir = path.join(root, `wide_${options.wideRows}-rows_${WIDE_TURBINES}-turbines_${options.seed}`);
  return {
    dir,
    filesDir: path.join(dir, 'greenbyte'),
    manifestFile: path.join(dir, 'manifest.json'),
    generator: wideGeneratorOptions(options.wideRows, options.seed),
    hash: await generatorHash(['layouts']),
  };
}

async function cachedWideManifest(plan: Awaited<ReturnType<typeof planWide>>): Promise<WideManifest | null> {
  const cached = await readManifest<WideManifest>(plan.manifestFile);
  const usable =
    cached !== null &&
    cached.generatorHash === plan.hash &&
    isDeepStrictEqual(cached.options, plan.generator) &&
    (await filesIntact(cached.files));
  return usable ? cached : null;
}

/** True when `prepareWideData` would reuse files instead of generating them. */
export async function isWideDataCached(root: string, options: WideOptions): Promise<boolean> {
  return (await cachedWideManifest(await planWide(root, options))) !== null;
}

/** Generates (or reuses) the wide set for `options` under `root`; `say` hears progress. */
export async function prepareWideData(root: string, options: WideOptions, say: (text: string) => void): Promise<WideData> {
  const plan = await planWide(root, options);
  let manifest = await cachedWideManifest(plan);
  let generatedMs: number | null = null;
  if (manifest) say(`wide data: reusing ${plan.dir}`);
  else {
    await rm(plan.dir, { recursive: true, force: true });
    say(`wide data: generating about ${options.wideRows} Greenbyte-layout lines into ${plan.dir} ...`);
    const t0 = performance.now();
    const files: WrittenFile[] = [];
    await writeSampleData(plan.filesDir, plan.generator, (file) => {
      files.push(file);
      if (files.length % 5 === 0) say(`wide data: ${files.length} files written`);
    });
    generatedMs = performance.now() - t0;
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    manifest = { generatorHash: plan.hash, options: plan.generator, files };
    await writeFile(plan.manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  }
  const g = plan.generator;
  const summary: WideDataSummary = {
    dir: path.relative(REPO_ROOT, plan.filesDir),
    layout: 'greenbyte',
    files: manifest.files.length,
    lines: manifest.files.reduce((s, f) => s + f.rows, 0),
    bytes: manifest.files.reduce((s, f) => s + f.bytes, 0),
    columns: GREENBYTE_COLUMNS.length,
    turbines: g.turbines!,
    days: g.days!,
    intervalSeconds: g.intervalSeconds!,
    start: g.start!,
    seed: options.seed,
    generatedMs,
    messiness: { ...MESSINESS },
  };
  return { files: manifest.files, dir: plan.filesDir, summary };
}

/** Writes the profiles file the wide ingest runs with into `runDir`; its path. */
export async function writeWideProfiles(runDir: string): Promise<string> {
  await mkdir(runDir, { recursive: true });
  const file = path.join(runDir, 'wide-profiles.json');
  await writeFile(file, `${JSON.stringify(WIDE_PROFILES, null, 2)}\n`);
  return file;
}
