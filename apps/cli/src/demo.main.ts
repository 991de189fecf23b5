import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { createLogger } from '@windmill/core/platform/logger';
import { loadConfigOrExit } from '@windmill/core/platform/startup';
import { readDemoSummary, formatDemoSummary } from './demo-summary.js';
import { ALL_PARTS, startPipeline } from './pipeline.js';
import { exitOnStartupError, stopOnSignals } from './process-lifecycle.js';
import { writeSampleData } from './write-sample-data.js';

/**
 * `npm run demo`: the whole pipeline on generated data. It uses its own database (windmill_demo),
 * folders (data/demo) and queue prefix, all reset at start, so it can run again and again without
 * touching a real installation. Settings given in the environment still win.
 */
const DEMO_DEFAULTS: Record<string, string> = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/windmill_demo',
  QUEUE_PREFIX: 'windmill-demo',
  WATCH_DIR: 'data/demo/inbox',
  PROCESSED_DIR: 'data/demo/processed',
  FAILED_DIR: 'data/demo/failed',
  STATS_INTERVAL_SECONDS: '10',
  LOG_LEVEL: 'warn',
  LOG_PRETTY: 'true',
  BOARD_USER: 'admin',
};
const userSet = new Set(Object.keys(process.env).filter((k) => process.env[k]));
for (const [key, value] of Object.entries(DEMO_DEFAULTS)) process.env[key] ??= value;
const password = process.env.BOARD_PASSWORD || randomBytes(9).toString('base64url');
process.env.BOARD_PASSWORD = password;
const apiToken = process.env.API_TOKEN || randomBytes(18).toString('base64url');
process.env.API_TOKEN = apiToken;

const config = loadConfigOrExit();
const logger = createLogger('demo', { level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
const say = (text: string) => process.stdout.write(`${text}\n`);

if (!userSet.has('DATABASE_URL')) await resetDemoDatabase(config.DATABASE_URL).catch((e: unknown) => exitOnStartupError('demo', e));
const demoRoot = path.dirname(config.dirs.watch);
if (!userSet.has('WATCH_DIR')) await rm(demoRoot, { recursive: true, force: true });

say('Windmill demo: starting the pipeline (watcher, workers, scheduler, API, Bull Board)...');
const pipeline = await startPipeline(config, logger, ALL_PARTS).catch((error: unknown) => exitOnStartupError('demo', error));
stopOnSignals(logger, () => pipeline.close());
await pipeline.queues.ingest.obliterate({ force: true }).catch(() => undefined);

// A month of hourly data for 20 turbines, one file per day, with the mess real exports have.
const generated = path.join(demoRoot, 'generated');
say(`Generating a month of sample data into ${generated} ...`);
const data = await writeSampleData(generated, {
  seed: 'windmill-demo',
  turbines: 20,
  days: 30,
  by: 'day',
  missingRate: 0.01,
  outlierRate: 0.005,
  duplicateRate: 0.003,
  malformedRate: 0.002,
  gapRate: 0.0005,
});
await mkdir(config.dirs.watch, { recursive: true });
for (const file of data.files) await rename(file, path.join(config.dirs.watch, path.basename(file)));
// And one export that is not comma-separated, to show where unreadable files go.
await writeFile(path.join(config.dirs.watch, 'export-semicolons.csv'), 'timestamp;turbine_id;power_output\n2022-04-01 00:00:00;1;2.5\n');
const dropped = data.files.length + 1;
say(
  `Dropped ${dropped} files (${data.rows} lines) into ${config.dirs.watch}; waiting for them to be loaded and for the first statistics...`,
);

const waitUntil = async (probe: () => Promise<boolean>) => {
  while (!(await probe())) await new Promise((resolve) => setTimeout(resolve, 500));
};
await waitUntil(async () => {
  const { rows } = await pipeline.pool.query(
    `SELECT count(*)::int AS n FROM ingested_file WHERE status IN ('done', 'duplicate', 'failed')`,
  );
  return rows[0].n >= dropped;
});
const loadedAt = new Date();
await waitUntil(async () => {
  const { rows } = await pipeline.pool.query(`SELECT count(*)::int AS n FROM stats_run WHERE status = 'done' AND started_at >= $1`, [
    loadedAt,
  ]);
  return rows[0].n > 0;
});
const summary = await readDemoSummary(pipeline.pool, config.WINDOW_SECONDS);
const api = pipeline.api!.url;
say(formatDemoSummary(summary, { api, board: `${api}/admin/queues`, user: config.BOARD_USER, password, token: apiToken }));

async function resetDemoDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  target.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: target.toString(), connectionTimeoutMillis: 5_000 });
  await admin.connect().catch((error: unknown) => {
    throw new Error(`cannot reach Postgres at ${target.host} (DATABASE_URL): ${(error as Error).message}`);
  });
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
