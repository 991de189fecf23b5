import { createLogger } from '@windmill/core/platform/logger';
import { loadConfigOrExit } from '@windmill/core/platform/startup';
import { startPipeline } from '@windmill/cli/pipeline';
import { exitOnStartupError, stopOnSignals } from '@windmill/cli/process-lifecycle';

// The api alone, as one service of a deployment (docker compose); migrations are applied by the
// one-shot migrate service before it starts.
const config = loadConfigOrExit();
const logger = createLogger('api', { level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
const pipeline = await startPipeline(config, logger, {
  migrate: false,
  watcher: false,
  worker: false,
  scheduler: false,
  api: true,
}).catch((error: unknown) => exitOnStartupError('api', error));
stopOnSignals(logger, () => pipeline.close());
