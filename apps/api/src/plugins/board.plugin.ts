import { createHash, timingSafeEqual } from 'node:crypto';
import basicAuth from '@fastify/basic-auth';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '@windmill/core/platform/logger';
import type { ApiConfig, ApiQueues } from '../deps.js';
import { errorBody } from '../errors.js';
import { BOARD_CSP } from './security-headers.plugin.js';

export const BOARD_PATH = '/admin/queues';

/** Compares in time independent of where the strings differ (hashing first equalises the lengths). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Bull Board for both queues at /admin/queues behind basic auth. The board can retry, clean and
 * obliterate jobs, so it is never mounted without a password, and BOARD_READ_ONLY hides those
 * actions. The board keeps its own error handler for its API routes; our 401 is sent by the auth
 * hook itself so it has the API's error shape.
 */
export async function registerBoard(
  app: FastifyInstance,
  { config, queues, logger }: { config: ApiConfig; queues: ApiQueues | null; logger: Logger },
): Promise<boolean> {
  if (queues === null) {
    logger.warn({ path: BOARD_PATH }, 'Bull Board not mounted: this process has no queues (no Redis)');
    return false;
  }
  if (config.BOARD_PASSWORD === '') {
    logger.warn({ path: BOARD_PATH }, 'Bull Board not mounted: BOARD_PASSWORD is empty; set it to enable the board');
    return false;
  }

  // Loaded only when mounted: a process that does not serve the board loads none of it (UI
  // assets, view engine, static file server).
  const [{ createBullBoard }, { BullMQAdapter }, { FastifyAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/fastify'),
  ]);
  const readOnlyMode = config.BOARD_READ_ONLY;
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(queues.ingest, { readOnlyMode }), new BullMQAdapter(queues.stats, { readOnlyMode })],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Windmill queues' } },
  });

  await app.register(async (scope) => {
    await scope.register(basicAuth, {
      authenticate: { realm: 'Windmill queues' },
      validate: async (user, password) => {
        // Both comparisons always run, so timing does not tell which one failed.
        const userOk = sameSecret(user, config.BOARD_USER);
        const passwordOk = sameSecret(password, config.BOARD_PASSWORD);
        if (!(userOk && passwordOk)) throw new Error('wrong credentials');
      },
    });
    scope.addHook('onRequest', (request, reply, done) => {
      scope.basicAuth(request, reply, (err?: Error) => {
        if (err) {
          // basic-auth has set WWW-Authenticate already.
          void reply.code(401).send(errorBody('unauthorized', 'Bull Board needs valid BOARD_USER / BOARD_PASSWORD credentials'));
          return;
        }
        done();
      });
    });
    // The board's page needs inline styles; the API's deny-all policy would leave it blank.
    scope.addHook('onSend', async (_request, reply, payload) => {
      void reply.header('content-security-policy', BOARD_CSP);
      return payload;
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: BOARD_PATH });
  });
  logger.info({ path: BOARD_PATH, readOnly: readOnlyMode }, 'Bull Board mounted');
  return true;
}
