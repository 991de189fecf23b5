import type { Browser, Page } from 'playwright-core';
import { CHALLENGE_DIR } from '../helpers/paths.js';
import { launchChromium, openView, startDashboardWorld, watchPage, type DashboardWorld } from './dashboard-harness.js';

/**
 * GET /turbines answers pages of at most 1000 (issue 21, item 4); the dashboard lists the whole
 * fleet, so it follows nextCursor. The challenge data's 15 turbines plus 2 500 more without readings
 * (inserted as the loader names numbered turbines) make three pages: the fleet table and the
 * turbine picker must hold all 2 515, and a turbine on the last page must open.
 */

const EXTRA = 2500;
const FLEET = 15 + EXTRA;

let world: DashboardWorld;
let browser: Browser;
let page: Page;
let seen: ReturnType<typeof watchPage>;

beforeAll(async () => {
  world = await startDashboardWorld('dashboard_pages', [CHALLENGE_DIR]);
  await world.pool.query(`INSERT INTO turbine (id, name) SELECT g, g::text FROM generate_series(16, ${FLEET}) g`);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  seen = watchPage(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

const turbineListRequests = () => seen.requests.filter((u) => new URL(u).pathname === '/turbines').map((u) => new URL(u).search);

describe(`the dashboard with ${FLEET} turbines`, () => {
  it('lists every turbine in the fleet table, reading /turbines page by page', async () => {
    await openView(page, `${world.api.url}/#/fleet`);
    const ids = await page.$$eval('#fleet-table tbody tr', (rows) => rows.map((r) => Number(r.dataset.turbineId)));
    expect(ids).toHaveLength(FLEET);
    expect(ids.slice(0, 3)).toEqual([1, 2, 3]);
    expect(ids.at(-1)).toBe(FLEET);
    const asked = turbineListRequests();
    expect(asked).toHaveLength(3);
    expect(asked[0]).toBe('?limit=1000');
    expect(asked.slice(1).every((q) => /^\?limit=1000&cursor=[A-Za-z0-9_-]+$/.test(q))).toBe(true);
    expect(seen.problems).toEqual([]);
  });

  it('opens a turbine from the last page, with the whole fleet in its picker', async () => {
    await openView(page, `${world.api.url}/#/turbine/${FLEET}`);
    await expect(page.locator('#turbine-view').getAttribute('data-turbine-id')).resolves.toBe(String(FLEET));
    await expect(page.locator('#turbine-select option').count()).resolves.toBe(FLEET);
    expect(seen.problems).toEqual([]);
  });
});
