import '@windmill/core/platform/node-check';
import { runService } from '@windmill/core/platform/lifecycle';
import { startWatcher } from './start.js';

// The watcher alone, one service of a deployment (docker compose). Migrations are applied by the
// one-shot migrate service before it starts.
await runService('watcher', { redis: true, poolSize: 3 }, ({ config, logger, connections }) =>
  startWatcher({ config, logger, pool: connections.pool, queues: connections.queues }),
);
