import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig, type Config } from '@windmill/core/config/config';
import { powerCurveSettingsFrom } from '@windmill/core/config/settings';
import { createPool, type Pool } from '@windmill/core/db/pool';
import { assessFleet } from '@windmill/core/domain/fleet-performance';
import { createDerateLookup, type Derate, type GeneratorOptions } from '@windmill/core/generator/telemetry';
import { createTurbineModel, readingAt } from '@windmill/core/generator/value-model';
import { writeSampleData } from '@windmill/core/generator/write-sample-data';
import { runIngest } from '@windmill/core/ingest/batch-ingest';
import type { StatsRunOutcome } from '@windmill/core/stats/compute-stats';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { referencePowerWindows } from '../helpers/reference-power-curve.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { coreSettings, mismatches, readReadings, readStoredPerformance, type StoredPerformance } from './power-curve-db.js';

/**
 * The stats job's power curve on generated data with known derates, loaded through the real
 * loader (one file per day): what it stores equals the pure core and the independent reference on
 * the stored readings, it flags what was derated and nothing else, and it finds the injected loss.
 * The 41st day then arrives as an incremental run.
 */

const THRESHOLD = 0.1;
const DERATES: Derate[] = [
  { turbines: [4], from: '2022-03-20', to: '2022-03-24', fraction: 0.25 },
  { turbines: [11], from: '2022-04-02', to: '2022-04-04', fraction: 0.5 },
  // Below the threshold: neither a flag nor a clean bill of health is asserted for it.
  { turbines: [8], from: '2022-03-28', to: '2022-03-29', fraction: 0.05 },
  // On the day that arrives last.
  { turbines: [2], from: '2022-04-10', to: '2022-04-10', fraction: 0.4 },
];
const OPTIONS: GeneratorOptions = {
  seed: 'derated-turbines',
  turbines: 20,
  days: 41,
  by: 'day',
  derates: DERATES,
  missingRate: 0.01,
  outlierRate: 0.005,
};

let db: TestDatabase;
let pool: Pool;
let dir: string;
let files: string[];
let config: Config;
let first: StatsRunOutcome;

const { logger } = memoryLogger();
const derateAt = createDerateLookup(DERATES);
const fractionOf = (w: { turbineId: number; windowStart: number }) => derateAt(w.turbineId, w.windowStart / 1000);
const models = new Map(Array.from({ length: 20 }, (_, i) => [i + 1, createTurbineModel(OPTIONS.seed!, i + 1)]));

beforeAll(async () => {
  db = await createTestDatabase('power_curve_derated');
  pool = createPool(db.url, 3);
  dir = await mkdtemp(path.join(tmpdir(), 'windmill-derated-'));
  files = (await writeSampleData(path.join(dir, 'data'), OPTIONS)).files.sort();
  config = parseConfig({ DATABASE_URL: db.url, PARSE_THREADS: '0' }, dir);
  first = (await runIngest({ pool, logger, config }, files.slice(0, 40), dir)).stats;
}, 120_000);
afterAll(async () => {
  await pool?.end();
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

/** The stored windows next to the pure core's and the reference's answers on the stored readings. */
async function compare() {
  const readings = await readReadings(pool);
  const settings = coreSettings(powerCurveSettingsFrom(config));
  const stored = await readStoredPerformance(pool);
  const core = assessFleet(readings, settings);
  const reference = referencePowerWindows(readings, {
    ...settings,
    threshold: settings.underperformanceThreshold,
    intervalSeconds: settings.readingIntervalSeconds,
  });
  return { readings, stored, core, reference };
}

describe('the stats job on generated data with known derates', () => {
  let result: Awaited<ReturnType<typeof compare>>;
  beforeAll(async () => {
    result = await compare();
  }, 120_000);

  it('computes every turbine-window as the pure core does, on the readings the loader stored', () => {
    expect(first).toMatchObject({ status: 'done', full: true, windowsComputed: 800, powerCurveDays: 40, powerCurveWindows: 800 });
    expect(result.stored).toHaveLength(800);
    expect(mismatches(result.stored, result.core)).toEqual([]);
    expect(result.stored.filter((w) => w.judged).length).toBeGreaterThan(600);
  });

  it('agrees with the independent reference on readings used, energies and verdicts', () => {
    const { stored, reference } = result;
    const close = (a: number | null, b: number | null) =>
      a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
    const differing = stored.filter((got, i) => {
      const want = reference[i]!;
      return !(
        got.turbineId === want.turbineId &&
        got.windowStart === want.windowStart &&
        got.readingsUsed === want.readingsUsed &&
        close(got.expectedEnergyMWh, want.expectedEnergy) &&
        close(got.lostEnergyMWh, want.lostEnergy) &&
        close(got.performanceRatio, want.ratio) &&
        got.judged === want.judged &&
        got.underperforming === want.flagged
      );
    });
    expect(differing).toEqual([]);
  });

  it('flags every judged window derated by more than the threshold, and no healthy window', () => {
    const derated = result.stored.filter((w) => fractionOf(w) > THRESHOLD);
    expect(derated).toHaveLength(5 + 3);
    expect(derated.filter((w) => w.judged).length).toBeGreaterThanOrEqual(6);
    expect(derated.filter((w) => w.judged && !w.underperforming)).toEqual([]);
    expect(result.stored.filter((w) => fractionOf(w) === 0 && w.underperforming)).toEqual([]);
  });

  it('finds the injected loss of the derated windows within 2 %', async () => {
    const derated = result.stored.filter((w) => fractionOf(w) > THRESHOLD);
    const lost = derated.reduce((a, w) => a + w.lostEnergyMWh, 0);
    const injected = derated.reduce((a, w) => a + injectedLoss(w, result.reference), 0);
    expect(injected).toBeGreaterThan(50);
    expect(Math.abs(lost - injected)).toBeLessThanOrEqual(0.02 * injected);
    // Stored with the anomalies, as lost_energy_mwh.
    const { rows } = await pool.query<{ lost: number; n: number }>(
      `SELECT sum(lost_energy_mwh) AS lost, count(*)::int AS n FROM anomaly WHERE kind = 'underperformance'`,
    );
    const flagged = result.stored.filter((w) => w.underperforming);
    expect(rows[0]!.n).toBe(flagged.length);
    expect(rows[0]!.lost).toBeCloseTo(
      flagged.reduce((a, w) => a + w.lostEnergyMWh, 0),
      6,
    );
  });

  it('takes the last day incrementally: its 20 windows alone, the same answers as a full computation', async () => {
    const before = result.stored;
    const next = (await runIngest({ pool, logger, config }, files.slice(40), dir)).stats;
    expect(next).toMatchObject({ status: 'done', full: false, windowsComputed: 20, powerCurveDays: 1, powerCurveWindows: 20 });
    const after = await compare();
    expect(after.stored).toHaveLength(820);
    expect(mismatches(after.stored, after.core)).toEqual([]);
    // The earlier windows are untouched, the derated turbine 2 flagged on the new day.
    expect(after.stored.slice(0, 800)).toEqual(before);
    const lastDay = after.stored.slice(800);
    expect(lastDay.filter((w) => w.underperforming).map((w) => w.turbineId)).toEqual([2]);
  });
});

/** MWh the derate took from the readings the window's judgement used (the reference's list). */
function injectedLoss(w: StoredPerformance, reference: ReturnType<typeof referencePowerWindows>): number {
  const ref = reference.find((r) => r.turbineId === w.turbineId && r.windowStart === w.windowStart)!;
  const model = models.get(w.turbineId)!;
  let injected = 0;
  for (const ts of ref.usedTs) {
    injected += readingAt(model, ts / 1000).powerOutput - readingAt(model, ts / 1000, fractionOf(w)).powerOutput;
  }
  return injected;
}
