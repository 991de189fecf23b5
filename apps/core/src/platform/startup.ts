import 'dotenv/config';
import pg from 'pg';
import { ConfigError, parseConfig, type Config } from '../config/config.js';
import { redactText, redactUrl } from './redact.js';

/**
 * What every process does first: read the configuration (a `.env` file in the working directory
 * is loaded by the import above) and stop with one clear message when a setting is bad.
 */
export function loadConfigOrExit(): Config {
  try {
    return parseConfig(process.env, process.cwd());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee .env.example for every setting and its default.\n`);
      process.exit(1);
    }
    throw error;
  }
}

export { redactUrl } from './redact.js';

export class DependencyUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DependencyUnavailableError';
  }
}

/**
 * Waits until Postgres accepts a connection, retrying for up to `timeoutMs` (services started
 * together come up in any order), then fails with a message naming DATABASE_URL instead of hanging.
 */
export async function waitForPostgres(databaseUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  do {
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (error) {
      lastError = error;
      await client.end().catch(() => undefined);
      if (isPermanentPostgresError(error)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } while (Date.now() < deadline);
  throw new DependencyUnavailableError(
    `cannot reach Postgres at ${redactUrl(databaseUrl)} (DATABASE_URL): ${redactText(String((lastError as Error)?.message ?? lastError))}`,
    { cause: lastError },
  );
}

/** A missing database or bad password will not fix itself by waiting. */
function isPermanentPostgresError(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '3D000' || code === '28P01' || code === '28000';
}
