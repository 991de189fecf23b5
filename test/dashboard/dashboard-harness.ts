import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startApi, type RunningApi } from '@windmill/api/server';
import { runIngest, type IngestSummary } from '@windmill/core/ingest/batch-ingest';
import { parseConfig, type Config } from '@windmill/core/config/config';
import { createPool, type Pool } from '@windmill/core/db/pool';
import { createPrisma, type PrismaClient } from '@windmill/core/db/prisma';
import { launchChromium as launchBrowser } from '../helpers/chromium.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { memoryLogger } from '../helpers/silent-logger.js';

export const OUTPUT_DIR = path.join(REPO_ROOT, 'test-output', 'dashboard');

/** The Chromium that `npm ci` brings (test/helpers/chromium.ts), or CHROMIUM_PATH's. */
export async function launchChromium(): Promise<Browser> {
  await mkdir(OUTPUT_DIR, { recursive: true });
  return launchBrowser();
}

/** A database loaded through `npm run ingest`'s code path and the API listening on a free port. */
export interface DashboardWorld {
  db: TestDatabase;
  /** The settings the ingest and the API ran with (for a test's own stats run). */
  config: Config;
  pool: Pool;
  prisma: PrismaClient;
  api: RunningApi;
  summary: IngestSummary;
  close(): Promise<void>;
}

export async function startDashboardWorld(label: string, inputs: string[]): Promise<DashboardWorld> {
  const db = await createTestDatabase(label);
  const config = parseConfig({ DATABASE_URL: db.url, API_HOST: '127.0.0.1', API_PORT: '0' }, REPO_ROOT);
  const { logger } = memoryLogger('dashboard-test');
  const pool = createPool(db.url);
  const prisma = createPrisma(db.url);
  let api: RunningApi | null = null;
  const close = async () => {
    await api?.close();
    await prisma.$disconnect();
    await pool.end();
    await db.drop();
  };
  try {
    const summary = await runIngest({ pool, logger, config }, inputs, REPO_ROOT);
    // No Redis needed: the page reads the API only, and the board stays unmounted without queues.
    api = await startApi({
      config,
      logger,
      prisma,
      pool,
      queues: null,
      requestRescan: async () => ({ queued: 0 }),
      requestStatsRun: async () => ({ jobId: 'none' }),
    });
    return { db, config, pool, prisma, api, summary, close };
  } catch (error) {
    // A failed set-up still removes its database: jest never calls close() on a world it never got.
    await close().catch(() => undefined);
    throw error;
  }
}

/** Every request the page makes, and every console error or uncaught exception it reports. */
export function watchPage(page: Page): { requests: string[]; problems: string[] } {
  const seen = { requests: [] as string[], problems: [] as string[] };
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') seen.problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => seen.problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => seen.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return seen;
}

/** Loads the page at `url` afresh and waits until its view has rendered its data; returns the milliseconds taken. */
export async function openView(page: Page, url: string): Promise<number> {
  await page.goto('about:blank');
  const started = Date.now();
  await page.goto(url);
  await page.waitForSelector('main[data-state="ready"]', { timeout: 30_000 });
  return Date.now() - started;
}

/** Runs `action` (a click, a hash change) in the loaded page and waits for the next completed render. */
export async function afterNextRender(page: Page, action: () => Promise<void>): Promise<void> {
  const before = Number((await page.locator('main').getAttribute('data-renders')) ?? 0);
  await action();
  // A CSS selector rather than a function: the render counter only grows, so "not the old value" is "rendered again".
  await page.locator(`main[data-state="ready"]:not([data-renders="${before}"])`).waitFor({ timeout: 30_000 });
}

/**
 * Counts the chart canvas' pixels close to an RGB colour: a drawn series leaves pixels of its
 * colour, an empty or failed chart none.
 */
export async function countCanvasPixels(page: Page, selector: string, rgb: [number, number, number], tolerance = 40): Promise<number> {
  return page.$eval(
    `${selector} canvas`,
    (c, args) => {
      const ctx = c.getContext('2d');
      if (!ctx) return -1;
      const data: Uint8ClampedArray = ctx.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        const d = Math.abs(data[i]! - args.rgb[0]) + Math.abs(data[i + 1]! - args.rgb[1]) + Math.abs(data[i + 2]! - args.rgb[2]);
        if (data[i + 3]! > 200 && d <= args.tolerance) n += 1;
      }
      return n;
    },
    { rgb, tolerance },
  );
}
