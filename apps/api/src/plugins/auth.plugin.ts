import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { ApiConfig } from '../deps.js';
import { errorBody, errorBodySchema } from '../errors.js';
import { BOARD_PATH } from './board.plugin.js';

/**
 * Who may do what over HTTP.
 *
 * - A request that can change state (any method but GET, HEAD and OPTIONS) needs
 *   `Authorization: Bearer <API_TOKEN>`. While API_TOKEN is unset those routes are disabled: 403
 *   with a message saying how to enable them. New routes are covered without being listed.
 * - With API_READ_TOKEN set, reads need that token (or API_TOKEN, which allows everything), except
 *   the liveness probe /health. A browser cannot send a bearer token to open the dashboard, so the
 *   same tokens are accepted as the password of HTTP basic auth (any user name); a read refused
 *   without credentials offers both schemes, and the browser asks for them.
 * - Bull Board (/admin/queues) has its own basic auth and is left to it; unknown routes get their
 *   404 whatever the credentials.
 *
 * Tokens are compared in constant time: both sides are hashed first, so neither the position of
 * the first wrong character nor the token's length shows in the answer's timing.
 */
export const OPEN_READS = new Set(['/health']);
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const REALM = 'windmill';

export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The credential a request carries: a bearer token, or the password of basic auth. */
function presentedToken(request: FastifyRequest): { scheme: 'bearer' | 'basic'; token: string } | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const [scheme = '', value = ''] = header.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === 'bearer' && value !== '') return { scheme: 'bearer', token: value };
  if (scheme.toLowerCase() === 'basic' && value !== '') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon === -1 ? null : { scheme: 'basic', token: decoded.slice(colon + 1) };
  }
  return null;
}

function refuse(reply: FastifyReply, status: 401 | 403, code: string, message: string, challenge?: string): FastifyReply {
  if (challenge) void reply.header('www-authenticate', challenge);
  return reply.code(status).send(errorBody(code, message));
}

interface BearerScheme {
  type: 'http';
  scheme: 'bearer';
  description: string;
}

/** The OpenAPI security schemes of these rules (docs.plugin.ts puts them in the document's components). */
export function securitySchemes(config: Pick<ApiConfig, 'API_READ_TOKEN'>): Record<string, BearerScheme> {
  return {
    apiToken: {
      type: 'http',
      scheme: 'bearer',
      description:
        'API_TOKEN. Every state-changing request (POST /ingest, POST /stats/run) needs it: 401 unauthorized without it ' +
        'or with another token, 403 disabled while API_TOKEN is unset. It also opens every read.',
    },
    ...(config.API_READ_TOKEN === ''
      ? {}
      : {
          readToken: {
            type: 'http',
            scheme: 'bearer',
            description:
              'API_READ_TOKEN (set on this server). Every read but /health needs it or API_TOKEN: 401 unauthorized ' +
              'without. A browser may send it as the password of basic auth, any user name.',
          },
        }),
  };
}

const unauthorizedResponse = errorBodySchema.meta({
  description: 'unauthorized: no token, or not a valid one (WWW-Authenticate names the scheme)',
});
const disabledResponse = errorBodySchema.meta({ description: 'disabled: state-changing requests are off while API_TOKEN is unset' });

/**
 * Documents on each route, as it is added, what the onRequest hook below enforces: its security
 * requirement and the 401 and 403 it can answer. Routes out of the document (hidden, Bull Board's)
 * are left alone.
 */
function documentAuth(route: RouteOptions, readTokenSet: boolean): void {
  const schema = route.schema;
  if (schema === undefined || schema.hide === true || route.url === BOARD_PATH || route.url.startsWith(`${BOARD_PATH}/`)) return;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const response = (schema.response ?? {}) as Record<string, unknown>;
  if (methods.some((m) => !READ_METHODS.has(m))) {
    schema.security = [{ apiToken: [] }];
    schema.response = { ...response, 401: unauthorizedResponse, 403: disabledResponse };
  } else if (readTokenSet && !OPEN_READS.has(route.url)) {
    schema.security = [{ readToken: [] }, { apiToken: [] }];
    schema.response = { ...response, 401: unauthorizedResponse };
  }
}

export async function registerAuth(app: FastifyInstance, config: Pick<ApiConfig, 'API_TOKEN' | 'API_READ_TOKEN'>): Promise<void> {
  const writeToken = config.API_TOKEN;
  const readToken = config.API_READ_TOKEN;

  // Registered before the routes, so it sees each of them (the same rule as the hook, documented).
  app.addHook('onRoute', (route) => documentAuth(route, readToken !== ''));

  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    // No route: the 404 handler answers. The board: its own basic auth answers.
    if (route === undefined || route === BOARD_PATH || route.startsWith(`${BOARD_PATH}/`)) return;
    const presented = presentedToken(request);

    if (!READ_METHODS.has(request.method)) {
      if (writeToken === '') {
        return refuse(reply, 403, 'disabled', 'this action is disabled: set API_TOKEN to enable state-changing requests');
      }
      if (presented?.scheme === 'bearer' && sameSecret(presented.token, writeToken)) return;
      const wrong = presented !== null;
      return refuse(
        reply,
        401,
        'unauthorized',
        wrong ? 'the bearer token is not valid for this action' : 'this action needs Authorization: Bearer <API_TOKEN>',
        wrong ? `Bearer realm="${REALM}", error="invalid_token"` : `Bearer realm="${REALM}"`,
      );
    }

    if (readToken === '' || OPEN_READS.has(route)) return;
    if (presented !== null) {
      const ok = sameSecret(presented.token, readToken) || (writeToken !== '' && sameSecret(presented.token, writeToken));
      if (ok) return;
    }
    return refuse(
      reply,
      401,
      'unauthorized',
      presented ? 'the token is not valid' : 'reads need Authorization: Bearer <API_READ_TOKEN>',
      `Bearer realm="${REALM}"${presented ? ', error="invalid_token"' : ''}, Basic realm="${REALM}", charset="UTF-8"`,
    );
  });
}
