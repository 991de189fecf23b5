import { mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startInProcess, type InProcessPipeline } from '../helpers/in-process.js';
import { createPipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { waitFor } from '../helpers/wait.js';
import { afterNextRender, launchChromium, openView, OUTPUT_DIR, watchPage } from './dashboard-harness.js';

/**
 * A file's page in the dashboard, for a file that failed and one that loaded with rejected lines,
 * both dropped into the watched folder of a running pipeline: the page shows the error a file
 * failed with, where it went (its final path, not the inbox path it came in by) and the profile it
 * was read with; a failed file is never said to be a file "with no rejected lines".
 */

const GREENBYTE_HEAD = ['# This file was exported by Greenbyte.', '# ', '# Turbine: Kelmarsh 2', '# Time zone: UTC', '# '];
const FAILING = 'Turbine_Data_Kelmarsh_2_2016.csv';
const REJECTING = 'broken-lines.csv';

let env: PipelineEnv;
let pipeline: InProcessPipeline;
let profilesDir: string;
let browser: Browser;
let page: Page;
let seen: ReturnType<typeof watchPage>;
type LedgerRow = { id: number; path: string; status: string; profile: string | null; error: string | null; final_path: string | null };
let failed: LedgerRow;
let rejecting: LedgerRow;

async function ledgerRow(name: string): Promise<LedgerRow | undefined> {
  const { rows } = await pipeline.pool.query<LedgerRow>(
    `SELECT id, path, status, profile, error, final_path FROM ingested_file ORDER BY id`,
  );
  return rows.find((r) => path.basename(r.path) === name);
}

beforeAll(async () => {
  profilesDir = await mkdtemp(path.join(tmpdir(), 'windmill-file-page-'));
  await writeFile(
    path.join(profilesDir, 'profiles.json'),
    JSON.stringify({ profiles: [{ name: 'kelmarsh', match: 'Turbine_Data_*.csv', preset: 'greenbyte' }] }),
  );
  env = await createPipelineEnv('dashboard_file_page', { INPUT_PROFILES: path.join(profilesDir, 'profiles.json') });
  pipeline = await startInProcess(env.config, memoryLogger().logger, { watcher: true, worker: true, scheduler: false, api: true });
  const drops: Record<string, string> = {
    // The header lacks the profile's power column: the file fails as a whole.
    [FAILING]: [
      ...GREENBYTE_HEAD,
      '# Date and time,Wind speed (m/s),Wind direction (°),Power, Average (kW)',
      '2016-01-03 00:00:00,5,200,1',
      '',
    ].join('\n'),
    // The canonical layout, two of its four lines rejected.
    [REJECTING]:
      'timestamp,turbine_id,wind_speed,wind_direction,power_output\n' +
      '2022-03-01 00:00:00,1,5.0,180,2.0\n' +
      '2022-03-01 01:00:00,1,5.0\n' +
      'not a time,1,5.0,180,2.0\n' +
      '2022-03-01 02:00:00,1,5.5,185,2.5\n',
  };
  for (const [name, text] of Object.entries(drops)) {
    await writeFile(path.join(env.root, `${name}.part`), text);
    await rename(path.join(env.root, `${name}.part`), path.join(env.dirs.watch, name));
  }
  await waitFor(
    'both files settled and moved',
    async () => {
      const [a, b] = [await ledgerRow(FAILING), await ledgerRow(REJECTING)];
      return a?.status === 'failed' && b?.status === 'done' && a.final_path !== null && b.final_path !== null;
    },
    60_000,
  );
  failed = (await ledgerRow(FAILING))!;
  rejecting = (await ledgerRow(REJECTING))!;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  seen = watchPage(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await pipeline?.close();
  await env?.cleanup();
  if (profilesDir) await rm(profilesDir, { recursive: true, force: true });
});

/** The page's facts list as term -> text. */
async function facts(): Promise<Record<string, string>> {
  const pairs = await page.$$eval('#file-facts dt', (dts) =>
    dts.map((dt) => [dt.textContent ?? '', dt.nextElementSibling?.textContent ?? '']),
  );
  return Object.fromEntries(pairs);
}

describe("a failed file's page", () => {
  it('is one click from the ledger and shows the error it failed with, where it went and its profile', async () => {
    // What the pipeline did: the file left the inbox for the failed folder, its explanation beside it.
    expect(failed).toMatchObject({ profile: 'kelmarsh', status: 'failed' });
    expect(failed.error).toMatch(/^profile "kelmarsh": the header has no column "Power \(kW\)"/);
    expect(path.dirname(failed.final_path!)).toBe(env.dirs.failed);
    expect(await readdir(env.dirs.failed)).toEqual(expect.arrayContaining([FAILING, `${FAILING}.error.json`]));
    expect(await readdir(env.dirs.watch)).not.toContain(FAILING);

    await openView(page, `${pipeline.api!.url}/#/fleet`);
    await afterNextRender(page, () => page.click(`#ledger-table tr[data-file-id="${failed.id}"] .file-link`));
    expect(new URL(page.url()).hash).toBe(`#/files/${failed.id}`);
    await expect(page.locator('h1').innerText()).resolves.toBe(`File #${failed.id} ${FAILING}`);

    const error = await page.locator('#file-error').innerText();
    expect(error).toBe(`This file failed: ${failed.error}`);
    expect(await facts()).toEqual({
      Status: 'failed',
      'Received as': failed.path,
      'Now at': `${failed.final_path} (the failed folder; ${FAILING}.error.json beside it says why)`,
      Profile: 'kelmarsh',
      Lines: 'none loaded: a file that fails loads nothing',
      Finished: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC · queued .* · 1 attempt · JSON$/),
    });
    // The inbox path is shown as where it came from, never as where it is.
    expect(failed.path.startsWith(env.dirs.watch)).toBe(true);
    await expect(page.locator('#no-rejections').innerText()).resolves.toBe(
      'None: the file failed as a whole (the error above), so no line of it was loaded or rejected.',
    );
    await expect(page.locator('body').innerText()).resolves.not.toContain('has no rejected lines');
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'file-failed.png'), fullPage: false });
  });
});

describe("a loaded file's page", () => {
  it('lists its rejected lines under where it went, and the old rejections address still leads there', async () => {
    await openView(page, `${pipeline.api!.url}/#/files/${rejecting.id}/rejections`);
    await expect(page.locator('#file-error').count()).resolves.toBe(0);
    expect(await facts()).toMatchObject({
      Status: 'done',
      'Received as': rejecting.path,
      'Now at': rejecting.final_path,
      Profile: 'none: the canonical layout',
      Lines: '4 lines: 2 loaded (0 with imputed values), 0 duplicate, 2 rejected',
    });
    expect(path.dirname(rejecting.final_path!)).toBe(env.dirs.processed);
    const rejected = await page.$$eval('#rejections-table tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())),
    );
    expect(rejected.map((r) => [r[0], r[1], r[3]])).toEqual([
      ['3', 'column_count', '2022-03-01 01:00:00,1,5.0'],
      ['4', 'bad_timestamp', 'not a time,1,5.0,180,2.0'],
    ]);
  });

  it('loads with no console error and nothing from outside the API', () => {
    expect(seen.problems).toEqual([]);
    const origin = new URL(pipeline.api!.url).origin;
    expect(seen.requests.filter((u) => !u.startsWith(origin) && u !== 'about:blank')).toEqual([]);
  });
});
