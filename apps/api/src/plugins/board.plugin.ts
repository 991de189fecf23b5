import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from '@windmill/core/platform/logger';
import type { ApiConfig, ApiQueues } from '../deps.js';
import { errorBody } from '../errors.js';
import { LoginThrottle } from '../login-throttle.js';
import { BOARD_CSP } from './security-headers.plugin.js';

export const BOARD_PATH = '/admin/queues';
const CHALLENGE = 'Basic realm="Windmill queues", charset="UTF-8"';
export const DEFAULT_BOARD_MAX_FAILED_LOGINS = 10;
export const DEFAULT_BOARD_LOCKOUT_SECONDS = 900;

/** Compares in time independent of where the strings differ (hashing first equalises the lengths). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The user and password of `Authorization: Basic`, UTF-8; null without one (no header, another scheme). */
function basicCredentials(request: FastifyRequest): { user: string; password: string } | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^basic +([A-Za-z0-9+/]+=*) *$/i.exec(header);
  if (match === null) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Bull Board for both queues at /admin/queues behind basic auth. The board can retry, clean and
 * obliterate jobs, so it is never mounted without a password, and BOARD_READ_ONLY hides those
 * actions. The board keeps its own error handler for its API routes; our 401 and 429 are sent by
 * the auth hook itself so they have the API's error shape.
 *
 * Guessing is limited per client address (login-throttle.ts): after BOARD_MAX_FAILED_LOGINS wrong
 * logins within BOARD_LOCKOUT_SECONDS the address is refused with 429 and Retry-After for
 * BOARD_LOCKOUT_SECONDS, and that check comes before the credentials are compared, so a right
 * password gets the very answer a wrong one gets. The hook runs at preParsing, after every
 * onRequest hook: the API's rate limit (API_RATE_LIMIT) adds its own per route, and a client it
 * refuses must be refused before its password is looked at too, not only after. Each failed login
 * is logged at warn with the address and its count (never the user name, which sometimes holds a
 * password typed in the wrong box, nor the password), and each lockout once more.
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
  // Errors thrown inside the board's routes reach its own error handler, not the API's: the API's
  // rate limit throws its 429 there. Answer them in the API's shape too, with 5xx bodies generic.
  // (The board's typings list the statuses of its own routes, 429 not among them; Fastify sends any.)
  type BoardStatus = ReturnType<Parameters<typeof serverAdapter.setErrorHandler>[0]>['status'];
  serverAdapter.setErrorHandler((error: Error & { statusCode?: number }) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return { status: status as BoardStatus, body: errorBody(status === 429 ? 'too_many_requests' : 'bad_request', error.message) };
    }
    logger.error({ err: error, path: BOARD_PATH }, 'Bull Board request failed');
    return { status: 500, body: errorBody('internal_error', 'internal server error') };
  });

  const lockoutSeconds = config.BOARD_LOCKOUT_SECONDS ?? DEFAULT_BOARD_LOCKOUT_SECONDS;
  const throttle = new LoginThrottle({
    maxFailures: config.BOARD_MAX_FAILED_LOGINS ?? DEFAULT_BOARD_MAX_FAILED_LOGINS,
    lockoutMs: lockoutSeconds * 1000,
  });

  await app.register(async (scope) => {
    scope.addHook('preParsing', (request, reply, payload, done) => {
      const client = request.ip;
      const gate = throttle.check(client);
      if (!gate.allowed) {
        void reply
          .code(429)
          .header('retry-after', String(gate.retryAfterSeconds))
          .send(errorBody('too_many_requests', 'too many failed Bull Board logins from this address; retry after Retry-After seconds'));
        return;
      }
      const given = basicCredentials(request);
      if (given !== null) {
        // Both comparisons always run, so timing does not tell which one failed.
        const userOk = sameSecret(given.user, config.BOARD_USER);
        const passwordOk = sameSecret(given.password, config.BOARD_PASSWORD);
        if (userOk && passwordOk) {
          done(null, payload);
          return;
        }
        const counted = throttle.recordFailure(client);
        request.log.warn({ client, failures: counted.failures, path: BOARD_PATH }, 'Bull Board login failed');
        if (counted.lockedOut) {
          request.log.warn(
            { client, failures: counted.failures, lockoutSeconds, path: BOARD_PATH },
            'Bull Board logins refused from this address for a while: too many failed logins',
          );
        }
      }
      void reply
        .code(401)
        .header('www-authenticate', CHALLENGE)
        .send(errorBody('unauthorized', 'Bull Board needs valid BOARD_USER / BOARD_PASSWORD credentials'));
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
