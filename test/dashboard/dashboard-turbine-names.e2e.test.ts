import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { statsOptionsFrom } from '@windmill/core/config/settings';
import type { FleetReading } from '@windmill/core/domain/fleet-performance';
import { computeStats } from '@windmill/core/stats/compute-stats';
import { loadReadings } from '../power-curve/power-curve-db.js';
import { CHALLENGE_DIR } from '../helpers/paths.js';
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
 * Turbine names in the dashboard: the challenge data's 15 numbered turbines and two named as real
 * exports name them, `Kelmarsh 1` (turbine 1's March at a fifth of its power on 2022-03-02, so the
 * fleet rule flags it that day) and `R80711` (turbine 2's March), loaded with the negative ids the
 * loader gives named turbines. The names must show where the page shows turbines, and lead to the
 * turbine's own view.
 */

const KELMARSH = { id: -1, name: 'Kelmarsh 1' };
const R80711 = { id: -2, name: 'R80711' };
const DAY = '2022-03-02T00:00:00.000Z';

let world: DashboardWorld;
let browser: Browser;
let page: Page;
let seen: ReturnType<typeof watchPage>;

beforeAll(async () => {
  world = await startDashboardWorld('dashboard_names', [CHALLENGE_DIR]);
  const { rows } = await world.pool.query<{ t: number; ms: string; w: number | null; p: number }>(
    `SELECT turbine_id AS t, (extract(epoch FROM ts) * 1000)::bigint AS ms, wind_speed AS w, power_output AS p
       FROM reading WHERE turbine_id IN (1, 2) ORDER BY turbine_id, ts`,
  );
  const derated = (ms: number) => ms >= Date.parse(DAY) && ms < Date.parse(DAY) + 86_400_000;
  const named: FleetReading[] = rows.map((r) => ({
    turbineId: r.t === 1 ? KELMARSH.id : R80711.id,
    ts: Number(r.ms),
    windSpeed: r.w,
    power: r.t === 1 && derated(Number(r.ms)) ? r.p / 5 : r.p,
    windSpeedImputed: false,
    powerImputed: false,
  }));
  await loadReadings(world.pool, named, new Map([KELMARSH, R80711].map((t) => [t.id, t.name])));
  await computeStats(world.pool, statsOptionsFrom(world.config, 'cli'));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  seen = watchPage(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

describe('turbine names in the dashboard', () => {
  it('the data: Kelmarsh 1 flagged by the fleet rule on 2022-03-02, beside 16 other turbines', async () => {
    const { rows } = await world.pool.query<{ turbine_id: number }>(
      `SELECT turbine_id FROM anomaly WHERE kind = 'turbine' AND window_seconds = 86400 AND window_start = $1`,
      [DAY],
    );
    expect(rows.map((r) => r.turbine_id)).toContain(KELMARSH.id);
    const turbines = await world.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM window_stat WHERE window_start = $1', [DAY]);
    expect(turbines.rows[0]!.n).toBe(17);
  });

  it('names the turbines in the fleet table, the flagged card and the chart, the named ones after the numbered', async () => {
    await openView(page, `${world.api.url}/#/fleet/${DAY}`);
    const rows = await page.$$eval('#fleet-table tbody tr', (trs) =>
      trs.map((tr) => ({
        id: Number(tr.dataset.turbineId),
        name: tr.dataset.turbineName,
        shown: tr.querySelector('th')!.textContent,
        href: tr.querySelector('th a')!.getAttribute('href'),
        flagged: tr.dataset.flagged === 'true',
      })),
    );
    expect(rows.map((r) => [r.id, r.name, r.shown])).toEqual([
      ...Array.from({ length: 15 }, (_, i) => [i + 1, String(i + 1), `#${i + 1}`]),
      [-1, 'Kelmarsh 1', 'Kelmarsh 1'],
      [-2, 'R80711', 'R80711'],
    ]);
    const kelmarsh = rows.find((r) => r.id === KELMARSH.id)!;
    expect(kelmarsh.flagged).toBe(true);
    expect(kelmarsh.href).toBe(`#/turbine/Kelmarsh%201?focus=${encodeURIComponent(DAY)}`);
    await expect(page.locator('.card.danger', { hasText: 'Flagged turbines' }).locator('.card-value').innerText()).resolves.toContain(
      'Kelmarsh 1',
    );
    // The chart's dots: the flagged one red. Hovering the 16th place shows its name in the legend.
    expect(await countCanvasPixels(page, '#fleet-chart', [220, 38, 38])).toBeGreaterThan(20);
    const over = await page.locator('#fleet-chart .u-over').boundingBox();
    await page.mouse.move(over!.x + (over!.width * 16) / 18, over!.y + over!.height / 2);
    await expect(page.locator('#fleet-chart .u-legend .u-series').first().innerText()).resolves.toContain('Kelmarsh 1');
    await page.mouse.move(0, 0);
    await page.locator('#fleet-chart').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'turbine-names.png'), fullPage: false });
  });

  it("leads from the fleet table to the named turbine's own view, under its name", async () => {
    await afterNextRender(page, () => page.click(`#fleet-table tr[data-turbine-name="Kelmarsh 1"] th a`));
    expect(new URL(page.url()).hash).toBe(`#/turbine/Kelmarsh%201?focus=${encodeURIComponent(DAY)}`);
    const view = page.locator('#turbine-view');
    await expect(view.getAttribute('data-turbine-name')).resolves.toBe('Kelmarsh 1');
    await expect(view.getAttribute('data-turbine-id')).resolves.toBe(String(KELMARSH.id));
    await expect(page.locator('#turbine-view h1').innerText()).resolves.toMatch(/^Turbine Kelmarsh 1 /);
    await expect(page.locator('#turbine-select option:checked').innerText()).resolves.toBe('Turbine Kelmarsh 1');
    const { rows } = await world.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM reading WHERE turbine_id = $1', [KELMARSH.id]);
    await expect(page.locator('#turbine-chart').getAttribute('data-points')).resolves.toBe(String(rows[0]!.n));
    const flagged = await page.$$eval('#windows-table tbody tr[data-flagged="true"]', (trs) => trs.map((tr) => tr.dataset.windowStart));
    expect(flagged).toContain(DAY);
  });

  it('opens a named turbine from its address, and says so for a name no turbine has', async () => {
    await openView(page, `${world.api.url}/#/turbine/R80711`);
    await expect(page.locator('#turbine-view h1').innerText()).resolves.toMatch(/^Turbine R80711 /);
    await expect(page.locator('#turbine-chart').getAttribute('data-rendered')).resolves.toBe('true');
    await page.goto(`${world.api.url}/#/turbine/Kelmarsh%2099`);
    await page.waitForSelector('main[data-state="error"]');
    await expect(page.locator('.error-box').innerText()).resolves.toContain('turbine Kelmarsh 99 not found');
  });

  it('switches turbines by name from the turbine view', async () => {
    await openView(page, `${world.api.url}/#/turbine/3`);
    await expect(page.locator('#turbine-view h1').innerText()).resolves.toMatch(/^Turbine #3 /);
    await afterNextRender(page, async () => {
      await page.selectOption('#turbine-select', 'Kelmarsh 1');
    });
    await expect(page.locator('#turbine-view').getAttribute('data-turbine-name')).resolves.toBe('Kelmarsh 1');
    expect(new URL(page.url()).hash).toMatch(/^#\/turbine\/Kelmarsh%201\?from=/);
  });

  it('stays on its own origin without errors', () => {
    expect(seen.requests.filter((url) => !url.startsWith(`${world.api.url}/`) && url !== 'about:blank')).toEqual([]);
    expect(seen.problems).toEqual([]);
  });
});
