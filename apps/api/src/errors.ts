import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isPoolWaitTimeout, isQueryTimeout } from '@windmill/core/platform/outage';

/** Every error body of the API: `{ "error": { "code", "message" } }`. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable, machine-readable code', example: 'invalid_parameter' }),
      message: z.string().meta({ description: 'What went wrong, for a human' }),
    }),
  })
  .meta({ description: 'Error' });
export type ErrorBody = z.infer<typeof errorBodySchema>;

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** An error whose status, code and message are safe to show the client. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function notFound(what: string, id: number | string): ApiError {
  return new ApiError(404, 'not_found', `${what} ${id} not found`);
}

/** Seconds a client should wait before asking again while a stats run writes. */
export const STATS_RETRY_AFTER_SECONDS = 5;

export function statsRunning(): ApiError {
  return new ApiError(503, 'stats_running', 'a statistics computation is running; retry shortly', {
    'Retry-After': String(STATS_RETRY_AFTER_SECONDS),
  });
}

/** Seconds a client should wait before asking again when the database was too busy to answer in time. */
export const DATABASE_BUSY_RETRY_AFTER_SECONDS = 5;

/**
 * A read that hit one of the API's own limits (see apiReadLimits in core's connections.ts): a
 * statement or lock timeout (a table locked by someone else for long), or no free connection in
 * time. The database may be fine a moment later, so: 503 with Retry-After, like a running stats run.
 */
export function databaseBusy(): ApiError {
  return new ApiError(503, 'database_busy', 'the database did not answer in time (a table is locked or busy); retry shortly', {
    'Retry-After': String(DATABASE_BUSY_RETRY_AFTER_SECONDS),
  });
}

/**
 * Codes for the 4xx errors Fastify and its plugins raise themselves: bad or empty JSON, a wrong
 * media type, a body too large, the rate limit, and the dashboard's static files (a path they
 * refuse, a Range or precondition they cannot meet). Any other 4xx is `bad_request`. README's
 * table of error codes lists these.
 */
const CLIENT_ERROR_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  412: 'precondition_failed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  416: 'range_not_satisfiable',
  429: 'too_many_requests',
};

type Issue = { instancePath: string; keyword: string; message?: string | undefined; params: Record<string, unknown> };

/**
 * An issue's message in the API's words. The schemas word their own messages (`must be at most
 * 1000`, `expected an ISO 8601 date ...`); what zod words itself (`Invalid input: expected string,
 * received undefined`, `Invalid option: expected one of "a"|"b"`) is said as what is expected.
 */
function readableMessage(issue: Issue): string {
  const message = issue.message ?? 'invalid';
  if (issue.keyword === 'invalid_type' && message.startsWith('Invalid input')) {
    if (message.endsWith('received undefined')) return 'missing';
    if (message.endsWith('received array')) return 'given more than once; give it once';
    return `expected a ${String(issue.params.expected)}`;
  }
  if (issue.keyword === 'invalid_value' && message.startsWith('Invalid option') && Array.isArray(issue.params.values)) {
    return `expected one of ${issue.params.values.map(String).join(', ')}`;
  }
  return message;
}

/** Turns zod issues into one message that names every bad parameter. */
function describeIssues(issues: Issue[], context: string | undefined): { code: string; message: string } {
  const where = context === 'querystring' ? 'query parameter' : context === 'params' ? 'path parameter' : 'field';
  const unknown = issues.filter((i) => i.keyword === 'unrecognized_keys');
  const unknownKeys = unknown.flatMap((i) => (Array.isArray(i.params.keys) ? (i.params.keys as string[]) : []));
  // One message per parameter: the first problem found is the one worth fixing first.
  const byParameter = new Map<string, string>();
  for (const i of issues) {
    if (i.keyword === 'unrecognized_keys') continue;
    const name = i.instancePath.replace(/^\//, '').replace(/\//g, '.') || where;
    if (!byParameter.has(name)) byParameter.set(name, `${name}: ${readableMessage(i)}`);
  }
  const parts = [...byParameter.values()];
  if (unknownKeys.length > 0) {
    parts.unshift(`unknown ${where}${unknownKeys.length > 1 ? 's' : ''}: ${unknownKeys.join(', ')}`);
  }
  return { code: unknown.length > 0 && parts.length === 1 ? 'unknown_parameter' : 'invalid_parameter', message: parts.join('; ') };
}

/**
 * The API's one error handler and its 404 for unknown routes. Client errors keep their message;
 * anything else is logged with its stack and answered with a generic 500.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(errorBody('not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const { code, message } = describeIssues(err.validation as Issue[], err.validationContext);
      return reply.code(400).send(errorBody(code, message));
    }
    if (err instanceof ApiError) {
      return reply.code(err.statusCode).headers(err.headers).send(errorBody(err.code, err.message));
    }
    if (isQueryTimeout(err) || isPoolWaitTimeout(err)) {
      request.log.warn(
        { err: err.message, code: (err as { code?: unknown }).code },
        'read gave up: the database is busy or a table is locked',
      );
      const busy = databaseBusy();
      return reply.code(busy.statusCode).headers(busy.headers).send(errorBody(busy.code, busy.message));
    }
    const status = err.statusCode ?? 500;
    if (!isResponseSerializationError(err) && status >= 400 && status < 500) {
      return reply.code(status).send(errorBody(CLIENT_ERROR_CODES[status] ?? 'bad_request', err.message));
    }
    request.log.error({ err }, 'request failed');
    return reply.code(500).send(errorBody('internal_error', 'internal server error'));
  });
}

/**
 * Errors Fastify raises before routing (a malformed URL, a path parameter over maxParamLength):
 * the same error shape as every other answer, with a short message rather than the URL echoed back.
 */
export function frameworkErrorHandler(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  // An over-long path parameter (Fastify says 414) is a bad parameter like any other: 400.
  const status =
    error.code !== 'FST_ERR_MAX_PARAM_LENGTH' && error.statusCode && error.statusCode >= 400 && error.statusCode < 500
      ? error.statusCode
      : 400;
  const message =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'a path parameter is too long'
      : error.code === 'FST_ERR_BAD_URL'
        ? 'the URL is malformed'
        : 'bad request';
  void reply.code(status).send(errorBody(CLIENT_ERROR_CODES[status] ?? 'bad_request', message));
}
