import '@windmill/core/platform/node-check';
import { runService } from '@windmill/core/platform/lifecycle';
import { startWorker } from './start.js';

// The worker alone, one service of a deployment (docker compose): scale it with
// `--scale worker=N`. Migrations are applied by the one-shot migrate service before it starts.
await runService('worker', { redis: true }, ({ config, logger, connections }) =>
  startWorker({ config, logger, pool: connections.pool, redis: connections.redis }),
);
