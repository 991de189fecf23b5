import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
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
 * The dashboard at 1 000 turbines (issue 22): ten days of hourly readings (240 000 lines, one CSV
 * a day, loaded through the loader as `npm run ingest` does) of a fleet that shares one wind, each
 * turbine a little windier or calmer than the next, and a different number of turbines stopped
 * each day, so the fleet rule flags from none to 15 % of the fleet. (The generator's turbines each
 * have their own weather: their daily means spread so widely that stopped turbines hide in the
 * spread once there are more than a few, which is no way to test shades.) What a user sees at that
 * size: the flagged card names the worst few and shows all on demand, the day strip is shaded by
 * the share flagged, the table sorts and filters, the charts rank or pick the worst, the page stays
 * within the screen. The same data check the time axis (24-hour ISO UTC), the ISO date boxes, the
 * band drawn no lower than 0 MW, legends with values at rest, and "1 rejected line". What the page
 * must show is read from the database.
 */

const TURBINES = 1000;
const DAYS = 10;
/** How many turbines the flagged and underperforming cards name before "show all" (fleet-view.js). */
const CARD_TOP = 6;
/** Turbines stopped (0 MW all day) on each day, 2022-03-01 first: shares of 0 to 15 %. */
const STOPPED = [0, 2, 8, 15, 35, 70, 130, 150, 25, 0];

let world: DashboardWorld;
let browser: Browser;
let page: Page;
let seen: ReturnType<typeof watchPage>;
let scratch: string;
let k: number;
/** Per window (ISO start): turbines with statistics and turbines flagged, from the database. */
let windows: Array<{ start: string; turbines: number; flagged: number }>;

const day = (i: number) => new Date(Date.UTC(2022, 2, 1 + i)).toISOString().slice(0, 10);

/** The turbines stopped on day `d`, spread over the fleet. */
const stoppedOn = (d: number) => new Set(Array.from({ length: STOPPED[d]! }, (_, j) => ((d * 97 + j * 7) % TURBINES) + 1));

/** A 4.5 MW turbine's power at wind speed `w`: 0 below 3 m/s, cubic up to rated at 12.5 m/s. */
const power = (w: number) => (w < 3 ? 0 : w >= 12.5 ? 4.5 : (4.5 * (w ** 3 - 27)) / (12.5 ** 3 - 27));

/**
 * One canonical CSV per day. Wind: a day-night swing (calm at night, so a turbine's daily band
 * reaches below 0 MW), a slow common drift, and a fixed offset of up to ±0.6 m/s per turbine,
 * spread evenly over the fleet (so no healthy turbine lies outside μ ± 2σ).
 */
async function writeFleet(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (let d = 0; d < DAYS; d += 1) {
    const stopped = stoppedOn(d);
    const lines = ['timestamp,turbine_id,wind_speed,wind_direction,power_output'];
    for (let hour = 0; hour < 24; hour += 1) {
      const i = d * 24 + hour;
      const common = 8 + 4.5 * Math.sin((2 * Math.PI * (hour - 9)) / 24) + 0.8 * Math.sin(i / 7.3);
      const stamp = `${day(d)} ${String(hour).padStart(2, '0')}:00:00`;
      for (let t = 1; t <= TURBINES; t += 1) {
        const w = Math.max(0, common + 1.2 * (((t * 0.618034) % 1) - 0.5));
        lines.push(`${stamp},${t},${w.toFixed(2)},180,${stopped.has(t) ? '0' : power(w).toFixed(3)}`);
      }
    }
    const file = path.join(dir, `fleet-${day(d)}.csv`);
    await writeFile(file, `${lines.join('\n')}\n`);
    files.push(file);
  }
  return files;
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'windmill-dashboard-1000-'));
  const files = await writeFleet(path.join(scratch, 'fleet'));
  // A file with a single broken line, for the ledger's "1 rejected line".
  const oneBad = path.join(scratch, 'one-bad-line.csv');
  await writeFile(oneBad, 'timestamp,turbine_id,wind_speed,wind_direction,power_output\nnot a time,1,5.0,180,2.0\n');
  world = await startDashboardWorld('dashboard_1000', [...files, oneBad]);
  const { rows } = await world.pool.query<{ start: Date; turbines: number; flagged: number }>(
    `SELECT w.window_start AS start, count(*)::int AS turbines,
            (SELECT count(*)::int FROM anomaly a
              WHERE a.kind = 'turbine' AND a.window_seconds = 86400 AND a.window_start = w.window_start) AS flagged
       FROM window_stat w WHERE w.window_seconds = 86400 GROUP BY w.window_start ORDER BY 1`,
  );
  windows = rows.map((r) => ({ start: r.start.toISOString(), turbines: r.turbines, flagged: r.flagged }));
  k = world.config.ANOMALY_SIGMA;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  seen = watchPage(page);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await world?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** The window with the most turbines flagged. */
const worstWindow = () => windows.reduce((a, w) => (w.flagged > a.flagged ? w : a));

/** Saves a screenshot where the tests write them (the README shows copies from test/dashboard/screenshots). */
async function keepScreenshot(name: string, shoot: (file: string) => Promise<unknown>): Promise<void> {
  await shoot(path.join(OUTPUT_DIR, name));
}

/** Ids of the fleet table's rows the user can see, top to bottom. */
const visibleIds = () =>
  page.$$eval('#fleet-table tbody tr', (trs) => trs.filter((tr) => !tr.hidden).map((tr) => Number(tr.dataset.turbineId)));

/** The page is no wider than the window: nothing to scroll sideways. */
const sidewaysOverflowPx = () => page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');

describe(`the fleet view with ${TURBINES} turbines`, () => {
  it('loaded the fleet: each day the fleet rule flagged exactly the turbines stopped', () => {
    expect(windows.map((w) => w.turbines)).toEqual(STOPPED.map(() => TURBINES));
    expect(windows.map((w) => w.flagged)).toEqual(STOPPED);
  });

  it('shades the day strip by the share of turbines flagged, darker for more', async () => {
    await openView(page, `${world.api.url}/#/fleet/${worstWindow().start}`);
    const cells = await page.$$eval('.window-cell', (els) =>
      els.map((el) => ({
        start: el.dataset.windowStart!,
        share: Number(el.dataset.flagShare),
        level: Number(el.dataset.level),
        background: el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor,
        title: el.title,
      })),
    );
    expect(cells.map((c) => c.start)).toEqual(windows.map((w) => w.start));
    for (const [i, c] of cells.entries()) expect(c.share).toBeCloseTo(windows[i]!.flagged / windows[i]!.turbines, 10);
    // Several distinct shades, and a larger share never gets a lighter one.
    const luminance = (rgb: string) => {
      const [r, g, b] = rgb.match(/\d+/g)!.map(Number) as [number, number, number];
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    expect(new Set(cells.map((c) => c.background)).size).toBeGreaterThanOrEqual(4);
    // Days without a flagged turbine are grey, unlike the palest shade.
    const clean = cells.filter((c) => c.level === 0);
    expect(clean.length).toBeGreaterThan(0);
    expect(cells.filter((c) => c.level === 1).every((c) => c.background !== clean[0]!.background)).toBe(true);
    const byShare = cells.filter((c) => c.level > 0).sort((a, b) => a.share - b.share);
    for (let i = 1; i < byShare.length; i += 1) {
      expect(byShare[i]!.level).toBeGreaterThanOrEqual(byShare[i - 1]!.level);
      expect(luminance(byShare[i]!.background)).toBeLessThanOrEqual(luminance(byShare[i - 1]!.background));
    }
    // The legend names the shades; a cell's title says how many, in words that agree in number.
    await expect(page.locator('#strip-legend').innerText()).resolves.toMatch(/under 1%.*20% or more/s);
    const worst = cells.find((c) => c.start === worstWindow().start)!;
    expect(worst.title).toContain(`${worstWindow().flagged} turbines flagged by the fleet rule`);
    await keepScreenshot('fleet-1000-strip.png', async (file) => {
      const strip = (await page.locator('.window-strip').boundingBox())!;
      const legend = (await page.locator('#strip-legend').boundingBox())!;
      await page.screenshot({
        path: file,
        clip: { x: strip.x, y: strip.y, width: strip.width, height: legend.y + legend.height - strip.y },
      });
    });
  });

  it('names the worst few flagged turbines, all of them on demand, in a card that keeps its size', async () => {
    const worst = worstWindow();
    await openView(page, `${world.api.url}/#/fleet/${worst.start}`);
    const { rows } = await world.pool.query<{ turbine_id: number }>(
      `SELECT turbine_id FROM anomaly WHERE kind = 'turbine' AND window_seconds = 86400 AND window_start = $1
        ORDER BY abs(deviation) DESC, turbine_id LIMIT 1`,
      [worst.start],
    );
    const card = page.locator('.card', { has: page.locator('#flagged-list') });
    const links = page.locator('#flagged-list a');
    await expect(links.count()).resolves.toBe(CARD_TOP);
    await expect(links.first().innerText()).resolves.toBe(`#${rows[0]!.turbine_id}`);
    await expect(card.locator('.card-detail').innerText()).resolves.toContain(`${worst.flagged} turbines outside μ ± kσ`);
    const toggle = page.locator('#flagged-list-toggle');
    await expect(toggle.innerText()).resolves.toBe(`show all ${worst.flagged}`);
    const collapsedHeight = (await card.boundingBox())!.height;

    await toggle.click();
    await expect(links.count()).resolves.toBe(worst.flagged);
    const shown = await links.evaluateAll((as) => as.map((a) => Number(a.textContent!.slice(1))));
    const { rows: all } = await world.pool.query<{ turbine_id: number }>(
      `SELECT turbine_id FROM anomaly WHERE kind = 'turbine' AND window_seconds = 86400 AND window_start = $1 ORDER BY turbine_id`,
      [worst.start],
    );
    expect([...shown].sort((a, b) => a - b)).toEqual(all.map((r) => r.turbine_id));
    // All of them scroll inside the card: it grows by a few lines, not to half the screen.
    const expanded = (await card.boundingBox())!.height;
    expect(expanded).toBeLessThan(900 / 3);
    const list = await page.$eval('#flagged-list', (el) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
    expect(list.scroll).toBeGreaterThan(list.client);
    expect(await sidewaysOverflowPx()).toBeLessThanOrEqual(0);
    await keepScreenshot('fleet-1000-flagged.png', (file) => page.locator('.cards').screenshot({ path: file }));

    await toggle.click();
    await expect(links.count()).resolves.toBe(CARD_TOP);
    expect((await card.boundingBox())!.height).toBe(collapsedHeight);
    // A link opens that turbine.
    await afterNextRender(page, () => links.first().click());
    await expect(page.locator('#turbine-view').getAttribute('data-turbine-id')).resolves.toBe(String(rows[0]!.turbine_id));
  });

  it('ranks 1 000 turbines in the fleet chart and draws the worst lost energies, with legends that show values at rest', async () => {
    await openView(page, `${world.api.url}/#/fleet/${worstWindow().start}`);
    await page.mouse.move(0, 0);
    await keepScreenshot('fleet-1000.png', (file) => page.screenshot({ path: file, fullPage: false }));
    const chart = page.locator('#fleet-chart');
    await expect(chart.getAttribute('data-mode')).resolves.toBe('ranked');
    await expect(page.locator('#fleet-chart-note').innerText()).resolves.toContain('1,000 turbines');
    expect(await countCanvasPixels(page, '#fleet-chart', [220, 38, 38])).toBeGreaterThan(100);
    // Without the cursor on the chart, its legend shows the turbine farthest from μ and the band.
    const legend = await chart
      .locator('.u-legend .u-series')
      .evaluateAll((trs) =>
        trs.map((tr) => [tr.querySelector('.u-label')?.textContent ?? '', tr.querySelector('.u-value')?.textContent ?? '']),
      );
    const value = (label: string) => legend.find(([l]) => l === label)?.[1];
    expect(value('turbine')).toMatch(/^\S+ \(rank \d+ of 1000\)$/);
    expect(value('flagged by the fleet rule')).toMatch(/^-?\d/);
    expect(value('fleet mean μ')).toMatch(/^\d/);
    expect(value('μ − kσ (≥ 0)')).toMatch(/^\d/);

    // Lost energy: of the turbines the curve judged, the 30 worst; at rest the legend shows the largest loss.
    const { rows: worst } = await world.pool.query<{ judged: number; turbine_id: number }>(
      `SELECT count(*) OVER ()::int AS judged, turbine_id FROM window_stat
        WHERE window_seconds = 86400 AND window_start = $1 AND readings_used > 0
        ORDER BY lost_energy_mwh DESC, turbine_id LIMIT 1`,
      [worstWindow().start],
    );
    const lost = page.locator('#lost-energy-chart');
    await expect(lost.getAttribute('data-turbines')).resolves.toBe(String(worst[0]!.judged));
    expect(worst[0]!.judged).toBeGreaterThan(100);
    await expect(lost.getAttribute('data-shown')).resolves.toBe('30');
    const lostLegend = await lost
      .locator('.u-legend .u-series')
      .evaluateAll((trs) =>
        trs.map((tr) => [tr.querySelector('.u-label')?.textContent ?? '', tr.querySelector('.u-value')?.textContent ?? '']),
      );
    expect(lostLegend[0]).toEqual(['turbine', String(worst[0]!.turbine_id)]);
    expect(lostLegend.find(([l]) => l === 'underperforming')?.[1]).toMatch(/^\d+(\.\d+)?$/);
    expect(await countCanvasPixels(page, '#lost-energy-chart', [192, 38, 211])).toBeGreaterThan(500);
    expect(await sidewaysOverflowPx()).toBeLessThanOrEqual(0);
  });

  it('sorts the table by any column and filters it by name', async () => {
    await openView(page, `${world.api.url}/#/fleet/${worstWindow().start}`);
    const ids = Array.from({ length: TURBINES }, (_, i) => i + 1);
    expect(await visibleIds()).toEqual(ids);
    const heading = (title: string) => page.locator('#fleet-table thead th', { has: page.locator(`button:text-is("${title}")`) });
    const column = (index: number) =>
      page.$$eval(
        '#fleet-table tbody tr',
        (trs, i) => trs.filter((tr) => !tr.hidden).map((tr) => Number(tr.querySelectorAll('td')[i]!.textContent)),
        index,
      );

    // Mean: the largest first, then reversed; what the cells say is in that order.
    await heading('Mean (MW)').locator('button').click();
    await expect(heading('Mean (MW)').getAttribute('aria-sort')).resolves.toBe('descending');
    const means = await column(4);
    expect(means).toHaveLength(TURBINES);
    expect(means).toEqual([...means].sort((a, b) => b - a));
    const { rows: top } = await world.pool.query<{ turbine_id: number; lowest: number }>(
      `SELECT turbine_id, (SELECT turbine_id FROM window_stat WHERE window_seconds = 86400 AND window_start = $1
                              ORDER BY mean, turbine_id LIMIT 1) AS lowest
         FROM window_stat WHERE window_seconds = 86400 AND window_start = $1 ORDER BY mean DESC, turbine_id LIMIT 1`,
      [worstWindow().start],
    );
    expect((await visibleIds())[0]).toBe(top[0]!.turbine_id);
    await heading('Mean (MW)').locator('button').click();
    await expect(heading('Mean (MW)').getAttribute('aria-sort')).resolves.toBe('ascending');
    expect(await column(4)).toEqual([...means].sort((a, b) => a - b));
    expect((await visibleIds())[0]).toBe(top[0]!.lowest);

    // The fleet rule: outliers first; anomalous readings; then back to turbine order.
    await heading('Fleet rule').locator('button').click();
    const flaggedFirst = await page.$$eval('#fleet-table tbody tr', (trs) => trs.map((tr) => tr.dataset.flagged === 'true'));
    const flaggedCount = worstWindow().flagged;
    expect(flaggedFirst.slice(0, flaggedCount).every(Boolean)).toBe(true);
    expect(flaggedFirst.slice(flaggedCount).some(Boolean)).toBe(false);
    await heading('Turbine').locator('button').click();
    await expect(heading('Turbine').getAttribute('aria-sort')).resolves.toBe('ascending');
    expect(await visibleIds()).toEqual(ids);
    await heading('Turbine').locator('button').click();
    await expect(heading('Turbine').getAttribute('aria-sort')).resolves.toBe('descending');
    expect(await visibleIds()).toEqual([...ids].reverse());
    await heading('Turbine').locator('button').click();
    expect(await visibleIds()).toEqual(ids);

    // Filter by name: the turbines whose label holds "12", in the table's order, and a count.
    await page.fill('#fleet-filter', '12');
    const expected = ids.filter((i) => String(i).includes('12'));
    expect(await visibleIds()).toEqual(expected);
    await expect(page.locator('#fleet-count').innerText()).resolves.toBe(`${expected.length} of 1,000 turbines match “12”`);
    // The sort applies to what is left.
    await heading('Mean (MW)').locator('button').click();
    const filteredMeans = await column(4);
    expect(filteredMeans).toHaveLength(expected.length);
    expect(filteredMeans).toEqual([...filteredMeans].sort((a, b) => b - a));
    // The sort and the filter stay while the operator moves to another window.
    const other = windows.find((w) => w.start !== worstWindow().start)!;
    await afterNextRender(page, () => page.click(`.window-cell[data-window-start="${other.start}"]`));
    await expect(page.locator('#fleet-filter').inputValue()).resolves.toBe('12');
    expect((await visibleIds()).sort((a, b) => a - b)).toEqual(expected);
    await expect(heading('Mean (MW)').getAttribute('aria-sort')).resolves.toBe('descending');

    await page.fill('#fleet-filter', 'no such turbine');
    expect(await visibleIds()).toEqual([]);
    await expect(page.locator('#fleet-no-match').isVisible()).resolves.toBe(true);
    await page.fill('#fleet-filter', '');
    await heading('Turbine').locator('button').click();
    expect(await visibleIds()).toEqual(ids);
    await expect(page.locator('#fleet-no-match').isVisible()).resolves.toBe(false);
    expect(await sidewaysOverflowPx()).toBeLessThanOrEqual(0);
  });

  it('stays within a laptop screen’s width', async () => {
    const narrow = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await openView(narrow, `${world.api.url}/#/fleet/${worstWindow().start}`);
      await narrow.click('#flagged-list-toggle');
      expect(await narrow.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
    } finally {
      await narrow.close();
    }
  });
});

describe('the turbine view on the same data', () => {
  /** A turbine with a window whose mean − kσ lies below 0 MW and no reading below 0 MW. */
  async function clampedTurbine(): Promise<{ id: number; windows: number }> {
    const { rows } = await world.pool.query<{ turbine_id: number; windows: number }>(
      `SELECT turbine_id, count(*)::int AS windows FROM window_stat w
        WHERE window_seconds = 86400 AND count >= 3 AND stddev > 0 AND mean - $1 * stddev < 0
          AND NOT EXISTS (SELECT 1 FROM reading r WHERE r.turbine_id = w.turbine_id AND r.power_output < 0)
        GROUP BY turbine_id ORDER BY count(*) DESC, turbine_id LIMIT 1`,
      [k],
    );
    expect(rows).toHaveLength(1);
    return { id: rows[0]!.turbine_id, windows: rows[0]!.windows };
  }

  it('draws the mean ± kσ band no lower than 0 MW where mean − kσ is negative', async () => {
    const t = await clampedTurbine();
    await openView(page, `${world.api.url}/#/turbine/${t.id}?from=${day(0)}&to=${day(DAYS)}`);
    const chart = page.locator('#turbine-chart');
    await expect(chart.getAttribute('data-rendered')).resolves.toBe('true');
    await expect(chart.getAttribute('data-band-clamped')).resolves.toBe(String(t.windows));
    expect(Number(await chart.getAttribute('data-band-min'))).toBe(0);
    // No reading is negative, so the power axis starts at 0: nothing is drawn below it.
    expect(Number(await chart.getAttribute('data-y-min'))).toBe(0);
    await expect(chart.locator('.u-legend').innerText()).resolves.toContain('mean − kσ (≥ 0)');
  });

  it('labels the time axis in 24-hour ISO UTC, with room between labels, and keeps values in the legend at rest', async () => {
    const t = await clampedTurbine();
    await openView(page, `${world.api.url}/#/turbine/${t.id}?from=${day(0)}&to=${day(DAYS)}`);
    await page.mouse.move(0, 0);
    const chart = page.locator('#turbine-chart');
    const ticks = async () => ({
      labels: JSON.parse((await chart.getAttribute('data-x-ticks'))!) as string[],
      gap: Number(await chart.getAttribute('data-x-tick-gap-px')),
      width: Number(await chart.getAttribute('data-x-tick-width-px')),
    });
    const days = await ticks();
    expect(days.labels.length).toBeGreaterThanOrEqual(3);
    for (const label of days.labels) expect(label).toMatch(/^2022-03-\d{2}$/);
    expect(days.width).toBeLessThan(days.gap);

    // At rest the legend shows the last reading: its time as the tables write it, and its power.
    const legend = await chart
      .locator('.u-legend .u-series')
      .evaluateAll((trs) =>
        trs.map((tr) => [tr.querySelector('.u-label')?.textContent ?? '', tr.querySelector('.u-value')?.textContent ?? '']),
      );
    expect(legend[0]![1]).toMatch(/^2022-03-10 2[0-3]:00 UTC$/);
    expect(legend.find(([l]) => l === 'power')?.[1]).toMatch(/^\d+(\.\d+)?$/);
    expect(legend.find(([l]) => l === 'window mean')?.[1]).toMatch(/^\d+(\.\d+)?$/);

    // Zoomed to about a day: hours, 24-hour, the day under the first and under midnight.
    const over = (await chart.locator('.u-over').boundingBox())!;
    const y = over.y + over.height / 2;
    await page.mouse.move(over.x + over.width * 0.42, y);
    await page.mouse.down();
    await page.mouse.move(over.x + over.width * 0.52, y, { steps: 5 });
    await page.mouse.up();
    await page.mouse.move(0, 0);
    const hours = await ticks();
    expect(hours.labels.length).toBeGreaterThanOrEqual(3);
    for (const label of hours.labels) expect(label).toMatch(/^([01]\d|2[0-3]):[0-5]\d(\n2022-03-\d{2})?$/);
    expect(hours.labels[0]).toContain('\n2022-03-');
    expect(hours.labels.some((l) => Number(l.slice(0, 2)) >= 13)).toBe(true);
    expect(hours.labels.join(' ')).not.toMatch(/am|pm/i);
    expect(hours.width).toBeLessThan(hours.gap);
  });

  it('takes its period as ISO days (YYYY-MM-DD) and refuses other spellings', async () => {
    const t = await clampedTurbine();
    await openView(page, `${world.api.url}/#/turbine/${t.id}?from=${day(0)}&to=${day(DAYS)}`);
    const from = page.locator('input[name="from"]');
    const to = page.locator('input[name="to"]');
    await expect(from.getAttribute('type')).resolves.toBe('text');
    await expect(from.getAttribute('placeholder')).resolves.toBe('YYYY-MM-DD');
    await expect(from.inputValue()).resolves.toBe(day(0));
    await expect(to.inputValue()).resolves.toBe(day(DAYS - 1));

    const before = await page.evaluate<string>('location.hash');
    await from.fill('03/05/2022');
    await page.click('.period button[type="submit"]');
    await expect(from.evaluate((el) => (el as { validity: { valid: boolean } }).validity.valid)).resolves.toBe(false);
    await expect(from.evaluate((el) => (el as { validationMessage: string }).validationMessage)).resolves.toContain('YYYY-MM-DD');
    expect(await page.evaluate<string>('location.hash')).toBe(before);
    await from.fill('2022-02-30');
    await page.click('.period button[type="submit"]');
    expect(await page.evaluate<string>('location.hash')).toBe(before);

    await from.fill(day(2));
    await to.fill(day(4));
    await afterNextRender(page, () => page.click('.period button[type="submit"]'));
    expect(await page.evaluate<string>('location.hash')).toBe(`#/turbine/${t.id}?from=${day(2)}&to=${day(5)}`);
    await expect(page.locator('#turbine-view h1 .subtle').innerText()).resolves.toBe(`${day(2)} – ${day(4)} UTC`);
    await expect(from.inputValue()).resolves.toBe(day(2));
  });
});

describe('counts in words', () => {
  it('says "1 rejected line" for a file with one, and "N turbines" in the table', async () => {
    await openView(page, `${world.api.url}/#/fleet`);
    const row = page.locator('#ledger-table tbody tr', { hasText: 'one-bad-line.csv' });
    await expect(row.locator('.rejections-link').innerText()).resolves.toBe('1 rejected line →');
    await expect(page.locator('#fleet-count').innerText()).resolves.toBe('1,000 turbines');
    await page.fill('#fleet-filter', '1000');
    await expect(page.locator('#fleet-count').innerText()).resolves.toBe('1 of 1,000 turbines match “1000”');
    await page.fill('#fleet-filter', '');
  });

  it('stays on its own origin without errors', () => {
    expect(seen.requests.filter((url) => !url.startsWith(`${world.api.url}/`) && url !== 'about:blank')).toEqual([]);
    expect(seen.problems).toEqual([]);
  });
});
