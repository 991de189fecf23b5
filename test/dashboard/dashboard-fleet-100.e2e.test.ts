import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { writeSampleData } from '@windmill/core/generator/write-sample-data';
import {
  afterNextRender,
  countCanvasPixels,
  launchChromium,
  openView,
  OUTPUT_DIR,
  startDashboardWorld,
  watchPage,
  type DashboardWorld,
} from './dashboard-harness.js';

/**
 * The dashboard at a fleet's size: 100 turbines, 30 days of hourly readings, generated
 * with missing values, outliers, duplicates and broken lines (so imputed readings and rejected
 * lines show). Load times are measured and written to test-output/dashboard/performance.json;
 * they are reported, not asserted (a shared CI machine's timings are not a contract).
 */

const TURBINES = 100;
const DAYS = 30;

let world: DashboardWorld;
let browser: Browser;
let page: Page;
let seen: ReturnType<typeof watchPage>;
let scratch: string;
const timings: Record<string, number | number[]> = {};

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'windmill-dashboard-100-'));
  const started = Date.now();
  const data = await writeSampleData(scratch, {
    turbines: TURBINES,
    days: DAYS,
    start: '2022-03-01',
    by: 'day',
    missingRate: 0.02,
    outlierRate: 0.005,
    duplicateRate: 0.002,
    malformedRate: 0.001,
  });
  world = await startDashboardWorld('dashboard_100', data.files);
  timings.ingestMs = Date.now() - started;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  seen = watchPage(page);
}, 600_000);

afterAll(async () => {
  await writeFile(
    path.join(OUTPUT_DIR, 'performance.json'),
    `${JSON.stringify({ turbines: TURBINES, days: DAYS, ...timings }, null, 2)}\n`,
  ).catch(() => undefined);
  // Reported for the README and the reviewer; not a pass/fail criterion.
  console.log(`dashboard with ${TURBINES} turbines x ${DAYS} days: ${JSON.stringify(timings)}`);
  await browser?.close();
  await world?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe(`the dashboard with ${TURBINES} turbines over ${DAYS} days`, () => {
  it('lists every turbine in the fleet view and flags what the database flagged', async () => {
    const { rows } = await world.pool.query<{ window_start: Date; flagged: number[] | null; readings: string }>(
      `SELECT w.window_start,
              (SELECT array_agg(turbine_id ORDER BY turbine_id) FROM anomaly a
                WHERE a.kind = 'turbine' AND a.window_seconds = 86400 AND a.window_start = w.window_start) AS flagged,
              (SELECT count(*) FROM reading) AS readings
         FROM window_stat w WHERE w.window_seconds = 86400 GROUP BY w.window_start ORDER BY w.window_start DESC LIMIT 1`,
    );
    const latest = rows[0]!;
    expect(Number(latest.readings)).toBeGreaterThan(TURBINES * DAYS * 24 * 0.95);

    // Cold: a fresh browser page, modules and data fetched for the first time.
    timings.fleetColdMs = await openView(page, `${world.api.url}/`);
    await expect(page.locator('#fleet-view').getAttribute('data-window-start')).resolves.toBe(latest.window_start.toISOString());
    await expect(page.locator('#fleet-table tbody tr').count()).resolves.toBe(TURBINES);
    const flagged = await page.$$eval('#fleet-table tbody tr[data-flagged="true"]', (trs) => trs.map((tr) => Number(tr.dataset.turbineId)));
    expect(flagged).toEqual(latest.flagged ?? []);
    await expect(page.locator('.window-cell').count()).resolves.toBe(DAYS);

    const warm: number[] = [];
    const render: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      warm.push(await openView(page, `${world.api.url}/`));
      render.push(Number(await page.locator('main').getAttribute('data-render-ms')));
    }
    timings.fleetWarmMs = warm;
    timings.fleetWarmMedianMs = median(warm);
    timings.fleetDataAndRenderMedianMs = median(render);
    const switches: number[] = [];
    for (const start of ['2022-03-10T00:00:00.000Z', '2022-03-20T00:00:00.000Z', '2022-03-05T00:00:00.000Z']) {
      const t0 = Date.now();
      await afterNextRender(page, () => page.click(`.window-cell[data-window-start="${start}"]`));
      switches.push(Date.now() - t0);
    }
    timings.windowSwitchMedianMs = median(switches);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'fleet-100.png'), fullPage: false });
  });

  it("draws one turbine's month with its imputed and anomalous readings", async () => {
    const { rows } = await world.pool.query<{ turbine_id: number; n: number; imputed: number }>(
      `SELECT turbine_id, count(*)::int AS n, count(*) FILTER (WHERE power_imputed)::int AS imputed
         FROM reading GROUP BY turbine_id HAVING count(*) FILTER (WHERE power_imputed) > 0
        ORDER BY count(*) FILTER (WHERE power_imputed) DESC, turbine_id LIMIT 1`,
    );
    const t = rows[0]!;
    const times: number[] = [];
    for (let i = 0; i < 3; i += 1) times.push(await openView(page, `${world.api.url}/#/turbine/${t.turbine_id}`));
    timings.turbineMs = times;
    timings.turbineMedianMs = median(times);
    const chart = page.locator('#turbine-chart');
    await expect(chart.getAttribute('data-points')).resolves.toBe(String(t.n));
    await expect(chart.getAttribute('data-imputed')).resolves.toBe(String(t.imputed));
    // Imputed readings are drawn as orange squares, distinct from the blue line.
    expect(await countCanvasPixels(page, '#turbine-chart', [217, 119, 6])).toBeGreaterThan(10 * t.imputed);
    expect(await countCanvasPixels(page, '#turbine-chart', [37, 99, 235])).toBeGreaterThan(2000);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'turbine-100.png'), fullPage: false });
  });

  it('stays on its own origin without errors', () => {
    expect(seen.requests.filter((url) => !url.startsWith(`${world.api.url}/`) && url !== 'about:blank')).toEqual([]);
    expect(seen.problems).toEqual([]);
  });
});
