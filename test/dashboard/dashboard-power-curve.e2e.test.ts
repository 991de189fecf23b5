import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { roundMeasure } from '@windmill/api/precision';
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
 * The power curve in the dashboard, on generated data that follows one (20 turbines, 30 days of
 * hourly readings, the demo's derate: turbine 7 at 75 % on 2022-03-25..28): the turbine view's
 * scatter of wind speed against power under the fleet curve, with the underperforming windows'
 * readings marked and ratio and lost energy per window; the fleet view's lost energy per turbine.
 * What must show is read from the database.
 */

const DERATED = 7;

let world: DashboardWorld;
let browser: Browser;
let page: Page;
let seen: ReturnType<typeof watchPage>;
let scratch: string;
let flagged: Array<{ turbineId: number; windowStart: string }>;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'windmill-dashboard-curve-'));
  const data = await writeSampleData(scratch, {
    seed: 'windmill-demo',
    turbines: 20,
    days: 30,
    by: 'day',
    missingRate: 0.01,
    outlierRate: 0.005,
    derates: [{ turbines: [DERATED], from: '2022-03-25', to: '2022-03-28', fraction: 0.25 }],
  });
  world = await startDashboardWorld('dashboard_curve', data.files);
  const { rows } = await world.pool.query<{ turbine_id: number; window_start: Date }>(
    `SELECT turbine_id, window_start FROM anomaly WHERE kind = 'underperformance' AND window_seconds = 86400 ORDER BY 2, 1`,
  );
  flagged = rows.map((r) => ({ turbineId: r.turbine_id, windowStart: r.window_start.toISOString() }));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  seen = watchPage(page);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await world?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the power curve in the dashboard', () => {
  it('finds the derated turbine in the data: the days the demo derates, and no other turbine', () => {
    expect(flagged.map((f) => f.turbineId)).toEqual(flagged.map(() => DERATED));
    expect(flagged.map((f) => f.windowStart.slice(0, 10))).toEqual(['2022-03-25', '2022-03-26', '2022-03-27', '2022-03-28']);
  });

  it('shows the fleet curve ± σ over the turbine’s readings, the underperforming windows’ readings marked', async () => {
    await openView(page, `${world.api.url}/#/turbine/${DERATED}`);
    const chart = page.locator('#power-curve-chart');
    await expect(chart.getAttribute('data-rendered')).resolves.toBe('true');
    const { rows } = await world.pool.query<{ measured: number; flagged: number }>(
      `SELECT count(*)::int AS measured,
              count(*) FILTER (WHERE ts >= '2022-03-25' AND ts < '2022-03-29')::int AS flagged
         FROM reading WHERE turbine_id = $1 AND wind_speed IS NOT NULL AND NOT wind_speed_imputed AND NOT power_imputed`,
      [DERATED],
    );
    await expect(chart.getAttribute('data-readings')).resolves.toBe(String(rows[0]!.measured));
    await expect(chart.getAttribute('data-flagged-readings')).resolves.toBe(String(rows[0]!.flagged));
    expect(Number(await chart.getAttribute('data-usable-bins'))).toBeGreaterThan(25);
    // The marked readings (magenta) and the curve (near-black line and points).
    expect(await countCanvasPixels(page, '#power-curve-chart', [192, 38, 211])).toBeGreaterThan(10 * rows[0]!.flagged);
    expect(await countCanvasPixels(page, '#power-curve-chart', [15, 23, 42], 30)).toBeGreaterThan(300);
    await expect(page.locator('#weak-curve').count()).resolves.toBe(0);
    await expect(page.locator('#power-curve').textContent()).resolves.toMatch(/wind speed explains (9\d|100)% of the power variance/);
  });

  it('gives each window its energies, ratio and verdict, the underperforming ones marked', async () => {
    const { rows } = await world.pool.query<{ window_start: Date; performance_ratio: number | null; lost_energy_mwh: number }>(
      `SELECT window_start, performance_ratio, lost_energy_mwh FROM window_stat WHERE turbine_id = $1 AND window_seconds = 86400 ORDER BY 1`,
      [DERATED],
    );
    const table = await page.$$eval('#windows-table tbody tr', (trs) =>
      trs.map((tr) => ({
        start: tr.dataset.windowStart!,
        underperforming: tr.dataset.underperforming === 'true',
        ratio: tr.dataset.ratio === '' ? null : Number(tr.dataset.ratio),
        lost: Number(tr.dataset.lost),
        verdict: tr.lastElementChild!.textContent,
      })),
    );
    expect(table.map((r) => [r.start, r.ratio, r.lost])).toEqual(
      // The API serialises measured quantities at 12 significant digits (apps/api/src/precision.ts).
      rows.map((r) => [
        r.window_start.toISOString(),
        r.performance_ratio === null ? null : roundMeasure(r.performance_ratio),
        roundMeasure(r.lost_energy_mwh),
      ]),
    );
    const marked = table.filter((r) => r.underperforming);
    expect(marked.map((r) => r.start)).toEqual(flagged.map((f) => f.windowStart));
    for (const r of marked) expect(r.verdict).toMatch(/^underperforming: \d+\.\d MWh lost$/);
    // The first day has no reference period: not judged, and said so.
    expect(table[0]!.verdict).toBe('not judged');
    const headers = await page.$$eval('#windows-table thead th', (ths) => ths.map((th) => th.textContent));
    expect(headers).toEqual(expect.arrayContaining(['Mean (MW)', 'Lost (MWh)', 'Ratio', 'Power curve']));
    await page.locator('#power-curve').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'power-curve.png'), fullPage: false });
  });

  it('shows lost energy per turbine in the fleet view, the underperforming turbine in its own colour', async () => {
    const day = flagged[1]!.windowStart;
    await openView(page, `${world.api.url}/#/fleet/${day}`);
    const chart = page.locator('#lost-energy-chart');
    await expect(chart.getAttribute('data-rendered')).resolves.toBe('true');
    await expect(chart.getAttribute('data-turbines')).resolves.toBe('20');
    await expect(chart.getAttribute('data-underperforming')).resolves.toBe('1');
    expect(await countCanvasPixels(page, '#lost-energy-chart', [192, 38, 211])).toBeGreaterThan(50);
    const marked = await page.$$eval('#fleet-table tbody tr[data-underperforming="true"]', (trs) =>
      trs.map((tr) => Number(tr.dataset.turbineId)),
    );
    expect(marked).toEqual([DERATED]);
    const { rows } = await world.pool.query<{ turbine_id: number; lost_energy_mwh: number }>(
      `SELECT turbine_id, lost_energy_mwh FROM window_stat WHERE window_start = $1 AND window_seconds = 86400 ORDER BY 1`,
      [day],
    );
    const lost = await page.$$eval('#fleet-table tbody tr', (trs) =>
      trs.map((tr) => [Number(tr.dataset.turbineId), Number(tr.dataset.lost)]),
    );
    expect(lost).toEqual(rows.map((r) => [r.turbine_id, roundMeasure(r.lost_energy_mwh)]));
    await expect(page.locator('.card', { hasText: 'Underperforming' }).textContent()).resolves.toContain(`#${DERATED}`);
    await page.locator('#lost-energy').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'fleet-lost-energy.png'), fullPage: false });
  });

  it('links the underperforming turbine from the fleet view to its turbine view', async () => {
    await afterNextRender(page, () => page.click(`#fleet-table tr[data-turbine-id="${DERATED}"] th a`));
    await expect(page.locator('#turbine-view').getAttribute('data-turbine-id')).resolves.toBe(String(DERATED));
    await expect(page.locator('#windows-table tr.underperforming').count()).resolves.toBe(flagged.length);
  });

  it('stays on its own origin without errors', () => {
    expect(seen.requests.filter((url) => !url.startsWith(`${world.api.url}/`) && url !== 'about:blank')).toEqual([]);
    expect(seen.problems).toEqual([]);
  });
});
