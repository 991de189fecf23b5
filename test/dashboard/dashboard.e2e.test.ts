import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { TAKE_STATS_READ_LOCK_SQL } from '@windmill/core/stats/stats-lock';
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
 * The dashboard in headless Chromium against the API serving the challenge data (15 turbines,
 * March 2022, hourly), plus one file whose lines are all rejected, for the ledger's link. What the
 * page must show is read from the database, not written down here.
 */

let world: DashboardWorld;
let browser: Browser;
let page: Page;
let seen: ReturnType<typeof watchPage>;
let scratch: string;

/** turbine-days flagged by the fleet rule: window start (ISO) -> turbine ids */
const flaggedByWindow = new Map<string, number[]>();
/** anomalous readings per `${windowStart}/${turbineId}` */
const readingAnomalies = new Map<string, number>();
let windowStarts: string[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'windmill-dashboard-'));
  const broken = path.join(scratch, 'broken-lines.csv');
  await writeFile(
    broken,
    'timestamp,turbine_id,wind_speed,wind_direction,power_output\n' +
      '2022-03-01 00:00:00,1,5.0\n' +
      'not a time,1,5.0,180,2.0\n' +
      '2022-03-01 00:00:00,1,5.0,180,NA\n',
  );
  world = await startDashboardWorld('dashboard', [CHALLENGE_DIR, broken]);

  const turbine = await world.pool.query<{ window_start: Date; turbine_id: number }>(
    `SELECT window_start, turbine_id FROM anomaly WHERE kind = 'turbine' AND window_seconds = 86400 ORDER BY 1, 2`,
  );
  for (const r of turbine.rows) {
    const key = r.window_start.toISOString();
    flaggedByWindow.set(key, [...(flaggedByWindow.get(key) ?? []), r.turbine_id]);
  }
  const reading = await world.pool.query<{ window_start: Date; turbine_id: number; n: number }>(
    `SELECT window_start, turbine_id, count(*)::int AS n FROM anomaly WHERE kind = 'reading' AND window_seconds = 86400 GROUP BY 1, 2`,
  );
  for (const r of reading.rows) readingAnomalies.set(`${r.window_start.toISOString()}/${r.turbine_id}`, r.n);
  const windows = await world.pool.query<{ window_start: Date }>(
    'SELECT DISTINCT window_start FROM window_stat WHERE window_seconds = 86400 ORDER BY 1',
  );
  windowStarts = windows.rows.map((r) => r.window_start.toISOString());

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  seen = watchPage(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await world?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** The window that best shows the rule: a flagged turbine that also has anomalous readings. */
function showcaseWindow(): { windowStart: string; turbineId: number } {
  for (const [windowStart, ids] of flaggedByWindow) {
    const id = ids.find((t) => readingAnomalies.has(`${windowStart}/${t}`));
    if (id !== undefined) return { windowStart, turbineId: id };
  }
  const [windowStart, ids] = [...flaggedByWindow][0]!;
  return { windowStart, turbineId: ids[0]! };
}

async function flaggedRowIds(): Promise<number[]> {
  return page.$$eval('#fleet-table tbody tr[data-flagged="true"]', (rows) => rows.map((r) => Number(r.dataset.turbineId)));
}

describe('the fleet view', () => {
  it('lists the 15 turbines, one row each with min / max / mean and full coverage', async () => {
    // The challenge data are known to have flagged turbine-days; without any this test would prove little.
    expect(flaggedByWindow.size).toBeGreaterThan(0);
    await openView(page, `${world.api.url}/#/fleet/${windowStarts[0]}`);
    const rows = page.locator('#fleet-table tbody tr');
    await expect(rows.count()).resolves.toBe(15);
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.turbineId)));
    expect(ids).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    // Turbine 1 on 2022-03-01, as the challenge test knows it: 1.6 / 4.4 / 2.975 over 24 of 24 readings.
    const first = await page.locator('#fleet-table tbody tr[data-turbine-id="1"] td').allInnerTexts();
    expect(first.slice(0, 6)).toEqual(['24/24', '0', '1.60', '4.40', '2.975', expect.any(String)]);
  });

  it('highlights exactly the turbine-days the fleet rule flagged, in every window', async () => {
    await openView(page, `${world.api.url}/#/fleet/${windowStarts[0]}`);
    const strip = await page.$$eval('.window-cell', (cells) =>
      cells.map((c) => ({ start: c.dataset.windowStart!, flagged: c.classList.contains('w-flagged') })),
    );
    expect(strip.map((c) => c.start)).toEqual(windowStarts);
    expect(strip.filter((c) => c.flagged).map((c) => c.start)).toEqual([...flaggedByWindow.keys()]);

    const shown = new Map<string, number[]>();
    for (const start of windowStarts) {
      if (start !== windowStarts[0]) {
        await afterNextRender(page, () => page.click(`.window-cell[data-window-start="${start}"]`));
      }
      await expect(page.locator('#fleet-view').getAttribute('data-window-start')).resolves.toBe(start);
      const ids = await flaggedRowIds();
      if (ids.length > 0) shown.set(start, ids);
      const counts = await page.$$eval('#fleet-table tbody tr', (rows) =>
        rows.map((r) => [Number(r.dataset.turbineId), Number(r.dataset.readingAnomalies)] as const),
      );
      for (const [id, n] of counts) expect({ start, id, n }).toEqual({ start, id, n: readingAnomalies.get(`${start}/${id}`) ?? 0 });
      // Negative zero (a band's lower bound of -0.001, say) reads 0.00, never -0.00.
      expect(await page.locator('main').innerText()).not.toMatch(/[-−]0\.0+(?![0-9])/);
      // On a 1360 px screen the table ends inside its section, as the cards above it do.
      const overflowPx = await page.$eval('#fleet-table', (table) =>
        Math.max(0, Math.round(table.getBoundingClientRect().right - table.parentElement!.getBoundingClientRect().right)),
      );
      expect({ start, overflowPx }).toEqual({ start, overflowPx: 0 });
    }
    expect(shown).toEqual(flaggedByWindow);
  });

  it('makes a flagged turbine stand out: its own colour, an outlier badge, a red dot off the band', async () => {
    const { windowStart, turbineId } = showcaseWindow();
    await openView(page, `${world.api.url}/#/fleet/${windowStart}`);
    const flagged = page.locator(`#fleet-table tr[data-turbine-id="${turbineId}"]`);
    const calm = page.locator('#fleet-table tr[data-flagged="false"]').first();
    const background = (row: typeof flagged) => row.evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor);
    expect(await background(flagged)).not.toBe(await background(calm));
    await expect(flagged.locator('.badge.danger').innerText()).resolves.toBe('outlier');
    await expect(page.locator('.card.danger', { hasText: 'Flagged turbines' }).locator('.card-value').innerText()).resolves.toContain(
      `#${turbineId}`,
    );
    expect(await countCanvasPixels(page, '#fleet-chart', [220, 38, 38])).toBeGreaterThan(20);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'fleet.png'), fullPage: true });
  });
});

describe('the turbine view', () => {
  it("draws a turbine's readings as a line with its window means, band and anomalous readings", async () => {
    const { windowStart, turbineId } = showcaseWindow();
    const { rows } = await world.pool.query<{ n: number; anomalies: number }>(
      `SELECT (SELECT count(*)::int FROM reading WHERE turbine_id = $1) AS n,
              (SELECT count(*)::int FROM anomaly WHERE turbine_id = $1 AND kind = 'reading' AND window_seconds = 86400) AS anomalies`,
      [turbineId],
    );
    // Reached as an operator would: from the flagged row of the fleet view.
    await openView(page, `${world.api.url}/#/fleet/${windowStart}`);
    await afterNextRender(page, () => page.click(`#fleet-table tr[data-turbine-id="${turbineId}"] th a`));
    const chart = page.locator('#turbine-chart');
    await expect(chart.getAttribute('data-rendered')).resolves.toBe('true');
    await expect(chart.getAttribute('data-points')).resolves.toBe(String(rows[0]!.n));
    await expect(chart.getAttribute('data-anomalies')).resolves.toBe(String(rows[0]!.anomalies));
    expect(rows[0]!.n).toBe(744);
    // Pixels of the power line (blue), the window mean (teal) and the anomalous readings (red).
    expect(await countCanvasPixels(page, '#turbine-chart', [37, 99, 235])).toBeGreaterThan(2000);
    expect(await countCanvasPixels(page, '#turbine-chart', [15, 118, 110])).toBeGreaterThan(500);
    expect(await countCanvasPixels(page, '#turbine-chart', [220, 38, 38])).toBeGreaterThan(20 * rows[0]!.anomalies);

    const windowRows = await page.$$eval('#windows-table tbody tr', (trs) =>
      trs.map((tr) => ({ start: tr.dataset.windowStart!, flagged: tr.dataset.flagged === 'true' })),
    );
    expect(windowRows.map((r) => r.start)).toEqual(windowStarts);
    const expectedFlagged = [...flaggedByWindow].filter(([, ids]) => ids.includes(turbineId)).map(([start]) => start);
    expect(windowRows.filter((r) => r.flagged).map((r) => r.start)).toEqual(expectedFlagged);
    await expect(page.locator('#anomalous-readings tbody tr').count()).resolves.toBe(rows[0]!.anomalies);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'turbine.png'), fullPage: true });
  });
});

describe('the ingestion ledger', () => {
  it('lists the files with their outcome counts and links to the rejected lines', async () => {
    await openView(page, `${world.api.url}/#/fleet`);
    const ledger = await page.$$eval('#ledger-table tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].slice(1, 8).map((td) => td.innerText.trim())),
    );
    // Newest first; the order of the two folders' files depends on where the temporary folder lives.
    expect(ledger.sort((a, b) => a[0]!.localeCompare(b[0]!))).toEqual([
      ['broken-lines.csv', 'done', '3', '0', '0', '0', '3 rejected lines →'],
      ['data_group_1.csv', 'done', '3,720', '3,720', '0', '0', '0'],
      ['data_group_2.csv', 'done', '3,720', '3,720', '0', '0', '0'],
      ['data_group_3.csv', 'done', '3,720', '3,720', '0', '0', '0'],
    ]);
    await afterNextRender(page, () => page.click('#ledger-table .rejections-link'));
    const rejected = await page.$$eval('#rejections-table tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())),
    );
    expect(rejected.map((r) => [r[0], r[1], r[3]])).toEqual([
      ['2', 'column_count', '2022-03-01 00:00:00,1,5.0'],
      ['3', 'bad_timestamp', 'not a time,1,5.0,180,2.0'],
      ['4', 'missing_power', '2022-03-01 00:00:00,1,5.0,180,NA'],
    ]);
  });
});

describe('while a stats computation holds the lock', () => {
  it('shows a banner, keeps what it showed, and refreshes by itself once the run ends', async () => {
    await openView(page, `${world.api.url}/#/fleet/${windowStarts[1]}`);
    await expect(page.locator('#lock-banner').isHidden()).resolves.toBe(true);
    const holder = new pg.Client({ connectionString: world.db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      // What a run holds while it writes its results.
      await holder.query(TAKE_STATS_READ_LOCK_SQL);
      const rendersBefore = Number(await page.locator('main').getAttribute('data-renders'));
      // The refresh button re-reads the view, as the 15 s probe would on its own.
      await page.click('#refresh');
      await page.waitForSelector('#lock-banner', { state: 'visible' });
      await expect(page.locator('#lock-banner').innerText()).resolves.toContain('A statistics computation is running.');
      await expect(page.locator('main').getAttribute('data-state')).resolves.toBe('locked');
      await expect(page.locator('#fleet-table tbody tr').count()).resolves.toBe(15);
      await holder.query('ROLLBACK');
      // Retry-After is 5 s: the page tries again on its own and the banner goes.
      await page.waitForSelector('#lock-banner', { state: 'hidden', timeout: 15_000 });
      await page.waitForSelector('main[data-state="ready"]');
      expect(Number(await page.locator('main').getAttribute('data-renders'))).toBeGreaterThan(rendersBefore);
    } finally {
      await holder.end();
    }
  });
});

describe('the power curve on the challenge data, whose power does not follow the wind', () => {
  it('says the curve explains little in the turbine view, and still draws it without errors', async () => {
    await openView(page, `${world.api.url}/#/turbine/1`);
    await expect(page.locator('#power-curve-chart').getAttribute('data-rendered')).resolves.toBe('true');
    await expect(page.locator('#weak-curve').innerText()).resolves.toMatch(/^Wind speed explains only \d+% of the power variance here/);
    // Every window shows a ratio or a dash and a verdict, whatever it is.
    const verdicts = await page.$$eval('#windows-table tbody tr', (trs) => trs.map((tr) => tr.lastElementChild!.textContent));
    expect(verdicts).toHaveLength(31);
    expect(verdicts[0]).toBe('not judged');
    for (const v of verdicts) expect(v).toMatch(/^(not judged|as expected|underperforming: -?\d+\.\d MWh lost)$/);
  });

  it('says there is no usable curve for the first window, which has no days before it', async () => {
    await openView(page, `${world.api.url}/#/fleet/${windowStarts[0]}`);
    await expect(page.locator('#lost-energy #no-curve').innerText()).resolves.toMatch(/^No usable power curve for this window/);
    await expect(page.locator('.card', { hasText: 'Underperforming' }).innerText()).resolves.toContain('no usable power curve');
  });

  it('warns in the fleet view that its verdicts say little where wind does not explain power', async () => {
    await openView(page, `${world.api.url}/#/fleet/${windowStarts[1]}`);
    await expect(page.locator('#lost-energy-chart').getAttribute('data-rendered')).resolves.toBe('true');
    await expect(page.locator('#lost-energy #weak-curve').innerText()).resolves.toMatch(
      /^Wind speed explains only \d+% of the power variance in this window/,
    );
  });

  it('names the units: MW for power, MWh for energy, and what coverage and complete mean', async () => {
    const headers = await page.$$eval('#fleet-table thead th', (ths) => ths.map((th) => th.textContent));
    expect(headers).toEqual(expect.arrayContaining(['Min (MW)', 'Max (MW)', 'Mean (MW)', 'σ (MW)', 'Energy (MWh)', 'Lost (MWh)']));
    await expect(page.locator('.definitions').innerText()).resolves.toContain('Coverage = readings received ÷ readings expected');
    await openView(page, `${world.api.url}/#/turbine/1`);
    await expect(page.locator('.card', { hasText: 'Windows' }).first().innerText()).resolves.toMatch(
      /complete \(\d+%\), i\.e\. with every expected reading/,
    );
    await expect(page.locator('.card', { hasText: 'Readings' }).first().innerText()).resolves.toMatch(
      /coverage [\d.]+% of [\d,]+ expected/,
    );
  });
});

describe('everything the page loads', () => {
  it('comes from the API itself, with no console errors (the CSP would report a blocked CDN)', () => {
    expect(seen.requests.length).toBeGreaterThan(20);
    const foreign = seen.requests.filter((url) => !url.startsWith(`${world.api.url}/`) && url !== 'about:blank');
    expect(foreign).toEqual([]);
    expect(seen.problems.filter((p) => !p.includes('503'))).toEqual([]);
  });
});
