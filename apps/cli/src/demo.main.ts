import '@windmill/core/platform/node-check';
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropDatabase } from '@windmill/core/db/migrate';
import { writeSampleData } from '@windmill/core/generator/write-sample-data';
import { FILE_FAILED_MESSAGES } from '@windmill/core/ingest/file-failed-messages';
import { countFinishedFiles } from '@windmill/core/ingest/ingested-file.repository';
import { exitOnStartupError, runService } from '@windmill/core/platform/lifecycle';
import { createLogger } from '@windmill/core/platform/logger';
import { secretValues } from '@windmill/core/platform/redact';
import { loadConfigOrExit, redactUrl } from '@windmill/core/platform/startup';
import { readPipelineMark, readPipelineSummary } from '@windmill/core/read/pipeline-summary.read';
import { countDoneRunsSince } from '@windmill/core/stats/stats-run.repository';
import { ALL_IN_ONE_NEEDS, startAllInOne } from './all-in-one.js';
import { followFileOutcomes } from './demo-feed.js';
import { formatDemoSummary } from './demo-summary.js';

/**
 * `npm run demo`: the whole pipeline on generated data. It uses its own database (windmill_demo),
 * folders (data/demo) and queue prefix, reset at start, so it can run again and again without
 * touching a real installation. Settings given in the environment still win: a DATABASE_URL or
 * WATCH_DIR given is not reset (see the README's Quick start), and the summary then describes
 * this run's files and statistics only.
 */
const DEMO_DEFAULTS: Record<string, string> = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/windmill_demo',
  QUEUE_PREFIX: 'windmill-demo',
  WATCH_DIR: 'data/demo/inbox',
  PROCESSED_DIR: 'data/demo/processed',
  FAILED_DIR: 'data/demo/failed',
  STATS_INTERVAL_SECONDS: '10',
  LOG_LEVEL: 'warn',
  LOG_FORMAT: 'pretty',
  BOARD_USER: 'admin',
  // The profiles that read the demo's files in the three real-export layouts.
  INPUT_PROFILES: fileURLToPath(new URL('../profiles/demo-profiles.json', import.meta.url)),
};
const userSet = new Set(Object.keys(process.env).filter((k) => process.env[k]));
for (const [key, value] of Object.entries(DEMO_DEFAULTS)) process.env[key] ??= value;
const password = process.env.BOARD_PASSWORD || randomBytes(9).toString('base64url');
process.env.BOARD_PASSWORD = password;
const apiToken = process.env.API_TOKEN || randomBytes(18).toString('base64url');
process.env.API_TOKEN = apiToken;

const config = loadConfigOrExit();
// A failed file is told by the demo's own line (demo-feed.ts), not a second time by the worker's log.
const logger = createLogger('demo', {
  level: config.LOG_LEVEL,
  format: config.LOG_FORMAT,
  secrets: secretValues(config),
  hiddenMessages: Object.values(FILE_FAILED_MESSAGES),
});
const say = (text: string) => process.stdout.write(`${text}\n`);

if (!userSet.has('DATABASE_URL')) {
  await dropDatabase(config.DATABASE_URL).catch((error: unknown) =>
    exitOnStartupError(
      'demo',
      new Error(`cannot reach Postgres at ${redactUrl(config.DATABASE_URL)} (DATABASE_URL): ${(error as Error).message}`),
    ),
  );
}
const demoRoot = path.dirname(config.dirs.watch);
if (!userSet.has('WATCH_DIR')) await rm(demoRoot, { recursive: true, force: true });

say('Windmill demo: starting the pipeline (watcher, workers, scheduler, API, Bull Board)...');
const { connections, service } = await runService('demo', ALL_IN_ONE_NEEDS, startAllInOne, { config, logger });
const { pool, queues } = connections;
await queues.ingest.obliterate({ force: true }).catch(() => undefined);
// A database given in DATABASE_URL keeps what it held: the summary describes what comes after this.
const before = await readPipelineMark(pool);
const api = service.api.url;
const feed = followFileOutcomes(service.worker.ingest, pool, api, say);

// A month of hourly data for 20 turbines, one file per day, with the mess real exports have, and
// one turbine derated late in the month so the dashboard shows an underperforming turbine.
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
  // 2022-03-01 + 30 days: turbine 7 delivers 75 % of its power on 25-28 March.
  derates: [{ turbines: [7], from: '2022-03-25', to: '2022-03-28', fraction: 0.25 }],
});
// One export of each real layout (read with apps/cli/profiles/demo-profiles.json), the same month
// and the same hourly interval, from turbines named as those exports name them.
const exports = [
  await writeSampleData(path.join(generated, 'greenbyte'), {
    seed: 'demo-greenbyte',
    turbines: 1,
    days: 30,
    layout: 'greenbyte',
    missingRate: 0.01,
  }),
  await writeSampleData(path.join(generated, 'single-turbine'), {
    seed: 'demo-single-turbine',
    turbines: 1,
    days: 30,
    files: 1,
    by: 'turbine-group',
    layout: 'single-turbine',
    missingRate: 0.01,
  }),
  await writeSampleData(path.join(generated, 'site-fr'), {
    seed: 'demo-european',
    turbines: 2,
    days: 30,
    files: 1,
    by: 'turbine-group',
    layout: 'european',
    missingRate: 0.01,
  }),
];
await mkdir(config.dirs.watch, { recursive: true });
for (const file of data.files) await rename(file, path.join(config.dirs.watch, path.basename(file)));
for (const file of exports.flatMap((e) => e.files)) {
  // The European export goes to a subfolder: its profile matches `site-fr/**/*.csv`.
  const folder = path.basename(path.dirname(file)) === 'site-fr' ? path.join(config.dirs.watch, 'site-fr') : config.dirs.watch;
  await mkdir(folder, { recursive: true });
  await rename(file, path.join(folder, path.basename(file)));
}
// And one export that is not comma-separated and that no profile matches, to show where unreadable files go.
await writeFile(path.join(config.dirs.watch, 'export-semicolons.csv'), 'timestamp;turbine_id;power_output\n2022-04-01 00:00:00;1;2.5\n');
const exportFiles = exports.reduce((n, e) => n + e.files.length, 0);
const dropped = data.files.length + exportFiles + 1;
say(
  `Dropped ${dropped} files (${data.rows + exports.reduce((n, e) => n + e.rows, 0)} lines) into ${config.dirs.watch}, ` +
    `${exportFiles} of them vendor exports (Greenbyte, single-turbine, European) read with the profiles in ${path.relative(process.cwd(), config.INPUT_PROFILES ?? '') || config.INPUT_PROFILES}; ` +
    'waiting for them to be loaded and for the first statistics...',
);

const waitUntil = async (probe: () => Promise<boolean>) => {
  while (!(await probe())) await new Promise((resolve) => setTimeout(resolve, 500));
};
await waitUntil(async () => (await countFinishedFiles(pool, before.fileId)) >= dropped);
const loadedAt = new Date();
await waitUntil(async () => (await countDoneRunsSince(pool, loadedAt)) > 0);
const summary = await readPipelineSummary(pool, config.WINDOW_SECONDS, before);
say(formatDemoSummary(summary, { api, board: `${api}/admin/queues`, user: config.BOARD_USER, password, token: apiToken }));
feed.tellEverything();
