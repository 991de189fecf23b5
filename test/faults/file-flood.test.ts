import { readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { writeSampleData } from '@windmill/core/generator/write-sample-data';
import { createPool, type Pool } from '@windmill/core/db/pool';
import { runEntry, type Child } from '../helpers/child-process.js';
import { processMemoryMb } from '../helpers/process-memory.js';
import { createPipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';
import { waitFor } from '../helpers/wait.js';

const rssMb = (pid: number) => processMemoryMb(pid, 'VmRSS');

/**
 * 2 000 small files land in the watched folder at once (an export job catching up): every one
 * is loaded once, the ledger has one row per file, the processed folder receives them all, and
 * the watcher's memory stays bounded while it works through the burst.
 */
describe('a flood of files dropped at once', () => {
  const FILES = 2_000;
  let env: PipelineEnv;
  let pool: Pool;
  let watcher: Child;
  let worker: Child;

  beforeAll(async () => {
    env = await createPipelineEnv('flood', { WORKER_CONCURRENCY: '4' });
    pool = createPool(env.db.url);
  });
  afterAll(async () => {
    for (const c of [watcher, worker]) {
      if (c && c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
      await c?.exited;
    }
    await pool.end();
    await env.cleanup();
  });

  it('loads every file exactly once with the watcher under a memory bound', async () => {
    watcher = runEntry('apps/watcher/dist/main.js', { ...env.env, LOG_LEVEL: 'info' });
    worker = runEntry('apps/worker/dist/main.js', { ...env.env, LOG_LEVEL: 'info' });
    // One turbine, one day per file (24 lines each), written aside while the processes start.
    const data = await writeSampleData(path.join(env.root, 'flood'), { turbines: 1, days: FILES, by: 'day', seed: 'flood' });
    expect(data.files).toHaveLength(FILES);
    await waitFor(
      'the watcher and the worker to be up',
      () => watcher.output().includes('watching folder') && worker.output().includes('workers ready'),
      60_000,
    );

    const pid = watcher.process.pid!;
    const baseline = await rssMb(pid);
    const samples: number[] = [baseline];
    let sampling = true;
    const sampler = (async () => {
      while (sampling && watcher.process.exitCode === null) {
        samples.push(await rssMb(pid).catch(() => 0));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    const started = Date.now();
    await Promise.all(data.files.map((file) => rename(file, path.join(env.dirs.watch, path.basename(file)))));
    const count = async (sql: string) => (await pool.query(sql)).rows[0].n as number;
    await waitFor(
      'every file to be done',
      async () => (await count(`SELECT count(*)::int AS n FROM ingested_file WHERE status = 'done'`)) >= FILES,
      180_000,
      250,
    );
    await waitFor('every file to be moved', async () => (await readdir(env.dirs.processed)).length === FILES, 30_000, 250);
    // A scan that saw a file just before the worker moved it queued it again; the worker settles
    // such a repeat (the file is gone, its content loaded) by dropping its row. Wait for that.
    await waitFor(
      'every ledger row to be final',
      async () => (await count(`SELECT count(*)::int AS n FROM ingested_file WHERE status IN ('queued', 'processing')`)) === 0,
      30_000,
      250,
    );
    const seconds = (Date.now() - started) / 1000;
    sampling = false;
    await sampler;

    const peak = Math.max(...samples);
    process.stdout.write(
      `file flood: ${FILES} files in ${seconds.toFixed(1)} s; watcher RSS ${baseline.toFixed(0)} MB at rest, peak ${peak.toFixed(0)} MB\n`,
    );
    expect(peak).toBeLessThan(300);

    expect(await count(`SELECT count(*)::int AS n FROM ingested_file`)).toBe(FILES);
    expect(await count(`SELECT count(DISTINCT path)::int AS n FROM ingested_file WHERE status = 'done'`)).toBe(FILES);
    expect(await count(`SELECT count(*)::int AS n FROM reading`)).toBe(FILES * 24);
    expect(await count(`SELECT sum(rows_loaded)::int AS n FROM ingested_file`)).toBe(FILES * 24);
    // A file leaves the inbox just after its ledger row is done and its place recorded.
    await waitFor('the inbox to be empty', async () => (await readdir(env.dirs.watch)).length === 0);
    expect((await readdir(env.dirs.processed)).sort()).toEqual(data.files.map((f) => path.basename(f)).sort());
    expect(await readdir(env.dirs.watch)).toEqual([]);
    expect(await readdir(env.dirs.failed)).toEqual([]);
  }, 270_000);
});
