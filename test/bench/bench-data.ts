import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { writeSampleData, type WrittenFile } from '@windmill/core/generator/write-sample-data';
import type { GeneratorOptions } from '@windmill/core/generator/telemetry';
import { REPO_ROOT } from '../helpers/paths.js';
import type { BenchOptions } from './bench-args.js';
import type { DataSummary } from './report.js';

/**
 * The benchmark's files, made by the project's own generator and cached under
 * bench-output/data/<shape>/ with a manifest: a later run with the same shape, seed and
 * generator source reuses them instead of spending minutes writing 10 M lines again.
 */

/** The mess of a real export: ~1 % missing cells, ~0.5 % outliers, some duplicates and broken lines. */
export const MESSINESS = {
  missingRate: 0.01,
  outlierRate: 0.005,
  duplicateRate: 0.002,
  malformedRate: 0.001,
  gapRate: 0.0002,
} as const;

export const START = '2020-01-01';
const DAY_MS = 86_400_000;

export interface BenchData {
  /** The main files (one contiguous range of days for every turbine each), in load order. */
  files: WrittenFile[];
  /** One more day for every turbine, right after the main files. */
  extraDay: WrittenFile;
  summary: DataSummary;
}

interface Manifest {
  generatorHash: string;
  main: GeneratorOptions;
  extra: GeneratorOptions;
  files: WrittenFile[];
  extraDay: WrittenFile;
}

/**
 * A hash of the generator's sources (and of those in `subfolders` of it, for a layout's files), so
 * a changed generator invalidates the cache. Without subfolders it is the hash the main set's
 * manifests already hold.
 */
export async function generatorHash(subfolders: readonly string[] = []): Promise<string> {
  const generatorDir = path.join(REPO_ROOT, 'apps/core/src/generator');
  const hash = createHash('sha256');
  for (const sub of ['', ...subfolders]) {
    const dir = path.join(generatorDir, sub);
    const names = (await readdir(dir)).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts')).sort();
    for (const name of names) hash.update(path.join(sub, name)).update(await readFile(path.join(dir, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

/** A manifest written by an earlier run, or null when there is none or it does not parse. */
export async function readManifest<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** True when every file is still there with the size the manifest recorded. */
export async function filesIntact(files: readonly WrittenFile[]): Promise<boolean> {
  for (const file of files) {
    const info = await stat(file.path).catch(() => null);
    if (!info || info.size !== file.bytes) return false;
  }
  return true;
}

interface Plan {
  dir: string;
  manifestFile: string;
  main: GeneratorOptions;
  extra: GeneratorOptions;
  hash: string;
}

async function planData(root: string, options: BenchOptions): Promise<Plan> {
  const shape = `${options.rows}-rows_${options.files}-files_${options.turbines}-turbines_${options.seed}`;
  const dir = path.join(root, shape);
  const common = { seed: options.seed, turbines: options.turbines, by: 'day' as const, ...MESSINESS };
  const main: GeneratorOptions = { ...common, start: START, days: options.days, files: options.files };
  const extraStart = new Date(Date.parse(`${START}T00:00:00Z`) + options.days * DAY_MS).toISOString().slice(0, 10);
  const extra: GeneratorOptions = { ...common, start: extraStart, days: 1, files: 1 };
  return { dir, manifestFile: path.join(dir, 'manifest.json'), main, extra, hash: await generatorHash() };
}

/** The manifest of files generated earlier for the same shape, seed and generator, if all are intact. */
async function cachedManifest(plan: Plan): Promise<Manifest | null> {
  const cached = await readManifest<Manifest>(plan.manifestFile);
  const usable =
    cached !== null &&
    cached.generatorHash === plan.hash &&
    isDeepStrictEqual(cached.main, plan.main) &&
    isDeepStrictEqual(cached.extra, plan.extra) &&
    (await filesIntact([...cached.files, cached.extraDay]));
  return usable ? cached : null;
}

/** True when `prepareData` would reuse files instead of generating them. */
export async function isDataCached(root: string, options: BenchOptions): Promise<boolean> {
  return (await cachedManifest(await planData(root, options))) !== null;
}

/** Generates (or reuses) the data set for `options` under `root`; `say` hears progress. */
export async function prepareData(root: string, options: BenchOptions, say: (text: string) => void): Promise<BenchData> {
  const plan = await planData(root, options);
  const { dir, manifestFile, main, extra, hash } = plan;
  const cached = await cachedManifest(plan);
  let manifest: Manifest;
  let generatedMs: number | null = null;
  if (cached) {
    manifest = cached;
    say(`data: reusing ${dir}`);
  } else {
    await rm(dir, { recursive: true, force: true });
    say(`data: generating ${options.rows} lines into ${dir} ...`);
    const t0 = performance.now();
    const files: WrittenFile[] = [];
    await writeSampleData(path.join(dir, 'main'), main, (file) => {
      files.push(file);
      const every = Math.max(10, Math.round(options.files / 20));
      if (files.length % every === 0 || files.length === options.files) say(`data: ${files.length}/${options.files} files written`);
    });
    const extraFiles: WrittenFile[] = [];
    await writeSampleData(path.join(dir, 'extra'), extra, (file) => extraFiles.push(file));
    generatedMs = performance.now() - t0;
    manifest = { generatorHash: hash, main, extra, files, extraDay: extraFiles[0]! };
    await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  }

  const summary: DataSummary = {
    dir: path.relative(REPO_ROOT, dir),
    files: manifest.files.length,
    lines: manifest.files.reduce((s, f) => s + f.rows, 0),
    bytes: manifest.files.reduce((s, f) => s + f.bytes, 0),
    turbines: options.turbines,
    days: options.days,
    start: START,
    seed: options.seed,
    generatedMs,
    messiness: { ...MESSINESS },
    extraDay: { file: path.basename(manifest.extraDay.path), lines: manifest.extraDay.rows, bytes: manifest.extraDay.bytes },
  };
  return { files: manifest.files, extraDay: manifest.extraDay, summary };
}

/** The folder holding the main files (what `npm run ingest` is given). */
export const mainDir = (data: BenchData): string => path.dirname(data.files[0]!.path);
