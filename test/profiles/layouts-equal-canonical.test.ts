import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '@windmill/core/config/config';
import { createPool, type Pool } from '@windmill/core/db/pool';
import { EXACT_MALFORMED_KINDS, layoutPreambleLines, layoutTurbineName } from '@windmill/core/generator/layouts/layouts';
import type { GeneratorOptions, Layout } from '@windmill/core/generator/options';
import { writeSampleData } from '@windmill/core/generator/write-sample-data';
import { runIngest, type IngestSummary } from '@windmill/core/ingest/batch-ingest';
import { sniffProfile, SNIFF_HEAD_BYTES } from '@windmill/core/profiles/sniff-profile';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { memoryLogger } from '../helpers/silent-logger.js';

/**
 * The same content in each real-export layout and in the canonical layout, loaded by
 * `npm run ingest`'s code into databases of their own, must give the same results: readings,
 * window statistics, anomalies of every kind, ledger counts, and rejected lines with their reasons
 * at their physical line numbers (the canonical number plus the layout's preamble). Each layout is
 * loaded twice: with the preset, and with the profiles `npm run profile` sniffs from the files
 * (unchanged). A canonical file without a profile sits in the same folder and loads as before.
 */

const TURBINES = 8;
const LAYOUTS: Layout[] = ['greenbyte', 'single-turbine', 'european'];

/**
 * Every kind of messiness, ten-minute data, one turbine derated for a day (so the fleet and power
 * curve anomalies have something to find), days without a daylight-saving change in Paris, and a
 * day after the 12th (so the sniffer can tell day-first from month-first).
 */
const optionsFor = (layout: Layout): GeneratorOptions => ({
  seed: `layouts-${layout}`,
  turbines: TURBINES,
  // One turbine per canonical file, as the per-turbine layouts write them: line numbers then match.
  files: TURBINES,
  start: '2022-03-12',
  days: 3,
  derates: [{ turbines: [2], from: '2022-03-13', to: '2022-03-13', fraction: 0.5 }],
  intervalSeconds: 600,
  missingRate: 0.05,
  outlierRate: 0.03,
  duplicateRate: 0.03,
  malformedRate: 0.03,
  gapRate: 0.005,
  outOfOrderRate: 0.02,
  malformedKinds: EXACT_MALFORMED_KINDS[layout],
  layout,
});

/** A canonical file that no profile matches: turbine 99, beside the layout's files (UTC times, whatever SOURCE_TIMEZONE says). */
const PLAIN =
  'timestamp,turbine_id,wind_speed,wind_direction,power_output\n2022-03-12T00:00:00Z,99,7.5,180,2.25\n2022-03-12T00:10:00Z,99,7.7,182,2.5\n';

const SETTINGS = { READING_INTERVAL_SECONDS: '600', WINDOW_SECONDS: '86400' };

interface Loaded {
  summary: IngestSummary;
  readings: unknown[];
  windows: unknown[];
  anomalies: unknown[];
  ledger: unknown[];
  rejections: unknown[];
}

/** What a user would compare, keyed by turbine name (`rename` maps canonical names to the layout's). */
async function readResults(pool: Pool, rename: (name: string) => string, preamble: number): Promise<Omit<Loaded, 'summary'>> {
  const q = async (sql: string) => (await pool.query(sql)).rows;
  const named = <T extends { turbine: string }>(rows: T[]) => rows.map((r) => ({ ...r, turbine: rename(r.turbine) }));
  const sortKey = (r: unknown) => JSON.stringify(r);
  const sorted = <T>(rows: T[]) => [...rows].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
  const round = (v: number | null) => (v === null ? null : Number(v.toPrecision(12)));
  return {
    readings: sorted(
      named(
        await q(`SELECT t.name AS turbine, r.ts, r.wind_speed, r.wind_direction, r.power_output,
                        r.wind_speed_imputed, r.wind_direction_imputed, r.power_imputed
                   FROM reading r JOIN turbine t ON t.id = r.turbine_id`),
      ),
    ),
    // Sums over turbines run in id order, which differs between the layouts: compared to 12 digits.
    windows: sorted(
      named(
        await q(`SELECT t.name AS turbine, w.window_start, w.count, w.min, w.max, w.mean, w.stddev, w.imputed_count, w.expected_count,
                        w.actual_energy_mwh, w.expected_energy_mwh, w.performance_ratio
                   FROM window_stat w JOIN turbine t ON t.id = w.turbine_id`),
      ).map((w) => ({
        ...w,
        mean: round(w.mean),
        stddev: round(w.stddev),
        actual_energy_mwh: round(w.actual_energy_mwh),
        expected_energy_mwh: round(w.expected_energy_mwh),
        performance_ratio: round(w.performance_ratio),
      })),
    ),
    anomalies: sorted(
      named(
        await q(`SELECT a.kind, t.name AS turbine, a.window_start, a.ts, a.value, a.mean, a.stddev
                   FROM anomaly a JOIN turbine t ON t.id = a.turbine_id`),
      ).map((a) => ({ ...a, value: round(a.value), mean: round(a.mean), stddev: round(a.stddev) })),
    ),
    ledger: sorted(await q(`SELECT status, rows_total, rows_loaded, rows_imputed, rows_duplicate, rows_rejected FROM ingested_file`)),
    rejections: sorted(
      (await q(`SELECT f.rows_total, r.line, r.reason FROM rejected_row r JOIN ingested_file f ON f.id = r.file_id`)).map((r) => ({
        ...r,
        line: r.line + preamble,
      })),
    ),
  };
}

async function load(
  label: string,
  dir: string,
  env: Record<string, string>,
): Promise<{ db: TestDatabase; summary: IngestSummary; pool: Pool }> {
  const db = await createTestDatabase(label);
  const pool = createPool(db.url);
  const config = parseConfig({ DATABASE_URL: db.url, ...SETTINGS, ...env }, dir);
  const summary = await runIngest({ pool, logger: memoryLogger().logger, config }, [dir], dir);
  return { db, summary, pool };
}

/** The profiles `npm run profile` prints for the files, as a profiles file. */
async function sniffedProfiles(files: string[]): Promise<{ profiles: unknown[]; undecided: string[] }> {
  const profiles: unknown[] = [];
  const undecided: string[] = [];
  for (const [i, file] of files.entries()) {
    const handle = await open(file);
    const head = Buffer.alloc(SNIFF_HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_HEAD_BYTES, 0);
    await handle.close();
    const result = sniffProfile({ fileName: file, head: head.subarray(0, bytesRead) });
    profiles.push({ ...result.profile, name: `${result.profile.name}-${i}` });
    undecided.push(...result.undecided);
  }
  return { profiles, undecided };
}

describe.each(LAYOUTS)('the %s layout', (layout) => {
  const dbs: TestDatabase[] = [];
  const pools: Pool[] = [];
  let root: string;
  let canonical: Omit<Loaded, 'summary'>;
  let preset: Loaded;
  let sniffed: Loaded;
  let undecided: string[];

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), `windmill-layout-${layout}-`));
    const canonicalDir = path.join(root, 'canonical');
    const layoutDir = path.join(root, 'export');
    await writeSampleData(canonicalDir, { ...optionsFor(layout), layout: 'canonical' });
    const written = await writeSampleData(layoutDir, optionsFor(layout));
    for (const dir of [canonicalDir, layoutDir]) await writeFile(path.join(dir, 'zz-plain.csv'), PLAIN);
    await writeFile(
      path.join(root, 'presets.json'),
      JSON.stringify({ profiles: [{ name: layout, match: ['Turbine_Data_*.csv', 'T[0-9]*.csv', 'data_group_*.csv'], preset: layout }] }),
    );
    const sniff = await sniffedProfiles(written.files);
    undecided = sniff.undecided;
    await writeFile(path.join(root, 'sniffed.json'), JSON.stringify({ profiles: sniff.profiles }));

    const base = await load(`layout_canonical_${layout}`, canonicalDir, {});
    // The European export writes local times in Paris; the sniffer cannot know the zone (README).
    const zone: Record<string, string> = layout === 'european' ? { SOURCE_TIMEZONE: 'Europe/Paris' } : {};
    const withPreset = await load(`layout_preset_${layout}`, layoutDir, { INPUT_PROFILES: path.join(root, 'presets.json') });
    const withSniffed = await load(`layout_sniffed_${layout}`, layoutDir, { INPUT_PROFILES: path.join(root, 'sniffed.json'), ...zone });
    for (const x of [base, withPreset, withSniffed]) {
      dbs.push(x.db);
      pools.push(x.pool);
    }
    const rename = (name: string) => (name === '99' ? name : layoutTurbineName(layout, Number(name)));
    canonical = await readResults(base.pool, rename, layoutPreambleLines(layout));
    preset = { summary: withPreset.summary, ...(await readResults(withPreset.pool, (n) => n, 0)) };
    sniffed = { summary: withSniffed.summary, ...(await readResults(withSniffed.pool, (n) => n, 0)) };
  }, 120_000);

  afterAll(async () => {
    for (const pool of pools) await pool.end();
    for (const db of dbs) await db.drop();
    await rm(root, { recursive: true, force: true });
  });

  it('loads every file, the export with its profile and the plain file in the canonical layout', () => {
    const profiles = preset.summary.files.map((f) => [path.basename(f.path), f.profile, f.outcome.status]);
    expect(profiles.filter(([name]) => name === 'zz-plain.csv')).toEqual([['zz-plain.csv', null, 'done']]);
    expect(
      profiles.filter(([name]) => name !== 'zz-plain.csv').every(([, profile, status]) => profile === layout && status === 'done'),
    ).toBe(true);
    expect(profiles).toHaveLength(TURBINES + 1);
  });

  it('stores the same readings, converted to MW and UTC, under the layout turbine names', () => {
    expect(preset.readings.length).toBeGreaterThan(TURBINES * 3 * 144 * 0.7);
    expect(preset.readings).toEqual(canonical.readings);
  });

  it('counts and rejects the same lines, at their physical line numbers', () => {
    expect(preset.ledger).toEqual(canonical.ledger);
    expect(preset.rejections.length).toBeGreaterThan(0);
    expect(preset.rejections).toEqual(canonical.rejections);
  });

  it('computes the same windows and anomalies of every kind', () => {
    expect(preset.windows).toEqual(canonical.windows);
    const kinds = new Set((preset.anomalies as Array<{ kind: string }>).map((a) => a.kind));
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['reading', 'underperformance']));
    expect(preset.anomalies).toEqual(canonical.anomalies);
  });

  it('loads the same with the profiles npm run profile sniffs from the files, unchanged', () => {
    expect(undecided).toEqual([]);
    expect(sniffed.readings).toEqual(preset.readings);
    expect(sniffed.rejections).toEqual(preset.rejections);
    expect(sniffed.windows).toEqual(preset.windows);
  });
});
