import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startRssSampler } from '../bench/rss-sampler.js';
import { runEntry } from '../helpers/child-process.js';
import { createTestDatabase } from '../helpers/database.js';

/**
 * A valid file that names very many turbines, one line each: the loader keeps some state per
 * turbine of a file (the row held for de-duplication, what was loaded), so this is the file that
 * makes that state large. `npm run ingest` (the compiled CLI, in a child process) must load it
 * whole within the 300 MB of memory the product allows a process.
 */
const MEMORY_BOUND_MB = 300;

/** `turbines` lines, turbine 1 to `turbines`, all at one time, in the canonical layout; streamed. */
async function writeManyTurbines(file: string, turbines: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('timestamp,turbine_id,wind_speed,wind_direction,power_output\n');
  for (let first = 1; first <= turbines; first += 10_000) {
    let text = '';
    for (let id = first; id < first + 10_000 && id <= turbines; id++) {
      text += `2024-03-01 12:00:00,${id},${(id % 250) / 10},${id % 360},${(id % 200) / 100}\n`;
    }
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

describe('a file of many turbines, one line each', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'windmill-many-turbines-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([200_000, 1_000_000])(
    '%i turbines: loaded whole by npm run ingest, under 300 MB peak RSS',
    async (turbines) => {
      const db = await createTestDatabase(`turbines_${turbines}`);
      const client = new pg.Client({ connectionString: db.url });
      try {
        const file = path.join(dir, `turbines-${turbines}.csv`);
        await writeManyTurbines(file, turbines);
        const started = Date.now();
        const ingest = runEntry('apps/cli/dist/ingest.main.js', { DATABASE_URL: db.url, LOG_LEVEL: 'warn' }, [file]);
        const sampler = startRssSampler(ingest.process.pid!);
        const { code } = await ingest.exited;
        const peak = await sampler.stop();
        const seconds = (Date.now() - started) / 1000;
        if (code !== 0) throw new Error(`npm run ingest exited with ${code}:\n${ingest.output()}`);

        await client.connect();
        const ledger = await client.query(`SELECT status, rows_total, rows_loaded, rows_duplicate, rows_rejected FROM ingested_file`);
        expect(ledger.rows).toEqual([{ status: 'done', rows_total: turbines, rows_loaded: turbines, rows_duplicate: 0, rows_rejected: 0 }]);
        const stored = await client.query(
          `SELECT (SELECT count(*)::int FROM reading) AS readings, (SELECT count(*)::int FROM turbine) AS turbines`,
        );
        expect(stored.rows[0]).toEqual({ readings: turbines, turbines });

        // The process's own high-water mark (parse threads are threads of it) and the tree's sampled sum.
        const peakMb = Math.max(peak.largestMb, peak.treeMb);
        process.stdout.write(`many turbines: ${turbines} in ${seconds.toFixed(1)} s, peak RSS ${peakMb.toFixed(0)} MB\n`);
        expect(peakMb).toBeLessThan(MEMORY_BOUND_MB);
      } finally {
        await client.end().catch(() => undefined);
        await db.drop();
      }
    },
    10 * 60_000,
  );
});
