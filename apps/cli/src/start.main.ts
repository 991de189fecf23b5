import '@windmill/core/platform/node-check';
import { runService } from '@windmill/core/platform/lifecycle';
import { ALL_IN_ONE_NEEDS, startAllInOne } from './all-in-one.js';

// `npm start`: migrations, then watcher, workers, scheduler, API and Bull Board in one process.
// Named for its command, like the others: a start-up error reads `windmill start: …`.
const { config, logger, service } = await runService('start', ALL_IN_ONE_NEEDS, startAllInOne);
const url = service.api.url;
logger.info(
  {
    api: url,
    docs: `${url}/docs`,
    board: config.BOARD_PASSWORD ? `${url}/admin/queues` : 'off (set BOARD_PASSWORD)',
    watching: config.dirs.watch,
    processed: config.dirs.processed,
    failed: config.dirs.failed,
  },
  'windmill is running',
);
