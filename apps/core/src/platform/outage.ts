/**
 * Telling an outage from a fault. A job that fails because Postgres or Redis cannot be reached
 * has done nothing wrong: it must wait for the service, however long it is down, and not use up
 * the attempts meant for real failures. Everything else (a bug, a file that keeps changing, a
 * disk error) counts as an attempt.
 */

/** Node's socket errors: the service is not there, or went away. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/**
 * Postgres SQLSTATEs of an unavailable server: class 08 (connection exception), 57P01-57P03
 * (shut down by an administrator or a crash, not accepting connections yet) and 53300 (too many
 * connections).
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

/** What node-postgres and ioredis say when a connection dies under a query. */
const MESSAGES = [
  /connection terminated/i,
  /connection (is )?closed/i,
  /timeout exceeded when trying to connect/i,
  /client has encountered a connection error/i,
  /cannot use a pool after calling end/i,
  /terminating connection due to administrator command/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /reached the max retries per request limit/i,
  /too many (clients|connections)/i,
];

/** Whether `error` (or the error it wraps) means Postgres or Redis is unreachable right now. */
export function isConnectionError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message, errors } = e as { code?: unknown; message?: unknown; errors?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || (/^[0-9A-Z]{5}$/.test(code) && isUnavailableSqlState(code)))) return true;
    if (typeof message === 'string' && MESSAGES.some((m) => m.test(message))) return true;
    // AggregateError (a connect that tried IPv4 and IPv6): an outage if every attempt was one.
    if (Array.isArray(errors) && errors.length > 0 && errors.every(isConnectionError)) return true;
  }
  return false;
}

/**
 * SQLSTATEs of a statement cut short by a time limit: 57014 query_canceled (statement_timeout, or
 * a cancel request) and 55P03 lock_not_available (lock_timeout). Nothing is wrong with the work:
 * the database was busy, locked or misconfigured for a while (an `ALTER DATABASE ... SET
 * statement_timeout` too short for it), so it is retried like an outage, using no attempt.
 */
const TIMEOUT_SQLSTATES = new Set(['57014', '55P03']);

/**
 * Whether `error` (or what it wraps: an error's cause, or Prisma's driver adapter error) is a
 * statement or lock timeout.
 */
export function isQueryTimeout(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const { code, originalCode, cause, meta } = e as { code?: unknown; originalCode?: unknown; cause?: unknown; meta?: unknown };
    if (
      (typeof code === 'string' && TIMEOUT_SQLSTATES.has(code)) ||
      (typeof originalCode === 'string' && TIMEOUT_SQLSTATES.has(originalCode))
    )
      return true;
    // Prisma: PrismaClientKnownRequestError.meta.driverAdapterError.cause.originalCode
    const adapterError = (meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError;
    e = cause ?? adapterError;
  }
  return false;
}

/** node-postgres' pool gave up waiting for a free connection (connectionTimeoutMillis). */
export function isPoolWaitTimeout(error: unknown): boolean {
  return error instanceof Error && /timeout exceeded when trying to connect/i.test(error.message);
}

/**
 * How long to wait before the next try during an outage: doubling from `baseMs`, capped at `maxMs`
 * so a long outage is retried every `maxMs` and the job resumes soon after the service is back.
 */
export function outageDelayMs(retriesSoFar: number, baseMs: number, maxMs: number): number {
  const exponent = Math.min(Math.max(0, retriesSoFar), 30);
  return Math.min(maxMs, baseMs * 2 ** exponent);
}
