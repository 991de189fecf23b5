import { ensureDatabase, migrate } from '@windmill/core/db/migrate';
import { createPool } from '@windmill/core/db/pool';
import { createLogger } from '@windmill/core/platform/logger';
import { loadConfigOrExit, waitForPostgres } from '@windmill/core/platform/startup';
import { runIngest } from '@windmill/core/ingest/batch-ingest';
import { formatSummary } from './ingest-summary.js';

const USAGE = 'usage: npm run ingest -- <file.csv|directory>...';

const inputs = process.argv.slice(2).filter((a) => a !== '--');
if (inputs.length === 0 || inputs.includes('--help') || inputs.includes('-h')) {
  process.stderr.write(
    `${USAGE}\nLoads the CSV files (directories expanded, in path order), runs one stats computation and prints a summary.\n`,
  );
  process.exit(inputs.length === 0 ? 2 : 0);
}

const config = loadConfigOrExit();
const logger = createLogger('ingest', { level: config.LOG_LEVEL, pretty: config.LOG_PRETTY, fd: 2 });

try {
  await ensureDatabase(config.DATABASE_URL).catch(() => undefined);
  await waitForPostgres(config.DATABASE_URL, config.STARTUP_TIMEOUT_SECONDS * 1000);
  await migrate(config.DATABASE_URL);
} catch (error) {
  process.stderr.write(`windmill ingest: ${(error as Error).message}\n`);
  process.exit(1);
}

const pool = createPool(config.DATABASE_URL);
let exitCode = 0;
try {
  const summary = await runIngest({ pool, logger, config }, inputs, process.cwd());
  process.stdout.write(formatSummary(summary, process.cwd()));
  if (summary.files.some((f) => f.outcome.status === 'failed')) exitCode = 1;
} catch (error) {
  process.stderr.write(`windmill ingest: ${(error as Error).message}\n`);
  exitCode = 1;
} finally {
  await pool.end();
  logger.flush();
}
process.exitCode = exitCode;
