import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeSampleData } from '@windmill/core/generator/write-sample-data';
import { apiClient } from '../helpers/api-client.js';
import { startInProcess, type InProcessPipeline } from '../helpers/in-process.js';
import { readLedger } from '../helpers/ledger.js';
import { createPipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Real exports dropped into the watched folder: the watcher queues them, the worker picks each
 * one's profile by its path relative to the folder (a subfolder glob included), loads it, and
 * moves it; an export its profile cannot read goes to the failed folder with its explanation; the
 * API lists every file with its profile and serves a named turbine's statistics.
 */
describe('real exports through the watched folder', () => {
  let env: PipelineEnv;
  let pipeline: InProcessPipeline;
  let profilesDir: string;

  beforeAll(async () => {
    profilesDir = await mkdtemp(path.join(tmpdir(), 'windmill-inbox-profiles-'));
    await writeFile(
      path.join(profilesDir, 'profiles.json'),
      JSON.stringify({
        profiles: [
          { name: 'kelmarsh', match: 'Turbine_Data_*.csv', preset: 'greenbyte' },
          { name: 'site-fr', match: 'site-fr/**/*.csv', preset: 'european' },
        ],
      }),
    );
    env = await createPipelineEnv('profile_inbox', { INPUT_PROFILES: path.join(profilesDir, 'profiles.json') });
    pipeline = await startInProcess(env.config, memoryLogger().logger, { watcher: true, worker: true, scheduler: false, api: true });
  });
  afterAll(async () => {
    await pipeline?.close();
    await env?.cleanup();
    await rm(profilesDir, { recursive: true, force: true });
  });

  const ledger = () => readLedger(pipeline.pool, ['path', 'profile', 'status', 'rows_loaded', 'error', 'final_path']);
  const { get } = apiClient(() => pipeline.api!.url);
  const loadsDone = async (name: string) =>
    (await readLedger(pipeline.pool, ['status'], { name })).filter((r) => r.status === 'done').length;

  it('loads each export with the profile its relative path matches and moves it to the processed folder', async () => {
    const generated = path.join(env.root, 'generated');
    const greenbyte = await writeSampleData(path.join(generated, 'gb'), { seed: 'inbox-gb', turbines: 1, days: 2, layout: 'greenbyte' });
    const european = await writeSampleData(path.join(generated, 'eu'), {
      seed: 'inbox-eu',
      turbines: 2,
      days: 2,
      files: 1,
      layout: 'european',
    });
    const sub = path.join(env.dirs.watch, 'site-fr', '2022');
    await mkdir(sub, { recursive: true });
    const drops = [
      [greenbyte.files[0]!, path.join(env.dirs.watch, path.basename(greenbyte.files[0]!))],
      [european.files[0]!, path.join(sub, 'export.csv')],
      // The same European text outside site-fr/ matches no profile: read in the canonical layout, it fails.
      [european.files[0]!, path.join(env.dirs.watch, 'export-elsewhere.csv')],
    ] as const;
    // Identical content would be a duplicate of the loaded export whatever its name: the copy outside site-fr/ gets a line more.
    for (const [from, to] of drops) {
      const extra = to.endsWith('export-elsewhere.csv') ? 'R80701;31.03.2022 00:00;1000;5;180\r\n' : '';
      await writeFile(`${to}.part`, Buffer.concat([await readFile(from), Buffer.from(extra)]));
    }
    for (const [, to] of drops) await rename(`${to}.part`, to);

    await waitFor(
      'three files settled',
      async () => (await ledger()).filter((r) => ['done', 'failed'].includes(r.status)).length === 3,
      30_000,
    );
    const rows = await ledger();
    const byName = (name: string) => rows.find((r) => path.basename(r.path) === name)!;
    expect(byName(path.basename(greenbyte.files[0]!))).toMatchObject({ profile: 'kelmarsh', status: 'done', rows_loaded: 48 });
    expect(byName('export.csv')).toMatchObject({ profile: 'site-fr', status: 'done', rows_loaded: 96 });
    expect(byName('export-elsewhere.csv')).toMatchObject({ profile: null, status: 'failed' });
    expect(byName('export-elsewhere.csv').error).toMatch(/INPUT_PROFILES/);

    await waitFor('files moved', async () =>
      (await readdir(env.dirs.failed).catch(() => [] as string[])).includes('export-elsewhere.csv.error.json'),
    );
    const explanation = JSON.parse(await readFile(path.join(env.dirs.failed, 'export-elsewhere.csv.error.json'), 'utf8'));
    expect(explanation.error).toBe(byName('export-elsewhere.csv').error);
    await waitFor('loaded files moved', async () => (await ledger()).filter((r) => r.status === 'done' && r.final_path).length === 2);
    expect(byName('export.csv').final_path).toBeDefined();
  });

  it('lists every file with its profile and serves a named turbine', async () => {
    const files = await get('/files');
    expect(files.status).toBe(200);
    expect(files.body.items.map((f: { path: string; profile: string | null }) => [path.basename(f.path), f.profile]).sort()).toEqual([
      ['Turbine_Data_Kelmarsh_1_2022-03-01_-_2022-03-02_229.csv', 'kelmarsh'],
      ['export-elsewhere.csv', null],
      ['export.csv', 'site-fr'],
    ]);
    const turbines = await get('/turbines');
    expect(turbines.body.items.map((t: { name: string }) => t.name).sort()).toEqual(['Kelmarsh 1', 'R80701', 'R80702']);
    const summary = await get('/turbines/Kelmarsh%201/summary?from=2022-03-01T00:00:00Z&to=2022-03-03T00:00:00Z');
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({ turbineName: 'Kelmarsh 1', count: 48 });
  });

  it('loads only the appended lines when a Greenbyte export grows, its head read again', async () => {
    const name = 'Turbine_Data_Kelmarsh_9_2022.csv';
    const head = ['# Turbine: Kelmarsh 9', '# ', '# Date and time,Wind speed (m/s),Wind direction (°),Power (kW)'];
    const file = path.join(env.dirs.watch, name);
    await writeFile(file, `${[...head, '2022-03-01 00:00:00,5.0,200,1000', ''].join('\n')}`);
    await waitFor('first part loaded', async () => (await loadsDone(name)) >= 1);
    // The watcher moved it; the exporter writes the grown file again at the same path.
    await waitFor('moved', async () => !(await readdir(env.dirs.watch)).includes(name));
    await writeFile(`${file}.part`, `${[...head, '2022-03-01 00:00:00,5.0,200,1000', '2022-03-01 00:10:00,5.5,210,1500', ''].join('\n')}`);
    await rename(`${file}.part`, file);
    await waitFor('second load', async () => (await loadsDone(name)) === 2);
    const loads = await pipeline.pool.query(
      `SELECT rows_total, start_offset::int AS start_offset, append_of_id IS NOT NULL AS appended, last_line FROM ingested_file WHERE path = $1 ORDER BY id`,
      [file],
    );
    // The second load read the preamble and header again, then only the new line (line 5 of the file).
    expect(loads.rows).toEqual([
      { rows_total: 1, start_offset: 0, appended: false, last_line: 4 },
      { rows_total: 1, start_offset: expect.any(Number), appended: true, last_line: 5 },
    ]);
    expect(loads.rows[1].start_offset).toBeGreaterThan(0);
    const power = await pipeline.pool.query(
      `SELECT r.ts, r.power_output FROM reading r JOIN turbine t ON t.id = r.turbine_id WHERE t.name = 'Kelmarsh 9' ORDER BY r.ts`,
    );
    expect(power.rows.map((r) => r.power_output)).toEqual([1, 1.5]);
  });
});
