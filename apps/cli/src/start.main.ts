import { createLogger } from '@windmill/core/platform/logger';
import { loadConfigOrExit } from '@windmill/core/platform/startup';
import { ALL_PARTS, startPipeline } from './pipeline.js';
import { exitOnStartupError, stopOnSignals } from './process-lifecycle.js';

// `npm start`: migrations, then watcher, worker, scheduler, API and Bull Board in one process.
const config = loadConfigOrExit();
const logger = createLogger('windmill', { level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
const pipeline = await startPipeline(config, logger, ALL_PARTS).catch((error: unknown) => exitOnStartupError('start', error));
stopOnSignals(logger, () => pipeline.close());
logger.info(
  {
    api: pipeline.api?.url,
    docs: `${pipeline.api?.url}/docs`,
    board: config.BOARD_PASSWORD ? `${pipeline.api?.url}/admin/queues` : 'off (set BOARD_PASSWORD)',
    watching: config.dirs.watch,
    processed: config.dirs.processed,
    failed: config.dirs.failed,
  },
  'windmill is running',
);
