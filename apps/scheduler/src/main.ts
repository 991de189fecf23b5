import '@windmill/core/platform/node-check';
import { runService } from '@windmill/core/platform/lifecycle';
import { startScheduler } from './start.js';

// The scheduler alone, one service of a deployment (docker compose). Migrations are applied by the
// one-shot migrate service before it starts.
await runService('scheduler', { redis: true, poolSize: 1 }, ({ config, logger, connections }) =>
  startScheduler({ config, logger, queues: connections.queues }),
);
