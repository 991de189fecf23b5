import '@windmill/core/platform/node-check';
import { ensureDatabase, migrate } from '@windmill/core/db/migrate';
import { createPool } from '@windmill/core/db/pool';
import { runIngest, type BatchHooks } from '@windmill/core/ingest/batch-ingest';
import { listCsvFiles } from '@windmill/core/ingest/list-files';
import { createLogger } from '@windmill/core/platform/logger';
import { secretValues } from '@windmill/core/platform/redact';
import { loadConfigOrExit, waitForPostgres } from '@windmill/core/platform/startup';
import { EXIT, INGEST_USAGE, parseIngestArgs } from './ingest-args.js';
import { createProgressView, readableLogLines, type ProgressView } from './ingest-progress.js';
import { formatSummary, ingestExitCode } from './ingest-summary.js';

// `npm run ingest -- <file|folder>...`: see INGEST_USAGE for what it does and its exit codes.

const args = parseIngestArgs(process.argv.slice(2));
if (args.kind === 'help') {
  process.stdout.write(INGEST_USAGE);
  process.exit(EXIT.ok);
}
if (args.kind === 'usage-error') {
  process.stderr.write(`windmill ingest: ${args.message}\n\n${INGEST_USAGE}`);
  process.exit(EXIT.usage);
}

const config = loadConfigOrExit();
const fail = (message: string): never => {
  view?.stop();
  process.stderr.write(`windmill ingest: ${message}\n`);
  process.exit(EXIT.failed);
};

// A person at a terminal gets a progress bar and readable warnings; anything else (a pipe, a CI
// log, a benchmark) or an explicit LOG_FORMAT gets log lines on stderr. stdout holds the summary.
const interactive = process.stdout.isTTY === true && process.stderr.isTTY === true && config.LOG_FORMAT === undefined;
let view: ProgressView | null = null;
const secrets = secretValues(config);
const logger = interactive
  ? createLogger('ingest', {
      level: ['debug', 'trace'].includes(config.LOG_LEVEL) ? config.LOG_LEVEL : 'warn',
      destination: readableLogLines((line) => (view ? view.log(line) : process.stderr.write(`${line}\n`))),
      secrets,
    })
  : createLogger('ingest', { level: config.LOG_LEVEL, format: config.LOG_FORMAT, fd: 2, secrets });

const files = await listCsvFiles(args.inputs, process.cwd()).catch((error: unknown) => fail((error as Error).message));
if (files.length === 0) {
  fail(`no CSV files in ${args.inputs.join(', ')} (names must end in .csv; hidden and partial-write names such as *.part are skipped)`);
}

try {
  await ensureDatabase(config.DATABASE_URL).catch(() => undefined);
  await waitForPostgres(config.DATABASE_URL, config.STARTUP_TIMEOUT_SECONDS * 1000);
  await migrate(config.DATABASE_URL);
} catch (error) {
  fail((error as Error).message);
}

const pool = createPool(config.DATABASE_URL, 5, undefined, { maxLifetimeSeconds: config.DATABASE_CONNECTION_LIFETIME_SECONDS });
const hooks: BatchHooks = {};
if (interactive) {
  view = createProgressView(process.stderr);
  hooks.onProgress = (progress) => view?.update(progress);
}
let exitCode: number;
try {
  const summary = await runIngest({ pool, logger, config }, files, process.cwd(), hooks);
  view?.stop();
  view = null;
  process.stdout.write(formatSummary(summary, process.cwd()));
  exitCode = ingestExitCode(summary);
} catch (error) {
  view?.stop();
  view = null;
  process.stderr.write(`windmill ingest: ${(error as Error).message}\n`);
  exitCode = EXIT.failed;
} finally {
  await pool.end();
  logger.flush();
}
process.exitCode = exitCode;
