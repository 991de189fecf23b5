import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { createApiWorld, TEST_CONFIG, type ApiWorld } from '../api/api-harness.js';
import { launchChromium, watchPage } from './dashboard-harness.js';

/**
 * The pages under their Content-Security-Policy in a real browser (headless Chromium): Swagger UI
 * at /docs and Bull Board at /admin/queues must work with the policies the API sends, and the
 * browser must report no violation beyond what the policy means to refuse (the board's web font
 * from a CDN). A policy that breaks a page, or one looser than needed, shows here.
 */
const USER = 'operator';
const PASSWORD = 'board-password';
let world: ApiWorld;
let app: FastifyInstance;
let base: string;
let browser: Browser;

beforeAll(async () => {
  world = await createApiWorld('csp');
  app = await world.build({ config: { ...TEST_CONFIG, BOARD_USER: USER, BOARD_PASSWORD: PASSWORD } });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await world?.close();
});

/** Records every CSP violation the page reports, with its directive and what was blocked. */
async function recordViolations(page: Page): Promise<() => Promise<string[]>> {
  // Plain script text: this project's TypeScript has no DOM types, the page has the DOM.
  await page.addInitScript({
    content: `window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.effectiveDirective + ' ' + e.blockedURI));`,
  });
  return () => page.evaluate('window.__violations') as Promise<string[]>;
}

it('Swagger UI renders every operation under its policy, with no violation', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const seen = watchPage(page);
  const violations = await recordViolations(page);
  const response = await page.goto(`${base}/docs`);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  await page.waitForSelector('.opblock', { timeout: 30_000 });
  expect(await page.locator('.opblock').count()).toBeGreaterThanOrEqual(14);
  // The style sheet applied (an inline-style block would show as unstyled operations).
  const color = await page.evaluate(`getComputedStyle(document.querySelector('.opblock-get')).borderColor`);
  expect(color).toMatch(/^rgb\(/);
  expect(color).not.toBe('rgb(0, 0, 0)');
  expect(await violations()).toEqual([]);
  expect(seen.problems.filter((p) => !p.includes('favicon'))).toEqual([]);
  await context.close();
}, 60_000);

it('Bull Board renders both queues under its policy; only the CDN font is refused', async () => {
  const context = await browser.newContext({ httpCredentials: { username: USER, password: PASSWORD } });
  const page = await context.newPage();
  const violations = await recordViolations(page);
  const response = await page.goto(`${base}/admin/queues`);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  await page.getByText('stats', { exact: true }).first().waitFor({ timeout: 30_000 });
  await page.getByText('ingest', { exact: true }).first().waitFor({ timeout: 30_000 });
  const refused = await violations();
  expect(refused.filter((v) => !v.includes('fonts.googleapis.com'))).toEqual([]);
  // The recorder works: the font the policy refuses is reported.
  expect(refused.some((v) => v.startsWith('style-src-elem https://fonts.googleapis.com/'))).toBe(true);
  await context.close();
}, 60_000);

it('the dashboard keeps its own strict policy and loads without a violation', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const violations = await recordViolations(page);
  const response = await page.goto(`${base}/`);
  expect(response?.headers()['content-security-policy']).toBe(
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  );
  await page.waitForSelector('main[data-state]', { timeout: 30_000 });
  expect(await violations()).toEqual([]);
  await context.close();
}, 60_000);
